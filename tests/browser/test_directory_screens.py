"""Every directory screen on a phone and by keyboard, with the demo directory (福知山市)."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, demo_email
from .test_shell import _assert_no_errors, _no_horizontal_overflow, _page_name

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]


def _demo_facility_id(kind: str = "clinic") -> int:
    from renkei.directory.models import Facility

    return Facility.objects.filter(kind=kind, municipality__code="262013").order_by("pk").values_list(
        "pk", flat=True).first()


def _paths() -> list[str]:
    return ["/directory/facilities/", "/directory/facilities/?q=ikeda", "/directory/facilities/{clinic}/",
            "/directory/facilities/{clinic}/edit/", "/directory/facilities/{clinic}/details/",
            "/directory/facilities/{clinic}/hours/", "/directory/map/", "/directory/surveys/",
            "/directory/surveys/reviews/", "/directory/imports/", "/directory/imports/upload/",
            "/directory/merge-candidates/", "/directory/coverage/m/262013/", "/directory/exports/262013/",
            "/directory/taxonomy/", "/resources/262013/", "/resources/262013/{clinic}/"]


@pytest.mark.parametrize("path", _paths())
def test_coordinator_uses_every_directory_screen_on_a_phone(phone_page, page_errors, login, screenshot, path):
    page = phone_page
    login(page, demo_email("coordinator"))
    url = path.format(clinic=_demo_facility_id())
    response = page.goto(url)
    page.wait_for_load_state("load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert page.locator("main h1").count() == 1, f"{url} has one heading"
    scroll_width, inner_width = _no_horizontal_overflow(page)
    assert scroll_width <= inner_width + 1, f"{url} is {scroll_width}px wide on a {inner_width}px phone"
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('main input, main select, main textarea')]
        .filter(el => el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button')
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                      && !el.getAttribute('aria-labelledby'))
        .map(el => el.name || el.id)""")
    assert unlabelled == [], f"{url}: inputs without a label: {unlabelled}"
    screenshot(page, f"phone_coordinator_{_page_name(url)}")
    _assert_no_errors(page_errors, f"phone {url}")


def test_staff_edit_a_facilitys_details_by_keyboard_alone(page, page_errors, login):
    """Choose an answer and submit with the keyboard only; the change is stamped today by the coordinator."""
    from django.utils import timezone

    from renkei.directory.models import CollaborationDetail

    login(page, demo_email("coordinator"))
    clinic = _demo_facility_id()
    before = CollaborationDetail.objects.filter(facility_id=clinic, attribute__code="dementia_care").first()
    new_value = not (before and before.value is True)
    page.goto(f"/directory/facilities/{clinic}/details/")
    page.locator(f"input[name=attr_dementia_care][value={'yes' if new_value else 'no'}]").focus()
    page.keyboard.press("Space")
    submit = page.locator("main form button[type=submit]").last
    for _ in range(600):  # Tab through the whole form to the submit button, as a keyboard user would
        page.keyboard.press("Tab")
        if submit.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the submit button is not reachable with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _assert_no_errors(page_errors, "details form by keyboard")
    detail = CollaborationDetail.objects.get(facility_id=clinic, attribute__code="dementia_care")
    assert detail.value is new_value
    assert detail.confirmed_on == timezone.localdate() and detail.source == "staff"
