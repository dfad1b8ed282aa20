"""The conflict screen on a phone and by keyboard: a facility form opened before someone else's save."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, demo_email
from .test_directory_screens import _demo_facility_id
from .test_shell import _assert_no_errors, _no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]


def _save_over_an_open_form(page, login, *, theirs: str, mine: str) -> int:
    """Open a facility's edit form, let someone else save a phone number, then send mine: the facility's id."""
    from renkei.directory.models import Facility
    from renkei.directory.services import facilities as facility_services

    login(page, demo_email("coordinator"))
    clinic = _demo_facility_id()
    page.goto(f"/directory/facilities/{clinic}/edit/")
    # The live server shares the test's SQLite connection: write only once the page has stopped loading.
    page.wait_for_load_state("networkidle")
    other = Facility.objects.get(pk=clinic)  # someone else saves while this form is open
    other.phone = theirs
    facility_services.facility_save(facility=other)
    page.fill("input[name=phone]", mine)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    return clinic


def test_a_stale_facility_form_shows_both_values_and_saves_mine_over_theirs_on_a_phone(phone_page, page_errors,
                                                                                        login, screenshot):
    from renkei.directory.models import Facility

    page = phone_page
    clinic = _save_over_an_open_form(page, login, theirs="0773-11-1111", mine="0773-99-9999")

    conflict = page.locator("#conflict")
    assert conflict.is_visible()
    row = page.locator("#conflict tr[data-field=phone]")
    assert row.locator(".conflict-current").inner_text() == "0773-11-1111"
    assert row.locator(".conflict-mine").inner_text() == "0773-99-9999"
    assert Facility.objects.get(pk=clinic).phone == "0773-11-1111", "nothing was overwritten"
    scroll_width, inner_width = _no_horizontal_overflow(page)
    assert scroll_width <= inner_width + 1, f"the conflict screen is {scroll_width}px wide on a {inner_width}px phone"
    screenshot(page, "phone_facility_conflict")

    submit = page.locator("main form button[type=submit]").last
    submit.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Facility.objects.get(pk=clinic).phone == "0773-99-9999"
    _assert_no_errors(page_errors, "conflict screen",
                      expected_status=(409, f"{page.url.split('/directory/')[0]}/directory/facilities/{clinic}/edit/"))


def test_the_reload_link_of_the_conflict_screen_shows_the_saved_values(phone_page, page_errors, login):
    page = phone_page
    clinic = _save_over_an_open_form(page, login, theirs="0773-11-2222", mine="0773-99-8888")

    with page.expect_navigation():
        page.locator("#conflict a").first.click()

    assert page.locator("input[name=phone]").input_value() == "0773-11-2222"
    assert page.locator("#conflict").count() == 0
    _assert_no_errors(page_errors, "conflict reload",
                      expected_status=(409, f"{page.url.split('/directory/')[0]}/directory/facilities/{clinic}/edit/"))
