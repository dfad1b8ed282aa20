"""Reads for the councils' screens, the meeting pack and the home page: all built from `policy.scope`.

Councils, meetings, issues and actions are listed through the scope of `pdca.view_council` (the municipality's
readers, the body's seat holders, an action's owner), so a council member sees only their bodies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import Membership, Role
from renkei.indicators.models import IndicatorDefinition, IndicatorTarget, IndicatorValue, fiscal_year_of
from renkei.indicators.status import NO_DATA, Status, status_of, target_for_year

from ..models import Action, Council, CouncilMember, Issue, Meeting, PlanPeriod
from ..services.logic_models import logic_model_current

VIEW = "pdca.view_council"
OPEN_ACTION_STATUSES = (Action.Status.OPEN, Action.Status.IN_PROGRESS)
DUE_SOON_DAYS = 7


# --- councils ------------------------------------------------------------------------------------------

@dataclass
class BodyNode:
    council: Council
    children: list[BodyNode]


def councils_tree(membership) -> list[BodyNode]:
    """The bodies the member sees, as a tree: councils, their working groups under them.

    A working group whose parent the member does not see (a seat on the WG only) is shown at the top level.
    """
    visible = list(policy.scope(membership, VIEW, Council.objects.select_related("municipality", "parent"))
                   .order_by("municipality__code", "name"))
    ids = {c.pk for c in visible}
    nodes = {c.pk: BodyNode(c, []) for c in visible}
    roots = []
    for council in visible:
        if council.parent_id in ids:
            nodes[council.parent_id].children.append(nodes[council.pk])
        else:
            roots.append(nodes[council.pk])
    return roots


def council_members(council: Council, *, active_only: bool = True):
    qs = council.members.select_related("organization", "membership__user", "membership__organization")
    return qs.filter(is_active=True) if active_only else qs


def council_meetings(council: Council):
    return council.meetings.order_by("-held_on", "-pk")


def council_open_issues(council: Council):
    return council.issues.exclude(status=Issue.Status.CLOSED).order_by("-created_at")


def council_actions(council: Council):
    """Open actions decided at the body's meetings or raised for its issues, soonest due first."""
    return (Action.objects.filter(Q(meeting__council=council) | Q(meeting__isnull=True, issue__council=council),
                                  status__in=OPEN_ACTION_STATUSES)
            .select_related("owner__user", "owner_organization", "meeting__council", "issue__council")
            .order_by("due_on", "pk"))


def visible_children(membership, council: Council):
    return policy.scope(membership, VIEW, council.children.all()).order_by("name")


# --- issues --------------------------------------------------------------------------------------------

def issues_for(membership, *, scene: str = "", status: str = "", council: Council | None = None):
    """Issues the member sees, filtered by scene, status and body."""
    qs = policy.scope(membership, VIEW, Issue.objects.select_related("municipality", "council", "raised_at"))
    if scene:
        qs = qs.filter(scene=scene)
    if status:
        qs = qs.filter(status=status)
    if council is not None:
        qs = qs.filter(council=council)
    return qs.prefetch_related("indicators").order_by("status", "-created_at", "-pk")


# --- actions -------------------------------------------------------------------------------------------

def actions_for(membership, *, mine: bool = False, overdue: bool = False, status: str = "", today=None):
    """Actions the member sees (`mine`: only those they own), open and overdue ones when asked."""
    today = today or timezone.localdate()
    qs = policy.scope(membership, VIEW, Action.objects.select_related(
        "municipality", "owner__user", "owner_organization", "meeting__council", "issue"))
    if mine:
        qs = qs.filter(owner=membership)
    if overdue:
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)
    elif status == "open":
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("due_on", "pk")


def own_open_actions_due(membership, *, today=None, days: int = DUE_SOON_DAYS):
    """The member's own open actions that are overdue or due within `days` days (the home page)."""
    today = today or timezone.localdate()
    return (Action.objects.filter(owner=membership, status__in=OPEN_ACTION_STATUSES, due_on__isnull=False,
                                  due_on__lte=today + dt.timedelta(days=days))
            .select_related("municipality").order_by("due_on", "pk"))


def overdue_count(municipality, *, today=None) -> int:
    today = today or timezone.localdate()
    return Action.objects.filter(municipality=municipality, status__in=OPEN_ACTION_STATUSES,
                                 due_on__lt=today).count()


def owner_choices(municipality, council: Council | None = None, *, keep=None):
    """Who may own an action: the body's seat holders who use Renkei, and the municipality's staff and
    coordinators (active memberships only); `keep` (a membership id) stays choosable: an action's current owner
    who has left the body."""
    seated = (CouncilMember.objects.filter(council=council, is_active=True, membership__isnull=False)
              .values("membership_id") if council is not None else CouncilMember.objects.none().values("pk"))
    municipal_ids = [municipality.pk, *municipality.wards.values_list("pk", flat=True)] if municipality else []
    eligible = Membership.objects.filter(
        Q(pk__in=seated)
        | Q(organization__municipality_id__in=municipal_ids, role__in=(Role.MUNICIPAL_STAFF, Role.COORDINATOR)),
        is_active=True, user__is_active=True, organization__is_active=True)
    if keep is not None:
        eligible = eligible | Membership.objects.filter(pk=keep)
    return eligible.select_related("user", "organization").order_by("organization__name", "user__display_name")


# --- measures of the plan ------------------------------------------------------------------------------

def current_plan(municipality, *, today=None) -> PlanPeriod | None:
    """The plan period covering this fiscal year, else the latest one."""
    year = fiscal_year_of(today or timezone.localdate())
    plans = PlanPeriod.objects.filter(municipality=municipality)
    return plans.filter(start_fiscal_year__lte=year, end_fiscal_year__gte=year).first() or plans.first()


def measure_choices(municipality) -> list[tuple[str, str]]:
    """(key, "number text") of the measures of the current plan's current logic-model revision."""
    plan = current_plan(municipality) if municipality is not None else None
    model = logic_model_current(plan) if plan is not None else None
    if model is None:
        return []
    numbers: dict[int, list[int]] = {}
    for placement in model.placements.all():
        numbers.setdefault(placement.measure_id, []).append(placement.number)
    choices = []
    for measure in model.measures.order_by("pk"):
        printed = numbers.get(measure.pk)
        label = f"{min(printed)}. {measure.text}" if printed else measure.text
        choices.append((measure.key, label[:120]))
    return sorted(choices, key=lambda c: (not c[1][:1].isdigit(), _number_of(c[1]), c[1]))


def _number_of(label: str) -> int:
    head = label.split(".", 1)[0]
    return int(head) if head.isdigit() else 0


def measure_labels(municipality) -> dict[str, str]:
    return dict(measure_choices(municipality))


# --- indicators named by issues -----------------------------------------------------------------------

@dataclass
class IndicatorState:
    """An indicator as an issue names it: latest value, this year's target, status, source and vintage."""

    definition: IndicatorDefinition
    status: Status
    latest: IndicatorValue | None
    target_value: Decimal | None
    fiscal_year: int | None

    @property
    def code(self) -> str:
        return self.status.code

    @property
    def source(self) -> str:
        parts = [self.latest.source_note if self.latest and self.latest.source_note else self.definition.data_source]
        if self.definition.vintage_note:
            parts.append(self.definition.vintage_note)
        return "／".join(p for p in parts if p)

    @property
    def vintage(self):
        return self.latest.vintage if self.latest is not None else None

    def formatted(self, value: Decimal | None) -> str:
        if value is None:
            return "—"
        decimals = self.definition.decimals
        text = f"{value:,.{decimals}f}" if decimals else f"{value:,.0f}"
        return f"{text}{self.definition.unit}" if self.definition.unit else text

    @property
    def latest_text(self) -> str:
        return self.formatted(self.latest.value if self.latest is not None else None)

    @property
    def target_text(self) -> str:
        return self.formatted(self.target_value)


def indicator_states(municipality, definitions, *, today=None) -> list[IndicatorState]:
    """The current state of each indicator for the municipality (status as renkei.indicators.status computes
    it everywhere): one query for values, one for targets."""
    definitions = list(definitions)
    if not definitions:
        return []
    year = fiscal_year_of(today or timezone.localdate())
    key = f"M{municipality.code}"
    values: dict[int, list[IndicatorValue]] = {}
    for value in IndicatorValue.objects.filter(definition__in=definitions, area_key=key, is_current=True):
        values.setdefault(value.definition_id, []).append(value)
    targets: dict[int, list[IndicatorTarget]] = {}
    for target in (IndicatorTarget.objects.filter(definition__in=definitions, municipality=municipality)
                   .prefetch_related("years").order_by("-start_fiscal_year")):
        targets.setdefault(target.definition_id, []).append(target)
    states = []
    for definition in definitions:
        own_values = values.get(definition.pk, [])
        candidates = targets.get(definition.pk, [])
        target = next((t for t in candidates if t.start_fiscal_year <= year <= t.end_fiscal_year),
                      candidates[0] if candidates else None)
        status = status_of(target, own_values, definition.higher_is_better)
        latest = status.value or max((v for v in own_values if v.value is not None),
                                     key=lambda v: v.period_start, default=None)
        target_year = status.fiscal_year or (fiscal_year_of(latest.period_start) if latest else year)
        goal = status.target if status.target is not None else (
            target_for_year(target, target_year) if target is not None else None)
        if status.code == NO_DATA and latest is not None:
            target_year = fiscal_year_of(latest.period_start)
        states.append(IndicatorState(definition, status, latest, goal, target_year))
    return states


# --- meeting pack -------------------------------------------------------------------------------------

def meeting_issues(meeting: Meeting):
    """Issues raised at the meeting, and the body's other open issues (what the meeting discusses)."""
    return (Issue.objects.filter(Q(raised_at=meeting) | Q(council=meeting.council, status__in=(
        Issue.Status.OPEN, Issue.Status.ADDRESSED))).select_related("raised_at")
        .prefetch_related("indicators").order_by("scene", "pk").distinct())


def meeting_open_actions(meeting: Meeting):
    """Open actions of the body: decided at its meetings or for its issues."""
    return council_actions(meeting.council).select_related("meeting", "issue")


def meeting_with_details(pk: int):
    return (Meeting.objects.select_related("council__municipality", "council__parent")
            .prefetch_related(Prefetch("attendees", queryset=CouncilMember.objects.select_related(
                "organization", "membership__user"))).get(pk=pk))


# --- the home page ------------------------------------------------------------------------------------

def pdca_attention(membership) -> list:
    """The member's own actions overdue or due within a week (each linking to its update form), and for the
    municipality's staff the count of its overdue actions (linking to the filtered list)."""
    from django.urls import reverse
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    from renkei.core.dashboard import INFO, TODO, AttentionItem
    from renkei.core.templatetags.renkei import wareki

    today = timezone.localdate()
    items = []
    for action in own_open_actions_due(membership, today=today):
        overdue = action.due_on < today
        text = (_("Overdue action: %(title)s (due %(due)s)") if overdue
                else _("Action due soon: %(title)s (due %(due)s)")) % {"title": action.title,
                                                                        "due": wareki(action.due_on)}
        items.append(AttentionItem(
            text=text, detail=_("Report its progress: status and result."),
            url=reverse("pdca:action_update", args=[action.pk]), action="pdca.update_action", obj=action,
            tone=TODO, order=30 if overdue else 35))
    municipality = membership.organization.municipality
    if municipality is not None and policy.check(membership, "pdca.manage_council", municipality):
        count = overdue_count(municipality, today=today)
        if count:
            items.append(AttentionItem(
                text=ngettext("%(count)d action of %(municipality)s is overdue",
                              "%(count)d actions of %(municipality)s are overdue", count)
                % {"count": count, "municipality": municipality.name},
                detail=_("Ask their owners, or change the due date at the next meeting."),
                url=reverse("pdca:action_list") + "?overdue=1", action=VIEW, tone=INFO, order=45))
    return items
