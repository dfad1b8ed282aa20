"""The home page leads with what needs the person's attention, on a 390 px phone too (issue 7, item 18).

Before, the menu was open above the page on a phone and the important part of the home page was about
3,300 px down. Now the attention section is on the first screen (844 px) for every role, with no
horizontal scrolling.
"""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

PHONE_HEIGHT = 844


@pytest.mark.parametrize("handle", ["city", "coordinator", "doctor", "prefecture"])
def test_the_attention_section_is_on_the_first_screen_of_a_phone(phone_page, page_errors, login, screenshot,
                                                                 handle):
    page = phone_page
    login(page, demo_email(handle))
    response = page.goto("/")
    page.wait_for_load_state("load")
    assert response is not None and response.status == 200
    section = page.locator("#attention")
    box = section.bounding_box()
    assert box is not None, "the home page has an attention section"
    assert box["y"] < PHONE_HEIGHT, f"the attention section starts {box['y']:.0f}px down on a 844px phone"
    heading = page.locator("#attention-heading").bounding_box()
    assert heading is not None and heading["y"] + heading["height"] <= PHONE_HEIGHT, "its heading is readable"
    scroll_width, inner_width = page.evaluate(WIDTHS_JS)
    assert inner_width == 390
    assert scroll_width <= inner_width + 1, f"the home page is {scroll_width}px wide on a 390px phone"
    # Nothing inside the section is cut off on the right (the prefecture's table scrolls in its own box).
    right = page.evaluate("""() => Math.max(...[...document.querySelectorAll('#attention, #attention > *')]
                                             .map(e => e.getBoundingClientRect().right))""")
    assert right <= inner_width + 1
    screenshot(page, f"phone_home_attention_{handle}")
    assert page_errors.messages == [], "\n".join(page_errors.messages)


def test_the_phone_menu_is_folded_and_opens(phone_page, page_errors, login):
    page = phone_page
    login(page, demo_email("city"))
    page.goto("/")
    page.wait_for_load_state("load")
    assert page.locator("nav.site-nav details[open]").count() == 0, "the menu starts folded on a phone"
    page.locator("nav.site-nav summary").click()
    assert page.locator("nav.site-nav a[href='/organizations/']").is_visible()


def test_the_menu_stays_open_beside_the_page_on_a_wide_screen(page, login):
    login(page, demo_email("city"))
    page.goto("/")
    page.wait_for_load_state("load")
    assert page.locator("nav.site-nav details[open]").count() == 1
    assert page.locator("nav.site-nav a[href='/organizations/']").is_visible()
    assert page.locator("#attention").bounding_box()["y"] < 400
