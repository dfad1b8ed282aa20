"""Backup-hospital enrolment (propose → accept/decline → end) and emergency admissions."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.careteams import access
from renkei.careteams.models import Patient
from renkei.core import policy
from renkei.core.models import Organization

from ..models import EmergencyAdmission, PatientEnrolment
from ..policy import current_enrolment


def _open(patient, hospital) -> bool:
    return PatientEnrolment.objects.filter(
        patient=patient, hospital=hospital,
        status__in=[PatientEnrolment.Status.PROPOSED, PatientEnrolment.Status.ACTIVE]).exists()


def enrolment_propose(*, membership, patient: Patient, hospital: Organization, starts_on: dt.date | None = None,
                      ends_on: dt.date | None = None, note: str = "") -> PatientEnrolment:
    """A team member proposes the enrolment; the hospital sees the patient's name and birth date to decide."""
    policy.require(membership, "provision.propose_enrolment", patient)
    with transaction.atomic():  # after the check: a refusal is logged, not rolled back
        if hospital.kind != Organization.Kind.HOSPITAL or not hospital.is_active:
            raise ValidationError(_("Choose a hospital."))
        starts_on = starts_on or timezone.localdate()
        if ends_on and ends_on < starts_on:
            raise ValidationError(_("The end date is before the start date."))
        if _open(patient, hospital):
            raise ValidationError(_("This patient already has an enrolment with this hospital."))
        return PatientEnrolment.objects.create(patient=patient, hospital=hospital, starts_on=starts_on, ends_on=ends_on,
                                               note=note, proposed_by=membership)


def enrolment_decide(*, membership, enrolment: PatientEnrolment, accept: bool) -> PatientEnrolment:
    policy.require(membership, "provision.decide_enrolment", enrolment)
    with transaction.atomic():  # after the check: a refusal is logged, not rolled back
        enrolment.status = PatientEnrolment.Status.ACTIVE if accept else PatientEnrolment.Status.DECLINED
        enrolment.enrolled_by = membership
        enrolment.decided_at = timezone.now()
        enrolment.save()
        access.forget(membership)
        return enrolment


def enrolment_end(*, membership, enrolment: PatientEnrolment) -> PatientEnrolment:
    """End at once: from now the hospital no longer reads the emergency sheet."""
    policy.require(membership, "provision.end_enrolment", enrolment)
    with transaction.atomic():  # after the check: a refusal is logged, not rolled back
        today = timezone.localdate()
        enrolment.status = PatientEnrolment.Status.ENDED
        enrolment.ended_by = membership
        enrolment.ended_at = timezone.now()
        if enrolment.ends_on is None or enrolment.ends_on >= today:
            enrolment.ends_on = max(enrolment.starts_on, today - dt.timedelta(days=1))
        enrolment.save()
        access.forget(membership)
        return enrolment


def admission_record(*, membership, patient: Patient, admitted_at: dt.datetime, reason: str) -> EmergencyAdmission:
    policy.require(membership, "provision.record_admission", patient)
    with transaction.atomic():  # after the check: a refusal is logged, not rolled back
        if timezone.is_naive(admitted_at):
            admitted_at = timezone.make_aware(admitted_at)
        if admitted_at > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError(_("The admission time is in the future."))
        enrolment = current_enrolment(membership.organization_id, patient)
        return EmergencyAdmission.objects.create(patient=patient, hospital=membership.organization, enrolment=enrolment,
                                                 admitted_at=admitted_at, reason=reason, recorded_by=membership)
