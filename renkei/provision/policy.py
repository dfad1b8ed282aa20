"""The provision rules in the one permission policy (all about patients are `patient_data=True`).

- Cover groups: a professional whose membership (or organization) is in the group sees it and manages its rota.
  Any professional of a clinic, hospital or visiting nursing station may create a group (they are its first
  member).
- "Who to call now" for a patient: the patient's team, with consent (the careteams rule for seeing a patient).
- Backup-hospital enrolment, a simple and safe flow: a member of the patient's team *proposes* the enrolment to
  a hospital (only with a current consent that covers emergencies); a professional of that hospital *accepts*
  (or declines) it; either side may end it. The hospital reads the patient's emergency sheet and team contacts
  (careteams `add_sheet_reader`) and records an emergency admission only while an accepted enrolment is
  current. A proposal lets the hospital see the patient's name and date of birth, nothing else.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from renkei.careteams import access
from renkei.careteams import policy as careteams_policy
from renkei.careteams.models import Consent, Patient
from renkei.core import policy
from renkei.core.models import Organization, Role

from .models import CoverGroup, EmergencyAdmission, PatientEnrolment, RotaShift

MEDICAL_KINDS = (Organization.Kind.CLINIC, Organization.Kind.HOSPITAL, Organization.Kind.VISITING_NURSING_STATION)


def _professional(membership) -> bool:
    return membership.role == Role.PROFESSIONAL


def _group_of(obj) -> CoverGroup | None:
    if isinstance(obj, CoverGroup):
        return obj
    if isinstance(obj, RotaShift):
        return obj.group
    return None


def is_group_member(membership, obj) -> bool:
    group = _group_of(obj)
    if group is None or not _professional(membership) or not group.is_active:
        return False
    return (group.members.filter(pk=membership.pk).exists()
            or group.organizations.filter(pk=membership.organization_id).exists())


def group_scope(membership, queryset):
    if membership.role != Role.PROFESSIONAL:
        return queryset.none()
    return queryset.filter(Q(members=membership) | Q(organizations=membership.organization_id),
                           is_active=True).distinct()


def may_create_group(membership, obj) -> bool:
    return _professional(membership) and membership.organization.kind in MEDICAL_KINDS


def uses_provision(membership, obj) -> bool:
    return _professional(membership)


def _patient(obj) -> Patient | None:
    if isinstance(obj, Patient):
        return obj
    if isinstance(obj, PatientEnrolment | EmergencyAdmission):
        return obj.patient
    return careteams_policy.patient_of(obj)


def on_team(membership, obj) -> bool:
    patient = _patient(obj)
    return patient is not None and careteams_policy.on_team_with_consent(membership, patient)


def has_emergency_consent(patient) -> bool:
    """A current consent naming the emergency purpose (backup hospital, ambulance)."""
    today = timezone.localdate()
    return any(Consent.Purpose.EMERGENCY in (c.purposes or []) for c in
               Consent.objects.filter(patient_id=patient.pk, withdrawn_at__isnull=True, consented_on__lte=today))


def may_propose_enrolment(membership, obj) -> bool:
    patient = _patient(obj)
    return patient is not None and on_team(membership, patient) and has_emergency_consent(patient)


def current_enrolment(organization_id, patient, day: dt.date | None = None) -> PatientEnrolment | None:
    if patient is None or patient.pk is None or organization_id is None:
        return None
    day = day or timezone.localdate()
    return (PatientEnrolment.objects.filter(patient_id=patient.pk, hospital_id=organization_id,
                                            status=PatientEnrolment.Status.ACTIVE, starts_on__lte=day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day)).first())


def is_enrolled_hospital(membership, obj) -> bool:
    """A professional of a hospital with which the patient is enrolled today (accepted, dates current)."""
    if membership is None or not _professional(membership):
        return False
    if membership.organization.kind != Organization.Kind.HOSPITAL:
        return False
    patient = _patient(obj)
    if patient is None:
        return False
    cache = access._cache(membership)
    key = ("enrolled", patient.pk)
    if key not in cache:
        cache[key] = current_enrolment(membership.organization_id, patient) is not None
    return cache[key]


def is_enrolment_hospital(membership, obj) -> bool:
    return (isinstance(obj, PatientEnrolment) and _professional(membership)
            and membership.organization_id == obj.hospital_id)


def may_decide_enrolment(membership, obj) -> bool:
    return is_enrolment_hospital(membership, obj) and obj.status == PatientEnrolment.Status.PROPOSED


def may_end_enrolment(membership, obj) -> bool:
    if not isinstance(obj, PatientEnrolment) or obj.status not in (PatientEnrolment.Status.PROPOSED,
                                                                   PatientEnrolment.Status.ACTIVE):
        return False
    return is_enrolment_hospital(membership, obj) or on_team(membership, obj)


def sees_enrolment(membership, obj) -> bool:
    return is_enrolment_hospital(membership, obj) or on_team(membership, obj)


def is_hospital_professional(membership, obj) -> bool:
    return _professional(membership) and membership.organization.kind == Organization.Kind.HOSPITAL


def hospital_enrolments_scope(membership, queryset):
    if not is_hospital_professional(membership, None):
        return queryset.none()
    return queryset.filter(hospital_id=membership.organization_id)


def may_view_admissions(membership, obj) -> bool:
    return on_team(membership, obj) or is_enrolled_hospital(membership, obj)


def register_rule(action: str, predicate, **kwargs) -> None:
    policy.register(action, predicate, patient_data=True, **kwargs)


# Cover groups and rota: no patient data.
policy.register("provision.use", uses_provision)
policy.register("provision.view_group", is_group_member, needs_object=True, scope=group_scope)
policy.register("provision.manage_rota", is_group_member, needs_object=True)
policy.register("provision.create_group", may_create_group)
# About a patient.
register_rule("provision.view_contacts", on_team, needs_object=True)
register_rule("provision.arrange_cover", on_team, needs_object=True)
register_rule("provision.propose_enrolment", may_propose_enrolment, needs_object=True)
register_rule("provision.view_enrolment", sees_enrolment, needs_object=True)
register_rule("provision.decide_enrolment", may_decide_enrolment, needs_object=True)
register_rule("provision.end_enrolment", may_end_enrolment, needs_object=True)
register_rule("provision.list_enrolments", is_hospital_professional, scope=hospital_enrolments_scope)
register_rule("provision.record_admission", is_enrolled_hospital, needs_object=True)
register_rule("provision.view_admissions", may_view_admissions, needs_object=True)

# The enrolled hospital reads the emergency sheet and the team contacts, only while the enrolment is current.
careteams_policy.add_sheet_reader(is_enrolled_hospital)
