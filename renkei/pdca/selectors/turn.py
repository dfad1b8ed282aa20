"""Reads for the PDCA turn: where each scene of a plan stands in a fiscal year, and what one scene's turn gathers.

`scene_turns(plan, fiscal_year)` gathers everything a turn shows, for every scene of the plan at once, in a
fixed number of queries whatever the number of scenes, indicators, actions or meetings:
- P: the scene's current goal, and the targets of the indicators its logic model links for that year;
- D: the measures placed under the scene, the actions of the year (done / open / overdue) and the meetings
  held that year that concern the scene;
- C: each linked indicator's value for the year against its target, with the status (`indicators.status`);
- A: the cycle's note and the next logic-model revision it recorded.
The index page, the cycle page, the yearly report and the home panel all read it, so they agree.

Which rows belong to a scene:
- the logic model in effect for the year (`logic_model_in_effect`): its outcome blocks of the scene, the
  measures placed under them and the indicators (with a definition) listed under them;
- actions of the municipality tagged with the scene, serving one of the scene's measures (by key) or
  answering an issue of the scene; of the year when due, completed or (no due date) created in it, or
  still open and due before the year's end (an overdue action stays in view until it is dealt with);
- meetings held in the year whose scenes (or, when the meeting names none, its body's) include the scene,
  and the meetings that decided one of the scene's actions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import FOUR_SCENES, Municipality, Role, Scene
from renkei.indicators.models import IndicatorDefinition, IndicatorTarget, IndicatorValue, fiscal_year_of
from renkei.indicators.status import BEHIND, NO_DATA, NO_TARGET, ON_TRACK, Status, status_of, target_for_year

from ..models import (
    Action,
    Goal,
    LogicModel,
    LogicModelIndicator,
    Measure,
    MeasurePlacement,
    Meeting,
    Outcome,
    PdcaCycle,
    PlanPeriod,
)


def current_fiscal_year(today: dt.date | None = None) -> int:
    """The fiscal year (April–March) of today."""
    return fiscal_year_of(today or timezone.localdate())


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def plan_for_year(municipality: Municipality, fiscal_year: int) -> PlanPeriod | None:
    """The municipality's plan period covering the fiscal year, or None."""
    return (PlanPeriod.objects.select_related("municipality__prefecture")
            .filter(municipality=municipality, start_fiscal_year__lte=fiscal_year, end_fiscal_year__gte=fiscal_year)
            .order_by("-start_fiscal_year").first())


def plan_scenes(plan: PlanPeriod) -> list[str]:
    """The scenes the plan works on, in the plan's order (the four scenes when it names none)."""
    known = set(Scene.values)
    scenes = [scene for scene in (plan.scenes or []) if scene in known]
    return scenes or [str(scene) for scene in FOUR_SCENES]


def logic_model_in_effect(plan: PlanPeriod, fiscal_year: int) -> LogicModel | None:
    """The plan's latest revision in effect in the year (no start year, or one not after it); else its first."""
    models = list(plan.logic_models.order_by("-revision"))
    for logic_model in models:
        if logic_model.effective_fiscal_year is None or logic_model.effective_fiscal_year <= fiscal_year:
            return logic_model
    return models[-1] if models else None


def viewable_municipalities(membership):
    """Municipalities whose turns the member may see and choose between (prefecture staff: their prefecture's;
    administrators: those with a plan; municipal staff and coordinators: their own and its wards)."""
    if membership is None:
        return Municipality.objects.none()
    planned = policy.scope(membership, "pdca.view_plan", PlanPeriod.objects.all()).values("municipality")
    query = Q(pk__in=planned)
    if membership.role == Role.PREFECTURE_STAFF:
        query |= Q(prefecture_id=membership.organization.prefecture_id)
    own = membership.organization.municipality_id
    if own and membership.role in (Role.MUNICIPAL_STAFF, Role.COORDINATOR):
        query |= Q(pk=own) | Q(parent_id=own)
    return (Municipality.objects.filter(query, abolished_on__isnull=True).select_related("prefecture")
            .order_by("code"))


# --- what a turn gathers ----------------------------------------------------------------------------------

@dataclass
class YearPoint:
    """One fiscal year of an indicator's series: the value (None: none recorded yet) and the target."""

    fiscal_year: int
    value: Decimal | None
    target: Decimal | None


@dataclass
class IndicatorCheck:
    """One indicator the logic model links to the scene, checked for the year."""

    indicator: LogicModelIndicator
    definition: IndicatorDefinition
    target: IndicatorTarget | None
    target_value: Decimal | None  # the target for the year
    value: IndicatorValue | None  # the year's value (the latest period inside it)
    status: Status  # the latest value up to the year's end against its year's target
    series: list[YearPoint] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.status.code


@dataclass
class ActionRow:
    action: Action
    is_overdue: bool

    @property
    def state(self) -> str:
        """done / overdue / open / cancelled: how the turn counts it."""
        if self.action.status == Action.Status.DONE:
            return "done"
        if self.action.status == Action.Status.CANCELLED:
            return "cancelled"
        return "overdue" if self.is_overdue else "open"

    @property
    def owner_label(self) -> str:
        """Who owns it, as the report prints it: the person and their organization, else the organization."""
        action = self.action
        if action.owner_id:
            person = action.owner.user.display_name or action.owner.user.email
            return f"{person}（{action.owner.organization.name}）"
        if action.owner_organization_id:
            return action.owner_organization.name
        return ""


@dataclass
class OutcomeBlock:
    """One outcome block of the scene in the logic model: the measures placed under it and its indicators."""

    outcome: Outcome
    placements: list[MeasurePlacement] = field(default_factory=list)
    indicators: list[LogicModelIndicator] = field(default_factory=list)


@dataclass
class SceneTurn:
    """Everything one scene's turn in one fiscal year shows."""

    plan: PlanPeriod
    scene: str
    fiscal_year: int
    cycle: PdcaCycle | None
    goal: Goal | None
    logic_model: LogicModel | None
    blocks: list[OutcomeBlock] = field(default_factory=list)
    checks: list[IndicatorCheck] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Scene(self.scene).label)

    @property
    def stage(self) -> str:
        """The cycle's stage; "plan" for a turn nobody has started (`has_started` tells them apart)."""
        return self.cycle.stage if self.cycle else PdcaCycle.Stage.PLAN

    @property
    def stage_label(self) -> str:
        return str(PdcaCycle.Stage(self.stage).label)

    @property
    def has_started(self) -> bool:
        return self.cycle is not None

    @property
    def measures(self) -> list[Measure]:
        """The scene's measures, each once (a measure placed twice under the scene is one measure)."""
        seen, out = set(), []
        for block in self.blocks:
            for placement in block.placements:
                if placement.measure_id not in seen:
                    seen.add(placement.measure_id)
                    out.append(placement.measure)
        return out

    @property
    def status_counts(self) -> dict[str, int]:
        counts = {ON_TRACK: 0, BEHIND: 0, NO_DATA: 0, NO_TARGET: 0}
        for check in self.checks:
            counts[check.code] += 1
        return counts

    @property
    def action_counts(self) -> dict[str, int]:
        counts = {"done": 0, "open": 0, "overdue": 0, "cancelled": 0}
        for row in self.actions:
            counts[row.state] += 1
        return counts

    @property
    def overdue_actions(self) -> list[ActionRow]:
        return [row for row in self.actions if row.state == "overdue"]

    @property
    def last_meeting(self) -> Meeting | None:
        return self.meetings[0] if self.meetings else None

    @property
    def decisions(self) -> list:
        return [decision for meeting in self.meetings for decision in meeting.decisions.all()]


def _action_in_year(action: Action, start: dt.date, end: dt.date) -> bool:
    if action.due_on and start <= action.due_on <= end:
        return True
    if action.completed_on and start <= action.completed_on <= end:
        return True
    if action.due_on is None and start <= timezone.localdate(action.created_at) <= end:
        return True
    return action.is_open and action.due_on is not None and action.due_on < start


def actions_of_year(municipality: Municipality, fiscal_year: int, *, today: dt.date | None = None
                    ) -> list[ActionRow]:
    """The municipality's actions of the fiscal year (see the module's rule), by due date, with their state."""
    today = today or timezone.localdate()
    start, end = fiscal_year_bounds(fiscal_year)
    actions = (Action.objects.filter(municipality=municipality)
               .filter(Q(due_on__isnull=True) | Q(due_on__lte=end))
               .select_related("owner__user", "owner__organization", "owner_organization", "issue", "meeting")
               .order_by("due_on", "pk"))
    return [ActionRow(action, action.is_overdue(today)) for action in actions if _action_in_year(action, start, end)]


def scene_turns(plan: PlanPeriod, fiscal_year: int, *, scenes: list[str] | None = None,
                today: dt.date | None = None) -> list[SceneTurn]:
    """Every scene's turn of the plan in the fiscal year (or only `scenes`), in the plan's scene order."""
    today = today or timezone.localdate()
    scenes = scenes or plan_scenes(plan)
    municipality = plan.municipality
    start, end = fiscal_year_bounds(fiscal_year)

    cycles = {cycle.scene: cycle for cycle in PdcaCycle.objects.filter(plan=plan, fiscal_year=fiscal_year)
              .select_related("next_logic_model", "updated_by")}
    goals = {goal.scene: goal for goal in Goal.objects.filter(plan=plan, is_current=True, scene__in=scenes)}
    logic_model = logic_model_in_effect(plan, fiscal_year)

    blocks: dict[str, list[OutcomeBlock]] = defaultdict(list)
    measure_keys: dict[str, set[str]] = defaultdict(set)
    indicators: list[LogicModelIndicator] = []
    if logic_model is not None:
        by_outcome = {}
        for outcome in logic_model.outcomes.filter(scene__in=scenes).order_by("sort_order", "pk"):
            by_outcome[outcome.pk] = OutcomeBlock(outcome)
            blocks[outcome.scene].append(by_outcome[outcome.pk])
        for placement in (MeasurePlacement.objects.filter(outcome__in=list(by_outcome))
                          .select_related("measure").order_by("number")):
            block = by_outcome[placement.outcome_id]
            block.placements.append(placement)
            measure_keys[block.outcome.scene].add(placement.measure.key)
        for indicator in (LogicModelIndicator.objects.filter(outcome__in=list(by_outcome))
                          .select_related("definition").order_by("sort_order", "pk")):
            by_outcome[indicator.outcome_id].indicators.append(indicator)
            indicators.append(indicator)

    definitions = {i.definition_id: i.definition for i in indicators if i.definition_id}
    targets = {target.definition_id: target for target in IndicatorTarget.objects.filter(
        municipality=municipality, definition_id__in=list(definitions), start_fiscal_year__lte=fiscal_year,
        end_fiscal_year__gte=fiscal_year).prefetch_related("years").order_by("start_fiscal_year")}
    first_year = min([plan.start_fiscal_year - 1] + [t.baseline_fiscal_year for t in targets.values()
                                                      if t.baseline_fiscal_year])
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in IndicatorValue.objects.filter(
            definition_id__in=list(definitions), area_key=f"M{municipality.code}", is_current=True,
            period_start__gte=dt.date(first_year, 4, 1), period_start__lte=end).order_by("period_start"):
        values[value.definition_id].append(value)

    scene_actions: dict[str, list[ActionRow]] = defaultdict(list)
    action_meetings: dict[str, set[int]] = defaultdict(set)
    for row in actions_of_year(municipality, fiscal_year, today=today):
        action = row.action
        for scene in scenes:
            if (action.scene == scene or (action.measure_key and action.measure_key in measure_keys[scene])
                    or (action.issue_id and action.issue.scene == scene)):
                scene_actions[scene].append(row)
                if action.meeting_id:
                    action_meetings[scene].add(action.meeting_id)

    meetings = list(Meeting.objects.filter(council__municipality=municipality, status=Meeting.Status.HELD,
                                           held_on__gte=start, held_on__lte=end)
                    .select_related("council").prefetch_related("decisions").order_by("-held_on", "-pk"))

    turns = []
    for scene in scenes:
        checks = [_check(indicator, targets.get(indicator.definition_id), values[indicator.definition_id],
                         plan, fiscal_year, first_year)
                  for block in blocks[scene] for indicator in block.indicators if indicator.definition_id]
        concerned = [m for m in meetings if scene in (m.scenes or m.council.scenes or [])
                     or m.pk in action_meetings[scene]]
        turns.append(SceneTurn(plan=plan, scene=scene, fiscal_year=fiscal_year, cycle=cycles.get(scene),
                               goal=goals.get(scene), logic_model=logic_model, blocks=blocks[scene], checks=checks,
                               actions=scene_actions[scene], meetings=concerned))
    return turns


def _check(indicator: LogicModelIndicator, target: IndicatorTarget | None, values: list[IndicatorValue],
           plan: PlanPeriod, fiscal_year: int, first_year: int) -> IndicatorCheck:
    definition = indicator.definition
    yearly = {year.fiscal_year: year.value for year in target.years.all()} if target else {}
    in_year = [v for v in values if v.value is not None and fiscal_year_of(v.period_start) == fiscal_year]
    latest_by_year: dict[int, Decimal] = {}
    for value in values:  # ordered by period: the last one of each year wins
        if value.value is not None:
            latest_by_year[fiscal_year_of(value.period_start)] = value.value
    series = [YearPoint(year, latest_by_year.get(year) if year <= fiscal_year else None,
                        target_for_year(target, year, yearly) if target and year >= target.start_fiscal_year
                        else None)
              for year in range(first_year, plan.end_fiscal_year + 1)]
    return IndicatorCheck(
        indicator=indicator, definition=definition, target=target,
        target_value=target_for_year(target, fiscal_year, yearly) if target else None,
        value=in_year[-1] if in_year else None,
        status=status_of(target, values, definition.higher_is_better),
        series=series)


def scene_turn(plan: PlanPeriod, scene: str, fiscal_year: int) -> SceneTurn:
    """One scene's turn in one fiscal year (see `scene_turns`)."""
    return scene_turns(plan, fiscal_year, scenes=[scene])[0]


def cycle_of(plan: PlanPeriod, scene: str, fiscal_year: int) -> PdcaCycle | None:
    """The stored cycle of a scene and year, or None when nobody has started it."""
    return PdcaCycle.objects.filter(plan=plan, scene=scene, fiscal_year=fiscal_year).first()


def turn_panel(membership) -> dict | None:
    """The home panel (core.dashboard) for municipal staff and coordinators: where each scene of their
    municipality stands in the current fiscal year's turn, linking to the turn page."""
    if membership is None or membership.role not in (Role.MUNICIPAL_STAFF, Role.COORDINATOR):
        return None
    municipality = membership.organization.municipality
    if municipality is None or not policy.check(membership, "pdca.view_plan", municipality):
        return None
    fiscal_year = current_fiscal_year()
    plan = plan_for_year(municipality, fiscal_year)
    cycles = {c.scene: c for c in PdcaCycle.objects.filter(plan=plan, fiscal_year=fiscal_year)} if plan else {}
    return {"template": "pdca/_home_panel.html", "municipality": municipality, "plan": plan,
            "fiscal_year": fiscal_year,
            "scenes": [{"scene": scene, "label": Scene(scene).label,
                        "stage": cycles[scene].stage if scene in cycles else "",
                        "stage_label": cycles[scene].get_stage_display() if scene in cycles else ""}
                       for scene in (plan_scenes(plan) if plan else [])]}
