"""The issue's reproduction test: an answer file of the 1,741 current municipalities built from the seed's published
figures (tests/region/seed_survey.py) is imported with `renkei implementation import` and the report reprints the
seed's tables: the item table line by line, the distribution, the prefecture ranking, support, stage, contents."""

import csv
import io

import pytest
from django.core.management import call_command

from renkei.core.services.places import load_places
from renkei.region.models import Implementation, ItemImplementation

from . import seed_survey

YEAR = 2015


@pytest.fixture
def reproduced(db, tmp_path):
    load_places()
    path = tmp_path / "answers.csv"
    seed_survey.write_file(path)
    out = io.StringIO()
    call_command("implementation", "import", str(path), "--year", str(YEAR), stdout=out)
    return out.getvalue()


def _report(fmt: str) -> str:
    out = io.StringIO()
    call_command("implementation", "report", "--year", str(YEAR), "--format", fmt, stdout=out)
    return out.getvalue()


def test_the_seed_answer_file_reproduces_the_published_tables(reproduced):
    assert Implementation.objects.filter(fiscal_year=YEAR).count() == 1741
    assert ItemImplementation.objects.count() == 1741 * 8
    text = _report("text").splitlines()
    for kana, line in seed_survey.ITEM_LINES.items():
        assert line in text, kana
    distribution = [line for line in text if line.split(" ")[0] in (
        "実施していない", "実施していないが年度内に実施予定", "全て実施している") or "つ実施している " in line]
    assert [line.split(" ", 1)[1] for line in distribution[:10]] == [
        f"{count:,} ({p}%)" for count, p in zip(seed_survey.DISTRIBUTION, seed_survey.DISTRIBUTION_PERCENTS,
                                                strict=True)]
    ranking_start = next(i for i, line in enumerate(text) if line.startswith("■ 都道府県別"))
    assert text[ranking_start + 2:ranking_start + 5] == [
        "福井県 5.6 94.1% (n=17) （17市町村中16市町村）",
        "滋賀県 5.5 94.7% (n=19) （19市町村中18市町村）",
        "岡山県 4.8 74.1% (n=27) （27市町村中20市町村）",
    ]
    assert "あり 704 (50.5%)" in text and "なし 689 (49.5%)" in text
    assert any(line.startswith("1.在宅医療・介護連携の現状の把握") and line.endswith(" 804 (79.4%)") for line in text)
    assert any(line.endswith(" 151 (14.9%)") for line in text) and any(line.endswith(" 58 (5.7%)") for line in text)
    assert any(line.startswith("医療・介護関係者の両方を対象") and line.endswith("771 (86.6%) 119 (13.4%)")
               for line in text)
    assert any(line.endswith("219 (24.6%) 671 (75.4%)") for line in text)
    assert any(line.endswith("367 (41.2%) 523 (58.8%)") for line in text)
    assert any(line.startswith("2.事業実施のためのノウハウの不足 ") and "(65.4%)" in line for line in text)
    assert any(line.startswith("5.医師会等関係団体との調整 ") and "(63.7%)" in line for line in text)

    markdown = _report("md")
    assert "| （ア）地域の医療・介護の資源の把握 | 671 (38.5%) | 374 (21.5%) | 696 (40.0%) | 1,741 |" in markdown
    rows = list(csv.reader(io.StringIO(_report("csv").lstrip("\ufeff"))))
    ka = next(r for r in rows if len(r) > 2 and r[1] == "（ウ）切れ目のない在宅医療と在宅介護の提供体制の構築推進")
    assert ka[2:9] == ["331", "19.0", "177", "10.2", "1233", "70.8", "1741"]
