"""Patients API: my patients, register, find, one patient (read, change), its team (read, add, end) and the
FHIR shapes of the patient, the team and the consents. The same policy and read entries as the screens."""

import datetime as dt
from typing import Annotated

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, etag, parse_version

from .. import fhir
from ..models import CareTeamMember, Patient, TeamRole
from ..selectors import find_patient, key_people_of, my_patients, patient_for, record_read
from ..selectors.teams import (
    consents_of,
    member_of_team,
    my_roles,
    organization_to_add,
    professional_of,
    team_of,
    team_sizes,
)
from ..services import patients as patient_services
from ..services import teams as team_services

router = Router(tags=["patients"])
MAX_ID = 2**63 - 1


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL and lone surrogates (a 500): refuse them here as invalid input.
    if "\x00" in value:
        raise ValueError("NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("not valid text") from exc
    return value


Text = Annotated[str, AfterValidator(_storable)]


# --- shapes --------------------------------------------------------------------------------------------------

class PatientListItem(Schema):
    id: int
    name: str
    kana: str
    age: int
    sex: str
    care_level: str
    status: str
    my_role: str
    team_size: int


class KeyPersonOut(Schema):
    id: int
    name: str
    kana: str
    relation: str
    phone: str
    is_emergency_contact: bool
    is_decision_maker: bool


class PatientOut(Schema):
    id: int
    version: int
    name: str
    kana: str
    birth_date: dt.date
    age: int
    sex: str
    postal_code: str
    address: str
    municipality_code: str | None
    daily_living_area: str | None
    phone: str
    care_insurer_number: str
    care_insured_number: str
    medical_insurer_number: str
    medical_insured_symbol_number: str
    care_level: str
    care_level_valid_from: dt.date | None
    care_level_valid_until: dt.date | None
    disability_independence: str
    dementia_independence: str
    main_conditions: str
    allergies: str
    living_situation: str
    status: str
    key_people: list[KeyPersonOut]


class PatientIn(Schema):
    name: Text = Field(max_length=80, min_length=1)
    kana: Text = Field(max_length=160, min_length=1)
    birth_date: dt.date
    sex: Text = Field("unknown", max_length=10)
    postal_code: Text = Field("", max_length=8)
    address: Text = Field("", max_length=200)
    phone: Text = Field("", max_length=20)
    care_insurer_number: Text = Field("", max_length=6)
    care_insured_number: Text = Field("", max_length=10)
    medical_insurer_number: Text = Field("", max_length=8)
    medical_insured_symbol_number: Text = Field("", max_length=40)
    care_level: Text = Field("", max_length=20)
    care_level_valid_from: dt.date | None = None
    care_level_valid_until: dt.date | None = None
    disability_independence: Text = Field("", max_length=8)
    dementia_independence: Text = Field("", max_length=8)
    main_conditions: Text = Field("", max_length=4000)
    allergies: Text = Field("", max_length=4000)
    living_situation: Text = Field("", max_length=20)
    my_role: Text = Field(TeamRole.CARE_MANAGER, max_length=30, description="the registering member's role")


class PatientPatch(Schema):
    """The fields to change (only those sent), and the version read (or `If-Match`)."""

    version: int | None = Field(None, ge=1, le=MAX_ID)
    name: Text | None = Field(None, max_length=80, min_length=1)
    kana: Text | None = Field(None, max_length=160, min_length=1)
    birth_date: dt.date | None = None
    sex: Text | None = Field(None, max_length=10)
    postal_code: Text | None = Field(None, max_length=8)
    address: Text | None = Field(None, max_length=200)
    phone: Text | None = Field(None, max_length=20)
    care_insurer_number: Text | None = Field(None, max_length=6)
    care_insured_number: Text | None = Field(None, max_length=10)
    medical_insurer_number: Text | None = Field(None, max_length=8)
    medical_insured_symbol_number: Text | None = Field(None, max_length=40)
    care_level: Text | None = Field(None, max_length=20)
    care_level_valid_from: dt.date | None = None
    care_level_valid_until: dt.date | None = None
    disability_independence: Text | None = Field(None, max_length=8)
    dementia_independence: Text | None = Field(None, max_length=8)
    main_conditions: Text | None = Field(None, max_length=4000)
    allergies: Text | None = Field(None, max_length=4000)
    living_situation: Text | None = Field(None, max_length=20)
    status: Text | None = Field(None, max_length=10, description="active or ended")


class FindFilter(Schema):
    care_insured_number: Text = Field("", max_length=10)
    name: Text = Field("", max_length=80)
    kana: Text = Field("", max_length=160)
    birth_date: dt.date | None = None


class FindOut(Schema):
    result: str = Field(description="mine, elsewhere or not_found")
    patient_id: int | None = None
    team_id: int | None = Field(None, description="the team to ask to join (elsewhere); nothing else is told")


class MyPatientsFilter(Schema):
    q: Text = Field("", max_length=80)
    status: Text = Field("", max_length=10)


class MemberOut(Schema):
    id: int
    role: str
    name: str
    organization_id: int | None
    organization: str
    phone: str
    email: str
    started_on: dt.date
    ended_on: dt.date | None
    pending_invitation: bool


class TeamOut(Schema):
    id: int
    external_network: str
    external_url: str
    current: list[MemberOut]
    pending: list[MemberOut]
    past: list[MemberOut]


class MemberIn(Schema):
    role: Text = Field(max_length=30)
    organization_id: int = Field(ge=1, le=MAX_ID)
    membership_id: int | None = Field(None, ge=1, le=MAX_ID, description="a professional of that organization")
    invite_email: Text | None = Field(None, max_length=254, description="invite someone not yet on Renkei")
    person_name: Text = Field("", max_length=80)
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    phone: Text = Field("", max_length=20)
    email: Text = Field("", max_length=254)


class EndIn(Schema):
    ended_on: dt.date | None = None


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class ConflictOut(Schema):
    detail: str
    current_version: int
    your_version: int


def _invalid(error: ValidationError):
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return Status(422, {"detail": _("Some values are not valid. See “errors” for each one."), "errors": errors})


def _patient_out(patient: Patient) -> dict:
    return {
        **{name: getattr(patient, name) for name in patient_services.EDITABLE_FIELDS},
        "id": patient.pk, "version": patient.version, "age": patient.age, "status": patient.status,
        "municipality_code": patient.municipality.code if patient.municipality_id else None,
        "daily_living_area": patient.daily_living_area.name if patient.daily_living_area_id else None,
        "key_people": [{"id": k.pk, "name": k.name, "kana": k.kana, "relation": k.relation, "phone": k.phone,
                        "is_emergency_contact": k.is_emergency_contact, "is_decision_maker": k.is_decision_maker}
                       for k in key_people_of(patient)],
    }


def _member_out(member: CareTeamMember) -> dict:
    return {"id": member.pk, "role": member.role, "name": fhir._member_name(member) or "",
            "organization_id": member.organization_id,
            "organization": member.organization.name if member.organization_id else "",
            "phone": member.phone or (member.organization.phone if member.organization_id else ""),
            "email": member.email, "started_on": member.started_on, "ended_on": member.ended_on,
            "pending_invitation": member.is_pending and getattr(member.invitation, "accepted_membership_id",
                                                                None) is None}


# --- operations ---------------------------------------------------------------------------------------------

@router.get("/patients/", response=list[PatientListItem])
@policy.api_requires("careteams.list_patients")
def list_my_patients(request, filters: Query[MyPatientsFilter]):
    """My current patients (the teams I am on, with consent), kana order; each one listed is a logged read."""
    status = filters.status if filters.status in Patient.Status.values else ""
    patients = my_patients(request.membership, q=filters.q.strip(), status=status)
    ids = [p.pk for p in patients]
    sizes, roles = team_sizes(ids), my_roles(request.membership, ids)
    return [{"id": p.pk, "name": p.name, "kana": p.kana, "age": p.age, "sex": p.sex, "care_level": p.care_level,
             "status": p.status, "my_role": roles.get(p.pk, ""), "team_size": sizes.get(p.pk, 0)}
            for p in patients]


@router.post("/patients/", response={201: PatientOut, 422: ErrorOut})
@policy.api_requires("careteams.register_patient")
def register_patient(request, payload: PatientIn, response: HttpResponse):
    """Register a patient; the caller is on the new team in `my_role` (care manager by default)."""
    values = payload.model_dump()
    role = values.pop("my_role")
    try:
        patient = patient_services.patient_register(by=request.membership, values=values, role=role)
    except ValidationError as error:
        return _invalid(error)
    response["ETag"] = etag(patient)
    return Status(201, _patient_out(patient))


@router.get("/patients/find", response={200: FindOut, 422: ErrorOut})
@policy.api_requires("careteams.find_patient")
def find(request, filters: Query[FindFilter]):
    """By 被保険者番号, or name (or kana) and date of birth, exactly. Says "mine" (with the id), "elsewhere" (with
    only the team to ask to join) or "not_found"; never anything about another team's patient."""
    if not filters.care_insured_number and not (filters.birth_date and (filters.name or filters.kana)):
        return Status(422, {"detail": _("Enter the care insurance insured number, or the name (or kana) and the "
                                        "date of birth.")})
    result = find_patient(request.membership, **filters.model_dump())
    if result.found:
        return {"result": "mine", "patient_id": result.patient.pk}
    if result.exists_elsewhere_team_id:
        return {"result": "elsewhere", "team_id": result.exists_elsewhere_team_id}
    return {"result": "not_found"}


@router.get("/patients/{patient_id}", response=PatientOut)
@policy.api_asks_on_object("careteams.view_patient")
def get_patient(request, patient_id: int, response: HttpResponse):
    patient = patient_for(request.membership, patient_id)
    response["ETag"] = etag(patient)
    return _patient_out(patient)


@router.patch("/patients/{patient_id}", response={200: PatientOut, 409: ConflictOut, 412: ErrorOut, 422: ErrorOut})
@policy.api_asks_on_object("careteams.edit_patient")
def change_patient(request, patient_id: int, payload: PatientPatch, response: HttpResponse):
    """Change the fields sent. Send the version read (`If-Match` or `version`): when someone saved since,
    nothing is written and the answer is 409 with the current version."""
    patient = patient_for(request.membership, patient_id, action="careteams.edit_patient", record=False)
    header = request.headers.get("If-Match", "").strip()
    expected = payload.version
    if header and header != "*":
        expected = parse_version(header.split(",")[0])
        if expected is None:
            return Status(412, {"detail": 'If-Match は ETag（例："3"）にしてください。 / '
                                          'If-Match must be an ETag, e.g. "3".'})
    sent = payload.model_dump(exclude_unset=True)
    sent.pop("version", None)
    status = sent.pop("status", None)
    try:
        if sent:
            patient = patient_services.patient_update(by=request.membership, patient=patient, values=sent,
                                                      expected_version=expected)
            expected = patient.version
        if status is not None:
            if status not in (Patient.Status.ACTIVE, Patient.Status.ENDED):
                raise ValidationError({"status": [_("Use active or ended.")]})
            patient = patient_services.patient_status_set(by=request.membership, patient=patient, status=status,
                                                          expected_version=expected)
    except StaleEdit as stale:
        response["ETag"] = etag(stale.current)
        return Status(409, {"detail": ("あなたが読んだ後に他の人がこの利用者の情報を保存しました。"
                                       "何も変更していません。読み直して、新しい版で送ってください。 / "
                                       "Someone else saved this patient after you read it. Nothing was changed: "
                                       "read it again and send your change with the new version."),
                            "current_version": stale.current_version, "your_version": stale.expected_version})
    except ValidationError as error:
        return _invalid(error)
    patient = patient_for(request.membership, patient_id, action="careteams.edit_patient", record=False)
    response["ETag"] = etag(patient)
    return Status(200, _patient_out(patient))


@router.get("/patients/{patient_id}/fhir", response=dict)
@policy.api_asks_on_object("careteams.view_patient")
def get_patient_fhir(request, patient_id: int):
    """The patient as a FHIR R4 Patient (JP Core identifiers where defined)."""
    patient = patient_for(request.membership, patient_id, what="patient details (FHIR)")
    return fhir.patient_resource(patient, key_people=key_people_of(patient))


@router.get("/patients/{patient_id}/team", response=TeamOut)
@policy.api_asks_on_object("careteams.view_patient")
def get_team(request, patient_id: int):
    patient = patient_for(request.membership, patient_id, record=False)
    team = team_of(patient)
    return {"id": team.team.pk, "external_network": team.team.external_network,
            "external_url": team.team.external_url, "current": [_member_out(m) for m in team.current],
            "pending": [_member_out(m) for m in team.pending], "past": [_member_out(m) for m in team.past]}


@router.get("/patients/{patient_id}/team/fhir", response=dict)
@policy.api_asks_on_object("careteams.view_patient")
def get_team_fhir(request, patient_id: int):
    """The care team as a FHIR R4 CareTeam (current, invited and past members with their periods)."""
    patient = patient_for(request.membership, patient_id, record=False)
    team = team_of(patient)
    return fhir.care_team_resource(patient, team.current + team.pending + team.past)


@router.post("/patients/{patient_id}/team/members", response={201: MemberOut, 404: ErrorOut, 422: ErrorOut})
@policy.api_asks_on_object("careteams.manage_team")
def add_member(request, patient_id: int, payload: MemberIn):
    """Put a member of an organization on the team (`membership_id`), the organization itself, or invite
    someone not yet on Renkei by e-mail (`invite_email`): they count once they accept."""
    patient = patient_for(request.membership, patient_id, action="careteams.manage_team", record=False)
    organization = organization_to_add(payload.organization_id)
    if organization is None:
        return Status(404, {"detail": _("No such organization.")})
    try:
        if payload.invite_email:
            from django.core.validators import validate_email

            validate_email(payload.invite_email)
            member = team_services.team_member_invite(
                by=request.membership, team=patient.care_team, role=payload.role, organization=organization,
                email=payload.invite_email, person_name=payload.person_name, started_on=payload.started_on,
                base_url=request.build_absolute_uri("/")[:-1])
        else:
            membership = None
            if payload.membership_id:
                membership = professional_of(organization, payload.membership_id)
                if membership is None:
                    return Status(404, {"detail": _("No such person in that organization.")})
            member = team_services.team_member_add(
                by=request.membership, team=patient.care_team, role=payload.role, organization=organization,
                membership=membership, started_on=payload.started_on, ended_on=payload.ended_on,
                phone=payload.phone, email=payload.email)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _member_out(member))


@router.post("/patients/{patient_id}/team/members/{member_id}/end", response={200: MemberOut, 404: ErrorOut})
@policy.api_asks_on_object("careteams.manage_team")
def end_member(request, patient_id: int, member_id: int, payload: EndIn):
    """End a place on the team (today unless `ended_on`); it grants nothing from then on, at once."""
    patient = patient_for(request.membership, patient_id, action="careteams.manage_team", record=False)
    try:
        member = member_of_team(patient, member_id)
    except CareTeamMember.DoesNotExist as exc:
        raise Http404 from exc
    member = team_services.team_member_end(by=request.membership, member=member, ended_on=payload.ended_on)
    return _member_out(member)


@router.get("/patients/{patient_id}/consents/fhir", response=dict)
@policy.api_asks_on_object("careteams.view_patient")
def get_consents_fhir(request, patient_id: int):
    """The patient's consents (current and withdrawn) as a FHIR R4 Bundle of Consent resources."""
    patient = patient_for(request.membership, patient_id, record=False)
    consents = consents_of(patient)
    record_read(patient, what="consents (FHIR)", permission="careteams.view_patient")
    return fhir.consent_bundle(consents)
