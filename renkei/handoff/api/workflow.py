"""The handoff workflow API (the same policy, services and read entries as the screens).

- GET /handoffs (?status=open|discharged): the handoffs the caller may see; GET /handoffs/due: what is due from
  the caller now (overdue first); GET /handoffs/{id}: one handoff with its steps and exchanges.
- POST /handoffs (open an admission), /handoffs/{id}/steps/{key}/complete, /screening, /planned-discharge,
  /discharge, /exchanges.

Bodies are checked after the policy (fields are optional in the schema), so a caller the policy refuses gets
403, never a list of what their body lacked; bad input gets 422 with a sentence per field.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from renkei.careteams.selectors.patients import patient_for
from renkei.core import policy
from renkei.core.policy import api_requires

from ..factors import FACTOR_KEYS
from ..models import AdmissionKind, Channel, DischargeDestination, Exchange, Handoff, HandoffStep
from ..selectors import workflow as selectors
from ..selectors.handoffs import handoff_for, record_list_reads, steps_of, visible_handoffs
from ..services import handoffs as services
from ..views.workflow import _handoff

router = Router(tags=["handoffs"])
LIMIT = 200


class StepOut(Schema):
    key: str
    label: str
    actor: str
    is_required: bool
    due_at: dt.datetime | None
    status: str
    done_at: dt.datetime | None
    channel: str
    note: str
    is_overdue: bool
    is_late: bool


class ExchangeOut(Schema):
    occurred_at: dt.datetime
    direction: str
    channel: str
    professions: list[str]
    summary: str


class HandoffRowOut(Schema):
    id: int
    patient_id: int
    patient_name: str
    hospital_facility_id: int
    hospital_name: str
    is_hospital_on_renkei: bool
    admitted_at: dt.datetime
    admission_kind: str
    ward: str
    status: str
    planned_discharge_on: dt.date | None
    discharged_at: dt.datetime | None
    is_missed: bool | None


class HandoffOut(HandoffRowOut):
    rule_set: str
    rule_set_version: int
    is_covered: bool
    not_covered_reason: str
    needs_coordination: bool
    difficulty_factors: list[str]
    has_key_person: bool | None
    discharge_destination: str
    reported_afterwards: bool
    exchanges_before_discharge: int
    conferences_before_discharge: int
    steps: list[StepOut]
    exchanges: list[ExchangeOut]


class DueOut(Schema):
    handoff_id: int
    patient_name: str
    hospital_name: str
    is_hospital_on_renkei: bool
    key: str
    label: str
    actor: str
    due_at: dt.datetime
    is_overdue: bool


class ErrorOut(Schema):
    detail: str
    errors: dict


ERRORS = {422: ErrorOut}


def _invalid(errors: dict):
    return Status(422, {"detail": _("Some values are not valid. See “errors” for each one."), "errors": errors})


def _from_validation(error: ValidationError):
    return _invalid(error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages})


def _row(handoff: Handoff) -> dict:
    return {"id": handoff.pk, "patient_id": handoff.patient_id, "patient_name": handoff.patient.name,
            "hospital_facility_id": handoff.hospital_id, "hospital_name": handoff.hospital.name,
            "is_hospital_on_renkei": handoff.is_hospital_on_renkei, "admitted_at": handoff.admitted_at,
            "admission_kind": handoff.admission_kind, "ward": handoff.ward, "status": handoff.status,
            "planned_discharge_on": handoff.planned_discharge_on, "discharged_at": handoff.discharged_at,
            "is_missed": handoff.is_missed}


def _step(step: HandoffStep) -> dict:
    selectors.mark(step)
    return {"key": step.key, "label": str(step.rule_step), "actor": step.actor,
            "is_required": step.rule_step.is_required, "due_at": step.due_at, "status": step.status,
            "done_at": step.done_at, "channel": step.channel, "note": step.note, "is_overdue": step.is_overdue,
            "is_late": step.is_late}


def _full(handoff: Handoff) -> dict:
    out = _row(handoff)
    out.update(rule_set=handoff.rule_set.name, rule_set_version=handoff.rule_set.version,
               is_covered=handoff.is_covered, not_covered_reason=handoff.not_covered_reason,
               needs_coordination=handoff.needs_coordination, difficulty_factors=handoff.difficulty_factors or [],
               has_key_person=handoff.has_key_person, discharge_destination=handoff.discharge_destination,
               reported_afterwards=handoff.reported_afterwards,
               exchanges_before_discharge=handoff.exchange_count,
               conferences_before_discharge=handoff.conference_count,
               steps=[_step(s) for s in steps_of(handoff)],
               exchanges=[{"occurred_at": e.occurred_at, "direction": e.direction, "channel": e.channel,
                           "professions": e.professions or [], "summary": e.summary}
                          for e in handoff.exchanges.order_by("occurred_at", "pk")])
    return out


def _fresh(request, handoff_id: int) -> dict:
    """The handoff as it is after a write: the answer shows patient data, so it is a logged read too."""
    return _full(handoff_for(request.membership, handoff_id))


@router.get("/handoffs", response={200: list[HandoffRowOut], **ERRORS})
@api_requires("handoff.list_handoffs")
def list_handoffs(request, status: str = ""):
    """The handoffs the caller may see, newest admission first (at most 200); `status`: open or discharged."""
    if status not in ("", Handoff.Status.OPEN, Handoff.Status.DISCHARGED):
        return _invalid({"status": [_("Choose open or discharged.")]})
    rows = list(visible_handoffs(request.membership, status=status)[:LIMIT])
    record_list_reads(rows)
    return [_row(h) for h in rows]


@router.get("/handoffs/due", response={200: list[DueOut], **ERRORS})
@api_requires("handoff.list_handoffs")
def list_due(request, within_hours: float | None = None):
    """The steps due from the caller, the earliest first; `within_hours` keeps those due before now + hours."""
    if within_hours is not None and not 0 < within_hours <= 24 * 366:
        return _invalid({"within_hours": [_("Give a number of hours between 0 and 8784.")]})
    steps = selectors.due_steps(request.membership, within_hours=within_hours)
    record_list_reads({s.handoff_id: s.handoff for s in steps}.values())
    return [{"handoff_id": s.handoff_id, "patient_name": s.handoff.patient.name,
             "hospital_name": s.handoff.hospital.name,
             "is_hospital_on_renkei": s.handoff.hospital_organization_id is not None, "key": s.key,
             "label": s.get_key_display(), "actor": s.actor, "due_at": s.due_at,
             "is_overdue": selectors.mark(s).is_overdue} for s in steps]


@router.get("/handoffs/{int:handoff_id}", response=HandoffOut)
@policy.api_asks_on_object("handoff.view_handoff")
def get_handoff(request, handoff_id: int):
    """One handoff with its steps (due times, who did what and how) and its exchanges."""
    return _full(handoff_for(request.membership, handoff_id))


class OpenIn(Schema):
    patient_id: int | None = None
    facility_id: int | None = None  # the hospital, from the directory
    admitted_at: dt.datetime | None = None
    kind: str = AdmissionKind.EMERGENCY
    ward: str = ""
    planned_stay_days: int | None = None


@router.post("/handoffs", response={201: HandoffOut, **ERRORS})
@policy.api_asks_on_object("handoff.open_handoff")
def open_handoff(request, payload: OpenIn):
    """Record an admission: the handoff opens under the rule in force, with its steps and due times."""
    if payload.patient_id is None:
        policy.require(request.membership, "handoff.list_handoffs")  # a non-professional is refused first
        return _invalid({"patient_id": [_("Give the patient's id.")]})
    patient = patient_for(request.membership, payload.patient_id, action="handoff.open_handoff", record=False)
    errors = {}
    hospital = selectors.hospital(payload.facility_id) if payload.facility_id else None
    if hospital is None:
        errors["facility_id"] = [_("Choose a hospital or a clinic with beds from the directory.")]
    if payload.admitted_at is None:
        errors["admitted_at"] = [_("Give the date and time of the admission.")]
    if payload.kind not in AdmissionKind.values:
        errors["kind"] = [_("Choose planned or emergency.")]
    if len(payload.ward) > 80:
        errors["ward"] = [_("At most 80 characters.")]
    if payload.planned_stay_days is not None and not 1 <= payload.planned_stay_days <= 365:
        errors["planned_stay_days"] = [_("Give a number of days between 1 and 365.")]
    if errors:
        return _invalid(errors)
    try:
        handoff = services.handoff_open(membership=request.membership, patient=patient, hospital=hospital,
                                        admitted_at=payload.admitted_at, admission_kind=payload.kind,
                                        ward=payload.ward, planned_stay_days=payload.planned_stay_days)
    except ValidationError as error:
        return _from_validation(error)
    return Status(201, _fresh(request, handoff.pk))


def _loaded(request, handoff_id: int) -> Handoff:
    """The handoff for a write: the write's own rule is asked next (by the operation or the service)."""
    return _handoff(request, handoff_id)


class CompleteIn(Schema):
    done_at: dt.datetime | None = None
    channel: str = ""
    note: str = ""


@router.post("/handoffs/{int:handoff_id}/steps/{key}/complete", response={200: HandoffOut, **ERRORS})
@policy.api_asks_on_object("handoff.do_step")
def complete_step(request, handoff_id: int, key: str, payload: CompleteIn):
    """Mark a step done (when, how: `channel`, a note). Recording a hospital's step from the home side needs
    the channel it came by (phone, FAX…)."""
    handoff = _loaded(request, handoff_id)
    step = handoff.steps.select_related("rule_step").filter(key=key).first()
    if step is None:
        policy.require(request.membership, "handoff.view_handoff", handoff)
        return _invalid({"key": [_("This handoff has no such step.")]})
    step.handoff = handoff
    policy.require(request.membership, "handoff.do_step", step)
    errors = {}
    if payload.channel and payload.channel not in Channel.values:
        errors["channel"] = [_("Choose how it was done: one of %(values)s.") % {"values": ", ".join(Channel.values)}]
    if len(payload.note) > 300:
        errors["note"] = [_("At most 300 characters.")]
    if step.status != HandoffStep.Status.PENDING:
        errors["key"] = [_("This step is already recorded.")]
    if errors:
        return _invalid(errors)
    try:
        services.step_complete(membership=request.membership, step=step, done_at=payload.done_at,
                               channel=payload.channel, note=payload.note)
    except ValidationError as error:
        return _from_validation(error)
    return _fresh(request, handoff_id)


class ScreeningIn(Schema):
    needs_coordination: bool | None = None
    difficulty_factors: list[str] = []
    has_key_person: bool | None = None
    contact_name: str = ""
    contact_phone: str = ""


@router.post("/handoffs/{int:handoff_id}/screening", response={200: HandoffOut, **ERRORS})
@policy.api_asks_on_object("handoff.do_step")
def record_screening(request, handoff_id: int, payload: ScreeningIn):
    """The hospital's screening: needs coordination, the 退院困難な要因 (keys of `factors.DIFFICULTY_FACTORS`),
    whether there is a key person, the discharge contact."""
    handoff = _loaded(request, handoff_id)
    policy.require(request.membership, "handoff.do_step", handoff)
    errors = {}
    if payload.needs_coordination is None:
        errors["needs_coordination"] = [_("Say whether the patient needs discharge coordination.")]
    unknown = sorted(set(payload.difficulty_factors) - FACTOR_KEYS)
    if unknown:
        errors["difficulty_factors"] = [_("Unknown factors: %(keys)s.") % {"keys": ", ".join(unknown)}]
    if len(payload.contact_name) > 80 or len(payload.contact_phone) > 20:
        errors["contact_name"] = [_("The name has at most 80 characters, the phone 20.")]
    if errors:
        return _invalid(errors)
    try:
        services.screening_record(membership=request.membership, handoff=handoff,
                                  needs_coordination=payload.needs_coordination,
                                  difficulty_factors=payload.difficulty_factors, has_key_person=payload.has_key_person,
                                  contact_name=payload.contact_name, contact_phone=payload.contact_phone)
    except ValidationError as error:
        return _from_validation(error)
    return _fresh(request, handoff_id)


class PlannedIn(Schema):
    planned_on: dt.date | None = None
    tell_care_manager: bool = True
    channel: str = Channel.RENKEI


@router.post("/handoffs/{int:handoff_id}/planned-discharge", response={200: HandoffOut, **ERRORS})
@policy.api_asks_on_object("handoff.do_step")
def set_planned_discharge(request, handoff_id: int, payload: PlannedIn):
    """The planned discharge date; by default it tells the care manager (the discharge notice step)."""
    handoff = _loaded(request, handoff_id)
    policy.require(request.membership, "handoff.do_step", handoff)
    if payload.planned_on is None:
        return _invalid({"planned_on": [_("Give the planned discharge date.")]})
    if payload.channel not in Channel.values:
        return _invalid({"channel": [_("Choose how the care manager was told.")]})
    try:
        services.planned_discharge_set(membership=request.membership, handoff=handoff, planned_on=payload.planned_on,
                                       tell_care_manager=payload.tell_care_manager, channel=payload.channel)
    except ValidationError as error:
        return _from_validation(error)
    return _fresh(request, handoff_id)


class DischargeIn(Schema):
    discharged_at: dt.datetime | None = None
    destination: str = DischargeDestination.HOME


@router.post("/handoffs/{int:handoff_id}/discharge", response={200: HandoffOut, **ERRORS})
@policy.api_asks_on_object("handoff.record_discharge")
def record_discharge(request, handoff_id: int, payload: DischargeIn):
    """The patient left the hospital (when, where to): closes the handoff and fixes its measures."""
    handoff = _loaded(request, handoff_id)
    policy.require(request.membership, "handoff.record_discharge", handoff)
    if payload.discharged_at is None:
        return _invalid({"discharged_at": [_("Give the date and time of the discharge.")]})
    try:
        services.discharge_record(membership=request.membership, handoff=handoff,
                                  discharged_at=payload.discharged_at, destination=payload.destination)
    except ValidationError as error:
        return _from_validation(error)
    return _fresh(request, handoff_id)


class ExchangeIn(Schema):
    occurred_at: dt.datetime | None = None
    direction: str = ""
    channel: str = ""
    professions: list[str] = []
    summary: str = ""


@router.post("/handoffs/{int:handoff_id}/exchanges", response={201: HandoffOut, **ERRORS})
@policy.api_asks_on_object("handoff.record_exchange")
def record_exchange(request, handoff_id: int, payload: ExchangeIn):
    """An exchange of information between the hospital and the people at home (who, when, how)."""
    from renkei.core.models import Profession

    handoff = _loaded(request, handoff_id)
    policy.require(request.membership, "handoff.record_exchange", handoff)
    errors = {}
    if payload.occurred_at is None:
        errors["occurred_at"] = [_("Give when it happened.")]
    if payload.direction not in Exchange.Direction.values:
        errors["direction"] = [_("Choose one of %(values)s.") % {"values": ", ".join(Exchange.Direction.values)}]
    if payload.channel not in Channel.values:
        errors["channel"] = [_("Choose one of %(values)s.") % {"values": ", ".join(Channel.values)}]
    unknown = sorted(set(payload.professions) - set(Profession.values))
    if unknown:
        errors["professions"] = [_("Unknown professions: %(keys)s.") % {"keys": ", ".join(unknown)}]
    if len(payload.summary) > 300:
        errors["summary"] = [_("At most 300 characters.")]
    if errors:
        return _invalid(errors)
    try:
        services.exchange_record(membership=request.membership, handoff=handoff, occurred_at=payload.occurred_at,
                                 direction=payload.direction, channel=payload.channel,
                                 professions=payload.professions, summary=payload.summary)
    except ValidationError as error:
        return _from_validation(error)
    return Status(201, _fresh(request, handoff_id))

