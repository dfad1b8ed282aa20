"""The emergency sheet on a 390 px phone: the after-hours number is a big tel: link, the page never scrolls
sideways, and the print is a one-page PDF."""

from __future__ import annotations

import re

import pytest

from .conftest import CHROMIUM, SKIP_REASON, demo_email, log_in

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]


def test_a_nurse_reads_the_emergency_sheet_on_a_phone_and_calls_with_one_tap(phone_page, page_errors):
    from renkei.careteams.models import Patient
    from renkei.careteams.services.demo import build_careteams_demo

    build_careteams_demo()
    patient = Patient.objects.get(name="見本 太郎")
    log_in(phone_page, demo_email("nurse"))
    response = phone_page.goto(f"/patients/{patient.pk}/emergency/")
    assert response is not None and response.status == 200
    call = phone_page.locator("a.emergency-phone")
    assert re.fullmatch(r"tel:\d+", call.get_attribute("href"))
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44 and box["y"] < 844  # on the first screen, thumb-sized
    assert phone_page.evaluate("document.scrollingElement.scrollWidth <= document.documentElement.clientWidth")
    pdf = phone_page.request.get(f"/patients/{patient.pk}/emergency/print/")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf.body())) == 1
    assert page_errors.messages == []
