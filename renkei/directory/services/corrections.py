"""Corrections a facility's own professionals propose to its public entry, and the staff review of them.

A professional of the facility's organization proposes new values for public fields; nothing is published
until the municipality's staff approve in the review queue. Approval applies the values (the facility's
change is audited field by field), rejection leaves the entry as it was; both are audited as sentences.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import for_write

from ..models import CorrectionProposal, Facility
from . import facilities as facility_services

PROPOSE = "directory.propose_correction"
REVIEW = "directory.manage_facilities"
# The public fields a facility's professionals may propose new values for (what residents read).
PROPOSABLE_FIELDS = ("name", "postal_code", "address", "phone", "fax", "website", "hours_note", "description")
MULTILINE_FIELDS = facility_services.MULTILINE_PUBLIC_FIELDS
TEXT_LIMIT = 4000  # a comment to the reviewer


def _acting(membership):
    return audit.bind_membership(membership) if membership is not None else contextlib.nullcontext()


def clean_proposed_changes(facility: Facility, values: Mapping[str, Any]) -> dict[str, str]:
    """The proposed values that differ from the entry, checked like the staff form checks them."""
    return facility_services.clean_public_field_changes(facility, values, allowed=PROPOSABLE_FIELDS)


def correction_propose(*, facility: Facility, membership, values: Mapping[str, Any],
                       comment: str = "") -> CorrectionProposal:
    """A professional of the facility's organization proposes new public values; they wait for staff review.

    A proposal still waiting from the same member is replaced, so the queue holds one per person and facility.
    """
    policy.require(membership, PROPOSE, facility)
    if facility.status != Facility.Status.OPEN:
        raise ValidationError(_("This facility is closed; contact the municipality."))
    changes = clean_proposed_changes(facility, values)
    if not changes:
        raise ValidationError(_("Nothing was changed: change at least one field to propose a correction."))
    with transaction.atomic(), _acting(membership):
        proposal = (for_write(CorrectionProposal.objects)
                    .filter(facility=facility, proposed_by=membership, decision=CorrectionProposal.Decision.PENDING)
                    .first()) or CorrectionProposal(facility=facility, proposed_by=membership)
        proposal.changes = changes
        proposal.comment = (comment or "").strip()[:TEXT_LIMIT]
        proposal.submitted_at = timezone.now()
        proposal.save()
    return proposal


def _pending_for_review(proposal: CorrectionProposal, membership) -> CorrectionProposal:
    """Lock the proposal, check it still waits and the member still manages its facility."""
    locked = for_write(CorrectionProposal.objects.select_related("facility__municipality")).get(pk=proposal.pk)
    if not policy.check(membership, REVIEW, locked.facility):
        raise PermissionDenied(REVIEW)
    if locked.decision != CorrectionProposal.Decision.PENDING:
        raise ValidationError(_("This proposal has already been reviewed."))
    return locked


def _record_decision(proposal: CorrectionProposal, decision: str, membership, note: str) -> None:
    proposal.decision = decision
    proposal.reviewed_by = membership.user
    proposal.reviewed_at = timezone.now()
    proposal.review_note = (note or "").strip()
    proposal.save()


def correction_approve(*, proposal: CorrectionProposal, membership, note: str = "") -> CorrectionProposal:
    """Apply a proposed correction to the facility's public entry (the facility's change is audited)."""
    policy.require(membership, REVIEW, proposal.facility)
    with transaction.atomic(), _acting(membership), audit.reason("proposed correction approved"):
        proposal = _pending_for_review(proposal, membership)
        # Lock order: the proposal, then its facility (fresh from the locked row), then the audit chain.
        facility = proposal.facility
        facility_services.facility_lock(facility=facility)
        facility.refresh_from_db()
        for name, value in proposal.changes.items():
            if name in PROPOSABLE_FIELDS:
                setattr(facility, name, value)
        facility_services.facility_save(facility=facility)
        _record_decision(proposal, CorrectionProposal.Decision.APPROVED, membership, note)
    return proposal


def correction_reject(*, proposal: CorrectionProposal, membership, note: str) -> CorrectionProposal:
    """Decline a proposed correction with a note to the proposer; the entry stays as it was."""
    policy.require(membership, REVIEW, proposal.facility)
    if not (note or "").strip():
        raise ValidationError({"note": [_("Say why the proposal is rejected: the proposer reads this note.")]})
    with transaction.atomic(), _acting(membership):
        proposal = _pending_for_review(proposal, membership)
        _record_decision(proposal, CorrectionProposal.Decision.REJECTED, membership, note)
    return proposal
