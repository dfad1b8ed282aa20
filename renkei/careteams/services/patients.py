"""Writes about a patient: registering them (with their care team), editing, key people, status.

Every write is audited through the model hooks of core.audit, with the patient as the entry's subject (each
careteams model's `audit_subject()`); the policy is asked by the caller (views and API) and again here for
the writes that take an acting membership, so a service cannot be called around it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import lock_checked

from .. import access
from ..models import CareTeam, CareTeamMember, KeyPerson, Patient, TeamRole

# What a person may type about a patient (the rest is set by the service: who registered, status, area).
EDITABLE_FIELDS = (
    "name", "kana", "birth_date", "sex", "postal_code", "address", "phone",
    "care_insurer_number", "care_insured_number", "medical_insurer_number", "medical_insured_symbol_number",
    "care_level", "care_level_valid_from", "care_level_valid_until",
    "disability_independence", "dementia_independence", "main_conditions", "allergies", "living_situation",
)
KEY_PERSON_FIELDS = ("name", "kana", "relation", "phone", "email", "address", "lives_with_patient",
                     "is_emergency_contact", "is_decision_maker", "sort_order", "note")


def _derive_place(patient: Patient) -> None:
    """Municipality and daily living area from the address, as the directory places its facilities."""
    from renkei.directory.selectors.maps import place_of_address

    municipality, area = place_of_address(address=patient.address, postal_code=patient.postal_code)
    if municipality is not None:
        patient.municipality = municipality
        patient.daily_living_area = area
    elif patient.municipality_id is None:
        # Nothing found in the address: the registering organization's municipality is the best guess.
        patient.municipality = patient.registered_by_organization.municipality
        patient.daily_living_area = None


def patient_register(*, by, values: Mapping[str, Any], role: str = TeamRole.CARE_MANAGER) -> Patient:
    """Register a patient: the patient, their care team, and the registering member on it in `role`.

    The registering organization needs no consent to see its own patient (careteams.policy); others join the
    team and are covered by a consent recorded later.
    """
    policy.require(by, "careteams.register_patient")
    if role not in TeamRole.values or role == TeamRole.FAMILY:
        role = TeamRole.CARE_MANAGER
    patient = Patient(registered_by=by, registered_by_organization=by.organization,
                      **{k: v for k, v in values.items() if k in EDITABLE_FIELDS})
    _clean_strings(patient)
    _derive_place(patient)
    with transaction.atomic():
        patient.full_clean()
        # One record per person: the same 被保険者番号 is found (find_patient says "exists elsewhere", no more)
        # and joined, not registered twice.
        if patient.care_insured_number and Patient.objects.filter(
                care_insured_number=patient.care_insured_number).exists():
            raise ValidationError({"care_insured_number": _(
                "A patient with this insured number is already registered. Find them and ask to join their "
                "team.")})
        patient.save()
        team = CareTeam.objects.create(patient=patient)
        CareTeamMember.objects.create(team=team, role=role, membership=by, organization=by.organization,
                                      email=by.user.email, started_on=timezone.localdate(), added_by=by)
    access.forget(by)
    return patient


def _clean_strings(patient: Patient) -> None:
    # A text left out as null (an API client's None) is empty, not a database error: full_clean() skips
    # empty values of blank=True fields, so the NOT NULL column would refuse it only on save.
    for field in Patient._meta.concrete_fields:
        if not field.null and field.blank and field.get_internal_type() in ("CharField", "TextField") and \
                getattr(patient, field.attname) is None:
            setattr(patient, field.attname, "")
    for name in ("name", "kana", "postal_code", "address", "phone", "care_insurer_number", "care_insured_number",
                 "medical_insurer_number", "medical_insured_symbol_number"):
        value = getattr(patient, name)
        if isinstance(value, str):
            setattr(patient, name, value.strip())
    for name in ("care_level", "disability_independence", "dementia_independence", "living_situation"):
        if getattr(patient, name) is None:
            setattr(patient, name, "")


def patient_update(*, by, patient: Patient, values: Mapping[str, Any],
                   expected_version: int | None = None) -> Patient:
    """Change a patient's facts; StaleEdit when someone saved since `expected_version` (the form's)."""
    policy.require(by, "careteams.edit_patient", patient)
    address_before = (patient.address, patient.postal_code)
    with transaction.atomic():
        lock_checked(patient, expected_version)
        for name, value in values.items():
            if name in EDITABLE_FIELDS:
                setattr(patient, name, value)
        _clean_strings(patient)
        if (patient.address, patient.postal_code) != address_before:
            _derive_place(patient)
        patient.full_clean()
        patient.save()
    return patient


def patient_status_set(*, by, patient: Patient, status: str, expected_version: int | None = None) -> Patient:
    """Mark care as ended (or active again). Death is recorded by the emergency part's death record."""
    policy.require(by, "careteams.edit_patient", patient)
    if status not in (Patient.Status.ACTIVE, Patient.Status.ENDED):
        raise ValueError(status)
    with transaction.atomic():
        lock_checked(patient, expected_version)
        patient.status = status
        patient.save(update_fields=["status", "updated_at"])
    return patient


def key_person_save(*, by, patient: Patient, values: Mapping[str, Any], key_person: KeyPerson | None = None
                    ) -> KeyPerson:
    """Add a key person to the patient, or change one of theirs."""
    policy.require(by, "careteams.edit_patient", patient)
    if key_person is not None and key_person.patient_id != patient.pk:
        raise KeyPerson.DoesNotExist
    key_person = key_person or KeyPerson(patient=patient)
    for name, value in values.items():
        if name in KEY_PERSON_FIELDS:
            setattr(key_person, name, value)
    with transaction.atomic():
        key_person.full_clean()
        key_person.save()
    return key_person


def key_person_remove(*, by, key_person: KeyPerson) -> None:
    policy.require(by, "careteams.edit_patient", key_person.patient)
    with transaction.atomic():
        key_person.delete()


def care_level_is_current(patient: Patient, on: dt.date | None = None) -> bool:
    """Whether the certification period covers `on` (today)."""
    on = on or timezone.localdate()
    if not patient.care_level_valid_until:
        return bool(patient.care_level)
    return (patient.care_level_valid_from or on) <= on <= patient.care_level_valid_until
