"""The handoff's life: an admission opens it under the rule in force, steps are done, the discharge closes it.

Every service asks the policy before it opens its transaction (a refusal stays logged), writes through the
models (the audit log records each row, values of patient data masked), and re-evaluates the measures.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.careteams.models import CareTeamMember, Patient, TeamRole
from renkei.core import policy
from renkei.directory.models import Facility, FacilityKind

from .. import access
from ..days import Calendar
from ..models import (
    Actor,
    AdmissionKind,
    Anchor,
    Channel,
    DayUnit,
    DischargeDestination,
    Exchange,
    Handoff,
    HandoffStep,
    RuleSet,
    StepKey,
)
from . import outcomes
from .rules import rule_set_for

HOSPITAL_FACILITY_KINDS = (FacilityKind.HOSPITAL, FacilityKind.CLINIC)


def _care_manager_place(patient: Patient) -> CareTeamMember | None:
    today = timezone.localdate()
    return (patient.care_team.members.filter(role=TeamRole.CARE_MANAGER, started_on__lte=today)
            .exclude(ended_on__lt=today).select_related("membership", "organization").order_by("pk").first())


def coverage(rule_set: RuleSet, *, patient: Patient, admission_kind: str,
             planned_stay_days: int | None) -> tuple[bool, str]:
    """Whether the rule covers this admission, and why not."""
    group = outcomes.care_level_group(patient.care_level or "")
    if (admission_kind == AdmissionKind.PLANNED and rule_set.excluded_planned_stay_days
            and planned_stay_days is not None and planned_stay_days <= rule_set.excluded_planned_stay_days):
        return False, _("a short planned stay the rule does not cover")
    if group == "support" and not rule_set.covers_support_levels:
        return False, _("the rule does not cover people certified 要支援")
    if group == "none" and not rule_set.covers_uncertified:
        return False, _("the rule covers certified people only")
    return True, ""


def _anchor_value(handoff: Handoff, anchor: str):
    if anchor == Anchor.ADMISSION:
        return handoff.admitted_at
    if anchor == Anchor.DISCHARGE:
        return handoff.discharged_at
    # Before the planned discharge; once discharged, the actual day if it came first (or no plan was made).
    planned = handoff.planned_discharge_on
    if handoff.discharged_at is not None:
        actual = timezone.localtime(handoff.discharged_at).date()
        return min(planned, actual) if planned else actual
    return planned


def schedule(handoff: Handoff, steps: list[HandoffStep], calendar: Calendar | None = None) -> list[HandoffStep]:
    """Set each step's due time from its rule step and the events known so far; returns the steps changed."""
    calendar = calendar or Calendar.for_municipality(handoff.municipality_id)
    changed = []
    for step in steps:
        rule = step.rule_step
        anchor = _anchor_value(handoff, rule.anchor)
        due = None
        if anchor is not None:
            due = calendar.deadline(anchor, offset_days=rule.offset_days, working=rule.day_unit == DayUnit.WORKING,
                                    after_hours_shift=rule.after_hours_shift)
        if due != step.due_at:
            step.due_at = due
            changed.append(step)
    return changed


def _save_and_evaluate(handoff: Handoff, steps: list[HandoffStep] | None = None) -> None:
    steps = list(handoff.steps.select_related("rule_step")) if steps is None else steps
    for step in schedule(handoff, steps):
        step.save(update_fields=["due_at"])
    outcomes.evaluate(handoff, steps)
    handoff.save()


def handoff_open(*, membership, patient: Patient, hospital: Facility, admitted_at: dt.datetime,
                 admission_kind: str = AdmissionKind.EMERGENCY, ward: str = "",
                 planned_stay_days: int | None = None) -> Handoff:
    """An admission: opens the handoff under the rule in force for the patient's municipality on that day."""
    policy.require(membership, "handoff.open_handoff", patient)
    if hospital.kind not in HOSPITAL_FACILITY_KINDS:
        raise ValidationError(_("Choose a hospital or a clinic with beds."))
    if admitted_at > timezone.now() + dt.timedelta(hours=1):
        raise ValidationError(_("The admission cannot be in the future."))
    if Handoff.objects.filter(patient=patient, status=Handoff.Status.OPEN).exists():
        raise ValidationError(_("This patient is already in hospital: record the discharge first."))
    rule_set = rule_set_for(patient.municipality, timezone.localtime(admitted_at).date())
    covered, why_not = coverage(rule_set, patient=patient, admission_kind=admission_kind,
                                planned_stay_days=planned_stay_days)
    place = _care_manager_place(patient)
    with transaction.atomic():
        handoff = Handoff(
            patient=patient, hospital=hospital, hospital_organization=hospital.organization, ward=ward,
            admitted_at=admitted_at, admission_kind=admission_kind, rule_set=rule_set, is_covered=covered,
            not_covered_reason=why_not, opened_by=membership, municipality=patient.municipality,
            care_level_group=outcomes.care_level_group(patient.care_level or ""),
            care_office=place.organization if place else None,
            care_manager=place.membership if place else None)
        handoff.save()
        steps = [HandoffStep(handoff=handoff, rule_step=rule, key=rule.key, order=rule.order, actor=rule.actor)
                 for rule in rule_set.steps.all()]
        schedule(handoff, steps)
        for step in steps:
            step.save()
        outcomes.evaluate(handoff, steps)
        handoff.save()
        return handoff


def _may_do(membership, step: HandoffStep) -> str:
    """The rule for doing this step: the home side for the care manager's steps, the hospital for its own; the
    home side also records what the hospital did by phone, FAX or in person (then the channel says so)."""
    if step.actor == Actor.CARE_MANAGER or not policy.check(membership, "handoff.act_as_hospital", step.handoff):
        return "handoff.act_as_home" if step.actor == Actor.CARE_MANAGER or policy.check(
            membership, "handoff.act_as_home", step.handoff) else "handoff.act_as_hospital"
    return "handoff.act_as_hospital"


def _check_channel_for_home(membership, step: HandoffStep, channel: str) -> None:
    if step.actor == Actor.HOSPITAL and channel in ("", Channel.RENKEI) and not policy.check(
            membership, "handoff.act_as_hospital", step.handoff):
        raise ValidationError(_("Say how the hospital told you (phone, FAX, in person…)."))


def step_complete(*, membership, step: HandoffStep, done_at: dt.datetime | None = None, channel: str = "",
                  note: str = "", record_exchange: bool = True) -> HandoffStep:
    """Mark a step done (when, how); an exchange between hospital and home is recorded with it."""
    handoff = step.handoff
    policy.require(membership, _may_do(membership, step), handoff)
    if handoff.status == Handoff.Status.CANCELLED:
        raise ValidationError(_("This handoff was cancelled."))
    if step.key == StepKey.DISCHARGE:
        raise ValidationError(_("Record the discharge itself instead."))
    done_at = done_at or timezone.now()
    if done_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("A step cannot be done in the future."))
    if channel and channel not in Channel.values:
        raise ValidationError(_("Choose how it was done."))
    _check_channel_for_home(membership, step, channel)
    with transaction.atomic():
        step.status = HandoffStep.Status.DONE
        step.done_at = done_at
        step.done_by = membership
        step.channel = channel or Channel.RENKEI
        step.note = note
        step.save()
        if record_exchange and step.key in EXCHANGE_STEPS:
            direction, professions = EXCHANGE_STEPS[step.key]
            Exchange.objects.create(
                handoff=handoff, step=step, occurred_at=done_at, direction=direction, channel=step.channel,
                from_organization=membership.organization, professions=[membership.profession] if membership.profession
                else [], summary=step.get_key_display(), recorded_by=membership)
        _save_and_evaluate(handoff)
        return step


EXCHANGE_STEPS = {
    StepKey.ADMISSION_INFO: (Exchange.Direction.TO_HOSPITAL, None),
    StepKey.DISCHARGE_NOTICE: (Exchange.Direction.FROM_HOSPITAL, None),
    StepKey.SUMMARIES: (Exchange.Direction.FROM_HOSPITAL, None),
}


def step_not_needed(*, membership, step: HandoffStep, note: str) -> HandoffStep:
    """An optional step the case does not need (no conference, say), with the reason."""
    policy.require(membership, _may_do(membership, step), step.handoff)
    if step.rule_step.is_required:
        raise ValidationError(_("The rule requires this step."))
    if not note.strip():
        raise ValidationError(_("Say why the step is not needed."))
    with transaction.atomic():
        step.status = HandoffStep.Status.NOT_NEEDED
        step.note = note.strip()
        step.done_by = membership
        step.save()
        _save_and_evaluate(step.handoff)
        return step


def screening_record(*, membership, handoff: Handoff, needs_coordination: bool, difficulty_factors: list[str],
                     has_key_person: bool | None, contact_name: str = "", contact_phone: str = "",
                     done_at: dt.datetime | None = None) -> Handoff:
    """The hospital's screening (退院困難な要因) and its discharge contact; completes the screening step."""
    step = handoff.steps.select_related("rule_step").filter(key=StepKey.SCREENING).first()
    policy.require(membership, "handoff.do_step", handoff)  # the hospital's own, unless it is not on Renkei
    with transaction.atomic():
        handoff.needs_coordination = needs_coordination
        handoff.difficulty_factors = list(difficulty_factors)
        handoff.has_key_person = has_key_person
        if access.is_hospital_staff(membership, handoff):
            handoff.discharge_contact = membership if not contact_name else handoff.discharge_contact
        handoff.discharge_contact_name = contact_name or handoff.discharge_contact_name
        handoff.discharge_contact_phone = contact_phone or handoff.discharge_contact_phone
        handoff.save()
        if step is not None and step.status == HandoffStep.Status.PENDING:
            step.status = HandoffStep.Status.DONE
            step.done_at = done_at or timezone.now()
            step.done_by = membership
            step.channel = Channel.RENKEI
            step.save()
        _save_and_evaluate(handoff)
        return handoff


def planned_discharge_set(*, membership, handoff: Handoff, planned_on: dt.date, tell_care_manager: bool = True,
                          channel: str = Channel.RENKEI) -> Handoff:
    """The hospital plans the discharge; telling the care manager on Renkei completes the discharge notice."""
    by_hospital = policy.check(membership, "handoff.act_as_hospital", handoff)
    policy.require(membership, "handoff.do_step", handoff)  # the hospital's own, unless it is not on Renkei
    if not by_hospital and channel == Channel.RENKEI and tell_care_manager:
        raise ValidationError(_("Say how the hospital told you (phone, FAX, in person…)."))
    if handoff.status != Handoff.Status.OPEN:
        raise ValidationError(_("The patient has already left the hospital."))
    if planned_on < timezone.localtime(handoff.admitted_at).date():
        raise ValidationError(_("The planned discharge is before the admission."))
    with transaction.atomic():
        handoff.planned_discharge_on = planned_on
        handoff.save()
        steps = list(handoff.steps.select_related("rule_step"))
        _save_and_evaluate(handoff, steps)
        notice = next((s for s in steps if s.key == StepKey.DISCHARGE_NOTICE), None)
        if tell_care_manager and notice is not None and notice.status == HandoffStep.Status.PENDING:
            step_complete(membership=membership, step=notice, channel=channel)
        handoff.refresh_from_db()
        return handoff


def discharge_record(*, membership, handoff: Handoff, discharged_at: dt.datetime,
                     destination: str = DischargeDestination.HOME) -> Handoff:
    """The patient left the hospital: closes the handoff and fixes its measures."""
    policy.require(membership, "handoff.record_discharge", handoff)
    if handoff.status != Handoff.Status.OPEN:
        raise ValidationError(_("The discharge is already recorded."))
    if discharged_at < handoff.admitted_at:
        raise ValidationError(_("The discharge is before the admission."))
    if discharged_at > timezone.now() + dt.timedelta(hours=1):
        raise ValidationError(_("The discharge cannot be in the future: set the planned discharge instead."))
    if destination not in DischargeDestination.values:
        raise ValidationError(_("Choose where the patient went."))
    with transaction.atomic():
        handoff.discharged_at = discharged_at
        handoff.discharge_destination = destination
        handoff.status = Handoff.Status.DISCHARGED
        steps = list(handoff.steps.select_related("rule_step"))
        for step in steps:
            if step.key == StepKey.DISCHARGE:
                step.status = HandoffStep.Status.DONE
                step.done_at = discharged_at
                step.done_by = membership
                step.save()
        _save_and_evaluate(handoff, steps)
        return handoff


def discharge_report_afterwards(*, membership, patient: Patient, hospital: Facility, admitted_at: dt.datetime,
                                discharged_at: dt.datetime, destination: str = DischargeDestination.HOME,
                                admission_kind: str = AdmissionKind.EMERGENCY, note: str = "") -> Handoff:
    """A care manager learned of a stay only after the discharge: recorded whole, it counts as missed."""
    policy.require(membership, "handoff.open_handoff", patient)
    if discharged_at < admitted_at:
        raise ValidationError(_("The discharge is before the admission."))
    with transaction.atomic():
        handoff = handoff_open(membership=membership, patient=patient, hospital=hospital, admitted_at=admitted_at,
                               admission_kind=admission_kind)
        handoff.reported_afterwards = True
        handoff.save()
        return discharge_record(membership=membership, handoff=handoff, discharged_at=discharged_at,
                                destination=destination)


def exchange_record(*, membership, handoff: Handoff, occurred_at: dt.datetime, direction: str, channel: str,
                    professions: list[str] | None = None, summary: str = "") -> Exchange:
    """An exchange of information outside the steps (a phone call, a visit to the ward, a conference)."""
    policy.require(membership, "handoff.record_exchange", handoff)
    if direction not in Exchange.Direction.values or channel not in Channel.values:
        raise ValidationError(_("Choose the direction and how the information passed."))
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("An exchange cannot be in the future."))
    with transaction.atomic():
        exchange = Exchange.objects.create(
            handoff=handoff, occurred_at=occurred_at, direction=direction, channel=channel,
            from_organization=membership.organization, professions=list(professions or []), summary=summary[:300],
            recorded_by=membership)
        _save_and_evaluate(handoff)
        return exchange


def handoff_cancel(*, membership, handoff: Handoff, reason: str) -> Handoff:
    """An admission recorded by mistake: kept (the log has it) but left out of every list and measure."""
    policy.require(membership, "handoff.act_as_home", handoff)
    if not reason.strip():
        raise ValidationError(_("Say why the admission is cancelled."))
    with transaction.atomic():
        handoff.status = Handoff.Status.CANCELLED
        handoff.not_covered_reason = reason.strip()[:200]
        handoff.is_missed = None
        handoff.save()
        return handoff
