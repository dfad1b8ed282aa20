"""A municipal officer reads the end-of-life dashboard: charts drawn, tables under them, the map on demand,
everything reachable by keyboard, and the page (and the residents' page) fits a 360 px phone.

Tiles are blocked, as without network: the choropleth still draws the outlines from our own GeoJSON feed.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, _new_page, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

CITY = "262013"
SQUARE = [[135.0, 35.2], [135.2, 35.2], [135.2, 35.4], [135.0, 35.4], [135.0, 35.2]]


def _block_tiles(page) -> None:
    from django.conf import settings

    host = urlsplit(settings.RENKEI_TILE_URL).netloc
    if host:
        page.route(re.compile(rf"^https?://{re.escape(host)}/"), lambda route: route.abort())


@pytest.fixture
def indicator_world(demo):
    """(Once per module.) Two end-of-life indicators of 福知山市: its prefecture, the nation, a neighbour, a target."""
    from decimal import Decimal

    from renkei.core.models import Municipality
    from renkei.directory.models import AreaShape
    from renkei.indicators.models import (
        AreaLevel,
        IndicatorDefinition,
        IndicatorPublication,
        IndicatorTarget,
        IndicatorValue,
        Kind,
        Origin,
    )

    city = Municipality.objects.select_related("prefecture").get(code=CITY)
    neighbour = Municipality.objects.filter(prefecture=city.prefecture).exclude(pk=city.pk).order_by("code").first()
    made = []
    for code, name in (("BT_HOME_DEATH", "在宅死の割合（ブラウザテスト）"),
                       ("BT_VISITS", "訪問診療の件数（ブラウザテスト）")):
        definition, created = IndicatorDefinition.objects.get_or_create(code=code, defaults=dict(
            name_ja=name, kind=Kind.OUTCOME, scenes=["end_of_life"], unit="%", higher_is_better=True,
            data_source="人口動態統計", caveat="孤独死を含みます。"))
        made.append(definition)
        if not created:  # the module's tests share one demo database
            continue
        rows = []
        for year in range(2019, 2025):
            for key, level, pref, muni, amount in (
                    (f"M{city.code}", AreaLevel.MUNICIPALITY, city.prefecture, city, 15 + year - 2019),
                    (f"M{neighbour.code}", AreaLevel.MUNICIPALITY, city.prefecture, neighbour, 12 + year - 2019),
                    (f"P{city.prefecture.code}", AreaLevel.PREFECTURE, city.prefecture, None, 14 + (year - 2019) / 2),
                    ("N", AreaLevel.NATION, None, None, 16 + (year - 2019) / 3)):
                rows.append(IndicatorValue(
                    definition=definition, area_level=level, area_key=key, prefecture=pref, municipality=muni,
                    period_type="fiscal_year", period_start=dt.date(year, 4, 1), value=Decimal(str(amount)),
                    numerator=Decimal(500), origin=Origin.IMPORTED, source_note="人口動態統計",
                    vintage=dt.date(2025, 9, 1)))
        IndicatorValue.objects.bulk_create(rows)
        IndicatorTarget.objects.create(definition=definition, municipality=city, start_fiscal_year=2024,
                                       end_fiscal_year=2026, baseline_value=Decimal(19), baseline_fiscal_year=2023,
                                       final_value=Decimal(25))
    IndicatorPublication.objects.get_or_create(municipality=city, definition=made[0])
    for m in (city, neighbour):
        AreaShape.objects.get_or_create(municipality=m, daily_living_area=None, defaults=dict(
            geometry={"type": "Polygon", "coordinates": [SQUARE]}, min_lat=35.2, min_lon=135.0, max_lat=35.4,
            max_lon=135.2))
    return made


def test_the_dashboard_draws_charts_with_tables_and_the_map_on_demand(page, login, indicator_world, page_errors,
                                                                       screenshot):
    _block_tiles(page)
    login(page, demo_email("city"))
    response = page.goto("/indicators/scene/end_of_life/")
    assert response.status == 200
    page.wait_for_selector("canvas[data-chart-ready='1']")
    charts = page.locator("canvas[data-chart-ready='1']")
    assert charts.count() >= 2
    box = charts.first.bounding_box()
    assert box["width"] > 200 and box["height"] > 100
    assert page.evaluate("Chart.getChart(document.querySelector('canvas[data-chart]')).data.datasets.length") == 4
    card = page.locator("#indicator-BT_HOME_DEATH")
    assert card.locator("table caption").count() == 1
    assert card.locator("tbody tr").count() == 6
    assert card.locator("canvas").get_attribute("aria-label")

    page.select_option("#id_map", "BT_HOME_DEATH")
    page.click(".indicator-map-section button[type=submit]")
    page.wait_for_selector("#indicator-choropleth.leaflet-container")
    page.wait_for_selector("#indicator-map table tr[data-area='M262013']")
    page.wait_for_selector("#indicator-choropleth .leaflet-overlay-pane canvas")  # the outlines (canvas renderer)
    assert page.locator(".choropleth-legend li").count() >= 2
    screenshot(page, "indicator_dashboard")
    assert not page_errors.messages, page_errors.messages


def test_the_dashboard_is_reachable_by_keyboard(page, login, indicator_world):
    login(page, demo_email("city"))
    page.goto("/indicators/scene/end_of_life/")
    reached = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        reached.add(page.evaluate(
            "(() => { const e = document.activeElement; return (e.getAttribute('href') || '').split('?')[0]"
            " + '|' + (e.id || '') + '|' + (e.getAttribute('role') || ''); })()"))
    assert any("download.csv" in r for r in reached)
    assert any("|id_map|" in r for r in reached)
    assert any(r.endswith("|region") for r in reached)  # the tables' scroll containers take focus


@pytest.mark.parametrize("path", ["/indicators/scene/end_of_life/", "/indicators/", "/indicators/public/262013/"])
def test_the_pages_fit_a_360_px_phone(browser, demo, live_server, page_errors, login, indicator_world, path):
    context, page = _new_page(browser, live_server, page_errors, viewport={"width": 360, "height": 740},
                              is_mobile=True, has_touch=True)
    try:
        login(page, demo_email("city"))
        response = page.goto(path)
        assert response.status == 200
        page.wait_for_load_state("load")
        if "scene" in path or "public" in path:
            page.wait_for_selector("canvas[data-chart-ready='1']")
        scroll_width, inner_width = page.evaluate(WIDTHS_JS)
        assert scroll_width <= inner_width, f"{path} is {scroll_width}px wide in {inner_width}px"
    finally:
        context.close()
