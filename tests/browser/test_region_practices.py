"""The good-practice library in a browser: a city officer finds the prefecture's practice by filter, opens it and
copies its template into 福知山市 with the keyboard; on a phone the library does not scroll sideways."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

TITLE = "府の標準ロジックモデルで計画づくりを支援"
CONTENT = {"format": "renkei-logic-model", "version": 1, "scenes": ["end_of_life"], "scene_labels": {},
           "outcomes": [{"key": "o1", "scene": "end_of_life", "text": "望む場所で最期を迎えられる"}],
           "measures": [{"key": "m1", "text": "ACP 普及啓発講座の開催"}],
           "placements": [{"number": 1, "measure": "m1", "outcome": "o1"}], "indicators": []}


def _prefecture_practice():
    from renkei.core.models import Membership
    from renkei.pdca.services.templates import logic_model_template_save
    from renkei.region.models import Practice
    from renkei.region.services.practices import practice_publish, practice_save

    staff = Membership.objects.select_related("organization__prefecture").get(
        user__email=demo_email("prefecture"), role="prefecture_staff")
    prefecture = staff.organization.prefecture
    template = logic_model_template_save(membership=staff, name="京都府 標準ロジックモデル（看取り）",
                                         content=CONTENT, prefecture=prefecture)
    practice = Practice(title=TITLE, summary="府が作った看取りの場面のひな形を市町村に提供した。",
                        prefecture=prefecture,
                        program_items=["b"], scenes=["end_of_life"], offer_kind="form_template",
                        offer_id=template.pk)
    practice_save(membership=staff, practice=practice)
    return practice_publish(membership=staff, practice=practice)


def test_a_city_officer_finds_a_practice_by_filter_and_copies_it_with_the_keyboard(page, page_errors, login,
                                                                                  screenshot):
    from renkei.region.models import PracticeCopy

    practice = _prefecture_practice()
    login(page, demo_email("city"))
    page.goto("/region/practices/")
    page.wait_for_load_state("load")
    page.select_option("select[name=scene]", "end_of_life")
    page.wait_for_selector(f"#practice-results [data-practice='{practice.pk}']")
    page.select_option("select[name=item]", "h")
    page.wait_for_selector("#practice-results [data-practice]", state="detached")
    page.select_option("select[name=item]", "b")
    link = page.locator(f"#practice-results [data-practice='{practice.pk}'] a")
    link.wait_for()
    screenshot(page, "region_practices_list")
    link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    copy_link = page.locator("a[href$='/copy/']")
    copy_link.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    page.locator("main form button[type=submit].button-primary").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert "/region/practices/copies/" in page.url
    copy = PracticeCopy.objects.get(practice=practice)
    assert copy.municipality.name == "福知山市"
    assert TITLE in page.locator("main").inner_text()
    screenshot(page, "region_practices_copies")
    assert not page_errors.messages


def test_the_library_and_meetings_do_not_scroll_sideways_on_a_phone(phone_page, page_errors, login, screenshot):
    _prefecture_practice()
    page = phone_page
    login(page, demo_email("city"))
    for url in ("/region/practices/", "/region/practices/new/", "/region/meetings/", "/region/meetings/new/"):
        response = page.goto(url)
        page.wait_for_load_state("load")
        assert response is not None and response.status == 200, url
        scroll_width, inner_width = page.evaluate(WIDTHS_JS)
        assert scroll_width <= inner_width + 1, f"{url} is {scroll_width}px wide on a 390px phone"
    screenshot(page, "region_practices_phone")
    assert not page_errors.messages
