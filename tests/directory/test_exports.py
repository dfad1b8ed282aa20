"""Exports: open-data CSV, GeoJSON, Excel, the printable booklet, and the staff exports page."""

import base64
import csv
import datetime as dt
import io
import json
import math
import os
import random
import re
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from renkei.core.models import AuditEntry, Organization, Role
from renkei.directory.exports import booklet, excel, geojson, opendata
from renkei.directory.exports.responses import content_disposition
from renkei.directory.exports.scope import ExportScope, export_facilities, iter_export_facilities
from renkei.directory.models import AreaShape, FacilityIdentifier, OpeningHours
from tests.factories import DailyLivingAreaFactory, FacilityFactory, OrganizationFactory, set_details

# Exactly the standard's columns, in order (see the module docstring of opendata.py for the version).
MEDICAL_HEADER = (
    "全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,名称_英字,医療機関の種類,所在地_全国地方公共団体コード,"
    "町字ID,所在地_連結表記,所在地_都道府県,所在地_市区町村,所在地_町字,所在地_番地以下,建物名等(方書),緯度,経度,"
    "電話番号,内線番号,FAX番号,法人番号,法人の名称,医療機関コード,診療曜日,診療開始時間,診療終了時間,診療日時特記事項,"
    "時間外における対応,診療科目,病床数,URL,備考")
CARE_HEADER = (
    "全国地方公共団体コード,ID,地方公共団体名,介護サービス事業所名称,介護サービス事業所名称_カナ,"
    "介護サービス事業所名称_英字,実施サービス,所在地_全国地方公共団体コード,町字ID,所在地_連結表記,所在地_都道府県,"
    "所在地_市区町村,所在地_町字,所在地_番地以下,建物名等(方書),緯度,経度,電話番号,内線番号,FAX番号,法人番号,"
    "法人の名称,事業所番号,利用可能曜日,利用可能曜日特記事項,定員,URL,備考")
SECRET_LINE = "075-999-0000"  # a professional-only detail: must never appear in public exports


def csv_bytes(scope, dataset):
    return b"".join(opendata.opendata_csv(scope, dataset))


@pytest.fixture
def clinic(municipality):
    area = DailyLivingAreaFactory(municipality=municipality, name="中央圏域")
    facility = FacilityFactory(
        municipality=municipality, daily_living_area=area, name="内記ファミリークリニック",
        kana="ないきふぁみりーくりにっく", address="字内記10-2", phone="0773-22-1111", fax="0773-22-1112",
        departments="|内科|小児科|",
        latitude=35.296612, longitude=135.126401, corporation_name="医療法人内記会", website="https://naiki.example.jp/")
    FacilityIdentifier.objects.create(facility=facility, scheme="medical_institution_code", value="2610123")
    for weekday in range(5):
        OpeningHours.objects.create(facility=facility, weekday=weekday, opens=dt.time(9), closes=dt.time(18))
    set_details(facility, scheduled_home_visit=True, round_the_clock=True, professional_phone=SECRET_LINE)
    return facility


# --- open data CSV --------------------------------------------------------------------------------

def test_medical_csv_header_is_exactly_the_standards_columns_in_order(clinic, municipality):
    content = csv_bytes(ExportScope(municipality), opendata.MEDICAL)
    header = content.decode("utf-8-sig").split("\r\n")[0]
    assert header == MEDICAL_HEADER


def test_care_csv_header_is_exactly_the_standards_columns_in_order(municipality):
    content = csv_bytes(ExportScope(municipality), opendata.CARE)
    assert content.decode("utf-8-sig").split("\r\n")[0] == CARE_HEADER


def test_csv_is_utf8_with_bom_and_crlf_line_ends(clinic, municipality):
    content = csv_bytes(ExportScope(municipality), opendata.MEDICAL)
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.count("\r\n") == 2 and "\n" not in text.replace("\r\n", "")


def test_csv_row_of_a_known_clinic_has_its_values(clinic, municipality):
    rows = list(csv.DictReader(io.StringIO(csv_bytes(ExportScope(municipality), opendata.MEDICAL).decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["全国地方公共団体コード"] == "262013"
    assert row["地方公共団体名"] == "京都府福知山市"
    assert row["ID"] == str(clinic.pk)
    assert row["名称"] == "内記ファミリークリニック"
    assert row["名称_カナ"] == "ナイキファミリークリニック"
    assert row["医療機関の種類"] == "無床診療所"
    assert row["所在地_連結表記"] == "京都府福知山市字内記10-2"
    assert (row["所在地_都道府県"], row["所在地_市区町村"]) == ("京都府", "福知山市")
    assert (row["所在地_町字"], row["所在地_番地以下"]) == ("字内記", "10-2")
    assert (row["緯度"], row["経度"]) == ("35.296612", "135.126401")
    assert row["電話番号"] == "0773-22-1111" and row["FAX番号"] == "0773-22-1112"
    assert row["医療機関コード"] == "2610123"
    assert row["診療曜日"] == "月;火;水;木;金"
    assert (row["診療開始時間"], row["診療終了時間"]) == ("09:00", "18:00")
    assert row["時間外における対応"] == "24時間対応"
    assert row["診療科目"] == "内科;小児科"
    assert row["法人の名称"] == "医療法人内記会"
    assert row["URL"] == "https://naiki.example.jp/"


def test_csv_puts_care_services_and_nursing_stations_in_the_care_dataset(municipality, clinic):
    FacilityFactory(municipality=municipality, kind="care_service", service_type="150", name="デイサービス内記",
                    capacity=30)
    FacilityFactory(municipality=municipality, kind="visiting_nursing_station", name="内記訪問看護ステーション")
    FacilityFactory(municipality=municipality, kind="pharmacy", name="内記薬局")
    care = list(csv.DictReader(io.StringIO(csv_bytes(ExportScope(municipality), opendata.CARE).decode("utf-8-sig"))))
    assert {(r["介護サービス事業所名称"], r["実施サービス"]) for r in care} == {
        ("デイサービス内記", "通所介護"), ("内記訪問看護ステーション", "訪問看護")}
    medical = csv_bytes(ExportScope(municipality), opendata.MEDICAL).decode("utf-8-sig")
    assert "内記薬局" not in medical and "デイサービス内記" not in medical


def test_csv_leaves_unknown_positions_empty_and_skips_closed_facilities(municipality):
    FacilityFactory(municipality=municipality, name="位置不明医院", latitude=None, longitude=None)
    FacilityFactory(municipality=municipality, name="閉院した医院", status="closed")
    rows = list(csv.DictReader(io.StringIO(csv_bytes(ExportScope(municipality), opendata.MEDICAL).decode("utf-8-sig"))))
    assert [(r["名称"], r["緯度"], r["経度"]) for r in rows] == [("位置不明医院", "", "")]


def test_no_professional_only_detail_appears_in_the_csv(clinic, municipality):
    for dataset in (opendata.MEDICAL, opendata.CARE):
        assert SECRET_LINE not in csv_bytes(ExportScope(municipality), dataset).decode("utf-8-sig")


# --- GeoJSON --------------------------------------------------------------------------------------

def test_geojson_has_points_for_positioned_facilities_and_counts_the_others(clinic, municipality):
    FacilityFactory(municipality=municipality, name="位置不明医院", latitude=None, longitude=None)
    collection = geojson.feature_collection(ExportScope(municipality))
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in collection["features"]] == ["内記ファミリークリニック"]
    assert collection["features"][0]["geometry"] == {"type": "Point", "coordinates": [135.126401, 35.296612]}
    assert collection["metadata"]["features"] == 1
    assert collection["metadata"]["without_position"] == 1


def test_public_geojson_has_public_details_but_no_professional_ones(clinic, municipality):
    text = "".join(geojson.geojson_chunks(ExportScope(municipality), membership=None))
    properties = json.loads(text)["features"][0]["properties"]
    assert {d["code"] for d in properties["details"]} == {"scheduled_home_visit", "round_the_clock"}
    assert SECRET_LINE not in text


def test_staff_geojson_includes_professional_details(clinic, municipality, make_membership):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    properties = geojson.feature_collection(ExportScope(municipality), staff)["features"][0]["properties"]
    assert {"code": "professional_phone", "value": SECRET_LINE} in [
        {"code": d["code"], "value": d["value"]} for d in properties["details"]]


# --- scope ----------------------------------------------------------------------------------------

def test_scope_narrows_to_area_and_kinds(municipality, clinic):
    other_area = DailyLivingAreaFactory(municipality=municipality, name="北部圏域")
    FacilityFactory(municipality=municipality, daily_living_area=other_area, kind="pharmacy", name="北部薬局")
    FacilityFactory(municipality=municipality, kind="pharmacy", name="圏域なし薬局")
    names = lambda scope: sorted(f.name for f in export_facilities(scope))  # noqa: E731
    assert names(ExportScope(municipality, area=other_area)) == ["北部薬局"]
    assert names(ExportScope(municipality, kinds=("pharmacy",))) == ["北部薬局", "圏域なし薬局"]
    assert names(ExportScope(municipality, area_not_set=True)) == ["圏域なし薬局"]


def _export_queries(municipality) -> int:
    with CaptureQueriesContext(connection) as queries:
        csv_bytes(ExportScope(municipality), opendata.MEDICAL)
        "".join(geojson.geojson_chunks(ExportScope(municipality)))
        excel.workbook_bytes(ExportScope(municipality))
    return len(queries)


def _add_clinics(municipality, count):
    for index in range(count):
        facility = FacilityFactory(municipality=municipality, kind="clinic" if index % 2 else "hospital")
        OpeningHours.objects.create(facility=facility, weekday=0, opens=dt.time(9), closes=dt.time(12))
        FacilityIdentifier.objects.create(facility=facility, scheme="municipal_id", value=f"M{count}-{index}")
        set_details(facility, scheduled_home_visit=True)


def test_exporting_many_facilities_costs_a_bounded_number_of_queries(municipality, django_assert_max_num_queries):
    _add_clinics(municipality, 20)
    with django_assert_max_num_queries(6):  # facilities, then one query per prefetched relation
        assert len(list(iter_export_facilities(ExportScope(municipality)))) == 20
    few = _export_queries(municipality)
    _add_clinics(municipality, 60)
    assert _export_queries(municipality) == few  # the count does not grow with the directory


# --- Excel ----------------------------------------------------------------------------------------

def test_excel_opens_with_the_expected_sheets_and_values(clinic, municipality, make_membership):
    content, count = excel.workbook_bytes(ExportScope(municipality), make_membership(Role.MUNICIPAL_STAFF))
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["施設一覧", "連携情報", "この資料について"]
    assert count == 1
    facilities = workbook["施設一覧"]
    header = [c.value for c in facilities[1]]
    row = dict(zip(header, [c.value for c in facilities[2]], strict=True))
    assert row["名称"] == "内記ファミリークリニック" and row["種別"] == "診療所"
    assert row["所在地"] == "京都府福知山市字内記10-2"
    assert facilities.freeze_panes == "B2"
    assert facilities.auto_filter.ref == "A1:T2"
    assert facilities[1][0].font.bold
    details = workbook["連携情報"]
    detail_header = [c.value for c in details[1]]
    detail_row = dict(zip(detail_header, [c.value for c in details[2]], strict=True))
    assert detail_row["訪問診療"] == "可" and detail_row["24時間対応"] == "可"
    assert detail_row["往診"] is None  # not answered
    assert detail_row["専門職用の連絡先"] == SECRET_LINE  # staff see professional details
    assert re.fullmatch(r"令和\d+年\d+月\d+日", detail_row["最終確認日"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", detail_row["最終確認日（ISO）"])


def test_excel_for_residents_has_no_professional_columns(clinic, municipality):
    content, _count = excel.workbook_bytes(ExportScope(municipality), None)
    workbook = load_workbook(io.BytesIO(content))
    values = [c.value for row in workbook["連携情報"].iter_rows() for c in row]
    assert "専門職用の連絡先" not in values and SECRET_LINE not in values


# --- booklet --------------------------------------------------------------------------------------

def pdf_streams(content: bytes) -> list[bytes]:
    """The decoded content streams of a reportlab PDF (ASCII85 + Flate, or Flate only)."""
    streams = []
    for match in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", content, re.S):
        data = match.group(2).strip()
        if b"/ASCII85Decode" in match.group(1):
            data = base64.a85decode(data[:-2] if data.endswith(b"~>") else data)
        if b"/FlateDecode" in match.group(1):
            data = zlib.decompress(data)
        streams.append(data)
    return streams


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def pdf_drawn_text(content: bytes) -> str:
    """Every string drawn with the CID fonts (UTF-16BE literals), concatenated: what a reader would see."""
    drawn = b""
    for stream in pdf_streams(content):
        for literal in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream, re.S):
            raw, index, out = literal.group(1), 0, bytearray()
            while index < len(raw):
                byte = raw[index:index + 1]
                if byte == b"\\":
                    octal = re.match(rb"[0-7]{1,3}", raw[index + 1:index + 4])
                    if octal:
                        out.append(int(octal.group(0), 8))
                        index += 1 + len(octal.group(0))
                        continue
                    following = raw[index + 1:index + 2]
                    out += _ESCAPES.get(following, following)
                    index += 2
                    continue
                out += byte
                index += 1
            drawn += bytes(out) if len(out) % 2 == 0 else b""
    return drawn.decode("utf-16-be", errors="replace")


def pdf_contains(content: bytes, text: str) -> bool:
    """True when the text was drawn in a Japanese font or, for plain ASCII, in any font."""
    ascii_text = text.isascii() and any(text.encode() in stream for stream in pdf_streams(content))
    return ascii_text or text in pdf_drawn_text(content)


def test_booklet_is_a_pdf_with_one_section_per_area(clinic, municipality):
    DailyLivingAreaFactory(municipality=municipality, name="北部圏域", sort_order=5)
    content, info = booklet.booklet_pdf(ExportScope(municipality))
    assert content.startswith(b"%PDF")
    assert info.sections == ["中央圏域", "北部圏域"]
    assert info.facilities == 1 and info.pages == 4  # cover, contents, one page per area
    assert pdf_contains(content, "中央圏域") and pdf_contains(content, "北部圏域")
    assert pdf_contains(content, "この圏域に掲載する資源はありません。")  # the empty area says so
    assert content.count(b"/Type /Page\n") + content.count(b"/Type /Page ") == 4


def test_booklet_sections_add_area_not_set_when_some_facilities_have_no_area(clinic, municipality):
    FacilityFactory(municipality=municipality, name="圏域なし医院")
    _content, info = booklet.booklet_pdf(ExportScope(municipality))
    assert info.sections == ["中央圏域", booklet.AREA_NOT_SET_TITLE]


def test_booklet_of_an_empty_municipality_still_renders(municipality):
    content, info = booklet.booklet_pdf(ExportScope(municipality))
    assert content.startswith(b"%PDF") and content.rstrip().endswith(b"%%EOF")
    assert info.sections == [] and info.facilities == 0 and info.pages == 3


def test_booklet_draws_public_details_but_never_professional_ones(clinic, municipality):
    content, _info = booklet.booklet_pdf(ExportScope(municipality))
    assert pdf_contains(content, "内記ファミリークリニック")
    assert pdf_contains(content, "○")
    assert not pdf_contains(content, SECRET_LINE)
    assert pdf_contains(content, "在宅医療・介護資源マップ") and pdf_contains(content, "京都府福知山市")


def test_booklet_handles_long_names_and_many_facilities_in_one_area(municipality):
    area = DailyLivingAreaFactory(municipality=municipality, name="中央圏域")
    long_name = "医療法人社団とても長い名前の法人が運営する地域医療連携推進在宅総合診療クリニック" * 2
    FacilityFactory(municipality=municipality, daily_living_area=area, name=long_name)
    for index in range(120):
        FacilityFactory(municipality=municipality, daily_living_area=area, latitude=35.29 + index / 2000,
                        longitude=135.12 + (index % 11) / 500)
    _content, info = booklet.booklet_pdf(ExportScope(municipality))
    assert info.facilities == 121
    assert info.pages >= 6  # cover, contents, and a multi-page table with repeated header


# --- realistic directory, rendered for a human to look at ----------------------------------------------

AREA_CENTRES = [("中央圏域", 35.2966, 135.1264), ("東部圏域", 35.3050, 135.1800), ("西部圏域", 35.2800, 135.0700),
                ("北部圏域", 35.4350, 135.1150), ("三和圏域", 35.2250, 135.2100),
                ("夜久野圏域", 35.2900, 134.9900), ("大江圏域", 35.4300, 135.1900)]
KIND_MIX = ["clinic"] * 6 + ["hospital", "dental_clinic", "dental_clinic", "pharmacy", "pharmacy",
                              "visiting_nursing_station", "care_service", "care_service", "care_service",
                              "community_support_center", "informal_resource"]


NAME_SUFFIXES = {"clinic": "医院", "hospital": "病院", "dental_clinic": "歯科医院", "pharmacy": "薬局",
                 "visiting_nursing_station": "訪問看護ステーション", "care_service": "ケアセンター",
                 "community_support_center": "地域包括支援センター", "informal_resource": "ふれあいサロン"}


def realistic_name(index: int, area_name: str, kind: str) -> str:
    if index == 10:  # a long name, to check wrapping
        return "医療法人社団 福知山在宅ケアネットワーク 地域連携ファミリークリニック 分院"
    stem = ["さくら", "みどり", "ひかり", "あおば", "ことぶき"][index % 5]
    return f"{area_name[:-2]}{stem}{NAME_SUFFIXES[kind]}{index}"


def make_realistic_directory(municipality, *, facilities: int = 200, seed: int = 7):
    """~200 facilities of every kind over 7 areas with outlines, details and a few without position."""
    rng = random.Random(seed)
    areas = []
    for order, (name, lat, lon) in enumerate(AREA_CENTRES):
        area = DailyLivingAreaFactory(municipality=municipality, name=name, sort_order=order)
        ring = [[lon + 0.045 * math.cos(a) * (1 + 0.25 * math.sin(3 * a)), lat + 0.035 * math.sin(a)]
                for a in (2 * math.pi * i / 24 for i in range(24))]
        ring.append(ring[0])
        AreaShape.objects.create(municipality=municipality, daily_living_area=area,
                                 geometry={"type": "Polygon", "coordinates": [ring]},
                                 min_lat=lat - 0.04, max_lat=lat + 0.04, min_lon=lon - 0.06, max_lon=lon + 0.06)
        areas.append((area, lat, lon))
    service_types = ["110", "150", "430", "320", "510"]
    informal = ["kayoi_no_ba", "meal_delivery", "watching"]
    made = []
    for index in range(facilities):
        area, lat, lon = areas[index % 6] if index % 17 else areas[rng.randrange(7)]
        kind = KIND_MIX[index % len(KIND_MIX)]
        positioned = index % 23 != 5
        facility = FacilityFactory(
            municipality=municipality, daily_living_area=area if index % 41 != 3 else None, kind=kind,
            service_type=rng.choice(service_types) if kind == "care_service" else (
                rng.choice(informal) if kind == "informal_resource" else ""),
            name=realistic_name(index, area.name, kind),
            latitude=lat + rng.uniform(-0.025, 0.025) if positioned else None,
            longitude=lon + rng.uniform(-0.035, 0.035) if positioned else None,
            address=f"字{area.name[:-2]}{index}-{rng.randint(1, 30)}", beds_total=rng.choice([None, 19, 120]))
        answers = {}
        if kind in ("clinic", "hospital"):
            answers = {"scheduled_home_visit": rng.random() < 0.5, "urgent_home_visit": rng.random() < 0.4,
                       "home_end_of_life_care": rng.random() < 0.3, "round_the_clock": rng.random() < 0.3}
        elif kind == "pharmacy":
            answers = {"home_pharmacy_visit": rng.random() < 0.6, "sterile_preparation": rng.random() < 0.2}
        elif kind == "dental_clinic":
            answers = {"home_dental_visit": rng.random() < 0.5}
        elif kind == "visiting_nursing_station":
            answers = {"round_the_clock": True, "pediatric_home_care": rng.random() < 0.5}
        elif kind == "care_service":
            answers = {"accepting_new_clients": rng.random() < 0.5}
        if answers and index % 9:
            answers["professional_phone"] = SECRET_LINE
            set_details(facility, **answers)
        made.append(facility)
    return made


@pytest.mark.django_db
def test_booklet_of_a_realistic_directory_renders_every_area(municipality):
    make_realistic_directory(municipality)
    content, info = booklet.booklet_pdf(ExportScope(municipality))
    preview = os.environ.get("RENKEI_BOOKLET_PREVIEW")  # e.g. /tmp/booklet.pdf, then pdftoppm -png to look at it
    if preview:
        with open(preview, "wb") as out:
            out.write(content)
    assert info.sections == [name for name, _lat, _lon in AREA_CENTRES] + [booklet.AREA_NOT_SET_TITLE]
    assert info.facilities == 200
    assert info.pages >= 10
    assert not pdf_contains(content, SECRET_LINE)


# --- staff exports page -----------------------------------------------------------------------------

@pytest.fixture
def staff(make_membership, municipal_office):
    return make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)


def download_url(municipality, **params):
    from urllib.parse import urlencode

    return reverse("directory:export_download", args=[municipality.code]) + "?" + urlencode(params, doseq=True)


def test_staff_see_the_exports_page_for_their_municipality(staff, login_as, municipality, clinic):
    response = login_as(staff).get(reverse("directory:export_page", args=[municipality.code]))
    assert response.status_code == 200
    assert "中央圏域" in response.content.decode()


def test_export_index_sends_municipal_staff_to_their_municipality(staff, login_as, municipality):
    response = login_as(staff).get(reverse("directory:export_index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:export_page", args=[municipality.code])


def test_csv_download_has_a_good_file_name_and_is_audited(staff, login_as, municipality, clinic):
    response = login_as(staff).get(download_url(municipality, format="csv_medical"))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and "内記ファミリークリニック".encode() in body
    disposition = response["Content-Disposition"]
    assert re.search(r'filename="262013_iryokikan_\d{8}\.csv"', disposition)
    assert "filename*=UTF-8''%E7%A6%8F%E7%9F%A5%E5%B1%B1%E5%B8%82_" in disposition
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("seq")
    assert entry.object_id == str(municipality.pk)
    assert entry.changes["format"] == "csv_medical" and entry.changes["facilities"] == 1
    assert entry.membership_id_value == staff.pk


@pytest.mark.parametrize("fmt, content_type, magic", [
    ("csv_care", "text/csv; charset=utf-8", b"\xef\xbb\xbf"),
    ("geojson", "application/geo+json", b'{"type": "FeatureCollection"'),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
    ("pdf", "application/pdf", b"%PDF"),
])
def test_every_format_downloads_and_is_audited(staff, login_as, municipality, clinic, fmt, content_type, magic):
    response = login_as(staff).get(download_url(municipality, format=fmt, kind=["clinic", "care_service"]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(magic)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("seq")
    assert entry.changes["format"] == fmt and entry.changes["kinds"] == ["clinic", "care_service"]


def test_download_of_one_area_names_the_area(staff, login_as, municipality, clinic):
    area = clinic.daily_living_area
    response = login_as(staff).get(download_url(municipality, format="pdf", area=str(area.pk)))
    assert response.status_code == 200
    assert f"_area{area.pk}_" in response["Content-Disposition"]


def test_bad_export_choices_get_a_clear_message_not_a_500(staff, login_as, municipality):
    response = login_as(staff).get(download_url(municipality, format="docx", area="99999"))
    assert response.status_code == 400
    assert "format" in response.content.decode().lower() or "形式" in response.content.decode()


def test_professional_cannot_export(make_membership, login_as, municipality):
    professional = make_membership(Role.PROFESSIONAL)
    client = login_as(professional)
    assert client.get(reverse("directory:export_page", args=[municipality.code])).status_code == 403
    assert client.get(download_url(municipality, format="csv_medical")).status_code == 403


def test_staff_of_another_municipality_cannot_export(make_membership, login_as, municipality, other_municipality):
    other_office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality)
    other_staff = make_membership(Role.MUNICIPAL_STAFF, organization=other_office)
    client = login_as(other_staff)
    assert client.get(reverse("directory:export_page", args=[municipality.code])).status_code == 403
    assert client.get(download_url(municipality, format="xlsx")).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_prefecture_staff_choose_a_municipality_of_their_prefecture(make_membership, login_as, municipality,
                                                                    other_municipality):
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=municipality.prefecture)
    prefecture_staff = make_membership(Role.PREFECTURE_STAFF, organization=office)
    client = login_as(prefecture_staff)
    index = client.get(reverse("directory:export_index"))
    assert index.status_code == 200 and "舞鶴市" in index.content.decode()
    chosen = client.get(reverse("directory:export_index"), {"municipality": other_municipality.code})
    assert chosen["Location"] == reverse("directory:export_page", args=[other_municipality.code])


def test_content_disposition_encodes_japanese_names_per_rfc_5987():
    header = content_disposition("262013_shigen_20261125.pdf", "福知山市_資源 マップ.pdf")
    assert header == ("attachment; filename=\"262013_shigen_20261125.pdf\"; "
                      "filename*=UTF-8''%E7%A6%8F%E7%9F%A5%E5%B1%B1%E5%B8%82_%E8%B3%87%E6%BA%90%20"
                      "%E3%83%9E%E3%83%83%E3%83%97.pdf")


def test_exported_open_data_csv_reads_back_through_the_municipal_importer(municipality, clinic):
    """A municipality that publishes our CSV can import it again (or another tool can): no row is rejected."""
    from renkei.directory.services.imports import import_file

    FacilityFactory(municipality=municipality, kind="care_service", service_type="110", name="内記ヘルパーステーション")
    for dataset in (opendata.MEDICAL, opendata.CARE):
        run = import_file(source="municipal", file=csv_bytes(ExportScope(municipality), dataset),
                          file_name=f"262013_{dataset}.csv", municipality=municipality, dry_run=True)
        assert run.outcome == "dry_run", run.messages
        assert run.counts["rows"] == 1 and run.counts["rejected"] == 0, run.rejected_rows
