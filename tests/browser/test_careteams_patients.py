"""A care manager on a phone: find (not found), register, build the team, see the summary; nothing scrolls sideways."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, demo_email
from .test_shell import _assert_no_errors, _no_horizontal_overflow

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]


def test_a_care_manager_finds_registers_and_builds_the_team_on_a_phone(phone_page, page_errors, login, screenshot):
    from renkei.careteams.models import Patient
    from renkei.core.models import Membership

    page = phone_page
    login(page, demo_email("caremanager"))
    page.goto("/patients/find/")
    page.fill("input[name=kana]", "レンケイ ハナコ")
    page.fill("input[name=birth_date]", "1936-03-04")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    with page.expect_navigation():
        page.locator("a[href^='/patients/new/']").click()
    assert page.input_value("input[name=kana]") == "レンケイ ハナコ"
    page.fill("input[name=name]", "連携 花子")
    page.fill("input[name=address]", "京都府福知山市字篠尾新町1")
    with page.expect_navigation():
        page.locator("main form.patient-form button[type=submit]").click()
    patient = Patient.objects.get(kana="レンケイ ハナコ")
    assert page.url.endswith(f"/patients/{patient.pk}/team/")

    nurse = Membership.objects.select_related("organization").get(user__email=demo_email("nurse"))
    page.fill("#org-q", nurse.organization.name)
    with page.expect_navigation():
        page.locator("form.organization-picker button").click()
    with page.expect_navigation():
        page.locator(f"a[href='?organization={nurse.organization_id}#add']").click()
    page.select_option("select[name=membership]", str(nurse.pk))
    page.select_option("select[name=role]", "visiting_nurse")
    with page.expect_navigation():
        page.locator("form[action$='/team/add/'] button[type=submit]").click()
    assert patient.care_team.members.filter(membership=nurse).exists()
    scroll_width, inner_width = _no_horizontal_overflow(page)
    assert scroll_width <= inner_width + 1, f"the team page is {scroll_width}px wide on a {inner_width}px phone"
    screenshot(page, "phone_care_team")

    page.goto(f"/patients/{patient.pk}/")
    assert "連携 花子" in page.inner_text("main")
    scroll_width, inner_width = _no_horizontal_overflow(page)
    assert scroll_width <= inner_width + 1, f"the summary is {scroll_width}px wide on a {inner_width}px phone"
    _assert_no_errors(page_errors, "patient journey")
