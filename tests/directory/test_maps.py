"""The staff map and its GeoJSON feeds, the map include, and the vendored Leaflet (no CDN anywhere)."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client, override_settings

from renkei.core.models import Role
from renkei.directory.models import AreaShape, Facility
from tests.factories import DailyLivingAreaFactory, FacilityFactory, set_details

REPO = Path(__file__).resolve().parents[2]
PROFESSIONAL_PHONE = "0773-99-4321"
SQUARE = {"type": "Polygon", "coordinates": [[[135.1, 35.2], [135.2, 35.2], [135.2, 35.3], [135.1, 35.3],
                                              [135.1, 35.2]]]}


@pytest.fixture
def home_visit_clinic(municipality):
    clinic = FacilityFactory(name="内記ホームクリニック", municipality=municipality)
    set_details(clinic, scheduled_home_visit=True, round_the_clock=True, professional_phone=PROFESSIONAL_PHONE)
    return clinic


@pytest.fixture
def doctor_client(make_membership, login_as):
    return login_as(make_membership(Role.PROFESSIONAL))


def features_by_name(response) -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in json.loads(response.content)["features"]}


# --- permissions -------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/directory/map/", "/directory/facilities.geojson", "/directory/areas.geojson"])
def test_anonymous_visitors_are_sent_to_login_from_the_staff_map_and_its_feeds(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_every_map_view_asks_the_policy_for_directory_view():
    from renkei.directory.views import maps

    for view in (maps.map_view, maps.facilities_geojson_view, maps.areas_geojson_view):
        assert view.policy_action == "directory.view"


# --- the staff map page --------------------------------------------------------------------------------

def test_staff_map_page_lists_the_members_municipality_and_draws_its_map(doctor_client, home_visit_clinic):
    response = doctor_client.get("/directory/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "内記ホームクリニック" in html
    assert 'class="renkei-map"' in html
    assert 'data-facilities-url="/directory/facilities.geojson' in html
    assert f'data-areas-url="/directory/areas.geojson?municipality={home_visit_clinic.municipality.code}"' in html


def test_staff_map_page_has_no_inline_script_or_style(doctor_client, home_visit_clinic):
    html = doctor_client.get("/directory/map/").content.decode()
    assert_csp_clean(html)


def assert_csp_clean(html: str) -> None:
    """Nothing the CSP (script-src/style-src 'self') would block: no inline scripts, styles or handlers."""
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


# --- the facilities feed -------------------------------------------------------------------------------

def test_facilities_feed_is_geojson_points_with_kind_name_and_popup(doctor_client, home_visit_clinic):
    response = doctor_client.get("/directory/facilities.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection"
    feature = features_by_name(response)["内記ホームクリニック"]
    assert feature["id"] == home_visit_clinic.pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [135.1264, 35.2966]}
    assert feature["properties"]["kind"] == "clinic"
    assert feature["properties"]["symbol"] == "診"
    assert "訪問診療" in feature["properties"]["popup_html"]


def test_facilities_feed_shows_professional_contact_lines_to_logged_in_members(doctor_client, home_visit_clinic):
    popup = features_by_name(doctor_client.get("/directory/facilities.geojson"))["内記ホームクリニック"]
    assert PROFESSIONAL_PHONE in popup["properties"]["popup_html"]
    assert "専門職用の連絡先" in popup["properties"]["popup_html"]


def test_facilities_feed_leaves_out_facilities_without_a_position(doctor_client, municipality):
    FacilityFactory(name="位置不明医院", municipality=municipality, latitude=None, longitude=None)
    FacilityFactory(name="位置あり医院", municipality=municipality)
    names = features_by_name(doctor_client.get("/directory/facilities.geojson"))
    assert "位置あり医院" in names
    assert "位置不明医院" not in names


def test_facilities_feed_follows_the_search_parameters(doctor_client, municipality):
    FacilityFactory(name="ひまわり薬局", kind="pharmacy", municipality=municipality)
    FacilityFactory(name="さくら医院", kind="clinic", municipality=municipality)
    names = features_by_name(doctor_client.get("/directory/facilities.geojson", {"kind": "pharmacy"}))
    assert list(names) == ["ひまわり薬局"]


def test_facilities_feed_popup_escapes_names(doctor_client, municipality):
    FacilityFactory(name="<script>alert(1)</script>医院", municipality=municipality)
    feature = features_by_name(doctor_client.get("/directory/facilities.geojson"))["<script>alert(1)</script>医院"]
    popup = feature["properties"]["popup_html"]
    assert "<script>" not in popup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;医院" in popup


def test_facilities_feed_leaves_out_closed_facilities(doctor_client, municipality):
    FacilityFactory(name="閉院した医院", municipality=municipality, status=Facility.Status.CLOSED)
    assert "閉院した医院" not in features_by_name(doctor_client.get("/directory/facilities.geojson"))


# --- the areas feed ------------------------------------------------------------------------------------

def test_areas_feed_gives_the_outline_of_each_daily_living_area(doctor_client, municipality):
    area = DailyLivingAreaFactory(municipality=municipality, name="中部圏域")
    AreaShape.objects.create(municipality=municipality, daily_living_area=area, geometry=SQUARE,
                             min_lat=35.2, min_lon=135.1, max_lat=35.3, max_lon=135.2)
    response = doctor_client.get("/directory/areas.geojson", {"municipality": municipality.code})
    assert response.status_code == 200
    [feature] = json.loads(response.content)["features"]
    assert feature["geometry"] == SQUARE
    assert feature["properties"]["name"] == "中部圏域"
    assert feature["properties"]["area_id"] == area.pk


def test_areas_feed_of_an_unknown_municipality_is_not_found(doctor_client):
    assert doctor_client.get("/directory/areas.geojson", {"municipality": "999999"}).status_code == 404


# --- the include and the vendored files ------------------------------------------------------------

def test_map_include_carries_the_default_tile_url_and_its_attribution():
    html = render_to_string("directory/_map.html", {"facilities_url": "/x.geojson", "map_id": "m"})
    assert 'data-tile-url="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"' in html
    assert 'data-tile-attribution="地理院タイル"' in html
    assert 'data-facilities-url="/x.geojson"' in html
    assert_csp_clean(html)


@override_settings(RENKEI_TILE_URL="")
def test_map_include_without_a_tile_url_asks_for_no_tiles():
    html = render_to_string("directory/_map.html", {"facilities_url": "/x.geojson"})
    assert 'data-tile-url=""' in html
    assert 'data-tile-attribution=""' in html


@pytest.mark.parametrize("name", [
    "directory/map.js", "directory/directory.css", "vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.markercluster.js", "vendor/leaflet/MarkerCluster.css",
    "vendor/leaflet/MarkerCluster.Default.css", "vendor/leaflet/images/layers.png",
    "vendor/leaflet/images/marker-icon.png",
])
def test_map_scripts_and_styles_are_served_by_the_staticfiles_finders(name):
    assert finders.find(name), name


def test_vendored_scripts_source_maps_exist_for_the_manifest_storage():
    for name in ("vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.markercluster.js"):
        text = Path(finders.find(name)).read_text(encoding="utf-8")
        mapped = re.search(r"sourceMappingURL=(\S+)", text).group(1)
        assert finders.find(f"vendor/leaflet/{mapped}"), mapped


def test_no_template_or_static_file_loads_anything_from_a_cdn():
    cdn = re.compile(r"unpkg\.com|cdn\.jsdelivr|cdnjs|googleapis\.com|cloudflare|//cdn\.|leafletjs\.com/dist", re.I)
    external_asset = re.compile(r"<(?:script|link)\b[^>]*(?:src|href)=\"(?:https?:)?//", re.I)
    checked = 0
    for path in list((REPO / "renkei").rglob("*.html")) + list((REPO / "renkei").rglob("*.js")):
        if "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert not cdn.search(text), f"{path} refers to a CDN"
        assert not external_asset.search(text), f"{path} loads a script or style from another host"
        checked += 1
    assert checked >= 10


def test_facilities_feed_needs_a_bounded_number_of_queries(doctor_client, municipality,
                                                          django_assert_max_num_queries):
    for n in range(30):
        set_details(FacilityFactory(name=f"医院{n}", municipality=municipality), scheduled_home_visit=True)
    with django_assert_max_num_queries(20):
        response = doctor_client.get("/directory/facilities.geojson")
    assert len(json.loads(response.content)["features"]) == 30
