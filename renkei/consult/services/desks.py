"""Setting up desks: create and edit a desk, seat a member and end a seat, the municipality's own topics.

The policy is asked on the object each write resolves to (the municipality for a new desk, the stored desk for
an edit or a seat, the municipality for a topic). Desks, seats and topics are audited models: their saves log
themselves. A seat is never deleted: ending it keeps the row (who could read the cases, and until when).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import lock_checked, lock_in_order
from renkei.core.joint_projects import check_joint_project
from renkei.core.models import Municipality

from ..models import Desk, DeskMember, Topic
from ..selectors.desks import operator_choices, seat_candidates

MANAGE_DESK, MANAGE_TOPICS = "consult.manage_desk", "consult.manage_topics"
DESK_FIELDS = ("name", "operator", "joint_project", "phone", "fax", "email", "opening_hours", "is_active")


def _check_operator(desk: Desk) -> None:
    if desk.operator_id and not operator_choices(desk.municipality).filter(pk=desk.operator_id).exists():
        raise ValidationError(_("Choose an organization of the desk's municipality to run it."))


def desk_create(*, membership, municipality: Municipality, desk: Desk) -> Desk:
    """Create the municipality's desk from an unsaved `desk` (its fields as the form filled them)."""
    policy.require(membership, MANAGE_DESK, municipality)
    desk.municipality = municipality
    _check_operator(desk)
    check_joint_project(membership, desk)
    with transaction.atomic():
        desk.save()
    return desk


def desk_update(*, membership, desk: Desk, expected_version: int | None) -> Desk:
    """Save the edited fields of `desk` (contact, operator, active); StaleEdit when someone saved in between."""
    stored = Desk.objects.select_related("municipality").get(pk=desk.pk)
    policy.require(membership, MANAGE_DESK, stored)
    desk.municipality = stored.municipality
    _check_operator(desk)
    check_joint_project(membership, desk)
    with transaction.atomic():
        lock_checked(desk, expected_version)
        desk.save(update_fields=DESK_FIELDS)
    return desk


def desk_member_add(*, membership, desk: Desk, member) -> DeskMember:
    """Seat `member` (a membership) on the desk; an ended seat of the same person is opened again."""
    policy.require(membership, MANAGE_DESK, desk)
    if not seat_candidates(desk).filter(pk=member.pk).exists():
        raise ValidationError(_("This person cannot be seated on this desk: choose a coordinator or municipal "
                                "staff of the municipality or of the organization that runs it."))
    with transaction.atomic():
        seat = DeskMember.objects.select_for_update().filter(desk=desk, membership=member).first()
        if seat is None:
            return DeskMember.objects.create(desk=desk, membership=member)
        seat.is_active, seat.ended_at = True, None
        seat.save(update_fields=["is_active", "ended_at"])
    return seat


def desk_member_end(*, membership, seat: DeskMember) -> DeskMember:
    """End a seat: from now on the person no longer reads the desk's cases. The row is kept."""
    seat = DeskMember.objects.select_related("desk__municipality").get(pk=seat.pk)
    policy.require(membership, MANAGE_DESK, seat.desk)
    if not seat.is_active:
        return seat
    with transaction.atomic():
        seat.is_active, seat.ended_at = False, timezone.now()
        seat.save(update_fields=["is_active", "ended_at"])
    return seat


def _next_topic_code(municipality: Municipality) -> str:
    """own-001, own-002…: a municipality's own codes never collide with the national ones (no hyphen there)."""
    numbers = [int(m[1]) for code in Topic.objects.filter(municipality=municipality).values_list("code", flat=True)
               if (m := re.fullmatch(r"own-(\d+)", code))]
    return f"own-{max(numbers, default=0) + 1:03d}"


def topic_create(*, membership, municipality: Municipality, topic: Topic, order: int | None = None) -> Topic:
    """Add a topic of the municipality's own (code generated; placed last unless `order` is given)."""
    policy.require(membership, MANAGE_TOPICS, municipality)
    with transaction.atomic():
        # Two people adding at once would draw the same next code: the municipality's row serializes them.
        lock_in_order(Municipality, [municipality.pk])
        topic.municipality = municipality
        topic.code = _next_topic_code(municipality)
        if order:
            topic.order = order
        else:
            last = Topic.objects.filter(municipality=municipality).aggregate(n=Max("order"))["n"]
            topic.order = max(last or 0, 1000) + 10  # after the national ones (10…170)
        topic.save()
    return topic


def _own_topic(membership, topic: Topic) -> Topic:
    stored = Topic.objects.select_related("municipality").get(pk=topic.pk)
    if stored.municipality is None:
        raise ValidationError(_("The national topics cannot be changed."))
    policy.require(membership, MANAGE_TOPICS, stored.municipality)
    return stored


def topic_update(*, membership, topic: Topic) -> Topic:
    """Rename a topic of the municipality's own, change its scene or order (the code stays)."""
    stored = _own_topic(membership, topic)
    with transaction.atomic():
        topic.municipality, topic.code = stored.municipality, stored.code
        topic.save(update_fields=["name_ja", "name_en", "scene", "order"])
    return topic


def topic_set_active(*, membership, topic: Topic, is_active: bool) -> Topic:
    """Deactivate a topic (no longer offered for new cases; the cases that used it keep it) or reactivate it.
    Topics are never deleted: past cases and counts still name them."""
    stored = _own_topic(membership, topic)
    with transaction.atomic():
        stored.is_active = is_active
        stored.save(update_fields=["is_active"])
    return stored
