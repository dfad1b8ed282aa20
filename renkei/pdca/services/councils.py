"""Councils and their seats: 協議会, 部会/WG under a council, 小さな協議体."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import lock_checked

from ..models import Council, CouncilMember

MANAGE = "pdca.manage_council"


def council_save(*, membership, council: Council, expected_version: int | None = None) -> Council:
    """Create or edit a body (`council` already holds the form's values); StaleEdit when it moved on.

    The policy is asked on the body's municipality for a new one and on the stored body for an edit; a
    working group's parent must be a council of the same municipality (and not the body itself).
    """
    with audit.bind_membership(membership), transaction.atomic():
        if council.pk is not None:
            stored = lock_checked(council, expected_version)
            policy.require(membership, MANAGE, stored)
            if stored.municipality_id != council.municipality_id:
                raise ValidationError(_("A body stays in its municipality."))
        policy.require(membership, MANAGE, council.municipality)
        parent = council.parent
        if parent is not None:
            if parent.municipality_id != council.municipality_id:
                raise ValidationError(_("The parent body must belong to the same municipality."))
            if council.pk is not None and (parent.pk == council.pk or parent.parent_id == council.pk):
                raise ValidationError(_("A body cannot sit under itself or under one of its working groups."))
        council.full_clean()
        council.save()
    return council


def council_member_save(*, membership, member: CouncilMember) -> CouncilMember:
    """Add or change a seat: an organization (or its name as written), the person, profession, position.

    A seat held by a Renkei member must name an active membership; the person's name then defaults to it.
    """
    council = member.council
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, council)
        if member.pk is not None:
            stored = CouncilMember.objects.select_related("council").get(pk=member.pk)
            if stored.council_id != council.pk:
                raise ValidationError(_("A seat stays on its body."))
        if not (member.organization_id or member.organization_note or member.person_name or member.membership_id):
            raise ValidationError(_("Give the organization, its name as written, or the person."))
        if member.membership_id is not None:
            seat_holder = member.membership
            if not seat_holder.is_active:
                raise ValidationError(_("That member no longer uses Renkei."))
            if not member.organization_id:
                member.organization = seat_holder.organization
            if not member.profession and seat_holder.profession:
                member.profession = seat_holder.profession
        member.full_clean()
        member.save()
    return member


def council_member_end(*, membership, member: CouncilMember) -> CouncilMember:
    """End a seat (kept for the minutes of past meetings): the member no longer sees the body."""
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, member.council)
        member.is_active = False
        member.save(update_fields=["is_active"])
    return member
