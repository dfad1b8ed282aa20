"""The resident portal: public fields and public details only, hours in a table, works without JavaScript."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from renkei.core.models import Role
from renkei.directory.models import AreaShape, Facility, ImportRun, OpeningHours
from renkei.directory.views import portal
from tests.factories import DailyLivingAreaFactory, FacilityFactory, set_details

from .test_maps import SQUARE, assert_csp_clean

PROFESSIONAL_PHONE = "0773-99-4321"
PROFESSIONAL_REQUEST = "退院前カンファレンスにはMCSで連絡を"


@pytest.fixture
def clinic(municipality):
    clinic = FacilityFactory(name="内記ホームクリニック", municipality=municipality, postal_code="620-0035",
                             phone="0773-22-1111", departments="|内科|外科|")
    set_details(clinic, scheduled_home_visit=True, home_end_of_life_care=True,
                professional_phone=PROFESSIONAL_PHONE, requests_to_professionals=PROFESSIONAL_REQUEST)
    for weekday in range(5):
        OpeningHours.objects.create(facility=clinic, weekday=weekday, opens=dt.time(9), closes=dt.time(12, 30))
        OpeningHours.objects.create(facility=clinic, weekday=weekday, opens=dt.time(15), closes=dt.time(18, 30))
    OpeningHours.objects.create(facility=clinic, weekday=5, opens=dt.time(9), closes=dt.time(12))
    return clinic


def portal_url(municipality, suffix: str = "") -> str:
    return f"/resources/{municipality.code}/{suffix}"


def test_every_portal_view_is_public_and_every_url_name_is_in_the_portal_namespace():
    for pattern in portal.urlpatterns:
        assert getattr(pattern.callback, "policy_public", False), pattern.name
    assert {p.name for p in portal.urlpatterns} == {"index", "facilities_geojson", "areas_geojson", "search", "about",
                                                    "facility"}


# --- the municipality list -------------------------------------------------------------------------

def test_portal_index_lists_only_municipalities_with_open_facilities(clinic, other_municipality):
    FacilityFactory(name="閉院医院", municipality=other_municipality, status=Facility.Status.CLOSED)
    response = Client().get("/resources/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/resources/{clinic.municipality.code}/"' in html
    assert f'href="/resources/{other_municipality.code}/"' not in html


# --- search ------------------------------------------------------------------------------------------

def test_portal_search_lists_the_municipalitys_facilities_without_javascript(clinic, other_municipality):
    FacilityFactory(name="舞鶴の医院", municipality=other_municipality)
    response = Client().get(portal_url(clinic.municipality))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="/resources/{clinic.municipality.code}/{clinic.pk}/">内記ホームクリニック</a>' in html
    assert "舞鶴の医院" not in html
    assert f'data-facilities-url="/resources/facilities.geojson?municipality={clinic.municipality.code}"' in html
    assert 'href="tel:0773221111"' in html
    assert_csp_clean(html)


def test_portal_search_sorts_by_distance_and_shows_it_in_km(clinic, municipality):
    FacilityFactory(name="遠くの医院", municipality=municipality, latitude=35.3266, longitude=135.1264)
    response = Client().get(portal_url(municipality), {"lat": "35.2966", "lon": "135.1264"})
    html = response.content.decode()
    assert html.index("内記ホームクリニック") < html.index("遠くの医院")
    assert "0.0 km" in html
    assert "3.3 km" in html


def test_portal_search_filters_on_what_residents_need(clinic, municipality):
    FacilityFactory(name="外来だけの医院", municipality=municipality)
    html = Client().get(portal_url(municipality), {"capability": "scheduled_home_visit"}).content.decode()
    assert "内記ホームクリニック" in html
    assert "外来だけの医院" not in html


def test_portal_search_offers_public_needs_but_no_professional_only_detail(clinic):
    html = Client().get(portal_url(clinic.municipality)).content.decode()
    assert 'value="scheduled_home_visit"' in html
    assert 'value="home_pharmacy_visit"' in html
    assert 'value="professional_phone"' not in html
    assert 'value="contact_24h_line"' not in html


def test_portal_search_with_bad_input_explains_instead_of_failing(clinic):
    response = Client().get(portal_url(clinic.municipality), {"lat": "north", "lon": "135.1"})
    assert response.status_code == 400
    assert 'class="form-errors"' in response.content.decode()


def test_portal_search_of_an_unknown_municipality_is_not_found(db):
    assert Client().get("/resources/999999/").status_code == 404


# --- the facility page -------------------------------------------------------------------------------

def test_facility_page_shows_phone_hours_departments_and_public_details_with_wareki_dates(clinic):
    response = Client().get(portal_url(clinic.municipality, f"{clinic.pk}/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:0773221111"' in html
    assert "09:00–12:30, 15:00–18:30" in html
    assert "09:00–12:00" in html  # Saturday
    assert "〒620-0035" in html
    assert "内科" in html and "外科" in html
    assert "訪問診療" in html and "在宅看取り" in html
    assert "令和" in html  # the confirmation date in 和暦
    assert_csp_clean(html)


def test_facility_page_hours_table_has_a_row_for_public_holidays(clinic):
    rows = portal.hours_table(clinic, today=dt.date(2026, 11, 23))  # 勤労感謝の日
    assert [row.is_today for row in rows][-1] is True
    assert rows[0].periods == ["09:00–12:30", "15:00–18:30"]
    assert rows[6].periods == []  # Sunday: closed
    assert rows[7].periods == [] and rows[7].note  # holidays not listed: "please ask"


def test_facility_page_of_a_facility_closed_on_holidays_says_so(clinic):
    clinic.closed_on_holidays = True
    clinic.save()
    rows = portal.hours_table(clinic, today=dt.date(2026, 11, 24))
    assert rows[7].periods == [] and rows[7].note == ""
    assert rows[1].is_today  # a Tuesday


@pytest.mark.parametrize("logged_in", [False, True])
def test_portal_never_shows_professional_only_details_even_to_logged_in_members(
        clinic, make_membership, login_as, logged_in):
    client = login_as(make_membership(Role.PROFESSIONAL)) if logged_in else Client()
    municipality = clinic.municipality
    pages = [
        client.get(portal_url(municipality)),
        client.get(portal_url(municipality, f"{clinic.pk}/")),
        client.get("/resources/facilities.geojson", {"municipality": municipality.code}),
    ]
    for response in pages:
        assert response.status_code == 200
        text = response.content.decode()
        assert PROFESSIONAL_PHONE not in text
        assert PROFESSIONAL_REQUEST not in text
        assert "専門職用の連絡先" not in text
    assert "訪問診療" in pages[1].content.decode()


def test_facility_page_is_only_under_its_own_municipality(clinic, other_municipality):
    assert Client().get(portal_url(other_municipality, f"{clinic.pk}/")).status_code == 404


def test_facility_page_of_a_closed_facility_says_it_closed_and_lists_no_details(clinic):
    clinic.status = Facility.Status.CLOSED
    clinic.closed_on = dt.date(2026, 4, 1)
    clinic.save()
    html = Client().get(portal_url(clinic.municipality, f"{clinic.pk}/")).content.decode()
    assert "令和8年4月1日" in html
    assert "訪問診療" not in html


# --- public feeds --------------------------------------------------------------------------------------

def test_public_facilities_feed_has_public_popups_linking_to_the_portal(clinic):
    response = Client().get("/resources/facilities.geojson", {"municipality": clinic.municipality.code})
    assert response["Content-Type"] == "application/geo+json"
    [feature] = json.loads(response.content)["features"]
    assert feature["properties"]["url"] == f"/resources/{clinic.municipality.code}/{clinic.pk}/"
    assert "訪問診療" in feature["properties"]["popup_html"]
    assert "/directory/" not in feature["properties"]["popup_html"]


def test_public_facilities_feed_leaves_out_closed_facilities(clinic, municipality):
    FacilityFactory(name="閉院医院", municipality=municipality, status=Facility.Status.CLOSED)
    names = [f["properties"]["name"] for f in json.loads(
        Client().get("/resources/facilities.geojson", {"municipality": municipality.code}).content)["features"]]
    assert names == ["内記ホームクリニック"]


def test_public_areas_feed_gives_area_outlines_and_needs_a_municipality(municipality):
    area = DailyLivingAreaFactory(municipality=municipality, name="北部圏域")
    AreaShape.objects.create(municipality=municipality, daily_living_area=area, geometry=SQUARE,
                             min_lat=35.2, min_lon=135.1, max_lat=35.3, max_lon=135.2)
    body = json.loads(Client().get("/resources/areas.geojson", {"municipality": municipality.code}).content)
    assert [f["properties"]["name"] for f in body["features"]] == ["北部圏域"]
    assert Client().get("/resources/areas.geojson").status_code == 400


# --- about ---------------------------------------------------------------------------------------------

def test_about_page_names_the_sources_and_when_they_were_last_imported(clinic):
    ImportRun.objects.create(source=ImportRun.Source.MHLW, file_name="01-1_hospital_facility_info.csv",
                             sha256="0" * 64, outcome=ImportRun.Outcome.APPLIED,
                             finished_at=timezone.make_aware(dt.datetime(2026, 6, 1, 10)))
    html = Client().get(portal_url(clinic.municipality, "about/")).content.decode()
    assert "令和8年6月1日" in html
    assert "MHLW 医療情報ネット" in html
    assert "survey" in html or "調査" in html


def test_portal_open_now_keeps_only_places_open_at_this_moment(clinic, municipality):
    always_open = FacilityFactory(name="いつでも薬局", kind="pharmacy", municipality=municipality)
    for weekday in range(8):  # 00:00–00:00 is the whole day
        OpeningHours.objects.create(facility=always_open, weekday=weekday, opens=dt.time(0), closes=dt.time(0))
    FacilityFactory(name="時間不明の医院", municipality=municipality)
    html = Client().get(portal_url(municipality), {"open_at": "now"}).content.decode()
    assert "いつでも薬局" in html
    assert "時間不明の医院" not in html
    assert 'name="open_at" value="now" checked' in html


def test_portal_refuses_a_search_on_a_professional_only_detail_with_a_message(clinic):
    response = Client().get(portal_url(clinic.municipality), {"capability": "professional_phone"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="form-errors"' in html
    assert "内記ホームクリニック" not in html


def test_portal_address_that_cannot_be_placed_gets_a_message_not_an_error_page(clinic):
    response = Client().get(portal_url(clinic.municipality), {"near": "〒000-0000"})
    assert response.status_code == 400
    assert "住所から位置を特定できませんでした" in response.content.decode()


def test_public_feed_refuses_professional_only_filters(clinic):
    response = Client().get("/resources/facilities.geojson", {"capability": "professional_phone"})
    assert response.status_code == 400
    assert "capability" in json.loads(response.content)["errors"]


def test_facility_page_in_english_names_days_and_dates_in_english(clinic, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(portal_url(clinic.municipality, f"{clinic.pk}/")).content.decode()
    assert '<html lang="en">' in html
    assert "Monday" in html and "Public holidays" in html
    assert f"confirmed {timezone.localdate():%Y-%m-%d}" in html
    assert "scheduled home visits" in html  # the attribute's English name
