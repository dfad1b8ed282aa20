"""The rules screens in a browser: a city officer writes a rule from the Fukui example, adds a step with the
"Add a step" button, saves it, previews the deadlines; on a phone nothing scrolls sideways."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")


def test_a_city_officer_writes_a_rule_from_an_example_and_previews_its_deadlines(page, page_errors, login,
                                                                                 screenshot):
    from renkei.handoff.models import RuleSet

    login(page, demo_email("city"))
    page.goto("/handoffs/rules/new/?template=fukui")
    page.wait_for_load_state("load")
    rows = page.locator("#step-rows fieldset.step-row")
    before = rows.count()
    page.fill("input[name=name]", "ブラウザ試験ルール")
    page.fill("input[name=effective_from]", "2020-04-01")
    page.click("#add-step")
    assert rows.count() == before + 1
    last = before  # the new row's index
    page.select_option(f"select[name=steps-{last}-key]", "interview")
    page.select_option(f"select[name=steps-{last}-actor]", "hospital")
    page.select_option(f"select[name=steps-{last}-anchor]", "admission")
    page.fill(f"input[name=steps-{last}-offset_days]", "7")
    screenshot(page, "handoff_rules_form")
    with page.expect_navigation():
        page.click("form button[type=submit].button-primary")
    page.wait_for_load_state("load")
    rule = RuleSet.objects.get(name="ブラウザ試験ルール")
    assert page.url.endswith(f"/handoffs/rules/{rule.pk}/")
    assert set(rule.steps.values_list("key", flat=True)) >= {"discharge_notice", "interview"}
    page.fill("input[name=admitted_at]", "2026-12-25T19:30")
    page.fill("input[name=planned_discharge_on]", "2027-01-20")
    page.click("#preview-heading ~ form button[type=submit]")
    page.wait_for_selector("#deadline-preview table")
    assert page.locator("#deadline-preview tbody tr").count() == rule.steps.count()
    screenshot(page, "handoff_rules_detail")
    assert not page_errors.messages


def test_the_rule_list_does_not_scroll_sideways_on_a_phone(phone_page, page_errors, login, screenshot):
    page = phone_page
    login(page, demo_email("city"))
    for url in ("/handoffs/rules/", "/handoffs/rules/new/?template=seino", "/handoffs/rules/closed-days/"):
        response = page.goto(url)
        page.wait_for_load_state("load")
        assert response is not None and response.status == 200, url
        scroll_width, inner_width = page.evaluate(WIDTHS_JS)
        assert scroll_width <= inner_width + 1, f"{url} is {scroll_width}px wide on a 390px phone"
    screenshot(page, "handoff_rules_list_phone")
