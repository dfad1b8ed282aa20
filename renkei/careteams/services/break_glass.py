"""Break-glass access: a professional outside the team reads a patient's record in an emergency.

A stated reason, a short limit (at most `access.BREAK_GLASS_MINUTES`), a banner while it lasts, and a review
afterwards by the responsible person for personal data (個人情報管理責任者) of the breaker's organization.
Every start, end and review is an audit entry with the patient as subject; start and end carry the reason,
since the patient's access history must say *why* someone outside the team looked.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy

from .. import access
from ..models import BreakGlassAccess, Patient

DEFAULT_MINUTES = 30


def break_glass_start(*, membership, patient: Patient, reason: str, minutes: int = DEFAULT_MINUTES
                      ) -> BreakGlassAccess:
    """Open a patient's record for `minutes` with a stated reason (policy: careteams.break_glass)."""
    policy.require(membership, "careteams.break_glass", patient)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("State why you need to open this record.")
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if not 1 <= minutes <= access.BREAK_GLASS_MINUTES:
        errors["minutes"] = _("Choose between 1 and %(max)d minutes.") % {"max": access.BREAK_GLASS_MINUTES}
    if errors:
        raise ValidationError(errors)
    if access.is_current_team_member(membership, patient):
        raise ValidationError(_("You are on this patient's care team: break-glass access is for people outside it."))
    now = timezone.now()
    with transaction.atomic():
        if BreakGlassAccess.objects.filter(membership=membership, patient=patient, ended_at__isnull=True,
                                           expires_at__gt=now).exists():
            raise ValidationError(_("You already have an emergency access to this record."))
        with audit.reason(reason):  # the entry says why: it is shown on the patient's access history
            glass = BreakGlassAccess.objects.create(patient=patient, membership=membership, reason=reason,
                                                    started_at=now, expires_at=now + dt.timedelta(minutes=minutes))
    access.forget(membership)
    return glass


def break_glass_end(*, membership, glass: BreakGlassAccess) -> BreakGlassAccess:
    """End one's own break-glass access before its time runs out."""
    policy.require(membership, "careteams.end_break_glass", glass)
    with transaction.atomic():
        glass = BreakGlassAccess.objects.select_for_update().select_related("patient").get(pk=glass.pk)
        if glass.ended_at is None:
            now = timezone.now()
            glass.ended_at = min(now, glass.expires_at)
            with audit.reason(glass.reason):
                glass.save(update_fields=["ended_at"])
    access.forget(membership)
    return glass


def break_glass_review(*, membership, glass: BreakGlassAccess, note: str) -> BreakGlassAccess:
    """The responsible person of the breaker's organization marks the access reviewed, with a note."""
    policy.require(membership, "careteams.review_break_glass", glass)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write what you checked (for example: the emergency was real).")})
    with transaction.atomic():
        glass = BreakGlassAccess.objects.select_for_update().get(pk=glass.pk)
        if glass.reviewed_at is not None:
            raise ValidationError(_("This access was already reviewed."))
        glass.reviewed_at = timezone.now()
        glass.reviewed_by = membership
        glass.review_note = note
        glass.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
    return glass
