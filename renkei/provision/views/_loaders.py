"""Loaders for `@policy.requires(get_object=…)`: the object a URL names, or a 404 (also for huge numbers)."""

from __future__ import annotations

from django.http import Http404

from renkei.careteams.models import Patient

from ..models import CoverGroup, PatientEnrolment


def _pk(value) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def group(request, group_id, **kwargs) -> CoverGroup:
    try:
        return CoverGroup.objects.select_related("municipality", "station").get(pk=_pk(group_id))
    except CoverGroup.DoesNotExist as exc:
        raise Http404 from exc


def patient(request, patient_id, **kwargs) -> Patient:
    try:
        return Patient.objects.select_related("municipality", "registered_by_organization").get(pk=_pk(patient_id))
    except Patient.DoesNotExist as exc:
        raise Http404 from exc


def enrolment(request, enrolment_id, **kwargs) -> PatientEnrolment:
    try:
        return PatientEnrolment.objects.select_related("patient", "hospital").get(pk=_pk(enrolment_id))
    except PatientEnrolment.DoesNotExist as exc:
        raise Http404 from exc
