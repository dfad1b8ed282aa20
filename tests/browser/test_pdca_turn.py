"""The PDCA turn in a browser: the index, one scene's turn saved through htmx, the report page; phone widths."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, _new_page, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

PHONE = {"width": 360, "height": 780}


def _turn_data():
    from renkei.core.models import Municipality
    from tests.pdca.turn_data import build_turn

    municipality = Municipality.objects.get(code="262013")
    return build_turn(municipality)


def test_staff_write_the_check_through_htmx_and_the_pages_fit_a_phone(browser, demo, live_server, page_errors,
                                                                        login, screenshot):
    from renkei.pdca.models import PdcaCycle

    data = _turn_data()
    context, page = _new_page(browser, live_server, page_errors, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        login(page, demo_email("city"))
        turn_url = f"/pdca/turns/{data.plan.pk}/end_of_life/2024/"
        for url in ("/pdca/?fy=2024", turn_url, "/pdca/report/?fy=2024"):
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            width, inner = page.evaluate(WIDTHS_JS)
            screenshot(page, "pdca_" + url.strip("/").replace("/", "_").replace("?", "_"))
            assert width <= inner, f"{url} is {width}px wide in a {inner}px window"
        page.goto(turn_url)
        page.locator('#turn-check input[value="partly"]').check()
        page.fill("#check-check_note", "看取り率は目標を上回った")
        page.locator('#turn-check button[type="submit"]').click()
        page.wait_for_selector('[data-assessment="partly"]')
        cycle = PdcaCycle.objects.get(plan=data.plan, scene="end_of_life", fiscal_year=2024)
        assert cycle.check_note == "看取り率は目標を上回った"
        # The block came back with the new version: a second save is not a conflict.
        page.fill("#plan-plan_note", "今年度は研修を増やす")
        page.locator('#turn-plan button[type="submit"]').click()
        page.wait_for_selector('#turn[data-version="3"]')
        assert not page.locator("#conflict").count()
        assert not page_errors.messages
    finally:
        context.close()
