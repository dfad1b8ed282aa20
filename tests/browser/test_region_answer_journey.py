"""The implementation-status survey in a browser on the demo's 福知山市: the city official opens this year's
questionnaire (pre-filled), changes an answer by keyboard only, saves a draft, confirms, and sees the sheet
confirmed on the list; the questionnaire fits a 360 px phone without horizontal scrolling."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, _new_page, demo_email, log_in

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

CITY = "262013"


@pytest.fixture
def answered(demo):
    """The status part of the region demo (the browser demo builds only core and the directory)."""
    from renkei.core import audit
    from renkei.core.models import Municipality
    from renkei.region.demo import status

    with audit.bind(user_label="system: renkei demo"):
        status.build(Municipality.objects.select_related("prefecture").get(code=CITY))


def _sheet(year):
    from renkei.region.models import Implementation

    return Implementation.objects.filter(municipality__code=CITY, fiscal_year=year).first()


def test_the_city_official_answers_and_confirms_the_survey(page, answered, page_errors):
    from renkei.region.selectors.implementation import current_fiscal_year

    year = current_fiscal_year()
    log_in(page, demo_email("city"))
    page.goto(f"/region/implementation/{CITY}/{year}/")
    assert page.locator("#item-a").is_visible()
    before = _sheet(year).items.get(item="d").status
    # Keyboard only: focus the first radio of (エ), move to the next choice with the arrow key, then Tab away.
    page.focus("#id_status_d_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    chosen = page.locator("input[name=status_d]:checked").get_attribute("value")
    assert chosen != "implemented" or before != "implemented"
    page.focus("button[value=draft]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    sheet = _sheet(year)
    assert sheet.confirmed_at is None
    assert sheet.items.get(item="d").status == chosen
    with page.expect_navigation():
        page.click("button[value=confirm]")
    assert _sheet(year).confirmed_at is not None
    assert page.locator("#sheet-state").inner_text().strip() != ""
    page.goto("/region/implementation/")
    row = page.locator("tbody tr").first
    assert "confirm" in row.inner_text().lower() or "確認" in row.inner_text()
    assert page_errors.messages == []


def test_the_questionnaire_fits_a_360_px_phone(browser, demo, answered, live_server, page_errors):
    from renkei.region.selectors.implementation import current_fiscal_year

    context, page = _new_page(browser, live_server, page_errors, viewport={"width": 360, "height": 740},
                              is_mobile=True, has_touch=True)
    try:
        log_in(page, demo_email("city"))
        page.goto(f"/region/implementation/{CITY}/{current_fiscal_year()}/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
    finally:
        context.close()
