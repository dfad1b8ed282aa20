"""Consent, break-glass and access-history operations under /api/v1/patients/…: the same policy, services and
read entries as the screens (a scanned form is attached on the screen, not through the API)."""

import datetime as dt
from functools import wraps

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from renkei.core import policy
from renkei.core.models import Organization

from ..models import Consent, TeamRole
from ..selectors import consent as consent_selectors
from ..selectors.history import access_history
from ..selectors.patients import patient_for
from ..services import break_glass as break_glass_services
from ..services import consent as consent_services

router = Router(tags=["patients"])

VIEW, MANAGE = "careteams.view_patient", "careteams.manage_consent"
BREAK, HISTORY = "careteams.break_glass", "careteams.view_access_history"


def asks(action: str):
    """Core's mark for a rule asked on the patient (`patient_for` asks it), and a service's ValidationError
    answered as 400 with its messages."""

    def decorator(func):
        @wraps(func)
        def answering_invalid(request, *args, **kwargs):
            try:
                return func(request, *args, **kwargs)
            except ValidationError as error:
                raise HttpError(400, " ".join(error.messages)) from error

        return policy.api_asks_on_object(action)(answering_invalid)

    return decorator


class ConsentOut(Schema):
    id: int
    given_by: str
    proxy_name: str
    proxy_relation: str
    purposes: list[str]
    covers_whole_team: bool
    organizations: list[int]
    roles: list[str]
    consented_on: dt.date
    paper_reference: str
    has_form_file: bool
    is_current: bool
    withdrawn_at: dt.datetime | None
    withdrawal_note: str

    @staticmethod
    def of(consent: Consent) -> "ConsentOut":
        return ConsentOut(
            id=consent.pk, given_by=consent.given_by, proxy_name=consent.proxy_name,
            proxy_relation=consent.proxy_relation, purposes=list(consent.purposes or []),
            covers_whole_team=consent.covers_whole_team, organizations=[o.pk for o in consent.organizations.all()],
            roles=list(consent.roles or []), consented_on=consent.consented_on,
            paper_reference=consent.paper_reference, has_form_file=bool(consent.form_file),
            is_current=consent.is_current, withdrawn_at=consent.withdrawn_at, withdrawal_note=consent.withdrawal_note)


class ConsentIn(Schema):
    given_by: Consent.GivenBy = Consent.GivenBy.PATIENT
    proxy_name: str = Field("", max_length=80)
    proxy_relation: str = Field("", max_length=40)
    purposes: list[Consent.Purpose] = Field(..., min_length=1)
    covers_whole_team: bool = True
    organizations: list[int] = Field(default_factory=list, description="organization ids (team organizations)")
    roles: list[TeamRole] = Field(default_factory=list)
    consented_on: dt.date
    paper_reference: str = Field("", max_length=120)


class WithdrawIn(Schema):
    note: str = Field("", max_length=200)


class BreakGlassIn(Schema):
    reason: str = Field(..., min_length=1, max_length=1000)
    minutes: int = Field(break_glass_services.DEFAULT_MINUTES, ge=1, le=1000)


class BreakGlassOut(Schema):
    id: int
    patient_id: int
    started_at: dt.datetime
    expires_at: dt.datetime


class HistoryFilter(Schema):
    since: dt.date | None = None
    until: dt.date | None = None


class HistoryOut(Schema):
    at: dt.datetime
    when: str = Field(description="和暦 date and time")
    person: str
    organization: str
    kind: str = Field(description="read, write, refused or export")
    what: str
    why: str = Field(description="the break-glass reason, when there was one")


@router.get("/patients/{patient_id}/consents", response=list[ConsentOut])
@asks(VIEW)
def consent_list(request, patient_id: int):
    patient = patient_for(request.membership, patient_id, action=VIEW, record=False)
    return [ConsentOut.of(c) for c in consent_selectors.patient_consents(patient)]


@router.post("/patients/{patient_id}/consents", response={201: ConsentOut})
@asks(MANAGE)
def consent_create(request, patient_id: int, payload: ConsentIn):
    patient = patient_for(request.membership, patient_id, action=MANAGE, record=False)
    organizations = list(Organization.objects.filter(pk__in=[i for i in payload.organizations if 0 < i < 2**63]))
    if len(organizations) != len(set(payload.organizations)):
        raise HttpError(400, "unknown organization")
    consent = consent_services.consent_record(
        membership=request.membership, patient=patient, given_by=payload.given_by, proxy_name=payload.proxy_name,
        proxy_relation=payload.proxy_relation, purposes=[str(p) for p in payload.purposes],
        covers_whole_team=payload.covers_whole_team, organizations=organizations,
        roles=[str(r) for r in payload.roles], consented_on=payload.consented_on,
        paper_reference=payload.paper_reference)
    return Status(201, ConsentOut.of(consent))


@router.post("/patients/{patient_id}/consents/{consent_id}/withdraw", response=ConsentOut)
@asks(MANAGE)
def consent_withdraw(request, patient_id: int, consent_id: int, payload: WithdrawIn):
    patient = patient_for(request.membership, patient_id, action=MANAGE, record=False)
    consent = consent_selectors.consent_of(patient, consent_id)
    return ConsentOut.of(consent_services.consent_withdraw(membership=request.membership, consent=consent,
                                                           note=payload.note))


@router.post("/patients/{patient_id}/break-glass", response={201: BreakGlassOut})
@asks(BREAK)
def break_glass_start(request, patient_id: int, payload: BreakGlassIn):
    from django.http import Http404

    from ..models import Patient

    if not 0 < patient_id < 2**63:
        raise Http404("patient")
    patient = Patient.objects.select_related("municipality").filter(pk=patient_id).first()
    if patient is None:
        raise Http404("patient")
    glass = break_glass_services.break_glass_start(membership=request.membership, patient=patient,
                                                   reason=payload.reason, minutes=payload.minutes)
    return Status(201, BreakGlassOut(id=glass.pk, patient_id=patient.pk, started_at=glass.started_at,
                                     expires_at=glass.expires_at))


@router.get("/patients/{patient_id}/history", response=list[HistoryOut])
@asks(HISTORY)
def history(request, patient_id: int, filters: Query[HistoryFilter]):
    patient = patient_for(request.membership, patient_id, action=HISTORY, record=False)
    return [HistoryOut(at=r.at, when=r.when, person=r.person, organization=r.organization, kind=r.kind_code,
                       what=r.what, why=r.why) for r in access_history(patient, since=filters.since,
                                                                        until=filters.until)]
