"""The prefecture's officer reads the implementation survey report: stacked bar charts drawn from the json_script
data with a table under each, no console errors, and the page usable on a 390 px phone (no sideways scrolling of
the page; the wide tables scroll inside their own box)."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

YEAR = 2025


@pytest.fixture
def answered(demo):
    from renkei.core.models import Municipality
    from renkei.region.services.implementation import ItemAnswer, implementation_save

    for code, statuses in (("262013", "IIPNIIIN"), ("262021", "INNNNNNN"), ("262030", "PPNNNNNN")):
        municipality = Municipality.objects.get(code=code)
        items = [ItemAnswer(item=item, status={"I": "implemented", "P": "planned", "N": "not_implemented"}[s])
                 for item, s in zip("abcdefgh", statuses, strict=True)]
        implementation_save(membership=None, municipality=municipality, fiscal_year=YEAR, items=items, confirm=True)
    return demo


def test_the_report_draws_its_charts_without_console_errors(page, answered, login, page_errors):
    login(page, demo_email("prefecture"))
    page.goto(f"/region/report/?year={YEAR}&prefecture=26")
    page.wait_for_selector("canvas[data-survey-chart='items'][data-chart-ready='1']")
    assert page.locator("table.survey").first.locator("tbody tr").count() == 8
    assert "（ア）地域の医療・介護の資源の把握" in page.locator("table.survey").first.inner_text()
    assert not page_errors.messages, page_errors.messages


def test_the_report_fits_a_phone(phone_page, answered, login):
    login(phone_page, demo_email("prefecture"))
    phone_page.goto(f"/region/report/?year={YEAR}")
    phone_page.wait_for_selector("canvas[data-survey-chart='items'][data-chart-ready='1']")
    overflow = phone_page.evaluate("document.scrollingElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    phone_page.select_option("#id_prefecture", "26")
    with phone_page.expect_navigation():
        phone_page.click("form.survey-choose button[type=submit]")
    assert "prefecture=26" in phone_page.url
