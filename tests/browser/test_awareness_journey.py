"""A resident on a phone, without logging in, goes from the residents' portal of 福知山市 to the calendar of home
care lectures, finds next month's 人生会議 lecture and opens its details, by touch and by keyboard."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import CHROMIUM, SKIP_REASON

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

TITLE = "人生会議（ACP）を考える市民公開講座"


def _next_month_day() -> dt.date:
    from django.utils import timezone

    today = timezone.localdate()
    first_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return first_next + dt.timedelta(days=9)


@pytest.fixture
def lectures(demo):
    """Next month's 人生会議 lecture, an earlier dementia talk, and one not yet published."""
    from renkei.core.models import Municipality
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE
    from renkei.training.models import AwarenessActivity

    municipality = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE)
    day = _next_month_day()
    common = {"municipality": municipality, "kind": "public_lecture", "is_published": True,
              "starts_at": dt.time(14), "ends_at": dt.time(15, 30)}
    AwarenessActivity.objects.create(title="認知症の出前講座", themes=["dementia"], date=day - dt.timedelta(days=20),
                                     place="地域公民館", **common)
    lecture = AwarenessActivity.objects.create(
        title=TITLE, themes=["acp", "end_of_life"], date=day, place="市民会館 大ホール",
        how_to_join="申込不要・参加無料", contact="地域包括ケア推進課 0773-24-7000", **common)
    AwarenessActivity.objects.create(title="準備中の講座", themes=["acp"], date=day,
                                     **{**common, "is_published": False})
    return lecture


def test_a_resident_finds_next_months_acp_lecture_from_the_portal_on_a_phone(phone_page, lectures, page_errors):
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE
    from renkei.training.selectors.awareness import date_label

    page = phone_page
    page.goto("/resources/")
    page.locator(f"a[href='/resources/{DEMO_MUNICIPALITY_CODE}/']").first.click()
    page.wait_for_url(f"**/resources/{DEMO_MUNICIPALITY_CODE}/")
    link = page.locator(f"a[href='/events/{DEMO_MUNICIPALITY_CODE}/']")
    assert link.is_visible()
    link.click()
    page.wait_for_url(f"**/events/{DEMO_MUNICIPALITY_CODE}/")
    assert "準備中の講座" not in page.content()
    # Filter by theme: 人生会議 only.
    page.select_option("#theme", "acp")
    page.click("form.theme-filter button[type=submit]")
    page.wait_for_url("**theme=acp")
    assert "認知症の出前講座" not in page.content()
    event = page.locator(f"#activity-{lectures.pk}")
    event.scroll_into_view_if_needed()
    assert date_label(lectures.date) in event.inner_text()
    event.locator("summary").click()
    assert event.get_by_text("申込不要・参加無料").is_visible()
    assert event.get_by_text("市民会館 大ホール").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the calendar scrolls sideways on a phone ({width}px)"
    page.screenshot(path="tests/browser/screenshots/awareness_calendar_phone.png", full_page=True)
    assert page_errors.messages == []


def test_the_calendar_works_by_keyboard(phone_page, lectures, page_errors):
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE

    page = phone_page
    page.goto(f"/events/{DEMO_MUNICIPALITY_CODE}/")
    summary = page.locator(f"#activity-{lectures.pk} summary")
    for _ in range(40):  # tab until the lecture's details has the focus
        page.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the lecture's details cannot be reached with Tab")
    page.keyboard.press("Enter")
    assert page.locator(f"#activity-{lectures.pk} details").evaluate("el => el.open")
    assert page.locator(f"#activity-{lectures.pk}").get_by_text("地域包括ケア推進課 0773-24-7000").is_visible()
    assert page_errors.messages == []


def test_staff_see_never_reached_areas_on_the_reach_map_without_tiles(page, demo, page_errors):
    from urllib.parse import urlsplit

    from django.conf import settings

    from renkei.core.models import DailyLivingArea, Municipality
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE
    from renkei.training.models import AwarenessActivity

    from .conftest import demo_email, log_in

    municipality = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE)
    first = DailyLivingArea.objects.filter(municipality=municipality).order_by("name").first()
    AwarenessActivity.objects.create(municipality=municipality, kind="outreach_lecture", title="出前講座",
                                     date=dt.date.today() - dt.timedelta(days=3), daily_living_area=first,
                                     attendance=25)
    host = urlsplit(settings.RENKEI_TILE_URL).netloc
    if host:
        page.route(f"**://{host}/**", lambda route: route.abort())
    log_in(page, demo_email("city"))
    page.goto(f"/training/awareness/reach/?municipality={DEMO_MUNICIPALITY_CODE}")
    assert page.locator("tr.never-reached").count() == DailyLivingArea.objects.filter(
        municipality=municipality).count() - 1
    page.locator(".reach-map path.leaflet-interactive").first.wait_for()
    assert page.locator(".reach-map path.leaflet-interactive").count() >= 2
    assert [m for m in page_errors.messages if not host or host not in m] == []
