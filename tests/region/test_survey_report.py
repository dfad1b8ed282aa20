"""The survey report's tables on a small world, the rounding, the formats and the reach of each viewer."""

from decimal import Decimal

import pytest

from renkei.region import report_formats
from renkei.region.selectors.report import percent, report_scope, survey_report
from renkei.region.services.implementation import ItemAnswer

from .factories import FY, answer


@pytest.mark.parametrize(("count", "n", "shown"), [
    (671, 1741, "38.5"), (1, 8, "12.5"), (1, 16, "6.3"), (3, 16, "18.8"), (704, 1393, "50.5"), (350, 673, "52.0"),
    (58, 1013, "5.7"), (0, 5, "0.0"), (5, 5, "100.0"),
])
def test_percentages_are_rounded_half_up_on_the_exact_fraction(count, n, shown):
    assert str(percent(count, n)) == shown


@pytest.fixture
def answered(world):
    answer(world.fukuchiyama, "IIIIIIII")
    answer(world.maizuru, "IPNNNNNN")
    answer(world.ayabe, "PNNNNNNN")
    answer(world.ine, "NNNNNNNN")
    answer(world.otsu, "IINNNNNN", confirm=False)
    return world


def test_the_item_table_counts_confirmed_sheets_only(answered):
    report = survey_report(report_scope(None), fiscal_year=FY)
    row = report.table("items").rows[0]
    assert row.line() == "（ア）地域の医療・介護の資源の把握 2 (50.0%) 1 (25.0%) 1 (25.0%) (n=4)"


def test_the_distribution_and_the_bands_follow_the_answers(answered):
    report = survey_report(report_scope(None), fiscal_year=FY)
    counts = [row.cells[0].count for row in report.table("distribution").rows]
    assert counts == [1, 1, 1, 0, 0, 0, 0, 0, 0, 1]
    assert report.table("band:lt10k").rows[0].cells[2].count == 1  # 伊根町 does nothing
    assert report.table("band:50k-100k").n == 2


def test_the_prefecture_ranking_gives_average_and_support(answered):
    report = survey_report(report_scope(None), fiscal_year=FY)
    kyoto = report.table("prefectures").rows[0]
    assert kyoto.label == "京都府" and kyoto.cells[0] == "2.3" and kyoto.note == "（3市町村中0市町村）"


def test_prefecture_staff_count_their_prefecture_and_published_sheets(answered):
    from renkei.region.models import Implementation

    Implementation.objects.filter(municipality=answered.otsu).update(confirmed_at="2025-06-01T00:00:00Z")
    assert survey_report(report_scope(answered.prefecture), fiscal_year=FY).n == 4
    assert survey_report(report_scope(answered.other_prefecture), fiscal_year=FY).n == 1
    Implementation.objects.filter(municipality=answered.fukuchiyama).update(is_published=True)
    assert survey_report(report_scope(answered.other_prefecture), fiscal_year=FY).n == 2
    assert survey_report(report_scope(answered.other_official), fiscal_year=FY).n == 2


def test_the_report_takes_a_fixed_number_of_queries(answered, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        survey_report(report_scope(None), fiscal_year=FY)


def test_stage_and_training_contents_are_shares_of_those_answering(world):
    answer(world.fukuchiyama, "IIIIIIII", training_contents=["multi_professional"])
    from renkei.region.services.implementation import implementation_save

    implementation_save(membership=None, municipality=world.maizuru, fiscal_year=FY, confirm=True,
                        items=[ItemAnswer(item="b", status="implemented", stage="evaluating"),
                               ItemAnswer(item="f", status="planned")])
    report = survey_report(report_scope(None), fiscal_year=FY)
    assert [r.cells[0].count for r in report.table("stage").rows] == [0, 0, 1]
    assert report.table("training").rows[0].line().endswith("1 (50.0%) 1 (50.0%)")


def test_the_formats_hold_the_same_table(answered):
    from io import BytesIO

    from openpyxl import load_workbook

    report = survey_report(report_scope(None), fiscal_year=FY)
    markdown = report_formats.to_markdown(report)
    assert "| （ア）地域の医療・介護の資源の把握 | 2 (50.0%) | 1 (25.0%) | 1 (25.0%) | 4 |" in markdown
    assert "（ア）地域の医療・介護の資源の把握,2,50.0,1,25.0,1,25.0,4," in report_formats.to_csv(report)
    sheet = load_workbook(BytesIO(report_formats.to_xlsx(report))).active
    values = [row for row in sheet.iter_rows(values_only=True) if row[1] == "（ア）地域の医療・介護の資源の把握"]
    assert values[0][2:5] == (2, 50.0, 1)
    assert report.table("items").rows[0].cells[0].percent == Decimal("50.0")
