"""Reads of backup-hospital enrolments and emergency admissions: through the policy, each read logged."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from renkei.core import audit, policy

from ..models import EmergencyAdmission, PatientEnrolment

ENROLMENT_LIST = gettext_noop("backup hospital enrolment list entry")


def hospital_enrolments(membership, *, status: str = "") -> list[PatientEnrolment]:
    """The enrolments with the member's hospital (proposed, current, past); each listed patient is a read."""
    qs = policy.scope(membership, "provision.list_enrolments", PatientEnrolment.objects.all()).select_related(
        "patient", "hospital", "proposed_by__organization")
    if status in PatientEnrolment.Status.values:
        qs = qs.filter(status=status)
    enrolments = list(qs.order_by("status", "-proposed_at")[:500])
    audit.record_reads([e.patient for e in enrolments], what=ENROLMENT_LIST,
                       permission="provision.list_enrolments")
    return enrolments


def patient_enrolments(patient) -> list[PatientEnrolment]:
    return list(PatientEnrolment.objects.filter(patient=patient).select_related("hospital"))


def patient_admissions(patient) -> list[EmergencyAdmission]:
    return list(EmergencyAdmission.objects.filter(patient=patient).select_related("hospital", "recorded_by__user"))
