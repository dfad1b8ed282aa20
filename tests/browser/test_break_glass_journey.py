"""Break-glass on a phone (390 px): a doctor outside the team types the patient number, states a reason, reads
with the red banner on every page, and ends the access from the banner; the access history shows the reason."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(SKIP_REASON, allow_module_level=True)
pytest.importorskip("playwright.sync_api")

REASON = "救急搬送。主治医に連絡がつかない"


def _no_sideways_scroll(page):
    scroll_width, inner_width = page.evaluate(WIDTHS_JS)
    assert scroll_width <= inner_width + 1, f"{page.url} is {scroll_width}px wide on a {inner_width}px phone"


def test_a_doctor_breaks_the_glass_reads_under_the_banner_and_ends_it(phone_page, page_errors, login, screenshot):
    from renkei.careteams.models import BreakGlassAccess
    from renkei.core.models import AuditEntry, Membership, Organization
    from tests.careteams.factories import ConsentFactory, PatientFactory, professional

    doctor = Membership.objects.get(user__email=demo_email("doctor"), is_active=True)
    city = doctor.organization.municipality
    manager = professional(kind=Organization.Kind.CARE_MANAGEMENT_OFFICE, municipality=city)
    patient = PatientFactory(registered_by=manager, municipality=city)
    ConsentFactory(patient=patient)
    page = phone_page
    login(page, demo_email("doctor"))

    page.goto("/patients/break-glass/")
    page.fill("input[name=number]", str(patient.pk))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url.endswith(f"/patients/{patient.pk}/break-glass/")
    assert patient.name not in page.content()
    _no_sideways_scroll(page)
    page.fill("textarea[name=reason]", REASON)
    page.fill("input[name=minutes]", "15")
    page.check("input[name=confirm]")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    banner = page.locator(".banner-danger")
    assert banner.count() == 1 and "15" in banner.inner_text()
    box = banner.bounding_box()
    assert box is not None and box["y"] < 844, "the banner is on the first screen"
    screenshot(page, "break_glass_banner_phone")
    _no_sideways_scroll(page)
    page.goto("/")
    assert page.locator(".banner-danger").count() == 1, "the banner is on every page"

    with page.expect_navigation():
        page.locator(".banner-danger button[type=submit]").click()
    assert page.locator(".banner-danger").count() == 0
    glass = BreakGlassAccess.objects.get(membership=doctor, patient=patient)
    assert glass.reason == REASON and glass.ended_at is not None
    assert AuditEntry.objects.filter(subject_id=patient.pk, action="read", membership_id_value=doctor.pk,
                                     reason=REASON).exists()
    assert page_errors.messages == []
