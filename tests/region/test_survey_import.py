"""The long answer CSV: what it writes, each rejection with its row number in both languages, encodings and
separators, all or nothing, and the audit entries."""

import pytest

from renkei.core.models import AuditEntry, Municipality
from renkei.region.models import Implementation, ItemImplementation, ItemStatus, Operation, PdcaStage
from renkei.region.services.implementation_import import implementation_import
from tests.factories import MunicipalityFactory

from .factories import FY

HEADER = "市区町村コード,取組,回答\n"


def _run(text, *, encoding="utf-8", **kwargs):
    return implementation_import(data=text.encode(encoding), fiscal_year=FY, **kwargs)


def _rows(municipality, statuses="IPNIIIIN"):
    phrase = {"I": "実施している", "P": "年度内に実施予定", "N": "実施していない"}
    return "".join(f"{municipality.code},{k},{phrase[s]}\n" for k, s in zip("アイウエオカキク", statuses, strict=True))


def test_a_sheet_is_created_confirmed_and_audited_per_object(world):
    report = _run(HEADER + _rows(world.fukuchiyama) + f"{world.fukuchiyama.code},イ段階,2\n"
                  f"{world.fukuchiyama.code},ア委託,はい\n{world.fukuchiyama.code},ア支援,はい\n"
                  f"{world.fukuchiyama.code},カ内容,1\n{world.fukuchiyama.code},問40,2\n{world.fukuchiyama.code},問42,1\n")
    assert report.ok and report.created == ["福知山市"]
    sheet = Implementation.objects.get(municipality=world.fukuchiyama, fiscal_year=FY)
    assert sheet.source == Implementation.Source.IMPORT and sheet.confirmed_at is not None
    assert sheet.training_contents == ["multi_professional"] and sheet.difficulties == ["q40_02"]
    assert sheet.answered_questions
    items = {row.item: row for row in sheet.items.all()}
    assert items["b"].status == ItemStatus.PLANNED and items["b"].stage == PdcaStage.CONCRETE
    assert items["a"].operation == Operation.CONTRACTED and items["a"].prefecture_supported is True
    entries = AuditEntry.objects.filter(owner_municipality_id=world.fukuchiyama.pk,
                                        permission="region.import_implementation")
    assert entries.count() == 1 + 8


def test_a_second_import_updates_only_changed_items(world):
    _run(HEADER + _rows(world.fukuchiyama))
    report = _run(HEADER + _rows(world.fukuchiyama, "IIIIIIII"))
    assert report.updated == ["福知山市"] and report.items_updated == 3
    assert ItemImplementation.objects.filter(status=ItemStatus.IMPLEMENTED).count() == 8


@pytest.mark.parametrize(("row", "reason"), [
    ("262013,ア,実施中", "回答「実施中」"),
    ("262013,ケ,実施している", "取組「ケ」"),
    ("999997,ア,実施している", "の市区町村はありません"),
    ("262012,ア,実施している", "検査数字"),
])
def test_a_bad_row_is_rejected_with_its_row_number_and_nothing_is_written(world, row, reason):
    report = _run(HEADER + _rows(world.maizuru) + row + "\n")
    assert not report.ok
    assert [e.row for e in report.errors] == [10]
    assert reason in report.errors[0].reason and report.errors[0].reason_en
    assert not Implementation.objects.exists()


def test_a_duplicate_row_is_rejected_with_the_row_it_repeats(world):
    report = _run(HEADER + _rows(world.maizuru) + f"{world.maizuru.code},ア,実施していない\n")
    assert [(e.row, "2 行目" in e.reason) for e in report.errors] == [(10, True)]


def test_abolished_municipalities_and_wards_are_rejected(world):
    old = MunicipalityFactory(jis_code="26999", name="旧町", prefecture=world.kyoto, abolished_on="2006-01-01")
    city = MunicipalityFactory(jis_code="26100", name="京都市", prefecture=world.kyoto,
                               kind=Municipality.Kind.DESIGNATED_CITY)
    ward = MunicipalityFactory(jis_code="26101", name="北区", prefecture=world.kyoto, kind=Municipality.Kind.WARD,
                               parent=city)
    report = _run(HEADER + f"{old.code},ア,実施している\n{ward.code},ア,実施している\n{city.code},ア,実施している\n")
    assert [e.row for e in report.errors] == [2, 3]
    assert "廃止" in report.errors[0].reason and "区" in report.errors[1].reason


def test_cp932_tabs_bom_and_five_digit_codes_are_read(world):
    text = "市区町村コード\t取組\t回答\n" + "".join(
        f"{world.ayabe.jis_code}\t{k}\t実施していないが年度内に実施予定\n" for k in "アイウエオカキク")
    assert _run(text, encoding="cp932").ok
    assert _run("\ufeff" + HEADER.replace("取組", " 取 組 ") + _rows(world.ine)).ok
    assert Implementation.objects.count() == 2


def test_staff_of_another_prefecture_cannot_import_and_nothing_is_written(world):
    report = _run(HEADER + _rows(world.maizuru) + _rows(world.otsu), membership=world.prefecture)
    assert [e.row for e in report.errors] == [10]
    assert not Implementation.objects.exists()


def test_a_dry_run_writes_nothing(world):
    report = _run(HEADER + _rows(world.maizuru), dry_run=True)
    assert report.ok and report.created == ["舞鶴市"]
    assert not Implementation.objects.exists()


def test_the_import_takes_a_fixed_number_of_queries_whatever_the_number_of_municipalities(
        world, django_assert_max_num_queries):
    text = HEADER + "".join(_rows(m) for m in (*world.kyoto_municipalities, world.otsu))
    with django_assert_max_num_queries(20):
        report = _run(text)
    assert len(report.created) == 5 and ItemImplementation.objects.count() == 40


def test_an_excel_workbook_is_read_like_the_csv(world):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["市区町村コード", "取組", "回答"])
    for kana in "アイウエオカキク":
        book.active.append([world.ayabe.code, kana, "実施している"])
    out = BytesIO()
    book.save(out)
    report = implementation_import(data=out.getvalue(), fiscal_year=FY)
    assert report.ok and report.items_created == 8
