"""Reads for setting up desks: the landing page's lists, a desk's seats, who may be seated, the topics.

Counts only on the landing page (open and overdue cases per desk): never a case's contents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import Membership, Municipality, Organization, Role

from ..models import Case, Desk, DeskMember, Topic

OVERDUE_DAYS = 30  # an open case older than the 30-day standard of ZT-C-P03


@dataclass(frozen=True)
class DeskCounts:
    desk: Desk
    open: int
    overdue: int


def _with_counts(desks) -> list[DeskCounts]:
    overdue_before = timezone.now() - dt.timedelta(days=OVERDUE_DAYS)
    rows = desks.select_related("municipality", "operator").annotate(
        open_count=Count("cases", filter=Q(cases__status=Case.Status.OPEN)),
        overdue_count=Count("cases", filter=Q(cases__status=Case.Status.OPEN, cases__received_at__lt=overdue_before)))
    return [DeskCounts(d, d.open_count, d.overdue_count) for d in rows]


def seated_desks(membership) -> list[DeskCounts]:
    """The active desks where the membership has an active seat, with their open and overdue case counts."""
    return _with_counts(Desk.objects.filter(is_active=True, members__membership=membership,
                                            members__is_active=True).order_by("municipality__code", "name"))


def managed_desks(membership, *, limit: int = 200) -> list[DeskCounts]:
    """The desks the membership sets up (`consult.manage_desk`'s scope), with counts; at most `limit`."""
    desks = policy.scope(membership, "consult.manage_desk", Desk.objects.all())
    return _with_counts(desks.order_by("municipality__code", "name")[:limit])


def report_municipalities(membership):
    """The municipalities whose desk counts the membership reads (`consult.view_reports`' scope), by code."""
    return policy.scope(membership, "consult.view_reports",
                        Municipality.objects.filter(abolished_on__isnull=True)).order_by("code")


def operator_choices(municipality: Municipality):
    """Organizations that may run the municipality's desk: its active organizations (not prefecture offices)."""
    return (Organization.objects.filter(is_active=True, municipality=municipality)
            .exclude(kind=Organization.Kind.PREFECTURE_OFFICE).order_by("name"))


def desk_seats(desk: Desk) -> list[DeskMember]:
    """The desk's seats, active first, each with its person and organization (one query)."""
    return list(desk.members.select_related("membership__user", "membership__organization")
                .order_by("-is_active", "added_at", "pk"))


def seat_candidates(desk: Desk):
    """Memberships that may be seated: active coordinators and municipal staff whose organization is in the desk's
    municipality (or its wards) or is the desk's operator, not already seated."""
    place = Q(organization__municipality=desk.municipality) | Q(organization__municipality__parent=desk.municipality)
    if desk.operator_id:
        place |= Q(organization_id=desk.operator_id)
    seated = desk.members.filter(is_active=True).values("membership_id")
    return (Membership.objects.filter(place, is_active=True, user__is_active=True, organization__is_active=True,
                                      role__in=(Role.COORDINATOR, Role.MUNICIPAL_STAFF))
            .exclude(pk__in=seated).select_related("user", "organization").order_by("organization__name", "pk"))


def desk_for_route(desk_id: int) -> Desk:
    """A desk with what its pages show (a 404 when missing is the caller's `get_object_or_404`)."""
    return Desk.objects.select_related("municipality", "operator").get(pk=desk_id)


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    case_count: int


def topics_for(municipality: Municipality) -> tuple[list[Topic], list[TopicRow]]:
    """(national topics, the municipality's own with how many cases use each) in their order."""
    national = list(Topic.objects.filter(municipality=None).order_by("order", "name_ja"))
    own = [TopicRow(t, t.case_count) for t in Topic.objects.filter(municipality=municipality)
           .annotate(case_count=Count("cases")).order_by("order", "name_ja")]
    return national, own
