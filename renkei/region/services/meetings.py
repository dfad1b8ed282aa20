"""Writes of the sharing meetings (情報共有の場): create and edit, minutes and attendance after the meeting,
cancel. The prefecture (its office or a 保健所) or one municipality convenes; the invited municipalities are of
the meeting's prefecture. Many-to-many changes (invited, attended, practices presented) have no automatic audit
entry: each is recorded by name.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked
from renkei.core.models import AuditEntry, Municipality

from ..models import Practice, SharingMeeting
from .practices import PracticeError

MANAGE = "region.manage_meetings"


def _convener(meeting: SharingMeeting):
    return meeting.municipality if meeting.municipality_id else meeting.prefecture


def _set_recorded(meeting: SharingMeeting, name: str, objects) -> None:
    manager = getattr(meeting, name)
    before = sorted(str(o) for o in manager.all())
    after = sorted(str(o) for o in objects)
    manager.set(objects)
    if before != after:
        audit.record(action=AuditEntry.Action.UPDATE, obj=meeting, changes={name: [before, after]})


def meeting_problems(meeting: SharingMeeting, invited, practices, membership) -> list[tuple[str, str]]:
    problems = []
    if not (meeting.title or "").strip():
        problems.append(("会議名を入力してください。", "Write the meeting's title."))
    if meeting.held_at is None:
        problems.append(("日時を入力してください。", "Enter the date and time."))
    if meeting.municipality_id and meeting.municipality.prefecture_id != meeting.prefecture_id:
        problems.append(("開催する市区町村が都道府県と一致しません。",
                         "The convening municipality is not in the prefecture."))
    if meeting.area_group_id and meeting.area_group.prefecture_id != meeting.prefecture_id:
        problems.append(("市区町村のグループが都道府県と一致しません。", "The group is not in the prefecture."))
    foreign = [m.name for m in invited if m.prefecture_id != meeting.prefecture_id]
    if foreign:
        problems.append((f"他の都道府県の市区町村は招けません：{'、'.join(foreign)}",
                         f"municipalities of another prefecture cannot be invited: {', '.join(foreign)}"))
    unseen = [p.title for p in practices if not policy.check(membership, "region.view_practices", p)
              or p.status != Practice.Status.PUBLISHED]
    if unseen:
        problems.append((f"公開中の取組事例だけを紹介できます：{'、'.join(unseen)}",
                         f"only published practices can be presented: {', '.join(unseen)}"))
    return problems


def meeting_save(*, membership, meeting: SharingMeeting, invited: list[Municipality] | None = None,
                 practices: list[Practice] | None = None, expected_version: int | None = None) -> SharingMeeting:
    """Create or edit a meeting (`meeting` holds the form's values and its convener).

    StaleEdit when it was saved since `expected_version`; PracticeError with the reasons in ja/en.
    """
    invited, practices = list(invited or []), list(practices or [])
    if meeting.municipality_id:
        meeting.prefecture_id = meeting.municipality.prefecture_id
    with audit.bind_membership(membership), transaction.atomic():
        if meeting.pk is not None:
            stored = lock_checked(meeting, expected_version)
            policy.require(membership, MANAGE, stored)
            if (stored.municipality_id, stored.prefecture_id) != (meeting.municipality_id, meeting.prefecture_id):
                raise PracticeError([("開催者は変えられません。", "A meeting keeps its convener.")])
        else:
            policy.require(membership, MANAGE, _convener(meeting))
            meeting.created_by = membership
        problems = meeting_problems(meeting, invited, practices, membership)
        if problems:
            raise PracticeError(problems)
        meeting.save()
        if meeting.municipality_id and meeting.municipality not in invited:
            invited.append(meeting.municipality)
        _set_recorded(meeting, "invited", invited)
        _set_recorded(meeting, "practices", practices)
    return meeting


def meeting_minutes_save(*, membership, meeting: SharingMeeting, minutes: str,
                         attended: list[Municipality] | None = None,
                         expected_version: int | None = None) -> SharingMeeting:
    """Write the minutes and who attended, after the meeting was held (attendance among those invited)."""
    attended = list(attended or [])
    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(meeting, expected_version)
        policy.require(membership, MANAGE, stored)
        problems = []
        if stored.is_cancelled:
            problems.append(("中止した会議の議事録は書けません。", "A cancelled meeting has no minutes."))
        if stored.held_at > timezone.now():
            problems.append(("議事録は会議の後に書きます。", "Minutes are written after the meeting."))
        invited_ids = set(stored.invited.values_list("pk", flat=True))
        strangers = [m.name for m in attended if m.pk not in invited_ids]
        if strangers:
            problems.append((f"招いていない市区町村は出席にできません：{'、'.join(strangers)}",
                             f"only invited municipalities can attend: {', '.join(strangers)}"))
        if problems:
            raise PracticeError(problems)
        stored.minutes = minutes.strip()
        stored.save()
        _set_recorded(stored, "attended", attended)
    return stored


def meeting_attendance_set(*, membership, meeting: SharingMeeting, attended: list[Municipality]) -> SharingMeeting:
    """Record who attended, keeping the minutes as they are."""
    return meeting_minutes_save(membership=membership, meeting=meeting, minutes=meeting.minutes, attended=attended)


def meeting_cancel(*, membership, meeting: SharingMeeting, expected_version: int | None = None) -> SharingMeeting:
    """Cancel a meeting (kept in the list, marked cancelled)."""
    with audit.bind_membership(membership), transaction.atomic():
        stored = lock_checked(meeting, expected_version)
        policy.require(membership, MANAGE, stored)
        if not stored.is_cancelled:
            stored.is_cancelled = True
            stored.save()
    return stored
