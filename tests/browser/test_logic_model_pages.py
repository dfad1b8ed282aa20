"""The 福知山市 logic model on a phone: the table and the diagram scroll inside their containers, never the page;
the edit screen adds a measure through htmx without a reload."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

FILE = Path("/work/shared/data/pdca/fukuchiyama-logic-model.csv")


def _plan():
    from renkei.core.models import Municipality
    from renkei.pdca.models import PlanPeriod
    from renkei.pdca.services.logic_model_files import logic_model_import

    if not FILE.is_file():
        pytest.skip("the 福知山市 logic model file is not present")
    municipality = Municipality.objects.get(code="262013")
    plan = PlanPeriod.objects.filter(municipality=municipality, start_fiscal_year=2024).first()
    if plan is None or not plan.logic_models.exists():
        plan = logic_model_import(membership=None, municipality=municipality, data=FILE.read_bytes(),
                                  file_name=FILE.name, fiscal_year=2024).plan
    return plan


def test_table_and_diagram_scroll_inside_their_containers_on_a_phone(phone_page, login, page_errors):
    plan = _plan()
    login(phone_page, demo_email("city"))
    for path in (f"/pdca/plans/{plan.pk}/logic-model/", f"/pdca/plans/{plan.pk}/logic-model/diagram/"):
        response = phone_page.goto(path)
        assert response is not None and response.status == 200
        scroll_width, inner_width = phone_page.evaluate(WIDTHS_JS)
        assert scroll_width <= inner_width, f"{path} is {scroll_width}px wide in {inner_width}px"
    container = phone_page.evaluate(
        "(() => { const c = document.querySelector('.diagram-scroll'); return [c.scrollWidth, c.clientWidth]; })()")
    assert container[0] > container[1]  # the diagram keeps its width and scrolls sideways in its box
    assert phone_page.locator(".diagram-scroll g.box-measure").count() == 55
    assert not page_errors.messages


def test_a_measure_is_added_through_htmx(page, login, page_errors):
    plan = _plan()
    login(page, demo_email("city"))
    page.goto(f"/pdca/plans/{plan.pk}/logic-model/edit/")
    page.fill("#measure_text", "ブラウザから追加した施策")
    page.select_option("#measure_outcome", index=1)
    page.locator("form[hx-post$='/logic-model/measures/'] button[type=submit]").click()
    page.wait_for_selector("text=ブラウザから追加した施策")
    assert page.url.endswith("/logic-model/edit/")
    assert plan.logic_models.order_by("-revision").first().measures.filter(text="ブラウザから追加した施策").exists()
    assert not page_errors.messages
