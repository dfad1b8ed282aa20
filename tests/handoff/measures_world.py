"""Hand-built handoffs for the measures tests: on time, late, never contacted, reported afterwards, a death, and
the 要介護 / 要支援 split (through the lifecycle services, as the care manager and the discharge nurse)."""

import datetime as dt

from django.utils import timezone

from renkei.handoff import report_areas
from renkei.handoff.models import HandoffStep, StepKey
from renkei.handoff.services import handoffs as services

from .factories import open_handoff

NOW = timezone.now


def _step(handoff, key) -> HandoffStep:
    return handoff.steps.select_related("rule_step", "handoff").get(key=key)


def on_time(world, *, days_ago: int):
    """Admitted 10 days before, told 4 days before the discharge (on time), discharged home."""
    discharged = NOW() - dt.timedelta(days=days_ago)
    handoff = open_handoff(world, admitted_at=discharged - dt.timedelta(days=10))
    services.step_complete(membership=world.care_manager, step=_step(handoff, StepKey.ADMISSION_INFO),
                           done_at=discharged - dt.timedelta(days=10))
    services.planned_discharge_set(membership=world.discharge_nurse, handoff=handoff,
                                   planned_on=timezone.localtime(discharged).date(), tell_care_manager=False)
    services.step_complete(membership=world.discharge_nurse, step=_step(handoff, StepKey.DISCHARGE_NOTICE),
                           done_at=discharged - dt.timedelta(days=4))
    services.discharge_record(membership=world.discharge_nurse, handoff=handoff, discharged_at=discharged)
    handoff.refresh_from_db()
    return handoff


def late(world, *, days_ago: int):
    """Told on the day of discharge: late notice and missed."""
    discharged = NOW() - dt.timedelta(days=days_ago)
    handoff = open_handoff(world, admitted_at=discharged - dt.timedelta(days=8))
    services.planned_discharge_set(membership=world.discharge_nurse, handoff=handoff,
                                   planned_on=timezone.localtime(discharged).date(), tell_care_manager=False)
    services.step_complete(membership=world.discharge_nurse, step=_step(handoff, StepKey.DISCHARGE_NOTICE),
                           done_at=discharged - dt.timedelta(hours=1))
    services.discharge_record(membership=world.discharge_nurse, handoff=handoff, discharged_at=discharged)
    handoff.refresh_from_db()
    return handoff


def never_contacted(world, *, days_ago: int):
    discharged = NOW() - dt.timedelta(days=days_ago)
    handoff = open_handoff(world, hospital=world.paper_hospital, admitted_at=discharged - dt.timedelta(days=6))
    services.discharge_record(membership=world.care_manager, handoff=handoff, discharged_at=discharged)
    handoff.refresh_from_db()
    return handoff


def afterwards(world, *, days_ago: int):
    discharged = NOW() - dt.timedelta(days=days_ago)
    return services.discharge_report_afterwards(
        membership=world.care_manager, patient=world.patient, hospital=world.paper_hospital,
        admitted_at=discharged - dt.timedelta(days=9), discharged_at=discharged)


def death(world, *, days_ago: int):
    discharged = NOW() - dt.timedelta(days=days_ago)
    handoff = open_handoff(world, admitted_at=discharged - dt.timedelta(days=3))
    services.discharge_record(membership=world.discharge_nurse, handoff=handoff, discharged_at=discharged,
                              destination="death")
    return handoff


def build_hand_built(world):
    """Care level 要介護: on time ×2, late, never contacted, afterwards, a death; then 要支援: on time, never."""
    world.patient.care_level = "care_2"
    world.patient.save()
    made = [on_time(world, days_ago=60), on_time(world, days_ago=50), late(world, days_ago=40),
            never_contacted(world, days_ago=35), afterwards(world, days_ago=30), death(world, days_ago=25)]
    world.patient.care_level = "support_1"
    world.patient.save()
    made += [on_time(world, days_ago=15), never_contacted(world, days_ago=5)]
    world.handoffs = made
    world.area = report_areas.of_municipality(world.patient.municipality)
    world.start = timezone.localdate() - dt.timedelta(days=90)
    world.end = timezone.localdate()
    return world
