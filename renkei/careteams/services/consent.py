"""Recording and withdrawing a patient's consent to sharing (who agreed, to whom, for what, on what paper).

Each write asks the one policy (`careteams.manage_consent`), opens the transaction and leaves its audit
entries with the patient as subject (the models' own entries: the log says which fields changed, never their
values). A withdrawal takes effect at once: the acting member's cached answers are dropped here, and every
other member's cache lives for one request only, so their next request is refused.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import policy

from .. import access, storage
from ..models import Consent, Patient, TeamRole

MANAGE = "careteams.manage_consent"


def _clean(*, given_by: str, proxy_name: str, proxy_relation: str, purposes: list[str], covers_whole_team: bool,
           organizations: list, roles: list[str], consented_on: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if given_by not in Consent.GivenBy.values:
        errors["given_by"] = _("Choose who gave the consent.")
    if given_by == Consent.GivenBy.PROXY and not (proxy_name.strip() and proxy_relation.strip()):
        errors["proxy_name"] = _("A consent given by a proxy needs the proxy's name and relation.")
    if not purposes or any(p not in Consent.Purpose.values for p in purposes):
        errors["purposes"] = _("Choose at least one purpose.")
    if any(r not in TeamRole.values for r in roles):
        errors["roles"] = _("Unknown role on the team.")
    if not covers_whole_team and not organizations and not roles:
        errors["covers_whole_team"] = _("Choose the whole team, or at least one organization or role.")
    if consented_on is None:
        errors["consented_on"] = _("Enter the date of the consent.")
    elif consented_on > timezone.localdate():
        errors["consented_on"] = _("The date of the consent cannot be in the future.")
    return errors


def consent_record(*, membership, patient: Patient, given_by: str = Consent.GivenBy.PATIENT, proxy_name: str = "",
                   proxy_relation: str = "", purposes: list[str], covers_whole_team: bool = True,
                   organizations=(), roles=(), consented_on: dt.date, paper_reference: str = "",
                   form_upload=None) -> Consent:
    """Record a consent. `organizations`/`roles` apply when it does not cover the whole team; `form_upload` is
    the scanned paper (a photo or a PDF, checked by content: storage.FileError when refused)."""
    policy.require(membership, MANAGE, patient)
    organizations, roles = list(organizations or []), list(roles or [])
    errors = _clean(given_by=given_by, proxy_name=proxy_name, proxy_relation=proxy_relation, purposes=list(purposes),
                    covers_whole_team=covers_whole_team, organizations=organizations, roles=roles,
                    consented_on=consented_on)
    if errors:
        raise ValidationError(errors)
    stored = None
    if form_upload is not None:
        stored = storage.save_patient_file(patient_id=patient.pk, upload=form_upload, allow_images=True,
                                           allow_pdf=True)
    try:
        with transaction.atomic():
            consent = Consent.objects.create(
                patient=patient, given_by=given_by,
                proxy_name=proxy_name.strip() if given_by == Consent.GivenBy.PROXY else "",
                proxy_relation=proxy_relation.strip() if given_by == Consent.GivenBy.PROXY else "",
                purposes=list(purposes), covers_whole_team=covers_whole_team,
                roles=[] if covers_whole_team else roles, consented_on=consented_on,
                paper_reference=paper_reference.strip(),
                form_file=stored.storage_path if stored else "", form_file_name=stored.original_name if stored else "",
                recorded_by=membership)
            if organizations and not covers_whole_team:
                consent.organizations.set(organizations)
    except Exception:
        if stored is not None:  # nothing points at the file any more
            storage.delete_patient_file(stored.storage_path)
        raise
    access.forget(membership)
    return consent


def consent_withdraw(*, membership, consent: Consent, note: str = "") -> Consent:
    """Withdraw a consent now: whoever it covered loses access on their next request."""
    policy.require(membership, MANAGE, consent)
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.withdrawn_at is not None:
            raise ValidationError(_("This consent was already withdrawn."))
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = membership
        consent.withdrawal_note = note.strip()[:200]
        consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    access.forget(membership)
    return consent
