"""Reads for proposed corrections: the review queue's share, one proposal's changes, a proposer's history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from renkei.core import policy

from ..models import CorrectionProposal, Facility

REVIEW = "directory.manage_facilities"


def pending_corrections(membership) -> QuerySet[CorrectionProposal]:
    """Proposals waiting for review on the facilities a member manages, oldest first."""
    facilities = policy.scope(membership, REVIEW, Facility.objects.all())
    return (CorrectionProposal.objects.filter(decision=CorrectionProposal.Decision.PENDING, facility__in=facilities)
            .select_related("facility", "proposed_by__user", "proposed_by__organization")
            .order_by("submitted_at", "pk"))


@dataclass(frozen=True)
class ChangeRow:
    code: str
    label: str
    current: str
    proposed: str


def proposal_rows(proposal: CorrectionProposal) -> list[ChangeRow]:
    """Each proposed field with today's value next to the proposed one, in the form's order."""
    from ..services.corrections import PROPOSABLE_FIELDS

    facility = proposal.facility
    return [ChangeRow(name, str(Facility._meta.get_field(name).verbose_name), getattr(facility, name) or "",
                      proposal.changes[name])
            for name in PROPOSABLE_FIELDS if name in proposal.changes]


def proposals_of(facility: Facility, membership) -> list[CorrectionProposal]:
    """What this member proposed for the facility, newest first, with the staff's decision and note."""
    return list(CorrectionProposal.objects.filter(facility=facility, proposed_by=membership)
                .select_related("reviewed_by").order_by("-submitted_at", "-pk")[:20])
