import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renkei.handoff import report_areas
from renkei.handoff.importers.census import care_level_group, parse_date, yes_no
from renkei.handoff.models import Baseline, CensusDischarge, CensusImport
from renkei.handoff.selectors import measures
from renkei.handoff.services.measures import baseline_enter, census_import
from tests.factories import FacilityFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db
JULY = dt.date(2024, 7, 1)

GOOD = ("事業所名,病院名,退院日,要介護度,退院前の連絡\n"
        "ケアプランセンターA,試験市民病院,2024/7/3,要介護2,有\n"
        "ケアプランセンターA,試験市民病院,2024/7/10,要支援1,無\n"
        "ケアプランセンターB,医療法人 山の上会 山の上病院,令和6年7月21日,要介護,○\n"
        "ケアプランセンターB,どこにもない病院,7/30,要介護5,×\n")


@pytest.fixture
def area(world):
    return report_areas.of_municipality(world.patient.municipality)


def _import(world, area, data: bytes, name="survey.csv"):
    return census_import(membership=world.municipal, area=area, month=JULY, file_name=name, data=data)


def test_a_good_file_is_imported_whole_and_hospitals_are_matched(world, area):
    FacilityFactory(kind="hospital", name="山の上病院", municipality=world.patient.municipality)
    result = _import(world, area, GOOD.encode())
    assert result.is_ok, result.errors
    assert result.census.row_count == 4 and CensusDischarge.objects.count() == 4
    by_name = {d.hospital_name: d for d in CensusDischarge.objects.all()}
    assert by_name["試験市民病院"].hospital == world.hospital
    assert by_name["医療法人 山の上会 山の上病院"].hospital.name == "山の上病院"
    assert by_name["どこにもない病院"].hospital is None
    assert result.unmatched == ["どこにもない病院"]
    month = measures.census_months(area)[0]
    assert (month.discharges, month.contacted) == (4, 2)
    assert month.missed_rate == 50 and month.coordination_rate_care == Decimal("66.7")
    assert month.coordination_rate_support == 0


def test_bad_rows_are_rejected_with_reasons_and_nothing_is_written(world, area):
    bad = (GOOD + "ケアプランセンターC,,2024/7/4,要介護1,有\n"
           "ケアプランセンターC,試験市民病院,2024/8/2,たぶん,どうだろう\n")
    result = _import(world, area, bad.encode())
    assert not result.is_ok
    assert CensusImport.objects.count() == 0 and CensusDischarge.objects.count() == 0
    reasons = [(e.row, e.column) for e in result.errors]
    assert (6, "病院名") in reasons
    assert {(7, "要介護度"), (7, "退院前の連絡"), (7, "退院日")} <= set(reasons)
    assert all(e.reason and e.reason_en for e in result.errors)


def test_shift_jis_with_tabs_and_full_width_headers(world, area):
    text = ("事業所名\t病院名\t退院日\t要介護度\t退院前の連絡（有・無）\n"
            "センター\t試験市民病院\t２０２４年７月５日\t要介護３\tあり\n"
            "センター\t試験市民病院\t2024-07-06\t要支援２\tなし\n")
    result = _import(world, area, text.encode("cp932"))
    assert result.is_ok, result.errors
    assert result.parsed.encoding == "cp932"
    assert CensusDischarge.objects.filter(was_contacted=True).count() == 1


def test_an_excel_file_is_read(world, area):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["事業所名", "医療機関名", "退院年月日", "介護度", "病院からの連絡"])
    sheet.append(["センター", "試験市民病院", dt.datetime(2024, 7, 8), "要介護1", 1])
    sheet.append(["センター", "試験紙病院", dt.datetime(2024, 7, 9), "要支援1", 0])
    buffer = io.BytesIO()
    book.save(buffer)
    result = _import(world, area, buffer.getvalue(), name="survey.xlsx")
    assert result.is_ok, result.errors
    assert sorted(CensusDischarge.objects.values_list("was_contacted", flat=True)) == [False, True]
    assert CensusDischarge.objects.get(was_contacted=False).hospital == world.paper_hospital


def test_the_tally_by_hospital_is_read_too(world, area):
    text = "病院名,退院者数,連絡あり\n試験市民病院,10,8\n試験紙病院,5,1\n合計,15,9\n"
    result = _import(world, area, text.encode())
    assert result.is_ok and result.parsed.layout == "aggregate"
    month = measures.census_months(area)[0]
    assert (month.discharges, month.contacted) == (15, 9)
    assert month.missed_rate == 40


def test_a_tally_with_more_contacted_than_discharged_is_refused(world, area):
    result = _import(world, area, "病院名,退院者数,連絡あり\n試験市民病院,3,4\n".encode())
    assert not result.is_ok and result.errors[0].column == "連絡あり"


def test_a_file_without_the_needed_columns_says_which(world, area):
    result = _import(world, area, "氏名,年齢\n山田,80\n".encode())
    assert result.file_error is not None and "病院名" in result.file_error.reason


def test_a_new_import_of_the_same_month_replaces_the_old(world, area):
    _import(world, area, GOOD.encode())
    result = _import(world, area, "病院名,退院者数,連絡あり\n試験市民病院,2,2\n".encode())
    assert result.replaced == 1 and CensusImport.objects.count() == 1 and CensusDischarge.objects.count() == 2


def test_another_municipality_cannot_import_here(world):
    elsewhere = report_areas.of_municipality(MunicipalityFactory())
    with pytest.raises(PermissionDenied):
        _import(world, elsewhere, GOOD.encode())


def test_a_baseline_is_entered_and_shown_for_the_area(world, area):
    baseline_enter(membership=world.municipal, area=area, measured_in=dt.date(2015, 5, 20), missed_rate="31",
                   source="県中圏域 退院調整に関する実態調査")
    assert [str(b) for b in measures.baselines(area)] == ["2015-05 31.0%"]
    with pytest.raises(ValidationError):
        baseline_enter(membership=world.municipal, area=area, measured_in=dt.date(2015, 5, 1), missed_rate="131")
    assert Baseline.objects.count() == 1


@pytest.mark.parametrize(("text", "expected"), [("要介護1", "care"), ("要介護", "care"), ("要支援２", "support"),
                                                ("要支援", "support"), ("未認定", "none"), ("わからない", None)])
def test_care_levels_are_read(text, expected):
    assert care_level_group(text) == expected


@pytest.mark.parametrize(("text", "expected"), [("有", True), ("あり", True), ("○", True), ("1", True),
                                                ("無", False), ("なし", False), ("×", False), ("0", False),
                                                ("?", None)])
def test_yes_and_no_are_read(text, expected):
    assert yes_no(text) is expected


def test_dates_are_read_in_the_usual_spellings():
    for text in ("2024/7/3", "2024-07-03", "2024年7月3日", "令和6年7月3日", "R6.7.3", "7/3", "７月３日"):
        assert parse_date(text, month=JULY) == dt.date(2024, 7, 3), text
    with pytest.raises(ValueError):
        parse_date("someday", month=JULY)
