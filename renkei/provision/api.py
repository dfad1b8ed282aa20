"""The provision API under /api/v1/provision/…: the same policy and read entries as the screens.

- GET/POST /provision/groups/{id}/shifts: a cover group's rota (members only; no patient data)
- GET /provision/patients/{id}/who-to-call: the call plan now (or `at`), for the patient's team
- GET /provision/enrolments: the enrolments with the caller's hospital; POST /provision/enrolments: a team
  member proposes; POST /provision/enrolments/{id}/decision, /end
- GET/POST /provision/patients/{id}/admissions: the team and the enrolled hospital read; the enrolled hospital
  records
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Router, Schema, Status

from renkei.careteams.selectors.patients import patient_for, record_read
from renkei.core import policy
from renkei.core.models import Membership, Organization
from renkei.core.policy import api_requires

from . import days
from .models import PatientEnrolment, RotaShift, ShiftKind
from .selectors import contacts
from .selectors import enrolments as enrolment_selectors
from .selectors import rota as rota_selectors
from .services import enrolments as enrolment_services
from .services import rota as rota_services
from .views import _loaders

router = Router(tags=["provision"])
ERRORS = {422: dict}


class ShiftOut(Schema):
    date: dt.date
    kind: str
    covering_id: int | None = None
    covering_name: str = ""
    phone: str = ""
    note: str = ""
    holiday: str = ""


class ShiftIn(Schema):
    date: dt.date
    kind: str
    covering_id: int | None = None
    phone: str = ""
    note: str = ""


class ContactOut(Schema):
    name: str
    organization: str
    phone: str
    why: str


class CallPlanOut(Schema):
    at: dt.datetime
    office_hours: bool
    doctor: ContactOut | None = None
    attending: ContactOut | None = None
    backup: ContactOut | None = None
    nurses: list[ContactOut]
    cover_group: str = ""
    enrolled_hospitals: list[str]


class EnrolmentOut(Schema):
    id: int
    patient_id: int
    patient_name: str
    hospital_id: int
    hospital_name: str
    status: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    is_current: bool


class EnrolmentIn(Schema):
    patient_id: int
    hospital_id: int
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    note: str = ""


class DecisionIn(Schema):
    accept: bool


class AdmissionIn(Schema):
    admitted_at: dt.datetime
    reason: str


class AdmissionOut(Schema):
    id: int
    hospital_name: str
    admitted_at: dt.datetime
    reason: str


def _invalid(error: ValidationError):
    return Status(422, {"detail": _("Some values are not valid. See “errors” for each one."),
                        "errors": error.messages})


def _shift_out(shift: RotaShift) -> dict:
    return {"date": shift.date, "kind": shift.kind, "covering_id": shift.covering_id,
            "covering_name": shift.covering.user.display_name if shift.covering_id else "", "phone": shift.phone,
            "note": shift.note, "holiday": days.holiday_name(shift.date)}


def _group(request, group_id: int, action: str):
    group = _loaders.group(request, group_id)
    policy.require(request.membership, action, group)
    return group


@router.get("/provision/groups/{group_id}/shifts", response=list[ShiftOut])
@api_requires("provision.use")
def list_shifts(request, group_id: int, start: dt.date | None = None, days_ahead: int = 31):
    group = _group(request, group_id, "provision.view_group")
    start = start or dt.date.today()
    days_ahead = max(1, min(days_ahead, 366))
    shifts = (RotaShift.objects.filter(group=group, date__range=(start, start + dt.timedelta(days=days_ahead - 1)))
              .select_related("covering__user").order_by("date", "kind"))
    return [_shift_out(s) for s in shifts]


@router.get("/provision/groups/{group_id}/gaps", response=list[ShiftOut])
@api_requires("provision.use")
def list_gaps(request, group_id: int, days_ahead: int = 14):
    group = _group(request, group_id, "provision.view_group")
    return [{"date": g.date, "kind": g.kind, "holiday": days.holiday_name(g.date)}
            for g in rota_selectors.gaps(group, days_ahead=max(1, min(days_ahead, 366)))]


@router.post("/provision/groups/{group_id}/shifts", response={200: ShiftOut, 422: dict})
@api_requires("provision.use")
def save_shift(request, group_id: int, payload: ShiftIn):
    group = _group(request, group_id, "provision.manage_rota")
    if payload.kind not in ShiftKind.values or payload.kind not in days.needed_shifts(payload.date):
        return _invalid(ValidationError(_("This day does not need that shift.")))
    covering = None
    if payload.covering_id is not None:
        covering = Membership.objects.filter(pk=payload.covering_id).first() if 0 < payload.covering_id < 2**63 \
            else None
        if covering is None:
            return _invalid(ValidationError(_("The covering person must be a member of the group.")))
    try:
        shift = rota_services.shift_save(membership=request.membership, group=group, date=payload.date,
                                         kind=payload.kind, covering=covering, phone=payload.phone,
                                         note=payload.note)
    except ValidationError as error:
        return _invalid(error)
    return _shift_out(shift)


@router.get("/provision/patients/{patient_id}/who-to-call", response=CallPlanOut)
@api_requires("provision.use")
def who_to_call(request, patient_id: int, at: dt.datetime | None = None):
    patient = patient_for(request.membership, patient_id, action="provision.view_contacts",
                          what=gettext_noop("who to call now"))
    plan = contacts.who_to_call_now(patient, at)
    return {"at": plan.at, "office_hours": plan.office_hours, "doctor": plan.doctor, "attending": plan.attending,
            "backup": plan.backup, "nurses": plan.nurses, "cover_group": plan.group.name if plan.group else "",
            "enrolled_hospitals": [e.hospital.name for e in plan.hospitals]}


def _enrolment_out(e: PatientEnrolment) -> dict:
    return {"id": e.pk, "patient_id": e.patient_id, "patient_name": e.patient.name, "hospital_id": e.hospital_id,
            "hospital_name": e.hospital.name, "status": e.status, "starts_on": e.starts_on, "ends_on": e.ends_on,
            "is_current": e.is_current}


@router.get("/provision/enrolments", response=list[EnrolmentOut])
@api_requires("provision.list_enrolments")
def list_enrolments(request, status: str = ""):
    return [_enrolment_out(e) for e in enrolment_selectors.hospital_enrolments(request.membership, status=status)]


@router.post("/provision/enrolments", response={200: EnrolmentOut, 422: dict})
@api_requires("provision.use")
def propose_enrolment(request, payload: EnrolmentIn):
    patient = patient_for(request.membership, payload.patient_id, action="provision.propose_enrolment",
                          record=False)
    hospital = (Organization.objects.filter(pk=payload.hospital_id).first()
                if 0 < payload.hospital_id < 2**63 else None)
    if hospital is None:
        return _invalid(ValidationError(_("Choose a hospital.")))
    try:
        enrolment = enrolment_services.enrolment_propose(
            membership=request.membership, patient=patient, hospital=hospital, starts_on=payload.starts_on,
            ends_on=payload.ends_on, note=payload.note)
    except ValidationError as error:
        return _invalid(error)
    return _enrolment_out(enrolment)


def _enrolment(request, enrolment_id: int, action: str) -> PatientEnrolment:
    enrolment = _loaders.enrolment(request, enrolment_id)
    policy.require(request.membership, action, enrolment)
    return enrolment


@router.post("/provision/enrolments/{enrolment_id}/decision", response=EnrolmentOut)
@api_requires("provision.use")
def decide_enrolment(request, enrolment_id: int, payload: DecisionIn):
    enrolment = _enrolment(request, enrolment_id, "provision.decide_enrolment")
    return _enrolment_out(enrolment_services.enrolment_decide(membership=request.membership, enrolment=enrolment,
                                                              accept=payload.accept))


@router.post("/provision/enrolments/{enrolment_id}/end", response=EnrolmentOut)
@api_requires("provision.use")
def end_enrolment(request, enrolment_id: int):
    enrolment = _enrolment(request, enrolment_id, "provision.end_enrolment")
    return _enrolment_out(enrolment_services.enrolment_end(membership=request.membership, enrolment=enrolment))


@router.get("/provision/patients/{patient_id}/admissions", response=list[AdmissionOut])
@api_requires("provision.use")
def list_admissions(request, patient_id: int):
    patient = patient_for(request.membership, patient_id, action="provision.view_admissions",
                          what=gettext_noop("emergency admissions"))
    return [{"id": a.pk, "hospital_name": a.hospital.name, "admitted_at": a.admitted_at, "reason": a.reason}
            for a in enrolment_selectors.patient_admissions(patient)]


@router.post("/provision/patients/{patient_id}/admissions", response={200: AdmissionOut, 422: dict})
@api_requires("provision.use")
def record_admission(request, patient_id: int, payload: AdmissionIn):
    patient = patient_for(request.membership, patient_id, action="provision.record_admission", record=False)
    if not payload.reason.strip() or len(payload.reason) > 200:
        return _invalid(ValidationError(_("Give the reason in at most 200 characters.")))
    try:
        admission = enrolment_services.admission_record(membership=request.membership, patient=patient,
                                                        admitted_at=payload.admitted_at, reason=payload.reason)
    except ValidationError as error:
        return _invalid(error)
    record_read(patient, what=gettext_noop("emergency admission"), permission="provision.record_admission")
    return {"id": admission.pk, "hospital_name": admission.hospital.name, "admitted_at": admission.admitted_at,
            "reason": admission.reason}


