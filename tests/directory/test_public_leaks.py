"""Professional-only collaboration details never reach a resident, whatever public path they take.

A facility gets unique professional-only values (a built-in attribute, a municipality's own attribute, and a
note on a detail); every public response (portal pages, the portal's GeoJSON feeds, the anonymous API, the
exports built with no membership) is searched for them. A logged-in member sees them, so the search is not
vacuous.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from renkei.core.models import Role
from renkei.directory.exports.responses import export_response
from renkei.directory.exports.scope import ExportScope
from renkei.directory.models import CollaborationAttribute, CollaborationCategory
from renkei.directory.services.facilities import collaboration_details_confirm

from ..factories import FacilityFactory

PROFESSIONAL_PHONE = "0773-99-1234（医師直通）"
OWN_ATTRIBUTE_VALUE = "裏口インターホン7731"
NOTE = "院長携帯は090-0000-7731"
PUBLIC_SERVICE_AREA = "福知山市全域（公開）"
SECRETS = (PROFESSIONAL_PHONE, "0773-99-1234", OWN_ATTRIBUTE_VALUE, "7731")


@pytest.fixture
def clinic(municipality):
    clinic = FacilityFactory(municipality=municipality, name="漏洩確認クリニック", kana="ロウエイカクニンクリニック",
                             latitude=35.2966, longitude=135.1264)
    CollaborationAttribute.objects.create(
        category=CollaborationCategory.objects.get(code="professional_contact"), code="back_door_intercom",
        name="夜間の入口", value_type=CollaborationAttribute.ValueType.TEXT,
        visibility=CollaborationAttribute.Visibility.PROFESSIONAL, municipality=municipality)
    collaboration_details_confirm(
        facility=clinic, confirmed_by="テスト",
        answers={"professional_phone": PROFESSIONAL_PHONE, "back_door_intercom": OWN_ATTRIBUTE_VALUE,
                 "contact_24h_line": True, "service_area": PUBLIC_SERVICE_AREA},
        notes={"professional_phone": NOTE})
    return clinic


def public_urls(clinic) -> list[str]:
    code, jis = clinic.municipality.code, clinic.municipality.jis_code
    search = f"municipality={code}&lat=35.2966&lon=135.1264&radius_km=5"
    return [
        reverse("portal:index"),
        reverse("portal:search", args=[code]),
        reverse("portal:search", args=[code]) + "?q=漏洩確認",
        reverse("portal:search", args=[code]) + "?lat=35.2966&lon=135.1264&radius_km=5&open_at=now",
        reverse("portal:about", args=[code]),
        reverse("portal:facility", args=[code, clinic.pk]),
        reverse("portal:facilities_geojson") + f"?municipality={code}",
        reverse("portal:facilities_geojson") + f"?{search}",
        reverse("portal:facilities_geojson") + "?q=漏洩確認",
        reverse("portal:areas_geojson") + f"?municipality={code}",
        f"/api/v1/facilities?municipality={code}",
        f"/api/v1/facilities?municipality={jis}&q=漏洩確認",
        f"/api/v1/facilities?{search}",
        f"/api/v1/facilities/{clinic.pk}",
    ]


def assert_no_secret(text: str, where: str) -> None:
    with contextlib.suppress(ValueError):  # JSON may escape non-ASCII text
        text = json.dumps(json.loads(text), ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text, f"{where} shows the professional-only value {secret!r}"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_public_page_feed_or_api_answer_shows_professional_only_details(clinic, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    with_public_details = []
    for url in public_urls(clinic):
        response = client.get(url)
        assert response.status_code == 200, f"{url} gave {response.status_code}"
        text = response.content.decode()
        assert_no_secret(text, url)
        if PUBLIC_SERVICE_AREA in json.dumps(response.json(), ensure_ascii=False) if url.startswith("/api/") \
                else PUBLIC_SERVICE_AREA in text:
            with_public_details.append(url)
    # The facility's public details are shown where its professional ones are not.
    assert f"/resources/{clinic.municipality.code}/{clinic.pk}/" in with_public_details
    assert f"/api/v1/facilities/{clinic.pk}" in with_public_details


@pytest.mark.django_db
def test_the_portal_shows_a_logged_in_professional_only_what_a_resident_sees(clinic, make_membership,
                                                                                      login_as):
    """The portal shows what a resident sees even to a logged-in professional."""
    client = login_as(make_membership(Role.PROFESSIONAL))
    for url in public_urls(clinic):
        if url.startswith("/resources/"):
            assert_no_secret(client.get(url).content.decode(), url)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv_medical", "csv_care", "geojson", "xlsx"])
def test_exports_built_without_a_membership_hold_no_professional_only_details(clinic, fmt):
    response = export_response(ExportScope(municipality=clinic.municipality), fmt, membership=None, record=False)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        text = "\n".join(str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    else:
        text = content.decode("utf-8-sig" if fmt.startswith("csv") else "utf-8", errors="replace")
    if fmt != "csv_care":  # a clinic is listed with the medical facilities
        assert "漏洩確認クリニック" in text
    assert_no_secret(text, fmt)


@pytest.mark.django_db
def test_members_do_see_the_professional_only_details_the_public_paths_hide(clinic, make_membership, login_as,
                                                                            api_token_for):
    doctor = make_membership(Role.PROFESSIONAL)
    page = login_as(doctor).get(reverse("directory:facility_detail", args=[clinic.pk])).content.decode()
    assert PROFESSIONAL_PHONE in page and OWN_ATTRIBUTE_VALUE in page
    api = Client().get(f"/api/v1/facilities/{clinic.pk}", HTTP_AUTHORIZATION=f"Bearer {api_token_for(doctor)}")
    assert PROFESSIONAL_PHONE in json.dumps(api.json(), ensure_ascii=False)
    response = export_response(ExportScope(municipality=clinic.municipality), "xlsx", membership=doctor, record=False)
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert any(PROFESSIONAL_PHONE in str(cell) for sheet in workbook.worksheets
               for row in sheet.iter_rows(values_only=True) for cell in row)
