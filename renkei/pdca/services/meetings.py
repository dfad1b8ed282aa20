"""Meetings of a body: agenda, attendees, minutes, decisions and the materials handed out."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked
from renkei.core.models import AuditEntry

from ..models import CouncilMember, Decision, Meeting, MeetingMaterial

MANAGE = "pdca.manage_council"
MB = 1024 * 1024
DEFAULT_MATERIAL_BYTES = 30 * MB

# What a council hands out: documents, spreadsheets, slides, images, plain text. The first bytes must match the
# extension (a renamed executable is refused); the download is always sent as an attachment with this type.
MATERIAL_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".ppt": ("application/vnd.ms-powerpoint", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".csv": ("text/csv", ()),
    ".txt": ("text/plain", ()),
}


def material_limit() -> int:
    """The largest material in bytes: `material_bytes` of settings.RENKEI_UPLOAD_LIMITS, else 30 MB."""
    overrides = getattr(settings, "RENKEI_UPLOAD_LIMITS", None) or {}
    return int(overrides.get("material_bytes", DEFAULT_MATERIAL_BYTES))


def material_problem(name: str, size: int, head: bytes) -> str | None:
    """Why a file cannot be a meeting material ("日本語 / English"), or None when it can."""
    limit = material_limit()
    if size > limit:
        megabytes = f"{max(1, limit // MB):,}"
        return f"ファイルが大きすぎます（{megabytes} MB まで）。 / The file is too large ({megabytes} MB at most)."
    if size == 0:
        return "ファイルが空です。 / The file is empty."
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in MATERIAL_TYPES:
        allowed = "、".join(sorted(s.lstrip(".") for s in MATERIAL_TYPES))
        return (f"この種類のファイルは添付できません（{allowed}）。 / "
                f"This kind of file cannot be attached ({allowed.replace('、', ', ')}).")
    _type, signatures = MATERIAL_TYPES[suffix]
    if signatures and not head.startswith(signatures):
        return ("ファイルの中身が拡張子と一致しません。 / The file's content does not match its extension.")
    if not signatures and (b"\x00" in head or not _is_text(head)):
        return "テキストファイルとして読めません。 / The file cannot be read as text."
    return None


def _is_text(head: bytes) -> bool:
    for encoding in ("utf-8", "cp932"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 3:  # a character cut at the end of the sample
                return True
    return False


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
