"""A patient's consents (current and withdrawn) and the scanned consent form, read after the policy."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_noop

from ..models import Consent, Patient, TeamRole
from .patients import patient_for, record_read

CONSENTS = gettext_noop("consents")
CONSENT_FORM = gettext_noop("scanned consent form")


def patient_consents(patient: Patient, *, permission: str = "careteams.view_patient") -> list[Consent]:
    """All of a patient's consents, current first then withdrawn, newest first; the caller loaded the patient
    through `patient_for` (the policy said yes). Logs the read."""
    consents = list(Consent.objects.filter(patient=patient)
                    .select_related("recorded_by__user", "recorded_by__organization", "withdrawn_by__user",
                                    "withdrawn_by__organization")
                    .prefetch_related("organizations"))
    consents.sort(key=lambda c: (c.withdrawn_at is not None, -c.consented_on.toordinal(), -c.pk))
    roles, purposes = dict(TeamRole.choices), dict(Consent.Purpose.choices)
    for consent in consents:
        consent.role_labels = [roles.get(r, r) for r in consent.roles or []]
        consent.purpose_labels = [purposes.get(p, p) for p in consent.purposes or []]
    record_read(patient, what=CONSENTS, permission=permission)
    return consents


def consent_of(patient: Patient, consent_id) -> Consent:
    """The consent `consent_id` of this patient, or 404 (another patient's consent is not found here)."""
    try:
        pk = int(consent_id)
        if not 0 < pk < 2**63:
            raise ValueError(pk)
        return Consent.objects.select_related("patient").get(pk=pk, patient=patient)
    except (Consent.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404("consent") from exc


def consent_form_for(membership, patient_id, consent_id) -> Consent:
    """The consent whose scanned form the member downloads, after the policy; 404 when it has none. Logged."""
    patient = patient_for(membership, patient_id, action="careteams.view_patient", record=False)
    consent = consent_of(patient, consent_id)
    if not consent.form_file:
        raise Http404("no form")
    record_read(consent, what=CONSENT_FORM, permission="careteams.view_patient")
    return consent
