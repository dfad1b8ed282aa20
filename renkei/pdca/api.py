"""The PDCA JSON API: plans, their goals (current and history) and logic models, for those who may see them
(`pdca.view_plan`: the municipality's staff and coordinators, prefecture staff of its prefecture, admins).

`GET /api/v1/plans?municipality=CODE`, `GET /api/v1/plans/{plan_id}`,
`GET /api/v1/plans/{plan_id}/logic-model?revision=N`. A plan the caller may not see is refused (403, audited,
as the screens do); one that does not exist is 404.
"""

import datetime as dt

from django.http import Http404
from ninja import Field, Query, Router, Schema

from renkei.core import policy
from renkei.core.policy import api_requires
from renkei.core.selectors import municipality_or_none

from .models import PlanPeriod
from .selectors.logic_models import logic_model_of
from .selectors.plans import plan_with_goals, plans_visible

router = Router(tags=["pdca"])


class PlanFilter(Schema):
    municipality: str = Field("", description="6-digit local government code or 5-digit JIS code")


class PlanOut(Schema):
    id: int
    municipality_code: str
    municipality_name: str
    term_number: int
    start_fiscal_year: int
    end_fiscal_year: int
    scenes: list[str]


class GoalOut(Schema):
    scene: str = Field(description="blank for the overall goal")
    text: str
    revision: int
    is_current: bool
    reason: str
    written_at: dt.datetime


class PlanDetailOut(PlanOut):
    goals: list[GoalOut] = Field(description="current goals")
    goal_history: list[GoalOut] = Field(description="earlier revisions, newest first")
    logic_model_revisions: list[int]


class OutcomeOut(Schema):
    key: str
    scene: str
    text: str
    sort_order: int


class MeasureOut(Schema):
    key: str
    text: str
    status: str
    lead_organizations: list[int]
    partner_organizations: list[int]
    lead_note: str
    partner_note: str
    start_date: dt.date | None
    end_date: dt.date | None
    program_items: list[str]


class PlacementOut(Schema):
    number: int
    measure: str = Field(description="measure key")
    outcome: str = Field(description="outcome key")
    is_repeat: bool = Field(description="printed as “(再)”")
    text: str = Field(description="the row's text as printed (without “(再)”)")


class IndicatorOut(Schema):
    outcome: str
    label: str
    level: str
    definition: str | None = Field(description="indicator definition code")


class LogicModelOut(Schema):
    plan_id: int
    revision: int
    status: str
    effective_fiscal_year: int | None
    change_summary: str
    created_at: dt.datetime
    outcomes: list[OutcomeOut]
    measures: list[MeasureOut]
    placements: list[PlacementOut]
    indicators: list[IndicatorOut]


def _plan_out(plan: PlanPeriod) -> dict:
    return {"id": plan.pk, "municipality_code": plan.municipality.code, "municipality_name": plan.municipality.name,
            "term_number": plan.term_number, "start_fiscal_year": plan.start_fiscal_year,
            "end_fiscal_year": plan.end_fiscal_year, "scenes": list(plan.scenes)}


def _readable_plan(request, plan_id: int) -> PlanPeriod:
    plan = plan_with_goals(plan_id)
    if plan is None:
        raise Http404
    policy.require(request.membership, "pdca.view_plan", plan)
    return plan


@router.get("/plans", response=list[PlanOut])
@api_requires("pdca.view_plan")
def list_plans(request, filters: Query[PlanFilter]):
    municipality = None
    if filters.municipality:
        municipality = municipality_or_none(filters.municipality)
        if municipality is None:
            raise Http404
    return [_plan_out(plan) for plan in plans_visible(request.membership, municipality=municipality)]


@router.get("/plans/{plan_id}", response=PlanDetailOut)
@api_requires("pdca.view_plan")
def get_plan(request, plan_id: int):
    plan = _readable_plan(request, plan_id)
    goals = list(plan.goals.all())
    return {**_plan_out(plan), "goals": [g for g in goals if g.is_current],
            "goal_history": [g for g in goals if not g.is_current],
            "logic_model_revisions": list(plan.logic_models.order_by("revision").values_list("revision", flat=True))}


@router.get("/plans/{plan_id}/logic-model", response=LogicModelOut)
@api_requires("pdca.view_plan")
def get_logic_model(request, plan_id: int, revision: int | None = None):
    plan = _readable_plan(request, plan_id)
    logic_model = logic_model_of(plan, revision)
    if logic_model is None:
        raise Http404
    measures = logic_model.measures.prefetch_related("lead_organizations", "partner_organizations").order_by("pk")
    return {
        "plan_id": plan.pk, "revision": logic_model.revision, "status": logic_model.status,
        "effective_fiscal_year": logic_model.effective_fiscal_year, "change_summary": logic_model.change_summary,
        "created_at": logic_model.created_at,
        "outcomes": list(logic_model.outcomes.order_by("sort_order", "pk")),
        "measures": [{"key": m.key, "text": m.text, "status": m.status,
                      "lead_organizations": [o.pk for o in m.lead_organizations.all()],
                      "partner_organizations": [o.pk for o in m.partner_organizations.all()],
                      "lead_note": m.lead_note, "partner_note": m.partner_note, "start_date": m.start_date,
                      "end_date": m.end_date, "program_items": list(m.program_items)} for m in measures],
        "placements": [{"number": p.number, "measure": p.measure.key, "outcome": p.outcome.key,
                        "is_repeat": p.is_repeat, "text": p.text_override or p.measure.text}
                       for p in logic_model.placements.select_related("measure", "outcome").order_by("number")],
        "indicators": [{"outcome": i.outcome.key, "label": i.label, "level": i.level,
                        "definition": i.definition.code if i.definition_id else None}
                       for i in logic_model.indicators.select_related("outcome", "definition")
                       .order_by("outcome__sort_order", "sort_order", "pk")],
    }
