"""MHLW 医療情報ネット files built in the published layout: facility files, speciality-and-hours files, editions."""

import pytest

from renkei.core.models import Organization, Role
from renkei.directory.models import CollaborationDetail, Facility, ImportRun
from renkei.directory.services.imports import ImportContext, import_file

from ..factories import FacilityFactory, MembershipFactory, OrganizationFactory, set_details
from .test_import_support import facility_header, facility_row, hours_header, make_kumamoto, write_mhlw

HOSPITAL_A = "4310000000001"
HOSPITAL_B = "4310000000002"
CLINIC = "4320000000003"
MONDAY_MORNING = {"ID": HOSPITAL_A, "診療科目名": "内科", "月_診療開始時間": "09:00", "月_診療終了時間": "12:00"}


@pytest.fixture
def kumamoto(db):
    return make_kumamoto()


def hospital_file(tmp_path, rows, date="20260601"):
    return write_mhlw(tmp_path / f"01-1_hospital_facility_info_{date}.csv", facility_header(), rows)


def run_mhlw(path, **kwargs):
    return import_file(source="mhlw", file=path, file_name=path.name, **kwargs)


def test_the_facility_file_gives_names_positions_beds_and_holiday_closing(kumamoto, tmp_path):
    path = hospital_file(tmp_path, [
        facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷１丁目１７番１号",
                     kana="クマモトチュウオウビョウイン",
                     beds={"一般病床": "１２０", "療養病床": "30", "合計病床数": "150"},
                     other="年末年始\n（12/29〜1/3）", website="https://example.jp/"),
        facility_row(HOSPITAL_B, "みなみ病院", "熊本市南区近見1-1-1", lat="0.0", lon="0.0", city_code="104",
                     holiday_flag="1"),
    ])

    run = run_mhlw(path)

    assert (run.outcome, run.counts["created"], run.counts["rejected"]) == (ImportRun.Outcome.APPLIED, 2, 0)
    a = Facility.objects.get(identifiers__value=HOSPITAL_A)
    assert (a.kind, a.name, a.kana) == ("hospital", "熊本中央病院", "クマモトチュウオウビョウイン")
    assert a.municipality.name == "熊本市中央区" and a.prefecture.code == "43"
    assert a.address == "熊本市中央区新屋敷1丁目17番1号"
    assert (a.latitude, a.longitude, a.coordinate_source) == (32.80, 130.70, "mhlw")
    assert a.beds == {"一般病床": 120, "療養病床": 30} and a.beds_total == 150
    assert a.closed_on_holidays is True  # 祝日に休診 = 0 means closed
    assert "定休日: 日" in a.hours_note and "年末年始 / (12/29〜1/3)" in a.hours_note
    assert a.website == "https://example.jp/"
    assert a.sources == {"mhlw": "2026-06-01"}
    b = Facility.objects.get(identifiers__value=HOSPITAL_B)
    assert b.latitude is None and b.longitude is None and b.coordinate_quality == "unknown"  # 0.0: not the ocean
    assert b.municipality.name == "熊本市南区" and b.closed_on_holidays is False


def test_the_speciality_file_fills_departments_and_opening_hours(kumamoto, tmp_path):
    run_mhlw(hospital_file(tmp_path, [facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷1-17-1")]))
    header = hours_header()

    def hours(department, cells):
        return {"ID": HOSPITAL_A, "診療科目名": department, "診療時間帯": "1", **cells}

    path = write_mhlw(tmp_path / "01-2_hospital_speciality_hours_20260601.csv", header, [
        hours("内科", {"月_診療開始時間": "09:00", "月_診療終了時間": "12:00", "祝_診療開始時間": "09:00",
                      "祝_診療終了時間": "11:00"}),
        hours("内科", {"月_診療開始時間": "14:00", "月_診療終了時間": "17:00"}),
        hours("外科", {"月_診療開始時間": "１１:００", "月_診療終了時間": "13:00", "火_診療開始時間": "09:00",
                      "火_診療終了時間": "12:00"}),
    ])

    run = run_mhlw(path)

    assert (run.counts["rows"], run.counts["updated"], run.counts["rejected"]) == (3, 1, 0)
    a = Facility.objects.get(identifiers__value=HOSPITAL_A)
    assert a.departments == "|内科|外科|"
    periods = a.opening_hours.order_by("weekday", "opens")
    assert [(h.weekday, f"{h.opens:%H:%M}", f"{h.closes:%H:%M}") for h in periods] == [
        (0, "09:00", "13:00"), (0, "14:00", "17:00"), (1, "09:00", "12:00"), (7, "09:00", "11:00")]
    assert run_mhlw(path).counts["unchanged"] == 1


def test_a_speciality_row_for_an_unknown_facility_rejects_the_file(kumamoto, tmp_path):
    path = write_mhlw(tmp_path / "01-2_hospital_speciality_hours_20260601.csv", hours_header(), [MONDAY_MORNING])

    run = run_mhlw(path)

    assert run.outcome == ImportRun.Outcome.REJECTED
    assert run.rejected_rows[0]["row"] == 2 and HOSPITAL_A in run.rejected_rows[0]["reason"]


def test_a_dry_run_of_both_files_sees_the_facilities_of_the_first(kumamoto, tmp_path):
    context = ImportContext()
    run_mhlw(hospital_file(tmp_path, [facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷1-17-1")]),
             dry_run=True, context=context)
    path = write_mhlw(tmp_path / "01-2_hospital_speciality_hours_20260601.csv", hours_header(), [MONDAY_MORNING])

    run = run_mhlw(path, dry_run=True, context=context)

    assert run.outcome == ImportRun.Outcome.DRY_RUN and run.counts["rejected"] == 0
    assert Facility.objects.count() == 0


def test_a_newer_edition_updates_public_fields_keeps_details_and_closes_what_disappeared(kumamoto, tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    run_mhlw(hospital_file(first, [facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷1-17-1"),
                                   facility_row(HOSPITAL_B, "みなみ病院", "熊本市南区近見1-1-1", city_code="104")],
                           date="20260101"))
    a = Facility.objects.get(identifiers__value=HOSPITAL_A)
    set_details(a, scheduled_home_visit=True, professional_phone="096-000-0000")

    run = run_mhlw(hospital_file(tmp_path, [facility_row(HOSPITAL_A, "熊本中央総合病院", "熊本市中央区新屋敷1-17-1",
                                                         lat="32.81")], date="20260601"))

    assert (run.counts["updated"], run.counts["closed"], run.counts["created"]) == (1, 1, 0)
    a.refresh_from_db()
    assert a.name == "熊本中央総合病院" and a.latitude == 32.81 and "熊本中央総合病院" in a.search_text
    assert a.sources == {"mhlw": "2026-06-01"}
    assert dict(CollaborationDetail.objects.filter(facility=a).values_list("attribute__code", "value")) == {
        "scheduled_home_visit": True, "professional_phone": "096-000-0000"}
    b = Facility.objects.get(identifiers__value=HOSPITAL_B)
    assert b.status == "closed" and b.closed_reason == "no longer in 医療情報ネット 2026-06-01"
    assert b.closed_on is not None and Facility.objects.count() == 2  # closed, never deleted


def test_a_facility_listed_again_is_reopened(kumamoto, tmp_path):
    row = facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷1-17-1")
    other = facility_row(HOSPITAL_B, "みなみ病院", "熊本市南区近見1-1-1", city_code="104")
    for number, rows in enumerate([[row, other], [other], [row, other]]):
        folder = tmp_path / str(number)
        folder.mkdir()
        run_mhlw(hospital_file(folder, rows, date=f"2026010{number + 1}"))

    assert Facility.objects.get(identifiers__value=HOSPITAL_A).status == "open"


def test_the_same_file_twice_changes_nothing(kumamoto, tmp_path):
    path = hospital_file(tmp_path, [facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷1-17-1")])
    run_mhlw(path)
    stamp = Facility.objects.get().updated_at

    again = run_mhlw(path)

    assert (again.counts["unchanged"], again.counts["updated"], again.counts["created"]) == (1, 0, 0)
    assert Facility.objects.get().updated_at == stamp


def test_embedded_line_breaks_and_full_width_digits_are_read(kumamoto, tmp_path):
    path = hospital_file(tmp_path, [facility_row(HOSPITAL_A, "熊本\n中央病院", "熊本市中央区新屋敷１－１７－１",
                                                 other="お盆\r\n年末年始")])

    run = run_mhlw(path)

    assert run.counts["created"] == 1
    facility = Facility.objects.get()
    assert facility.address == "熊本市中央区新屋敷1-17-1" and facility.address_key == "熊本市中央区新屋敷1-17-1"
    assert "お盆 / 年末年始" in facility.hours_note


def test_the_clinic_file_keeps_clinics_with_beds_as_clinics(kumamoto, tmp_path):
    path = write_mhlw(tmp_path / "02-1_clinic_facility_info_20260601.csv", facility_header(), [
        facility_row(CLINIC, "有床クリニック", "熊本市北区楠1-1", city_code="105",
                     beds={"一般病床": 19, "合計病床数": 19})])

    run_mhlw(path)

    clinic = Facility.objects.get()
    assert (clinic.kind, clinic.beds_total, clinic.municipality.name) == ("clinic", 19, "熊本市北区")


def test_a_row_whose_kind_does_not_match_the_file_rejects_it(kumamoto, tmp_path):
    path = hospital_file(tmp_path, [facility_row(CLINIC, "診療所", "熊本市北区楠1-1", city_code="105")])

    run = run_mhlw(path)

    assert run.outcome == ImportRun.Outcome.REJECTED and run.rejected_rows[0]["column"] == "機関区分"


def test_an_unknown_municipality_code_rejects_the_row(kumamoto, tmp_path):
    path = hospital_file(tmp_path, [facility_row(HOSPITAL_A, "熊本中央病院", "どこか", city_code="999")])

    run = run_mhlw(path)

    assert run.outcome == ImportRun.Outcome.REJECTED and Facility.objects.count() == 0


def test_rows_of_other_municipalities_in_a_national_file_are_skipped_for_municipal_staff(
        kumamoto, municipality, tmp_path):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=kumamoto)
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)
    path = hospital_file(tmp_path, [
        facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷1-17-1"),
        facility_row("2610000000009", "福知山病院", "京都府福知山市内記1-1", prefecture_code="26", city_code="201",
                     lat="35.29", lon="135.12")])

    run = run_mhlw(path, membership=staff)

    assert (run.counts["created"], run.counts["skipped_out_of_scope"]) == (1, 1)
    assert list(Facility.objects.values_list("name", flat=True)) == ["熊本中央病院"]


def test_an_mhlw_facility_merges_with_a_staff_entry_of_the_same_name_and_address(kumamoto, tmp_path):
    staff_entry = FacilityFactory(kind="hospital", name="熊本中央病院", address="熊本市中央区新屋敷1丁目17番1号",
                                  municipality=kumamoto.wards.get(name="熊本市中央区"))

    run = run_mhlw(hospital_file(tmp_path, [facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷1-17-1")]))

    assert (run.counts["created"], run.counts["updated"]) == (0, 1)
    assert staff_entry.identifiers.filter(scheme="mhlw_id", value=HOSPITAL_A).exists()
    staff_entry.refresh_from_db()
    assert staff_entry.latitude == 35.2966  # a position staff set by hand is kept


@pytest.mark.parametrize("name, data", [
    ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ("01-1_hospital_facility_info_20260601.csv", b""),
    ("unknown.csv", "名前,住所\nA,B\n".encode()),
])
def test_files_that_are_not_mhlw_files_are_rejected_with_a_reason(kumamoto, name, data):
    run = import_file(source="mhlw", file=data, file_name=name)

    assert run.outcome == ImportRun.Outcome.REJECTED
    assert run.rejected_rows[0]["row"] is None and run.rejected_rows[0]["reason"]


def test_two_registrations_with_the_same_name_and_address_stay_two_facilities(kumamoto, tmp_path):
    path = hospital_file(tmp_path, [facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷1-17-1"),
                                    facility_row(HOSPITAL_B, "熊本中央病院", "熊本市中央区新屋敷1-17-1")])

    run = run_mhlw(path)

    assert (run.counts["created"], run.counts["duplicates"]) == (2, 0)


def test_a_newer_speciality_file_replaces_the_hours(kumamoto, tmp_path):
    run_mhlw(hospital_file(tmp_path, [facility_row(HOSPITAL_A, "熊本中央病院", "熊本市中央区新屋敷1-17-1")]))
    run_mhlw(write_mhlw(tmp_path / "01-2_hospital_speciality_hours_20260601.csv", hours_header(), [MONDAY_MORNING]))
    tuesday = {"ID": HOSPITAL_A, "診療科目名": "外科", "火_診療開始時間": "13:00", "火_診療終了時間": "16:00"}

    run = run_mhlw(write_mhlw(tmp_path / "01-2_hospital_speciality_hours_20261201.csv", hours_header(), [tuesday]))

    assert run.counts["updated"] == 1
    facility = Facility.objects.get()
    assert facility.departments == "|外科|"
    assert [(h.weekday, f"{h.opens:%H:%M}") for h in facility.opening_hours.all()] == [(1, "13:00")]
