"""A resident on a phone finds a clinic that visits patients at home near an address; the map works offline.

The tile host is blocked (every tile request aborted) as when the portal runs without network: the
markers must still appear, the map says the background is missing, and the page logs no error of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

ADDRESS = "京都府福知山市内記1丁目"
CLINIC = "ないきホーム診療所テスト"
PROFESSIONAL_PHONE = "0773-99-8642"


def _tile_host() -> str:
    from django.conf import settings

    return urlsplit(settings.RENKEI_TILE_URL).netloc


def _block_tiles(page) -> list[str]:
    """Abort every request to the tile host; return the list of aborted URLs."""
    aborted: list[str] = []
    host = _tile_host()

    def handle(route):
        aborted.append(route.request.url)
        route.abort()

    page.route(re.compile(rf"^https?://{re.escape(host)}/"), handle)
    return aborted


def _own_errors(errors, host: str) -> list[str]:
    """Console errors and exceptions, except the browser's own report of each blocked tile."""
    return [m for m in errors.messages if host not in m]


@pytest.fixture
def home_visit_clinic(demo):
    """A clinic doing home visits exactly where the search places ADDRESS (whatever the gazetteer says)."""
    from renkei.core.models import Municipality
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE
    from renkei.directory.models import CollaborationAttribute, CollaborationCategory, Facility, OpeningHours
    from renkei.directory.selectors.search import parse_facility_search, search_facilities
    from renkei.directory.services.facilities import collaboration_details_confirm, facility_save
    from renkei.directory.taxonomy import seed_taxonomy

    seed_taxonomy(CollaborationCategory, CollaborationAttribute)
    params, errors = parse_facility_search({"near": ADDRESS, "municipality": DEMO_MUNICIPALITY_CODE})
    assert not errors, errors
    center = search_facilities(params).center
    assert center is not None, f"the search did not place {ADDRESS}"
    city = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE)
    clinic = facility_save(facility=Facility(
        kind="clinic", name=CLINIC, kana="ナイキホームシンリョウジョテスト", municipality=city,
        prefecture=city.prefecture,
        address=ADDRESS + "1-1", phone="0773-22-8642", latitude=center[0] + 0.0002, longitude=center[1],
        coordinate_source="manual", coordinate_quality="address"))
    for weekday in range(6):
        OpeningHours.objects.create(facility=clinic, weekday=weekday, opens=dt.time(9), closes=dt.time(12))
    collaboration_details_confirm(facility=clinic, confirmed_by="ブラウザテスト", answers={
        "scheduled_home_visit": True, "urgent_home_visit": True, "professional_phone": PROFESSIONAL_PHONE})
    return clinic


def test_resident_on_a_phone_finds_a_home_visit_clinic_near_an_address_with_tiles_blocked(
        phone_page, page_errors, screenshot, home_visit_clinic):
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE

    page = phone_page
    aborted = _block_tiles(page)
    response = page.goto("/resources/")
    assert response is not None and response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert page.locator("nav.site-nav").count() == 0, "the portal has no staff navigation"
    assert page.locator("a.skip-link").count() == 1 and page.locator("#lang-select").count() == 1
    screenshot(page, "portal_phone_index")
    with page.expect_navigation():
        page.click(f"a[href='/resources/{DEMO_MUNICIPALITY_CODE}/']")
    assert page.locator("main h1").inner_text().find("福知山市") >= 0

    page.fill("input[name=near]", ADDRESS)
    page.get_by_label("訪問診療", exact=True).check()
    with page.expect_navigation():
        page.click("form.directory-search button[type=submit]")
    assert page.locator(".form-errors").count() == 0

    first = page.locator(".result-list .result").first
    assert first.locator("h3").inner_text() == CLINIC
    distance = first.locator(".distance").inner_text()
    assert re.fullmatch(r"0\.\d km", distance), distance
    assert page.locator(".result-list .result .distance").count() >= 1

    # The map: markers (or clusters holding them) without any tile, and a note that the background is missing.
    page.wait_for_selector(".renkei-map .renkei-marker, .renkei-map .marker-cluster", state="attached")
    page.wait_for_selector(".renkei-map.renkei-map--no-tiles", state="attached")
    assert aborted, "the map asked for tiles"
    assert page.locator(".leaflet-tile-loaded").count() == 0
    status = page.locator(".renkei-map-status").inner_text()
    assert status, "the map explains what it shows"
    markers = page.locator(".renkei-map .leaflet-marker-icon")
    assert markers.count() >= 1
    assert markers.first.get_attribute("tabindex") == "0", "markers are reachable by keyboard"
    scroll_width, inner_width = page.evaluate(WIDTHS_JS)
    assert scroll_width <= inner_width + 1, f"the results page is {scroll_width}px wide on a {inner_width}px phone"
    screenshot(page, "portal_phone_results_tiles_blocked")

    # "Show on map" opens the clinic's popup, with public details and without the professional line.
    page.click(f"button[data-map-feature='{home_visit_clinic.pk}']")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert CLINIC in popup.inner_text()
    assert PROFESSIONAL_PHONE not in popup.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('leaflet-marker-icon')"), \
        "the marker of the chosen result has the keyboard focus"

    with page.expect_navigation():
        first.locator("h3 a").click()
    assert page.locator("main h1").inner_text().startswith(CLINIC)
    body = page.locator("main").inner_text()
    assert "訪問診療" in body and "09:00–12:00" in body
    assert PROFESSIONAL_PHONE not in page.content()
    assert page.locator("a[href='tel:0773228642']").count() == 1
    screenshot(page, "portal_phone_facility")
    with page.expect_navigation():
        page.click(f"footer a[href='/resources/{DEMO_MUNICIPALITY_CODE}/about/']")
    assert page.locator("main h1").count() == 1
    screenshot(page, "portal_phone_about")
    assert _own_errors(page_errors, _tile_host()) == []


def test_professional_sees_the_contact_line_in_the_staff_map_popup(page, page_errors, login, screenshot,
                                                                   home_visit_clinic):
    _block_tiles(page)
    login(page, demo_email("doctor"))
    response = page.goto(f"/directory/map/?q={CLINIC}")
    assert response is not None and response.status == 200
    page.click(f"button[data-map-feature='{home_visit_clinic.pk}']")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert PROFESSIONAL_PHONE in popup.inner_text()
    # The layer control lists one checkbox per kind; unticking clinics removes the clinic's marker.
    control = page.locator(".leaflet-control-layers")
    control.hover()
    clinic_toggle = control.locator("label", has_text=re.compile("診療所|clinic")).first.locator("input")
    assert page.locator(".renkei-map .leaflet-marker-icon.renkei-marker--clinic").count() >= 1
    clinic_toggle.uncheck()
    assert page.locator(".renkei-map .leaflet-marker-icon.renkei-marker--clinic").count() == 0
    screenshot(page, "staff_map_popup")
    assert _own_errors(page_errors, _tile_host()) == []


def test_portal_search_works_without_javascript(browser, demo, live_server, home_visit_clinic):
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE

    context = browser.new_context(base_url=live_server.url, locale="ja-JP", java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(f"/resources/{DEMO_MUNICIPALITY_CODE}/")
        assert page.locator("[data-locate-form]").is_hidden(), "no geolocation button without JavaScript"
        page.fill("input[name=near]", ADDRESS)
        page.get_by_label("訪問診療", exact=True).check()
        with page.expect_navigation():
            page.click("form.directory-search button[type=submit]")
        assert page.locator(".result-list .result h3").first.inner_text() == CLINIC
        assert "km" in page.locator(".result-list .result .distance").first.inner_text()
    finally:
        context.close()


def test_the_map_legend_names_each_whole_kind_not_one_service_type(page, page_errors, login):
    _block_tiles(page)
    login(page, demo_email("coordinator"))
    response = page.goto("/directory/map/")
    assert response is not None and response.status == 200
    # The kinds' toggles come with the markers (the areas' one may come first).
    page.locator(".leaflet-control-layers-overlays label", has_text="介護サービス").first.wait_for(state="attached")
    labels = [text.strip() for text in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
    care = [text for text in labels if "介護サービス" in text]
    assert care, labels
    # 「介護サービス事業所 (43)」 for every care service office, never 「介護サービス事業所（訪問介護） (43)」.
    assert all("（" not in text for text in labels), labels
    assert _own_errors(page_errors, _tile_host()) == []
