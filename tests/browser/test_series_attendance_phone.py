"""The attendance checklist on a 390 px phone: the coordinator ticks a participant with a tap (htmx swaps the row),
unticks by keyboard, marks everyone present, and the page never scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import CHROMIUM, SKIP_REASON, demo_email, log_in

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]


def test_a_coordinator_records_attendance_on_a_phone(phone_page, page_errors):
    from django.utils import timezone

    from renkei.core.models import Membership
    from renkei.training.models import Attendance, Registration, TrainingSeries, TrainingSession

    coordinator = Membership.objects.get(user__email=demo_email("coordinator"), role="coordinator")
    series = TrainingSeries.objects.create(municipality=coordinator.organization.municipality,
                                           title="多職種連携研修 看取り編", fiscal_year=2026)
    session = TrainingSession.objects.create(series=series, starts_at=timezone.now() - dt.timedelta(minutes=10),
                                             place="市民会館")
    first, second, third = (Registration.objects.create(series=series, name=name, profession="nurse")
                            for name in ("相田 一子", "井上 二郎", "上野 三子"))
    log_in(phone_page, demo_email("coordinator"))
    response = phone_page.goto(f"/training/sessions/{session.pk}/attendance/")
    assert response is not None and response.status == 200
    row = phone_page.locator(f"#attendance-{first.pk} button")
    box = row.bounding_box()
    assert box is not None and box["height"] >= 44
    row.tap()
    phone_page.locator(f"#attendance-{first.pk} button[aria-pressed=true]").wait_for()
    assert Attendance.objects.get(session=session, registration=first).attended
    phone_page.locator(f"#attendance-{first.pk} button").focus()
    phone_page.keyboard.press("Enter")
    phone_page.locator(f"#attendance-{first.pk} button[aria-pressed=false]").wait_for()
    assert not Attendance.objects.get(session=session, registration=first).attended
    assert phone_page.evaluate("document.scrollingElement.scrollWidth <= document.documentElement.clientWidth")
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="全員を出席にする").or_(
            phone_page.get_by_role("button", name="Mark all present")).click()
    assert set(Attendance.objects.filter(session=session, attended=True).values_list("registration_id", flat=True)) \
        == {first.pk, second.pk, third.pk}
    assert page_errors.messages == []
