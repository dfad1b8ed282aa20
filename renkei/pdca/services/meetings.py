"""Meetings of a body: agenda, attendees, minutes, decisions and the materials handed out."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked
from renkei.core.models import AuditEntry
from renkei.core.uploads import MATERIAL_TYPES, material_problem  # noqa: F401 (MATERIAL_TYPES: forms)

from ..models import CouncilMember, Decision, Meeting, MeetingMaterial

MANAGE = "pdca.manage_council"
# The shared checks of an uploaded material (type by extension and first bytes, size) live in core.uploads.


def meeting_save(*, membership, meeting: Meeting, attendees: list[CouncilMember] | None = None,
                 expected_version: int | None = None) -> Meeting:
    """Create or edit a meeting (`meeting` holds the form's values); attendees are the body's seats.

    StaleEdit when the meeting was saved since `expected_version`. The attendee list is recorded in the audit
    log by name (many-to-many changes have no automatic entry).
    """
    with audit.bind_membership(membership), transaction.atomic():
        if meeting.pk is not None:
            stored = lock_checked(meeting, expected_version)
            policy.require(membership, MANAGE, stored.council)
            if stored.council_id != meeting.council_id:
                raise ValidationError(_("A meeting stays with its body."))
        policy.require(membership, MANAGE, meeting.council)
        meeting.full_clean()
        meeting.save()
        if attendees is not None:
            foreign = [seat for seat in attendees if seat.council_id != meeting.council_id]
            if foreign:
                raise ValidationError(_("Attendees must hold a seat on this body."))
            before = sorted(str(seat) for seat in meeting.attendees.all())
            meeting.attendees.set(attendees)
            after = sorted(str(seat) for seat in attendees)
            if before != after:
                audit.record(action=AuditEntry.Action.UPDATE, obj=meeting, changes={"attendees": [before, after]})
    return meeting


def decision_add(*, membership, meeting: Meeting, text: str) -> Decision:
    """Record something the meeting decided."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write the decision."))
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, meeting)
        order = (meeting.decisions.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0) + 1
        return Decision.objects.create(meeting=meeting, text=text, sort_order=order)


def decision_delete(*, membership, decision: Decision) -> None:
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, decision)
        decision.delete()


def material_add(*, membership, meeting: Meeting, title: str, upload) -> MeetingMaterial:
    """Keep a file handed out at the meeting under the data directory (a random stored name; the uploaded
    name is kept for the download). Refused with a ValidationError past the size limit or for a type not
    listed in MATERIAL_TYPES."""
    name = PurePath(getattr(upload, "name", "") or "").name[:255]
    size = getattr(upload, "size", 0) or 0
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    problem = material_problem(name, size, head)
    if problem:
        raise ValidationError(problem)
    suffix = PurePath(name).suffix.lower()
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, meeting)
        material = MeetingMaterial(meeting=meeting, title=(title or "").strip()[:200] or PurePath(name).stem[:200],
                                   file_name=name, content_type=MATERIAL_TYPES[suffix][0], size=size,
                                   uploaded_by=membership.user)
        material.file.save(f"{uuid.uuid4().hex}{suffix}", upload if hasattr(upload, "chunks") else ContentFile(
            upload.read()), save=False)
        material.save()
    return material


def material_delete(*, membership, material: MeetingMaterial) -> None:
    """Remove a material and its file."""
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, material)
        stored = material.file.name
        material.delete()
        transaction.on_commit(lambda: material.file.storage.delete(stored))
