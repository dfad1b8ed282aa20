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
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from renkei.core.models import Role
from renkei.directory.exports.responses import export_response
from renkei.directory.exports.scope import ExportScope
from renkei.directory.models import CollaborationAttribute, CollaborationCategory, FacilityKind
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


# --- every professional-only attribute against every public output (issue 7, item 17c c) -------------------
# Every attribute marked professional-only (the built-in ones and a municipality's own, of every answer type)
# gets a distinct value, note, name and choice names on facilities of every kind; every public output is
# searched for all of them. A new professional-only attribute is covered without touching this test.

ANSWER_TYPES = CollaborationAttribute.ValueType


def _marker(index: int, what: str) -> str:
    return f"専門職限定{index:02d}{what}"


@pytest.fixture
def professional_only(municipality):
    """Facilities of every kind holding a value for every professional-only attribute; returns what to look for."""
    category = CollaborationCategory.objects.get(code="professional_contact")
    for value_type in ANSWER_TYPES.values:  # a municipality's own professional-only question of each type
        CollaborationAttribute.objects.create(
            category=category, code=f"own_pro_{value_type}", name=value_type, value_type=value_type,
            visibility=CollaborationAttribute.Visibility.PROFESSIONAL, municipality=municipality,
            choices=[{"code": "a", "name": "a"}, {"code": "b", "name": "b"}]
            if value_type in (ANSWER_TYPES.CHOICE, ANSWER_TYPES.MULTI_CHOICE) else [])
    attributes = list(CollaborationAttribute.objects.filter(visibility=CollaborationAttribute.Visibility.PROFESSIONAL)
                      .order_by("pk"))
    assert {a.municipality_id is None for a in attributes} == {True, False}
    assert {a.value_type for a in attributes} == set(ANSWER_TYPES.values)
    secrets: dict[str, list[str]] = {}
    answers, notes = {}, {}
    for i, attribute in enumerate(attributes):
        attribute.name, attribute.name_en = _marker(i, "項目"), f"ProOnlyItem{i:02d}"
        attribute.choices = [{"code": c["code"], "name": _marker(i, f"選択{j}"), "name_en": f"ProOnlyChoice{i:02d}x{j}"}
                             for j, c in enumerate(attribute.choices)]
        attribute.save()
        value = {
            ANSWER_TYPES.YES_NO: True,
            ANSWER_TYPES.CHOICE: attribute.choices[0]["code"] if attribute.choices else None,
            ANSWER_TYPES.MULTI_CHOICE: [c["code"] for c in attribute.choices],
            ANSWER_TYPES.TEXT: _marker(i, "回答"),
            ANSWER_TYPES.NUMBER: 7_300_000 + i * 17,
        }[attribute.value_type]
        answers[attribute.code], notes[attribute.code] = value, _marker(i, "備考")
        shown = [attribute.name, attribute.name_en, notes[attribute.code]]
        shown += [c["name"] for c in attribute.choices] + [c["name_en"] for c in attribute.choices]
        if attribute.value_type == ANSWER_TYPES.TEXT:
            shown.append(value)
        if attribute.value_type == ANSWER_TYPES.NUMBER:
            shown += [str(value), f"{value:,}"]
        secrets[attribute.code] = shown
    facilities = []
    for kind, _label in FacilityKind.choices:
        facility = FacilityFactory(municipality=municipality, kind=kind, name=f"網羅確認{kind}",
                                   kana="モウラカクニン", latitude=35.2966, longitude=135.1264)
        collaboration_details_confirm(facility=facility, confirmed_by="テスト",
                                      answers={**answers, "service_area": PUBLIC_SERVICE_AREA}, notes=notes)
        facilities.append(facility)
    return SimpleNamespace(facilities=facilities, secrets=secrets, attributes=attributes)


def every_public_url(municipality, facilities) -> list[str]:
    """Every public page, feed and anonymous API answer about these facilities (checked against the URL list)."""
    code = municipality.code
    near = "lat=35.2966&lon=135.1264&radius_km=5"
    urls = [reverse("portal:index"), reverse("portal:about", args=[code]),
            reverse("portal:search", args=[code]), reverse("portal:search", args=[code]) + "?q=網羅確認",
            reverse("portal:search", args=[code]) + f"?{near}&open_at=now",
            reverse("portal:facilities_geojson") + f"?municipality={code}",
            reverse("portal:facilities_geojson") + f"?municipality={code}&{near}",
            reverse("portal:areas_geojson") + f"?municipality={code}",
            f"/api/v1/facilities?municipality={code}", f"/api/v1/facilities?municipality={code}&{near}"]
    for facility in facilities:
        urls += [reverse("portal:facility", args=[code, facility.pk]), f"/api/v1/facilities/{facility.pk}"]
    return urls


def test_the_walk_covers_every_public_view_and_public_api_operation(professional_only, municipality):
    from django.urls import resolve

    from tests.core.test_policy import PUBLIC_VIEWS, api_operations

    urls = every_public_url(municipality, professional_only.facilities)
    walked = {resolve(url.split("?")[0]).view_name for url in urls if not url.startswith("/api/")}
    assert {name for name in PUBLIC_VIEWS if name.startswith("portal:")} <= walked
    # The directory's anonymous operations; the indicators' (published figures, small counts suppressed) are
    # walked by tests/indicators/test_api.py.
    public_api = {path for _method, path, func in api_operations()
                  if getattr(func, "policy_public", False) and path.startswith("/api/v1/facilities")}
    walked_api = {"/api/v1/facilities" if "/facilities/" not in url else "/api/v1/facilities/{facility_id}"
                  for url in urls if url.startswith("/api/")}
    assert public_api <= walked_api, public_api - walked_api


def assert_none_shown(text: str, secrets: dict[str, list[str]], where: str) -> None:
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), ensure_ascii=False)
    for code, shown in secrets.items():
        for secret in shown:
            assert secret not in text, f"{where} shows professional-only {code}: {secret!r}"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_public_output_shows_any_professional_only_attribute(professional_only, municipality, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for url in every_public_url(municipality, professional_only.facilities):
        response = client.get(url)
        assert response.status_code == 200, f"{url} gave {response.status_code}"
        assert_none_shown(response.content.decode(), professional_only.secrets, url)
    detail = client.get(f"/api/v1/facilities/{professional_only.facilities[0].pk}").json()
    assert PUBLIC_SERVICE_AREA in json.dumps(detail, ensure_ascii=False)  # the public details are there


@pytest.mark.django_db
def test_residents_cannot_search_by_a_professional_only_attribute(professional_only, municipality):
    client = Client()
    for attribute in professional_only.attributes:
        if attribute.value_type != ANSWER_TYPES.YES_NO:
            continue
        response = client.get(f"/api/v1/facilities?municipality={municipality.code}&capability={attribute.code}")
        assert response.status_code == 422, attribute.code
        page = client.get(reverse("portal:search", args=[municipality.code]) + f"?capability={attribute.code}")
        assert not any(f.name in page.content.decode() for f in professional_only.facilities), attribute.code


def _export_text(content: bytes, fmt: str) -> str:
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    return content.decode("utf-8-sig" if fmt.startswith("csv") else "utf-8", errors="replace")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv_medical", "csv_care", "geojson", "xlsx"])
def test_no_public_export_holds_any_professional_only_attribute(professional_only, municipality, fmt):
    response = export_response(ExportScope(municipality=municipality), fmt, membership=None, record=False)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = _export_text(content, fmt)
    assert "網羅確認" in text
    assert_none_shown(text, professional_only.secrets, fmt)


def _flowable_text(flowable) -> list[str]:
    """The text a PDF flowable prints (paragraphs, and table cells however nested)."""
    texts = []
    if hasattr(flowable, "text"):
        texts.append(str(flowable.text))
    for row in getattr(flowable, "_cellvalues", []) or []:
        for cell in row:
            for item in cell if isinstance(cell, (list, tuple)) else [cell]:
                texts += _flowable_text(item) if hasattr(item, "wrap") else [str(item)]
    return texts


@pytest.mark.django_db
def test_the_printed_booklet_holds_no_professional_only_attribute(professional_only, municipality):
    import datetime as dt

    from renkei.directory.exports import booklet

    scope = ExportScope(municipality=municipality)
    booklet.register_japanese_fonts()
    story = booklet.booklet_story(scope, booklet._sections(scope), dt.date(2026, 4, 1), booklet._styles())
    text = "\n".join(t for flowable in story for t in _flowable_text(flowable))
    assert "網羅確認" in text
    assert_none_shown(text, professional_only.secrets, "booklet")
    content, _info = booklet.booklet_pdf(scope)
    assert content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_logged_in_professional_sees_every_seeded_value_so_the_search_is_not_vacuous(
        professional_only, make_membership, login_as):
    client = login_as(make_membership(Role.PROFESSIONAL))
    pages = "\n".join(client.get(reverse("directory:facility_detail", args=[f.pk])).content.decode()
                      for f in professional_only.facilities)
    for attribute in professional_only.attributes:
        assert attribute.name in pages, f"{attribute.code}'s name is not on the members' facility page"
        chosen = attribute.choices[:1] if attribute.value_type == ANSWER_TYPES.CHOICE else attribute.choices
        for choice in chosen:
            assert choice["name"] in pages, f"{attribute.code}'s answer is not on the members' facility page"
        if attribute.value_type in (ANSWER_TYPES.TEXT, ANSWER_TYPES.NUMBER):
            assert any(v in pages for v in professional_only.secrets[attribute.code][-2:]), attribute.code
