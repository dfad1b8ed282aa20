"""The collaboration survey in a real browser: a coordinator sends a link, a facility answers on a phone without
an account, the coordinator approves, and the directory shows the details confirmed today.

The module's database holds the core demo only (see conftest.py): the test re-seeds the taxonomy and creates its
own clinic in 福知山市.
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

DEMO_CITY_CODE = "262013"
CLINIC_NAME = "ブラウザ在宅クリニック"


def _assert_no_errors(errors, where: str) -> None:
    assert errors.messages == [], f"browser errors on {where}:\n" + "\n".join(errors.messages)


def _clinic():
    """A clinic whose home-visit answer was last confirmed long ago (so it is listed as stale)."""
    from renkei.core.models import Municipality
    from renkei.directory.models import CollaborationAttribute, CollaborationCategory, CollaborationDetail
    from renkei.directory.taxonomy import seed_taxonomy

    from ..factories import FacilityFactory, set_details

    seed_taxonomy(CollaborationCategory, CollaborationAttribute)
    city = Municipality.objects.get(code=DEMO_CITY_CODE)
    clinic = FacilityFactory(municipality=city, prefecture=city.prefecture, name=CLINIC_NAME,
                             kana="ブラウザザイタククリニック", phone="0773-22-3456")
    set_details(clinic, scheduled_home_visit=False)
    CollaborationDetail.objects.filter(facility=clinic).update(confirmed_on=dt.date(2023, 4, 1))
    return clinic


def test_a_coordinator_sends_a_link_a_facility_answers_staff_approve_and_the_directory_shows_it(
        page, browser, live_server, login, page_errors, screenshot):
    from django.utils import timezone

    from renkei.core.wareki import to_wareki
    from renkei.directory.models import CollaborationDetail, SurveyResponse

    clinic = _clinic()

    # 1. The coordinator starts a round for the stale clinic and copies its personal link.
    login(page, demo_email("coordinator"))
    page.goto("/directory/surveys/")
    with page.expect_navigation():
        page.click("main a[href^='/directory/surveys/new/']")
    page.goto("/directory/surveys/new/?stale_months=12&kind=clinic")
    assert page.locator(f"#facility-{clinic.pk}").count() == 1
    page.fill("#id_title", "令和8年度 在宅医療の連携情報の確認")
    page.check(f"#facility-{clinic.pk}")
    with page.expect_navigation():
        page.click("main form[method=post] button.button-primary")
    link_box = page.locator(f"code.survey-link[data-facility='{clinic.pk}']")
    assert link_box.count() == 1
    link = link_box.inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/directory/survey/answer/[A-Za-z0-9_-]+/", link), link
    screenshot(page, "survey_links_issued")
    # Printed on A4 (about 700 CSS px wide inside the margins), the link is whole and inside the page.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 700, "height": 990})
    box = link_box.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 700, f"the printed link runs off the page: {box}"
    assert link_box.inner_text().strip() == link
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 700
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    _assert_no_errors(page_errors, "round creation")

    # 2. The facility opens the link on a phone, in a browser with no login, and answers.
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo",
                                  viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        facility_page = context.new_page()
        response = facility_page.goto(link)
        assert response is not None and response.status == 200
        assert CLINIC_NAME in facility_page.locator("main h1").inner_text()
        assert facility_page.locator("nav.site-nav").count() == 0, "the facility sees no staff menu"
        assert facility_page.is_checked("input[name=a_scheduled_home_visit][value=no]"), "prefilled with today's"
        facility_page.check("input[name=a_scheduled_home_visit][value=yes]")
        facility_page.check("input[name=a_round_the_clock][value=yes]")
        facility_page.fill("#id_respondent_name", "在宅 太郎")
        facility_page.fill("#id_respondent_role", "院長")
        scroll_width, inner_width = facility_page.evaluate(
            WIDTHS_JS)
        assert scroll_width <= inner_width + 1, f"the answer page is {scroll_width}px wide on a phone"
        screenshot(facility_page, "survey_answer_phone")
        with facility_page.expect_navigation():
            facility_page.click("main form button[type=submit]")
        assert urlsplit(facility_page.url).path.endswith("/thanks/")
        assert CLINIC_NAME in facility_page.locator("main").inner_text()
    finally:
        context.close()

    # Nothing is published before review.
    assert CollaborationDetail.objects.get(facility=clinic, attribute__code="scheduled_home_visit").value is False
    answer = SurveyResponse.objects.get(invitation__facility=clinic)
    assert answer.answers == {"scheduled_home_visit": True, "round_the_clock": True}

    # 3. The coordinator approves it from the review queue.
    page_errors.clear()
    page.goto("/directory/surveys/reviews/")
    with page.expect_navigation():
        page.click(f"main a[href='/directory/surveys/responses/{answer.pk}/']")
    assert page.locator("table.survey-diff tr.changed").count() == 2
    screenshot(page, "survey_review")
    with page.expect_navigation():
        page.click("main button[name=action][value=approve]")
    _assert_no_errors(page_errors, "review and approval")

    # 4. The facility's page shows the new details, confirmed today by the respondent.
    today = to_wareki(timezone.localdate())
    page.goto(f"/directory/facilities/{clinic.pk}/")
    row = page.locator("main tr", has_text="訪問診療").first
    assert "可" in row.inner_text() and "不可" not in row.inner_text()
    assert today in row.inner_text() and "在宅 太郎（院長・ブラウザ在宅クリニック回答）" in row.inner_text()
    assert page.locator("main tr", has_text="24時間対応").count() >= 1
    screenshot(page, "survey_facility_after_approval")
    detail = CollaborationDetail.objects.get(facility=clinic, attribute__code="scheduled_home_visit")
    assert (detail.value, detail.source) == (True, "survey")

    # The round shows the answer as approved and a response rate of 100%.
    page_errors.clear()
    page.goto(f"/directory/surveys/{answer.invitation.survey_round_id}/")
    assert page.locator("main meter").get_attribute("value") == "100"
    screenshot(page, "survey_round_detail")
    page.goto("/directory/surveys/")
    assert page.locator("main meter").first.get_attribute("value") == "100"
    _assert_no_errors(page_errors, "round detail and list")

    # 5. The map shows it: among facilities doing scheduled home visits, in the list and as a marker whose
    #    popup names it (staff map), and in the residents' feed.
    page_errors.clear()
    page.goto(f"/directory/map/?capability=scheduled_home_visit&q={CLINIC_NAME}")
    assert CLINIC_NAME in page.locator("main").inner_text()
    page.wait_for_selector(".renkei-map .leaflet-marker-icon", state="attached")
    page.click(f"button[data-map-feature='{clinic.pk}']")
    page.wait_for_selector(".leaflet-popup-content")
    assert CLINIC_NAME in page.locator(".leaflet-popup-content").inner_text()
    screenshot(page, "survey_map_after_approval")
    _assert_no_errors(page_errors, "map")
    feed = page.request.get(f"/resources/facilities.geojson?municipality={DEMO_CITY_CODE}"
                            "&capability=scheduled_home_visit")
    assert feed.status == 200
    assert CLINIC_NAME in [f["properties"]["name"] for f in feed.json()["features"]]
