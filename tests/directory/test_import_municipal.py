"""Municipal lists: 熊本市's real hospital and pharmacy lists, standard layouts, mappings, scope, merging."""

import datetime as dt

import pytest

from renkei.core.models import Municipality, Organization, Role
from renkei.directory.importers.common import read_header
from renkei.directory.importers.municipal import header_signature, suggest_mapping
from renkei.directory.models import Facility, FacilityIdentifier, ImportRun, MergeCandidate
from renkei.directory.services.imports import column_mapping_save, import_file, mapping_for_header

from ..factories import FacilityFactory, MembershipFactory, MunicipalityFactory, OrganizationFactory
from .test_import_support import make_kumamoto, real_file

HOSPITALS = "byouin_list_original_byouin_list.csv"
HOSPITALS_BOM = "byouin_list_byouin_list.csv"
PHARMACIES = "yakkyoku_list_original_yakkyoku_list.csv"
PHARMACIES_BOM = "yakkyoku_list_yakkyoku_list.csv"


@pytest.fixture
def kumamoto(db):
    return make_kumamoto()


def suggested(data: bytes, city, name: str):
    _, header, sample = read_header(data)
    return column_mapping_save(municipality=city, name=name, kind="", columns=suggest_mapping(header, sample),
                               headers=header)


def import_list(data: bytes, city, name="list.csv", **kwargs):
    mapping = suggested(data, city, name)
    return import_file(source="municipal", file=data, file_name=name, mapping=mapping, municipality=city, **kwargs)


def cp932(path) -> bytes:
    """The list as the city publishes it for Excel: Shift_JIS (CP932)."""
    return path.read_bytes().decode("utf-8").encode("cp932")


def test_the_hospital_list_in_shift_jis_imports_every_row_into_its_ward(kumamoto):
    run = import_list(cp932(real_file(HOSPITALS)), kumamoto, HOSPITALS)

    assert run.outcome == ImportRun.Outcome.APPLIED
    assert (run.counts["rows"], run.counts["created"], run.counts["rejected"]) == (90, 90, 0)
    hospital = Facility.objects.get(name="熊本整形外科病院")
    assert hospital.kind == "hospital"
    assert hospital.municipality.name == "熊本市中央区"
    assert hospital.postal_code == "862-0975"
    assert hospital.phone == "096-366-3666"
    assert hospital.beds == {"一般病床": 204} and hospital.beds_total == 204
    assert "|内科|" in hospital.departments and "|血管外科|" in hospital.departments
    assert hospital.latitude is None and hospital.coordinate_quality == "unknown"
    # The list is its own source, named by the saved mapping (the test names it after the file).
    assert list(hospital.sources) == ["municipal:431001:byouin_list_original_byouin_list.csv"]


def test_postal_codes_without_hyphen_are_normalised(kumamoto):
    import_list(cp932(real_file(HOSPITALS)), kumamoto, HOSPITALS)

    assert set(Facility.objects.values_list("postal_code", flat=True)) >= {"862-0971"}
    assert not Facility.objects.filter(postal_code="8620971").exists()


def test_the_utf8_bom_lists_import_with_the_suggested_mappings(kumamoto):
    hospitals = import_list(real_file(HOSPITALS_BOM).read_bytes(), kumamoto, HOSPITALS_BOM)
    pharmacies = import_list(real_file(PHARMACIES_BOM).read_bytes(), kumamoto, PHARMACIES_BOM)

    assert (hospitals.counts["rows"], hospitals.counts["created"], hospitals.counts["rejected"]) == (90, 90, 0)
    assert (pharmacies.counts["rows"], pharmacies.counts["created"], pharmacies.counts["rejected"]) == (400, 400, 0)
    pharmacy = Facility.objects.get(identifiers__value="431001:pharmacy:351")
    assert pharmacy.name == "ミカサ薬局"
    assert pharmacy.municipality.name == "熊本市中央区"
    # 開設者氏名 can hold a person's name, so it is not suggested for the (published) operator column.
    assert pharmacy.corporation_name == ""


def test_addresses_starting_with_the_prefecture_find_their_ward(kumamoto):
    import_list(real_file(PHARMACIES).read_bytes(), kumamoto, PHARMACIES)

    assert Facility.objects.get(identifiers__value="431001:pharmacy:1675").municipality.name == "熊本市中央区"


def test_a_second_import_of_the_same_files_changes_nothing(kumamoto):
    data = real_file(PHARMACIES).read_bytes()
    import_list(data, kumamoto, PHARMACIES)
    before = list(Facility.objects.order_by("pk").values_list("pk", "updated_at", "sources"))
    identifiers = FacilityIdentifier.objects.count()

    again = import_list(data, kumamoto, PHARMACIES)

    assert again.counts["unchanged"] == 400
    assert (again.counts["created"], again.counts["updated"], again.counts["closed"]) == (0, 0, 0)
    assert list(Facility.objects.order_by("pk").values_list("pk", "updated_at", "sources")) == before
    assert FacilityIdentifier.objects.count() == identifiers


def test_the_other_edition_of_the_hospital_list_updates_only_the_rows_that_differ(kumamoto):
    import_list(real_file(HOSPITALS).read_bytes(), kumamoto, HOSPITALS)

    converted = import_list(real_file(HOSPITALS_BOM).read_bytes(), kumamoto, HOSPITALS_BOM)

    assert (converted.counts["created"], converted.counts["updated"], converted.counts["unchanged"]) == (0, 12, 78)


def test_a_file_with_one_bad_row_is_rejected_and_nothing_is_written(kumamoto):
    text = real_file(PHARMACIES).read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[5] = lines[5].replace("令和", "令話", 1)  # the 有効期間 of data row 5 (spreadsheet row 6) is no date
    run = import_list("\n".join(lines).encode("utf-8"), kumamoto, PHARMACIES)

    assert run.outcome == ImportRun.Outcome.REJECTED
    assert run.counts["rejected"] == 1
    assert run.rejected_rows[0]["row"] == 6
    assert "有効期間" in run.rejected_rows[0]["reason"] and "not a date" in run.rejected_rows[0]["reason_en"]
    assert Facility.objects.count() == 0


def test_a_dry_run_reports_the_counts_and_writes_nothing(kumamoto):
    run = import_list(real_file(PHARMACIES).read_bytes(), kumamoto, PHARMACIES, dry_run=True)

    assert run.outcome == ImportRun.Outcome.DRY_RUN
    assert run.counts["created"] == 400
    assert Facility.objects.count() == 0


def test_suggested_mapping_finds_names_and_the_marked_department_columns(kumamoto):
    _, header, sample = read_header(real_file(HOSPITALS_BOM).read_bytes())

    mapping = suggest_mapping(header, sample)

    assert mapping["name"] == "施設正式名称"
    assert mapping["address"] == "所在地" and mapping["postal_code"] == "郵便番号"
    assert mapping["kind"] == "施設区分"
    assert mapping["departments_text"] == "診療科目その他"
    assert {"内科", "内科（ペインクリニック）", "気管食道・耳鼻咽喉科"} <= set(mapping["departments"]["columns"])
    assert "municipal_id" not in mapping  # "_id" is a row number of the converted copy, not an ID
    assert "精神病床数" not in mapping["departments"]["columns"]


def test_a_saved_mapping_is_found_again_by_the_header_signature(kumamoto):
    data = real_file(PHARMACIES).read_bytes()
    saved = suggested(data, kumamoto, "薬局一覧")
    _, header, _ = read_header(data)

    assert mapping_for_header(municipality=kumamoto, headers=list(reversed(header))) == saved
    assert saved.header_signature == header_signature(header)


STANDARD_HEADER = ("全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,医療機関の種類,所在地_連結表記,緯度,経度,"
                   "電話番号,FAX番号,法人番号,法人の名称,医療機関コード,診療科目,診療日,診療開始時間,診療終了時間,"
                   "診療日時備考,病床数,URL,備考")


def standard_file(*rows: str) -> bytes:
    return ("\ufeff" + STANDARD_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode("utf-8")


def test_the_standard_medical_layout_imports_without_a_mapping(kumamoto):
    data = standard_file(
        '431001,1,熊本市,みなみクリニック,ミナミクリニック,診療所,熊本県熊本市南区近見１丁目２－３,32.77,130.69,'
        '096-111-2222,,,,4310123,"内科 小児科",月火水金,09:00,18:00,"木曜は午前のみ",0,,',
        '431001,2,熊本市,ひがし歯科,ヒガシシカ,歯科診療所,熊本市東区健軍1-1,0.0,0.0,,,,,4330001,歯科,,,,,,,')

    run = import_file(source="municipal", file=data, file_name="431001_medical.csv", municipality=kumamoto)

    assert (run.counts["created"], run.counts["rejected"]) == (2, 0)
    clinic = Facility.objects.get(name="みなみクリニック")
    assert clinic.kind == "clinic" and clinic.municipality.name == "熊本市南区"
    assert (clinic.latitude, clinic.longitude, clinic.coordinate_source) == (32.77, 130.69, "municipal")
    assert clinic.departments == "|内科|小児科|"
    assert sorted(clinic.opening_hours.values_list("weekday", flat=True)) == [0, 1, 2, 4]
    assert clinic.identifiers.filter(scheme="medical_institution_code", value="4310123").exists()
    dental = Facility.objects.get(name="ひがし歯科")
    assert dental.kind == "dental_clinic" and dental.latitude is None  # 0.0 means unknown


def test_a_row_matching_an_existing_facility_by_code_updates_it(kumamoto):
    existing = FacilityFactory(name="旧名称クリニック", municipality=kumamoto.wards.get(name="熊本市南区"),
                               address="熊本市南区近見1-2-3")
    FacilityIdentifier.objects.create(facility=existing, scheme="medical_institution_code", value="4310123")
    data = standard_file('431001,1,熊本市,みなみクリニック,,診療所,熊本市南区近見１丁目２－３,,,,,,,4310123,,,,,,,,')

    run = import_file(source="municipal", file=data, file_name="medical.csv", municipality=kumamoto)

    assert (run.counts["created"], run.counts["updated"]) == (0, 1)
    existing.refresh_from_db()
    assert existing.name == "みなみクリニック"
    assert existing.latitude == 35.2966  # the list has no position: the one staff set stays


def test_a_row_with_the_same_name_and_address_merges_and_gets_the_identifier(kumamoto):
    existing = FacilityFactory(name="医療法人　みなみクリニック", municipality=kumamoto.wards.get(name="熊本市南区"),
                               address="熊本市南区近見1丁目2番3号")
    data = standard_file('431001,7,熊本市,みなみクリニック,,診療所,熊本市南区近見1-2-3,,,,,,,,,,,,,,,')

    run = import_file(source="municipal", file=data, file_name="medical.csv", municipality=kumamoto)

    assert (run.counts["created"], run.counts["updated"]) == (0, 1)
    assert existing.identifiers.filter(scheme="municipal_id", value="431001:clinic:7").exists()


def test_a_doubtful_pair_is_left_to_staff_as_a_merge_candidate(kumamoto):
    ward = kumamoto.wards.get(name="熊本市南区")
    existing = FacilityFactory(name="みなみクリニック", municipality=ward, address="熊本市南区田井島1-1")
    data = standard_file('431001,7,熊本市,みなみクリニック,,診療所,熊本市南区近見1-2-3,,,,,,,,,,,,,,,')

    run = import_file(source="municipal", file=data, file_name="medical.csv", municipality=kumamoto)

    assert (run.counts["created"], run.counts["merge_candidates"]) == (1, 1)
    candidate = MergeCandidate.objects.get()
    assert candidate.other == existing and candidate.facility.name == "みなみクリニック"
    assert "same name" in candidate.reason


def test_rows_of_other_municipalities_are_skipped_for_municipal_staff(kumamoto, municipality):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=kumamoto, name="熊本市役所")
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)
    data = standard_file('431001,1,熊本市,みなみクリニック,,診療所,熊本市南区近見1-2-3,,,,,,,,,,,,,,,',
                         '262013,2,福知山市,ふくちやま医院,,診療所,京都府福知山市内記1-1,,,,,,,,,,,,,,,')

    run = import_file(source="municipal", file=data, file_name="medical.csv", membership=staff)

    assert run.outcome == ImportRun.Outcome.APPLIED
    assert (run.counts["created"], run.counts["skipped_out_of_scope"], run.counts["rejected"]) == (1, 1, 0)
    assert not Facility.objects.filter(name="ふくちやま医院").exists()


def test_an_address_in_no_known_municipality_rejects_the_file(kumamoto):
    data = standard_file('431001,1,熊本市,どこか医院,,診療所,架空県架空市1-1,,,,,,,,,,,,,,,')

    run = import_file(source="municipal", file=data, file_name="medical.csv", municipality=kumamoto)

    assert run.outcome == ImportRun.Outcome.REJECTED
    assert "地名マスタ" in run.rejected_rows[0]["reason"]
    assert Facility.objects.count() == 0


def test_an_own_layout_without_a_mapping_is_refused_with_a_clear_reason(kumamoto):
    run = import_file(source="municipal", file=real_file(PHARMACIES).read_bytes(), file_name=PHARMACIES,
                      municipality=kumamoto)

    assert run.outcome == ImportRun.Outcome.REJECTED
    assert "列の対応づけ" in run.rejected_rows[0]["reason"]


def test_an_applied_file_writes_one_bulk_audit_entry_with_its_counts(kumamoto):
    from renkei.core.models import AuditEntry

    run = import_list(real_file(PHARMACIES).read_bytes(), kumamoto, PHARMACIES)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.BULK, object_type="directory.importrun")
    assert entry.object_id == str(run.pk)
    assert entry.changes["counts"]["created"] == 400 and entry.changes["import_run"] == run.pk


def test_a_standard_file_names_its_publisher_when_no_municipality_is_given(kumamoto):
    data = standard_file('431001,1,熊本市,みなみクリニック,,診療所,熊本市南区近見1-2-3,,,,,,,,,,,,,,,')

    run = import_file(source="municipal", file=data, file_name="medical.csv")

    assert run.counts["created"] == 1
    assert list(Facility.objects.get().sources) == ["municipal:431001:standard_medical"]


def test_two_lists_of_the_same_kind_do_not_close_each_others_entries(kumamoto):
    header = "名称,住所,種類\n"
    salons = (header + "いきいきサロン,熊本市中央区手取本町1-1,インフォーマル\n").encode()
    cafes = (header + "オレンジカフェ,熊本市中央区手取本町2-2,インフォーマル\n").encode()
    for name, data in (("通いの場", salons), ("認知症カフェ", cafes)):
        _, headers, sample = read_header(data)
        columns = suggest_mapping(headers, sample)
        mapping = column_mapping_save(municipality=kumamoto, name=name, kind="informal_resource", columns=columns,
                                      headers=headers)
        run = import_file(source="municipal", file=data, file_name=f"{name}.csv", mapping=mapping,
                          municipality=kumamoto)
        assert run.counts["closed"] == 0, run.counts
    assert set(Facility.objects.filter(status="open").values_list("name", flat=True)) == {
        "いきいきサロン", "オレンジカフェ"}


def test_an_excel_list_imports_like_its_csv(kumamoto, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["医療機関名", "所在地", "電話番号", "開設年月日", "内科", "外科"])
    sheet.append(["エクセル医院", "熊本市中央区手取本町3-3", "096-000-0000", dt.date(2020, 5, 1), "○", None])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    data = path.read_bytes()

    _, headers, sample = read_header(data)
    mapping = column_mapping_save(municipality=kumamoto, name="診療所一覧", kind="clinic",
                                  columns=suggest_mapping(headers, sample), headers=headers)
    run = import_file(source="municipal", file=data, file_name="list.xlsx", mapping=mapping, municipality=kumamoto)
    assert not run.rejected_rows and not run.messages, (run.rejected_rows, run.messages)

    assert (run.outcome, run.counts["created"], run.counts["rejected"]) == ("applied", 1, 0)
    clinic = Facility.objects.get(name="エクセル医院")
    assert clinic.departments == "|内科|" and clinic.phone == "096-000-0000"


# --- the layouts municipalities publish today (issue 7: real files) ---------------------------------------------

# The 自治体標準オープンデータセット 医療機関一覧 as municipalities publish it now: 診療曜日 and 診療日時特記事項.
CURRENT_HEADER = ("全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,名称_英字,医療機関の種類,所在地_連結表記,"
                  "所在地_都道府県,所在地_市区町村,所在地_町字,所在地_番地以下,建物名等(方書),緯度,経度,電話番号,"
                  "内線番号,FAX番号,法人番号,法人の名称,医療機関コード,診療科目,診療曜日,診療開始時間,診療終了時間,"
                  "診療日時特記事項,病床数,URL,備考")


def current_file(*rows: list[str]) -> bytes:
    def line(cells):
        return ",".join(f'"{c}"' if any(ch in c for ch in ',"\n') else c for c in cells)

    return ("\ufeff" + CURRENT_HEADER + "\r\n" + "\r\n".join(line(r) for r in rows) + "\r\n").encode("utf-8")


def current_row(row_id: str, name: str, kind: str, address: str, *, days="", opens="", closes="", note="",
                departments="", lat="", lon="") -> list[str]:
    return ["431001", row_id, "熊本県熊本市", name, "", "", kind, address, "熊本県", "熊本市", "", "", "", lat, lon,
            "", "", "", "", "", "", departments, days, opens, closes, note, "", "", ""]


def test_the_current_standard_list_with_診療曜日_gives_opening_hours_and_keeps_multi_line_notes(kumamoto):
    data = current_file(current_row("1", "みなみクリニック", "無床診療所", "熊本県熊本市南区近見1-2-3",
                                    days="月火水金土", opens="9:00", closes="18:00",
                                    note="土曜は午前のみ\n木曜・日曜・祝日は休診"))

    run = import_file(source="municipal", file=data, file_name="431001_medical_institution.csv")

    assert (run.outcome, run.counts["created"]) == (ImportRun.Outcome.APPLIED, 1)
    clinic = Facility.objects.get()
    assert sorted(clinic.opening_hours.values_list("weekday", "opens", "closes")) == [
        (day, dt.time(9), dt.time(18)) for day in (0, 1, 2, 4, 5)]
    assert clinic.hours_note == "土曜は午前のみ\n木曜・日曜・祝日は休診"


def test_hours_that_are_not_weekdays_and_times_go_to_the_note_and_the_row_is_kept(kumamoto):
    data = current_file(
        current_row("1", "熊本市休日夜間急患センター", "診療所", "熊本市中央区本荘6-1-1", days="休日、平日夜間",
                    opens="19:30", closes="23:00", note="小児科は22時まで"),
        current_row("2", "ひがし内科", "無床診療所", "熊本市東区健軍1-1", days="月～金", opens="9:00\n14:00",
                    closes="12:00\n18:00"),
        current_row("3", "きた医院", "無床診療所", "熊本市北区植木町1-1", days="月火木金", opens="午前", closes="午後"))

    run = import_file(source="municipal", file=data, file_name="medical.csv")

    assert (run.counts["created"], run.counts["rejected"]) == (3, 0)
    centre = Facility.objects.get(name="熊本市休日夜間急患センター")
    assert not centre.opening_hours.exists()
    assert centre.hours_note.splitlines() == ["診療曜日: 休日、平日夜間", "診療開始時間: 19:30", "診療終了時間: 23:00",
                                              "小児科は22時まで"]
    two_periods = Facility.objects.get(name="ひがし内科")
    assert sorted(two_periods.opening_hours.filter(weekday=0).values_list("opens", "closes")) == [
        (dt.time(9), dt.time(12)), (dt.time(14), dt.time(18))]
    unreadable_times = Facility.objects.get(name="きた医院")
    assert not unreadable_times.opening_hours.exists()
    assert "診療開始時間: 午前" in unreadable_times.hours_note and "診療曜日: 月火木金" in unreadable_times.hours_note


def test_dental_clinics_listed_as_無床診療所_are_recognised_from_their_name_or_departments(kumamoto):
    data = current_file(
        current_row("1", "さくら歯科医院", "無床診療所", "熊本市中央区手取本町1-1", departments="歯科"),
        current_row("2", "スマイルこども", "無床診療所", "熊本市中央区手取本町1-2", departments="小児歯科、矯正歯科"),
        current_row("3", "てとり内科", "無床診療所", "熊本市中央区手取本町1-3", departments="内科"))

    import_file(source="municipal", file=data, file_name="medical.csv")

    assert dict(Facility.objects.values_list("name", "kind")) == {
        "さくら歯科医院": "dental_clinic", "スマイルこども": "dental_clinic", "てとり内科": "clinic"}


def test_a_list_with_an_empty_kind_column_says_how_to_choose_a_kind_and_imports_with_it(kumamoto):
    data = current_file(current_row("1", "スマイルこども", "", "熊本市中央区手取本町1-2"),
                        current_row("2", "あおば", "", "熊本市中央区手取本町1-4"))

    refused = import_file(source="municipal", file=data, file_name="dental.csv")
    chosen = import_file(source="municipal", file=data, file_name="dental.csv", kind="dental_clinic")

    assert refused.outcome == ImportRun.Outcome.REJECTED
    assert "--kind" in refused.rejected_rows[0]["reason"] and "upload screen" in refused.rejected_rows[0]["reason_en"]
    assert (chosen.outcome, chosen.counts["created"]) == (ImportRun.Outcome.APPLIED, 2)
    assert set(Facility.objects.values_list("kind", flat=True)) == {"dental_clinic"}


# The older 推奨データセット 医療機関一覧 (2020): 都道府県コード又は市区町村コード, NO, 住所, 方書, 診療日, 診療時間.
OLDER_HEADER = ["都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名", "名称", "名称_カナ",
                "医療機関の種類", "住所", "方書", "緯度", "経度", "電話番号", "内線番号", "法人番号", "法人の名称",
                "医療機関コード", "診療科目", "診療日", "診療時間", "病床数", "URL", "備考"]


def older_file(rows: list[list[str]], *, separator=",", encoding="cp932") -> bytes:
    lines = [separator.join(OLDER_HEADER)] + [separator.join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def older_row(number, name, kind, address, *, code="431001", city="熊本市", days="", hours="", detail="",
              lat="", lon="") -> list[str]:
    return [code, number, "熊本県", city, name, "", kind, address, detail, lat, lon, "096-000-0000", "", "", "",
            "", "内科", days, hours, "", "", ""]


@pytest.mark.parametrize("separator", [",", "\t"])
def test_the_older_recommended_layout_is_detected_in_comma_or_tab_separated_files(kumamoto, separator):
    data = older_file([older_row("1", "みなみ病院", "病院", "熊本市南区近見1-2-3", days="月～金",
                                 hours="9:00～12:00、14:00～17:00", detail="2階")], separator=separator)

    run = import_file(source="municipal", file=data, file_name="431001_medical.csv")

    assert (run.outcome, run.counts["created"]) == (ImportRun.Outcome.APPLIED, 1), run.rejected_rows
    hospital = Facility.objects.get()
    assert (hospital.kind, hospital.municipality.name, hospital.address) == ("hospital", "熊本市南区",
                                                                               "熊本市南区近見1-2-3 2階")
    assert list(hospital.sources) == ["municipal:431001:standard_medical"]
    assert sorted(hospital.opening_hours.filter(weekday=4).values_list("opens", "closes")) == [
        (dt.time(9), dt.time(12)), (dt.time(14), dt.time(17))]
    # NO is a running number: it must never recognise a facility in the next edition.
    assert not hospital.identifiers.filter(scheme="municipal_id").exists()


def test_a_prefecture_wide_list_sends_each_row_to_the_municipality_of_its_address(kumamoto, make_membership):
    yatsushiro = MunicipalityFactory(jis_code="43202", name="八代市", prefecture=kumamoto.prefecture)
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=kumamoto.prefecture)
    prefecture_staff = make_membership(Role.PREFECTURE_STAFF, organization=office)
    code = kumamoto.prefecture.local_government_code  # 430005
    data = older_file([older_row("1", "やつしろ医院", "診療所", "八代市松江城町1-1", code=code, city="八代市"),
                       older_row("2", "みなみ病院", "病院", "熊本市南区近見1-2-3", code=code),
                       older_row("3", "かわしり医院", "診療所", "川尻4-5", code=code, city="熊本市南区")])

    run = import_file(source="municipal", file=data, file_name="43_medical.csv", membership=prefecture_staff)

    assert (run.outcome, run.counts["created"]) == (ImportRun.Outcome.APPLIED, 3), run.rejected_rows
    assert dict(Facility.objects.values_list("name", "municipality")) == {
        "やつしろ医院": yatsushiro.pk, "みなみ病院": Municipality.objects.get(name="熊本市南区").pk,
        "かわしり医院": Municipality.objects.get(name="熊本市南区").pk}
    assert {tuple(f.sources) for f in Facility.objects.all()} == {(f"municipal:{code}:standard_medical",)}


def test_municipal_staff_import_only_their_own_rows_of_a_prefecture_wide_list(kumamoto):
    MunicipalityFactory(jis_code="43202", name="八代市", prefecture=kumamoto.prefecture)
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=kumamoto)
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)
    code = kumamoto.prefecture.local_government_code
    data = older_file([older_row("1", "やつしろ医院", "診療所", "八代市松江城町1-1", code=code),
                       older_row("2", "みなみ病院", "病院", "熊本市南区近見1-2-3", code=code)])

    run = import_file(source="municipal", file=data, file_name="43_medical.csv", membership=staff)

    assert (run.counts["created"], run.counts["skipped_out_of_scope"]) == (1, 1)
    assert list(Facility.objects.values_list("name", flat=True)) == ["みなみ病院"]


def test_a_position_far_from_its_municipality_is_dropped_the_address_kept_and_counted(kumamoto):
    data = current_file(
        current_row("1", "とうきょう医院", "無床診療所", "熊本市中央区手取本町1-1", lat="35.6812", lon="139.7671"),
        current_row("2", "てとり内科", "無床診療所", "熊本市中央区手取本町1-3", lat="32.8031", lon="130.7079"))

    run = import_file(source="municipal", file=data, file_name="medical.csv")

    assert (run.outcome, run.counts["positions_dropped"]) == (ImportRun.Outcome.APPLIED, 1)
    far = Facility.objects.get(name="とうきょう医院")
    assert far.latitude is None and far.address == "熊本市中央区手取本町1-1"
    assert Facility.objects.get(name="てとり内科").latitude == 32.8031
    assert any("row 2" in message for message in run.messages)


def test_own_layout_kinds_are_guessed_per_row_from_care_service_names_and_common_words(kumamoto):
    data = ("名称,住所,種別\n"
            "あおば訪問リハ,熊本市中央区手取本町1-1,訪問リハビリテーション\n"
            "ひかり福祉用具,熊本市中央区手取本町1-2,福祉用具貸与\n"
            "ゆけむり,熊本市中央区手取本町1-3,訪問入浴\n"
            "やすらぎ苑,熊本市中央区手取本町1-4,入所施設\n"
            "熊本市保健所,熊本市中央区手取本町1-5,保健所\n"
            "てとり病院,熊本市中央区手取本町1-6,病院\n"
            "なごみ,熊本市中央区手取本町1-7,デイサービス\n").encode()
    _, headers, sample = read_header(data)
    mapping = column_mapping_save(municipality=kumamoto, name="地域資源一覧", kind="",
                                  columns=suggest_mapping(headers, sample), headers=headers)

    run = import_file(source="municipal", file=data, file_name="資源.csv", mapping=mapping, municipality=kumamoto)

    assert (run.outcome, run.counts["created"]) == (ImportRun.Outcome.APPLIED, 7), run.rejected_rows
    assert {name: (kind, service) for name, kind, service in
            Facility.objects.values_list("name", "kind", "service_type")} == {
        "あおば訪問リハ": ("care_service", "140"), "ひかり福祉用具": ("care_service", "170"),
        "ゆけむり": ("care_service", "120"), "やすらぎ苑": ("care_service", ""),
        "熊本市保健所": ("informal_resource", ""), "てとり病院": ("hospital", ""),
        "なごみ": ("care_service", "150")}
