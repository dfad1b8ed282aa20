"""The cover group's rota on a 390 px phone: a list of days, gaps marked, and usable with the keyboard alone."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")


def test_the_rota_calendar_is_a_list_on_a_phone_and_a_gap_is_filled_by_keyboard(phone_page, page_errors, login,
                                                                               screenshot):
    from renkei.provision.models import CoverGroup
    from renkei.provision.selectors import rota
    from renkei.provision.services.demo import build_provision_demo

    build_provision_demo()
    group = CoverGroup.objects.get(kind=CoverGroup.Kind.DOCTORS)
    gap = rota.gaps(group)[0]
    page = phone_page
    login(page, demo_email("doctor"))
    response = page.goto(f"/provision/groups/{group.pk}/?month={gap.date:%Y-%m}")
    assert response is not None and response.status == 200
    scroll_width, inner_width = page.evaluate(WIDTHS_JS)
    assert inner_width == 390 and scroll_width <= inner_width + 1
    assert page.locator(".rota-shift.gap .rota-gap").first.is_visible()
    screenshot(page, "phone_provision_rota")
    # Tab into the calendar, then arrow keys from day to day up to the gap's day.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-rota-link')"):
            break
    else:
        pytest.fail("Tab never reached a shift of the calendar")
    target = f"d-{gap.date.isoformat()}"
    for _ in range(40):
        if page.evaluate("document.activeElement.closest('td').id") == target:
            break
        page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.closest('td').id") == target
    # On the gap's day, Tab to its uncovered shift (the night comes after the day shift).
    for _ in range(3):
        if page.evaluate("document.activeElement.closest('li').classList.contains('gap')"):
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/shifts/" in page.url
    page.focus("select[name=covering]")
    page.keyboard.press("ArrowDown")
    page.focus("input[name=phone]")
    page.keyboard.type("090-0000-1234")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert len(rota.gaps(group)) == 1
    assert page_errors.messages == [], "\n".join(page_errors.messages)
