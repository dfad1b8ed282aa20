import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from renkei.handoff.models import HandoffStep, StepKey

from .factories import open_handoff

pytestmark = pytest.mark.django_db
URL = "https://renkei.example.jp"


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """`renkei handoffs remind`, its after-commit e-mails run (the test's transaction never commits)."""

    def run(*extra) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("handoffs", "remind", "--base-url", URL, *extra, stdout=out)
        return out.getvalue()

    return run


def test_the_care_manager_gets_a_link_to_the_admission_information_due_today_and_no_patient_data(world, remind):
    handoff = open_handoff(world, days_ago=0.1)
    out = remind("--hours", "96")
    to_care_manager = [m for m in mail.outbox if world.care_manager.user.email in m.to]
    assert len(to_care_manager) == 1
    body = to_care_manager[0].body
    assert f"{URL}/handoffs/{handoff.pk}/" in body
    assert "入院時情報提供" in body
    assert world.patient.name not in body and world.patient.kana not in body
    assert world.patient.name not in to_care_manager[0].subject
    assert "e-mails sent" in out


def test_the_hospital_on_renkei_is_reminded_of_its_screening(world, remind):
    handoff = open_handoff(world, days_ago=2.5)  # screening due at the end of day 3
    remind("--hours", "120")
    hospital_mails = [m for m in mail.outbox if world.discharge_nurse.user.email in m.to]
    assert hospital_mails and f"/handoffs/{handoff.pk}/" in hospital_mails[0].body
    assert "スクリーニング" in hospital_mails[0].body


def test_a_paper_hospitals_steps_go_to_the_care_manager_to_phone_them(world, remind):
    open_handoff(world, hospital=world.paper_hospital, days_ago=2.5)
    remind("--hours", "120")
    assert all(world.discharge_nurse.user.email not in m.to for m in mail.outbox)
    body = next(m.body for m in mail.outbox if world.care_manager.user.email in m.to)
    assert "スクリーニング" in body and "電話" in body


def test_running_twice_sends_each_reminder_once(world, remind):
    handoff = open_handoff(world, days_ago=0.1)
    remind("--hours", "96")
    first = len(mail.outbox)
    assert first >= 1
    assert handoff.steps.get(key=StepKey.ADMISSION_INFO).reminded_at is not None
    out = remind("--hours", "96")
    assert len(mail.outbox) == first
    assert "0 steps due" in out


def test_a_dry_run_sends_nothing_and_marks_nothing(world):
    open_handoff(world, days_ago=0.1)
    out = StringIO()
    call_command("handoffs", "remind", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert "dry run" in out.getvalue()
    assert not HandoffStep.objects.filter(reminded_at__isnull=False).exists()


def test_steps_due_later_than_the_window_wait(world, remind):
    open_handoff(world, days_ago=0.1)
    HandoffStep.objects.update(due_at=timezone.now() + dt.timedelta(hours=30))
    remind("--hours", "24")
    assert mail.outbox == []
    remind("--hours", "36")
    assert mail.outbox


def test_without_a_site_address_the_command_refuses_to_send_links(world, settings):
    settings.RENKEI_BASE_URL = ""
    with pytest.raises(CommandError):
        call_command("handoffs", "remind", stdout=StringIO())
