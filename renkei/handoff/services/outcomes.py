"""The measures of one handoff, written on the row so that reports are aggregate queries.

- missed (退院調整もれ): a discharge home or to a facility of a patient who needed coordination, when a step whose
  rule says `counts_for_missed` (tell the care manager before discharge) was not done by its due time, or when
  the care manager learned of the discharge only afterwards. Deaths and transfers to another hospital are not
  counted (None), nor are admissions the rule does not cover.
- late notice: the care manager was told of the discharge under `LATE_NOTICE_DAYS` days before it (or never).
- admission information missing: the care manager's admission information step was never done.
"""

from __future__ import annotations

from ..models import CareLevelGroup, Channel, DischargeDestination, Exchange, Handoff, HandoffStep, StepKey

LATE_NOTICE_DAYS = 3
COUNTED_DESTINATIONS = (DischargeDestination.HOME, DischargeDestination.FACILITY, DischargeDestination.OTHER, "")


def care_level_group(care_level: str) -> str:
    if care_level.startswith("care_"):
        return CareLevelGroup.CARE
    if care_level.startswith("support_"):
        return CareLevelGroup.SUPPORT
    return CareLevelGroup.NONE


def _step_late_or_missing(step: HandoffStep) -> bool:
    if step.status == HandoffStep.Status.NOT_NEEDED:
        return False
    if step.done_at is None:
        return True
    return step.due_at is not None and step.done_at > step.due_at


def evaluate(handoff: Handoff, steps: list[HandoffStep] | None = None) -> list[str]:
    """Recompute the handoff's measure fields in memory; returns the names of the fields that changed."""
    steps = list(handoff.steps.all()) if steps is None else steps
    by_key = {s.key: s for s in steps}
    before = {f: getattr(handoff, f) for f in MEASURE_FIELDS}

    handoff.discharged_on = handoff.discharged_at.date() if handoff.discharged_at else None
    notice = by_key.get(StepKey.DISCHARGE_NOTICE)
    info = by_key.get(StepKey.ADMISSION_INFO)
    discharged = handoff.status == Handoff.Status.DISCHARGED and handoff.discharged_at is not None
    if discharged:
        counted = (handoff.is_covered and handoff.needs_coordination
                   and handoff.discharge_destination in COUNTED_DESTINATIONS)
        if not counted:
            handoff.is_missed = None
        else:
            handoff.is_missed = handoff.reported_afterwards or any(
                _step_late_or_missing(s) for s in steps if s.rule_step.counts_for_missed)
        told = notice.done_at if notice is not None and notice.done_at else None
        handoff.is_late_notice = counted and (
            told is None or (handoff.discharged_on - _local_date(told)).days < LATE_NOTICE_DAYS)
        handoff.is_admission_info_missing = info is not None and info.done_at is None
    else:
        handoff.is_missed = None
        handoff.is_late_notice = False
        handoff.is_admission_info_missing = False
    exchanges = Exchange.objects.filter(handoff=handoff).exclude(direction=Exchange.Direction.TO_HOSPITAL)
    if handoff.discharged_at is not None:
        exchanges = exchanges.filter(occurred_at__lte=handoff.discharged_at)
    handoff.exchange_count = exchanges.count()
    handoff.conference_count = exchanges.filter(channel=Channel.CONFERENCE).count()
    return [f for f in MEASURE_FIELDS if getattr(handoff, f) != before[f]]


def _local_date(at):
    from django.utils import timezone

    return timezone.localtime(at).date()


MEASURE_FIELDS = ("discharged_on", "is_missed", "is_late_notice", "is_admission_info_missing", "exchange_count",
                  "conference_count")
