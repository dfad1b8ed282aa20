"""The wide-area rule's page in a browser: the prefecture's officer opens it on a 360 px phone (nothing scrolls
sideways, the chart's table is there), and records an adoption with the keyboard."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, _new_page, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")


def _wide_rule():
    from renkei.core.models import AreaGroup, Membership
    from renkei.handoff.models import RuleSet
    from renkei.handoff.services.rules import NATIONAL_STEPS, rule_set_create
    from renkei.region.services.rules import adoption_record

    group = AreaGroup.objects.get(name="中丹医療圏")
    existing = RuleSet.objects.filter(area_group=group, name="ブラウザ試験の広域ルール").first()
    if existing:
        return existing
    member = Membership.objects.get(user__email=demo_email("prefecture"), role="prefecture_staff")
    rule = rule_set_create(membership=member, name="ブラウザ試験の広域ルール", area_kind="area_group",
                           area_group=group, effective_from=dt.date(2024, 4, 1),
                           steps=[dict(s) for s in NATIONAL_STEPS])
    adoption_record(membership=member, rule_set=rule, municipality=group.municipalities.get(name="福知山市"),
                    adopted_on=dt.date(2025, 4, 1))
    return rule


def test_the_rule_page_fits_a_360px_phone_and_an_adoption_is_recorded_by_keyboard(browser, demo, live_server,
                                                                                   page_errors, login, screenshot):
    from renkei.region.models import RuleAdoption

    rule = _wide_rule()
    context, page = _new_page(browser, live_server, page_errors, viewport={"width": 360, "height": 780},
                              is_mobile=True, has_touch=True)
    try:
        login(page, demo_email("prefecture"))
        response = page.goto(f"/region/rules/{rule.pk}/")
        page.wait_for_load_state("load")
        assert response is not None and response.status == 200
        scroll_width, inner_width = page.evaluate(WIDTHS_JS)
        assert scroll_width <= inner_width + 1, f"the rule page is {scroll_width}px wide on a 360px phone"
        assert page.locator("#rules-trend-data").count() == 1
        screenshot(page, "region_rules_detail_phone")
        page.focus("#adoption-add summary")
        page.keyboard.press("Enter")
        page.focus("select[name=municipality]")
        maizuru = rule.area_group.municipalities.get(name="舞鶴市")
        page.select_option("select[name=municipality]", value=str(maizuru.pk))
        page.fill("input[name=adopted_on]", "2025-06-01")
        page.focus("#adoption-add button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state("load")
        assert RuleAdoption.objects.filter(rule_set=rule, municipality__name="舞鶴市").exists()
        assert not page_errors.messages
    finally:
        context.close()
