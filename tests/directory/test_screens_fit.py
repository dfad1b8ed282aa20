"""Screens that fit what they show (issue 7, item 21): whole survey links, names instead of internal codes,
map legends that name the whole group, and survey questions that fit the facility's kind."""

import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from renkei.core.models import Role
from renkei.directory.models import CollaborationAttribute
from renkei.directory.selectors.facilities import attributes_for
from renkei.directory.services import surveys as survey_services
from renkei.directory.taxonomy import SERVICE_TYPES
from tests.factories import FacilityFactory

pytestmark = pytest.mark.django_db

LONG_TOKEN = "A" * 43


@pytest.fixture
def care_office(municipality):
    return FacilityFactory(municipality=municipality, kind="care_service", service_type="110", name="ひまわりヘルパー")


def test_printed_survey_links_are_shown_whole_as_text_not_in_a_narrow_input(municipality, care_office):
    survey_round = type("Round", (), {"pk": 1, "title": "調査", "municipality": municipality})()
    invitation = type("Invitation", (), {"pk": 7, "facility": care_office, "facility_id": care_office.pk,
                                         "email": "", "expires_at": timezone.now()})()
    link = f"https://renkei.example.jp/directory/survey/answer/{LONG_TOKEN}/"
    html = render_to_string("directory/surveys/links.html", {
        "survey_round": survey_round, "printed_at": timezone.now(),
        "issued": [survey_services.IssuedLink(invitation, link, emailed=False)]})
    code = re.search(r'<code class="survey-link"[^>]*>([^<]*)</code>', html)
    assert code is not None and code.group(1) == link
    assert 'class="survey-link"' not in re.sub(r"<code[^>]*>", "", html), "no other element carries the link"
    assert "<input" not in html.split("<table", 1)[1].split("</table>", 1)[0]


def test_the_survey_link_wraps_on_screen_and_in_print():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("core/renkei.css")).read_text(encoding="utf-8")
    rule = re.search(r"code\.survey-link\s*\{([^}]*)\}", css)
    assert rule is not None and "break-all" in rule.group(1) and "overflow-wrap: anywhere" in rule.group(1)
    print_block = css[css.rindex("@media print"):]
    printed = re.search(r"([^{}]*\.table-wrap\b[^{}]*)\{([^}]*)\}", print_block)
    assert printed is not None and "overflow: visible" in printed.group(2), "a printed table is cut at the edge"


def _pages_showing(facility, client_staff, client_anonymous):
    yield "staff detail", client_staff.get(reverse("directory:facility_detail", args=[facility.pk]))
    yield "portal", client_anonymous.get(reverse("portal:facility", args=[facility.municipality.code, facility.pk]))
    yield "staff list", client_staff.get(reverse("directory:facility_list") + "?kind=care_service")


@pytest.mark.parametrize("code", ["110", "430", "130"])
def test_pages_show_the_service_type_by_name_never_its_code_in_parentheses(code, municipality, make_membership,
                                                                          login_as):
    facility = FacilityFactory(municipality=municipality, kind="care_service", service_type=code)
    staff = login_as(make_membership(Role.MUNICIPAL_STAFF))
    for where, response in _pages_showing(facility, staff, Client()):
        assert response.status_code == 200, where
        page = response.content.decode()
        assert not re.search(rf"[（(]\s*{code}\s*[)）]", page), f"the {where} page shows the code {code}"
        if where != "staff list":
            assert SERVICE_TYPES[code][0] in page, f"the {where} page names the service type"


def test_the_merge_pair_names_service_types_not_codes(municipality, care_office):
    twin = FacilityFactory(municipality=municipality, kind="care_service", service_type="430", name=care_office.name)
    pair = type("Pair", (), {"a": care_office, "b": twin})()
    html = render_to_string("directory/facilities/_pair.html", {"pair": pair})
    assert "訪問介護" in html and "居宅介護支援" in html
    assert not re.search(r">\s*[^<]*\b(110|430)\b", html.replace(care_office.name, ""))


def test_the_map_legend_names_the_whole_kind_not_one_facilitys_service_type(municipality, care_office,
                                                                            make_membership, login_as):
    FacilityFactory(municipality=municipality, kind="care_service", service_type="430", name="居宅介護支援センター")
    client = login_as(make_membership(Role.PROFESSIONAL))
    for url in ("/directory/facilities.geojson", reverse("portal:facilities_geojson") + f"?m={municipality.code}"):
        features = json.loads(client.get(url).content)["features"]
        care = [f["properties"] for f in features if f["properties"]["kind"] == "care_service"]
        assert care, url
        assert {p["kind_group_label"] for p in care} == {"介護サービス事業所"}, url
        assert {p["kind_label"] for p in care} >= {"介護サービス事業所（訪問介護）"}, "the popup keeps the service type"
    from django.contrib.staticfiles import finders

    script = Path(finders.find("directory/map.js")).read_text(encoding="utf-8")
    assert "kindLabels[kind] = props.kind_group_label" in script, "the legend reads the group's name"


# --- survey questions fit the facility's kind ---------------------------------------------------------

DOCTOR_WORDS = ("医師", "診療", "往診")


@pytest.mark.parametrize("kind", ["pharmacy", "care_service", "community_support_center", "informal_resource"])
def test_no_question_asks_a_facility_without_doctors_about_its_doctor(kind, municipality):
    names = [a.name for a in attributes_for(kind, municipality)]
    assert names, kind
    about_doctors = [n for n in names if any(word in n for word in DOCTOR_WORDS)]
    assert not about_doctors, f"a {kind} is asked {about_doctors}"


def test_the_pharmacy_survey_page_does_not_ask_how_to_meet_the_doctor(municipality, make_membership):
    pharmacy = FacilityFactory(municipality=municipality, kind="pharmacy", name="さくら薬局")
    clinic = FacilityFactory(municipality=municipality, kind="clinic", name="さくら医院")
    coordinator = make_membership(Role.COORDINATOR)
    _, issued = survey_services.survey_round_create(
        municipality=municipality, title="調査", due_on=None, facilities=[pharmacy, clinic], membership=coordinator,
        send_email=False)
    pages = {item.invitation.facility.kind: Client().get(item.link).content.decode() for item in issued}
    assert "医師・看護師への相談方法" in pages["clinic"]
    assert "医師・看護師への相談方法" not in pages["pharmacy"]
    assert "在宅訪問薬剤管理" in pages["pharmacy"]


def test_the_data_migration_stops_asking_pharmacies_how_to_meet_the_doctor(db):
    import importlib

    migration = importlib.import_module("renkei.directory.migrations.0005_questions_fit_facility_kinds")
    attribute = CollaborationAttribute.objects.get(code="how_to_meet_doctor")
    attribute.applies_to = ["hospital", "clinic", "visiting_nursing_station", "dental_clinic", "pharmacy"]
    attribute.save()
    migration.correct_kinds(apps, None)
    attribute.refresh_from_db()
    assert attribute.applies_to == ["hospital", "clinic", "visiting_nursing_station", "dental_clinic"]
    assert not any(a.code == "how_to_meet_doctor" for a in attributes_for("pharmacy"))


def test_the_sources_of_an_entry_are_named_not_shown_as_internal_keys(municipality, make_membership, login_as):
    facility = FacilityFactory(municipality=municipality, sources={
        "mhlw": "2026-06-01", f"municipal:{municipality.code}:medical": "2026-04-01",
        f"municipal:{municipality.code}:通いの場一覧": "2026-05-01"})
    page = login_as(make_membership(Role.MUNICIPAL_STAFF)).get(
        reverse("directory:facility_detail", args=[facility.pk])).content.decode()
    assert "municipal:" not in page and ">mhlw" not in page
    assert "医療情報ネット" in page
    assert f"{municipality.name}: 通いの場一覧" in page
