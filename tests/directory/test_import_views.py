"""Import screens through the test client: upload, dry-run report, apply, column mapping, history, refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from renkei.core.models import Organization, Role
from renkei.directory.importers.common import read_header
from renkei.directory.importers.municipal import FIELD_NAMES, suggest_mapping
from renkei.directory.models import ColumnMapping, Facility, FacilityIdentifier, ImportRun
from renkei.directory.services.imports import stored_upload_path

from ..factories import FacilityFactory, MembershipFactory, OrganizationFactory
from .test_import_support import facility_header, facility_row, make_kumamoto, real_file, write_mhlw

PHARMACIES = "yakkyoku_list_yakkyoku_list.csv"


@pytest.fixture
def kumamoto(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return make_kumamoto()


@pytest.fixture
def staff(kumamoto):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=kumamoto, name="熊本市役所")
    return MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)


def upload(client, name, data, source="municipal", municipality=""):
    return client.post(reverse("directory:import_upload"), {
        "source": source, "municipality": municipality, "file": SimpleUploadedFile(name, data, "text/csv")})


def mapping_post(data: bytes, name="薬局一覧") -> dict:
    _, header, sample = read_header(data)
    mapping = suggest_mapping(header, sample)
    post = {f"col_{field}": mapping.get(field, "") for field in FIELD_NAMES}
    post |= {"name": name, "kind": "", "mark": "○"}
    if "departments" in mapping:
        post["departments"] = mapping["departments"]["columns"]
    return post


def test_an_own_layout_goes_through_mapping_dry_run_and_apply(staff, login_as):
    client = login_as(staff)
    data = real_file(PHARMACIES).read_bytes()

    response = upload(client, PHARMACIES, data)
    assert response.status_code == 302 and "/imports/mapping/" in response.url

    page = client.get(response.url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "許可番号" in content and "ミカサ薬局" in content
    assert '<option value="名称" selected>' in content

    report = client.post(response.url, mapping_post(data), follow=True)
    run = ImportRun.objects.get()
    assert run.outcome == ImportRun.Outcome.DRY_RUN and run.counts["created"] == 400
    assert report.status_code == 200 and "400" in report.content.decode()
    assert Facility.objects.count() == 0
    assert ColumnMapping.objects.get().name == "薬局一覧"

    applied = client.post(reverse("directory:import_apply", args=[run.pk]), follow=True)
    assert applied.status_code == 200
    assert ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED).count() == 1
    assert Facility.objects.count() == 400
    assert not stored_upload_path(run.sha256).exists()  # the kept upload is gone once applied


def test_the_next_edition_finds_its_saved_mapping(staff, login_as):
    client = login_as(staff)
    data = real_file(PHARMACIES).read_bytes()
    first = upload(client, PHARMACIES, data)
    client.post(first.url, mapping_post(data))

    again = upload(client, "next_edition.csv", data)

    assert again.status_code == 302 and "/imports/mapping/" not in again.url
    assert ImportRun.objects.order_by("-pk").first().mapping.name == "薬局一覧"


def test_a_rejected_file_shows_its_rows_and_cannot_be_applied(staff, login_as, tmp_path):
    client = login_as(staff)
    path = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                      [facility_row("43100", "壊れた", "熊本市中央区1")])

    response = upload(client, path.name, path.read_bytes(), source="mhlw")
    page = client.get(response.url)

    assert ImportRun.objects.get().outcome == ImportRun.Outcome.REJECTED
    content = page.content.decode()
    assert "13 桁の数字ではありません" in content
    assert reverse("directory:import_apply", args=[ImportRun.objects.get().pk]) not in content


@pytest.mark.parametrize("name, data, message", [
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "CSV ファイルではありません"),
    ("empty.csv", b"", "空です"),  # Django's "The submitted file is empty." in Japanese
    ("text.csv", b"\n\n", "ファイルが空です"),
])
def test_garbage_uploads_get_a_clear_error_not_a_500(staff, login_as, name, data, message):
    response = upload(login_as(staff), name, data, source="mhlw")

    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_the_history_lists_the_runs_of_the_municipality(staff, login_as, tmp_path):
    client = login_as(staff)
    path = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                      [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1")])
    upload(client, path.name, path.read_bytes(), source="mhlw", municipality="431001")

    page = client.get(reverse("directory:import_list"))

    assert page.status_code == 200 and path.name in page.content.decode()


def test_staff_of_another_municipality_cannot_see_or_apply_the_run(staff, login_as, make_membership, tmp_path):
    path = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                      [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1")])
    upload(login_as(staff), path.name, path.read_bytes(), source="mhlw", municipality="431001")
    run = ImportRun.objects.get()
    other = login_as(make_membership(Role.MUNICIPAL_STAFF))

    assert other.get(reverse("directory:import_detail", args=[run.pk])).status_code == 404
    assert other.post(reverse("directory:import_apply", args=[run.pk])).status_code == 404
    assert Facility.objects.count() == 0


def test_professionals_may_not_import(kumamoto, login_as, make_membership):
    client = login_as(make_membership(Role.PROFESSIONAL))

    assert client.get(reverse("directory:import_upload")).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(kumamoto, client):
    response = client.get(reverse("directory:import_list"))

    assert response.status_code == 302 and "login" in response.url


def test_the_upload_screen_lets_staff_choose_the_kind_of_a_list_without_kinds(staff, login_as):
    client = login_as(staff)
    data = ("全国地方公共団体コード,ID,地方公共団体名,名称,医療機関の種類,所在地_連結表記\n"
            "431001,1,熊本市,スマイルこども,,熊本市中央区手取本町1-2\n").encode()

    response = client.post(reverse("directory:import_upload"), {
        "source": "municipal", "municipality": "", "kind": "dental_clinic",
        "file": SimpleUploadedFile("431001_dental.csv", data, "text/csv")})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and (run.outcome, run.counts["created"]) == (ImportRun.Outcome.DRY_RUN, 1)

    client.post(reverse("directory:import_apply", args=[run.pk]))
    assert Facility.objects.get().kind == "dental_clinic"


def test_prefecture_staff_upload_a_prefecture_wide_list_without_naming_a_municipality(kumamoto, login_as):
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=kumamoto.prefecture)
    prefecture_staff = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=office)
    code = kumamoto.prefecture.local_government_code
    data = ("都道府県コード又は市区町村コード,NO,名称,医療機関の種類,住所\n"
            f"{code},1,みなみ病院,病院,熊本市南区近見1-2-3\n").encode("cp932")

    response = login_as(prefecture_staff).post(reverse("directory:import_upload"), {
        "source": "municipal", "municipality": "", "file": SimpleUploadedFile("43_medical.csv", data, "text/csv")})

    run = ImportRun.objects.get()
    assert response.status_code == 302 and (run.outcome, run.counts["created"]) == (ImportRun.Outcome.DRY_RUN, 1)


STANDARD_HEADER = ("全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,医療機関の種類,所在地_連結表記,緯度,経度,"
                   "電話番号,FAX番号,法人番号,法人の名称,医療機関コード,診療科目,診療日,診療開始時間,診療終了時間,"
                   "診療日時備考,病床数,URL,備考")


def standard_file(*rows: str) -> bytes:
    return ("\ufeff" + STANDARD_HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode("utf-8")


CLINIC = '431001,1,熊本市,みなみクリニック,,診療所,熊本市南区近見1-2-3,32.77,130.69,096-111-2222,,,,4310123,,,,,,,,'
DENTAL = '431001,2,熊本市,ひがし歯科,,歯科診療所,熊本市東区健軍1-1,,,,,,,,,,,,,,,'


def test_the_dry_run_report_lists_each_changing_row_and_its_fields(staff, login_as):
    client = login_as(staff)
    first = upload(client, "medical.csv", standard_file(CLINIC))
    client.post(reverse("directory:import_apply", args=[ImportRun.objects.get().pk]))
    assert first.status_code == 302

    response = upload(client, "medical.csv", standard_file(CLINIC.replace("096-111-2222", "096-111-9999"), DENTAL))
    page = client.get(response.url).content.decode()

    clinic = Facility.objects.get(name="みなみクリニック")
    assert Facility.objects.get(pk=clinic.pk).phone == "096-111-2222"  # a dry run: nothing written
    assert reverse("directory:facility_detail", args=[clinic.pk]) in page
    assert str(Facility._meta.get_field("phone").verbose_name) in page
    assert gettext("Rows that change the directory") in page and "ひがし歯科" in page


def test_apply_is_not_offered_when_nothing_would_change(staff, login_as):
    client = login_as(staff)
    data = standard_file(CLINIC)
    upload(client, "medical.csv", data)
    client.post(reverse("directory:import_apply", args=[ImportRun.objects.get().pk]))

    response = upload(client, "medical.csv", data)
    dry = ImportRun.objects.get(pk=int(response.url.rstrip("/").rsplit("/", 1)[1]))
    page = client.get(response.url).content.decode()

    assert dry.outcome == ImportRun.Outcome.DRY_RUN and dry.counts["unchanged"] == 1
    assert reverse("directory:import_apply", args=[dry.pk]) not in page
    assert gettext("Nothing in this file would change the directory; there is nothing to apply.") in page
    client.post(reverse("directory:import_apply", args=[dry.pk]))
    assert ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED).count() == 1


def test_entries_without_a_position_are_counted_and_listed_on_the_report(staff, login_as):
    client = login_as(staff)

    response = upload(client, "medical.csv", standard_file(CLINIC, DENTAL))
    page = client.get(response.url).content.decode()

    assert gettext("Entries without a position") in page
    assert "ひがし歯科" in page.split(gettext("Entries without a position"))[1]
    assert "みなみクリニック" not in page.split(gettext("Entries without a position"))[1]


def test_a_row_pointing_to_another_municipalitys_facility_is_shown_as_skipped(staff, login_as, municipality):
    foreign = FacilityFactory(name="ふくちやま医院", municipality=municipality)
    FacilityIdentifier.objects.create(facility=foreign, scheme="medical_institution_code", value="4310123")
    client = login_as(staff)

    response = upload(client, "medical.csv", standard_file(CLINIC))
    page = client.get(response.url).content.decode()

    assert gettext("Rows skipped") in page and "ふくちやま医院" in page
    assert ImportRun.objects.get().counts["skipped_out_of_scope"] == 1
