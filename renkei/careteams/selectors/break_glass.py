"""Break-glass accesses: the one(s) running for the banner, and the review list of the responsible person."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from renkei.core import policy
from renkei.core.models import AuditEntry, Role

from ..models import BreakGlassAccess


@dataclass(frozen=True)
class RunningAccess:
    """What the banner says: which record (by number, not name: the banner is on every page), time left."""

    pk: int
    patient_id: int
    expires_at: object
    minutes_left: int


def running_break_glass(membership) -> list[RunningAccess]:
    """The membership's break-glass accesses still running, soonest to end first (one small query)."""
    if membership is None or membership.role != Role.PROFESSIONAL:
        return []
    now = timezone.now()
    rows = (BreakGlassAccess.objects.filter(membership=membership, ended_at__isnull=True, expires_at__gt=now)
            .order_by("expires_at").values_list("pk", "patient_id", "expires_at"))
    return [RunningAccess(pk, patient_id, expires_at, max(1, -(-int((expires_at - now).total_seconds()) // 60)))
            for pk, patient_id, expires_at in rows]


def break_glass_of(glass_id) -> BreakGlassAccess | None:
    """One access by id (None when the id is not a number or missing); the caller asks the policy."""
    try:
        pk = int(glass_id)
        if not 0 < pk < 2**63:
            return None
        return BreakGlassAccess.objects.select_related("membership__user", "membership__organization",
                                                       "patient").get(pk=pk)
    except (BreakGlassAccess.DoesNotExist, TypeError, ValueError, OverflowError):
        return None


def review_list(membership) -> list[BreakGlassAccess]:
    """The accesses the responsible person reviews (members of their organization): unreviewed first, newest
    first. Each carries `reads`: what the breaker read during it, from the audit log."""
    qs = (policy.scope(membership, "careteams.review_break_glass", BreakGlassAccess.objects.all())
          .select_related("membership__user", "membership__organization", "reviewed_by__user"))
    accesses = sorted(qs[:500], key=lambda g: (g.reviewed_at is not None, -g.started_at.timestamp()))
    for glass in accesses:
        until = glass.ended_at or glass.expires_at
        glass.reads = list(AuditEntry.objects.filter(
            subject_type="patient", subject_id=glass.patient_id, membership_id_value=glass.membership_id,
            at__gte=glass.started_at, at__lte=until, action=AuditEntry.Action.READ).order_by("seq")[:50])
    return accesses


def unreviewed_count(membership) -> int:
    """How many accesses by the organization's members wait for the responsible person's review."""
    if membership is None or not membership.is_responsible_person:
        return 0
    return policy.scope(membership, "careteams.review_break_glass",
                        BreakGlassAccess.objects.filter(reviewed_at__isnull=True)).count()
