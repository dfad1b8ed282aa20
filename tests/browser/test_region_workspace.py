"""The demo prefecture user's and the demo 保健所 user's workspace: the status table, the map (or at least its table),
the progress chart without console errors, a drill-down, keyboard navigation, and a 360 px phone.

Tiles are blocked, as without network: the choropleth still draws the outlines from our own GeoJSON feed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, _new_page, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

SQUARE = [[135.0, 35.2], [135.2, 35.2], [135.2, 35.4], [135.0, 35.4], [135.0, 35.2]]
CHUTAN = ("26201", "26202", "26203")  # 福知山市, 舞鶴市, 綾部市


def _block_tiles(page) -> None:
    from django.conf import settings

    host = urlsplit(settings.RENKEI_TILE_URL).netloc
    if host:
        page.route(re.compile(rf"^https?://{re.escape(host)}/"), lambda route: route.abort())


@pytest.fixture
def workspace_world(demo):
    """(Once per module.) Confirmed sheets of the 中丹 municipalities for two years, and their outlines."""
    from renkei.core.models import Municipality
    from renkei.directory.models import AreaShape
    from renkei.region.demo.workspace import build
    from renkei.region.models import Implementation
    from tests.region.factories import answer

    municipalities = list(Municipality.objects.filter(jis_code__in=CHUTAN).order_by("code"))
    build(municipalities[0])  # the demo 保健所's jurisdiction (the conftest builds only the core and directory demos)
    for index, municipality in enumerate(municipalities):
        for year, statuses in ((2023, "IINNNNNN"), (2024, "IIIPNNNI" if index else "NNNNNNNN")):
            if not Implementation.objects.filter(municipality=municipality, fiscal_year=year).exists():
                answer(municipality, statuses, fiscal_year=year)
        west = 135.0 + index * 0.2
        AreaShape.objects.get_or_create(municipality=municipality, daily_living_area=None, defaults=dict(
            geometry={"type": "Polygon", "coordinates": [[[west + x, y] for x, y in
                                                          ((0, 35.2), (0.2, 35.2), (0.2, 35.4), (0, 35.4),
                                                           (0, 35.2))]]},
            min_lat=35.2, min_lon=west, max_lat=35.4, max_lon=west + 0.2))
    return municipalities


def test_the_prefecture_home_shows_the_table_the_map_and_the_chart(page, login, workspace_world, page_errors,
                                                                    screenshot):
    _block_tiles(page)
    login(page, demo_email("prefecture"))
    response = page.goto("/region/?year=2024")
    assert response.status == 200
    assert page.locator("table.ws-status-table tbody tr").count() >= 3
    # 福知山市 implements nothing in 2024: the municipalities that have not started come first.
    assert page.locator("table.ws-status-table tbody tr.ws-not-started").count() >= 1
    page.wait_for_selector("#ws-choropleth.leaflet-container")
    page.wait_for_selector("#ws-choropleth .leaflet-overlay-pane canvas, #ws-choropleth .leaflet-overlay-pane svg")
    assert page.locator("#ws-map-table tbody tr").count() >= 3
    page.wait_for_selector("canvas[data-ws-chart][data-chart-ready='1']")
    assert page.evaluate("Chart.getChart(document.querySelector('canvas[data-ws-chart]')).data.datasets.length") == 8
    screenshot(page, "region_workspace_prefecture")
    assert not page_errors.messages, page_errors.messages


def test_the_health_center_home_starts_with_its_jurisdiction(page, login, workspace_world, page_errors):
    _block_tiles(page)
    login(page, demo_email("healthcenter"))
    page.goto("/region/?year=2024")
    codes = page.eval_on_selector_all("table.ws-status-table tbody tr", "rows => rows.map(r => r.dataset.municipality)")
    assert sorted(codes) == sorted(m.code for m in workspace_world)
    page.check("#id_whole")
    with page.expect_navigation():
        page.click("form.ws-choose button[type=submit]")
    assert page.locator("table.ws-status-table tbody tr").count() > len(codes)
    assert not page_errors.messages, page_errors.messages


def test_a_drill_down_opens_the_municipality_s_profile(page, login, workspace_world, page_errors):
    login(page, demo_email("prefecture"))
    page.goto("/region/?year=2024")
    with page.expect_navigation():
        page.click("table.ws-status-table a[href='/region/municipalities/262013/']")
    assert page.url.endswith("/region/municipalities/262013/")
    assert page.locator("h1").inner_text().startswith("福知山市")
    assert page.locator("table.ws-status-table tbody tr").count() == 2
    assert not page_errors.messages, page_errors.messages


def test_the_home_is_reachable_by_keyboard(page, login, workspace_world):
    login(page, demo_email("prefecture"))
    page.goto("/region/?year=2024")
    reached = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.add(page.evaluate(
            "(() => { const e = document.activeElement; return (e.getAttribute('href') || '') + '|' + (e.id || '')"
            " + '|' + (e.getAttribute('role') || ''); })()"))
    assert any("|id_year|" in r for r in reached)
    assert any("/region/municipalities/" in r for r in reached)
    assert any(r.endswith("|region") for r in reached)


@pytest.mark.parametrize("path", ["/region/?year=2024", "/region/municipalities/262013/", "/region/map/"])
def test_the_pages_fit_a_360_px_phone(browser, demo, live_server, page_errors, login, workspace_world, path):
    context, page = _new_page(browser, live_server, page_errors, viewport={"width": 360, "height": 740},
                              is_mobile=True, has_touch=True)
    try:
        _block_tiles(page)
        login(page, demo_email("prefecture"))
        response = page.goto(path)
        assert response.status == 200
        page.wait_for_load_state("load")
        scroll_width, inner_width = page.evaluate(WIDTHS_JS)
        assert scroll_width <= inner_width, f"{path} is {scroll_width}px wide in {inner_width}px"
        assert not page_errors.messages, page_errors.messages
    finally:
        context.close()
