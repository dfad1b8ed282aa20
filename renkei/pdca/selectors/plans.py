"""Reads of plan periods and goals for screens and the API; every list starts from `policy.scope`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from renkei.core import policy
from renkei.core.models import Scene

from ..models import Goal, PlanPeriod


def plans_visible(membership, *, municipality=None):
    """Plan periods the member may see (`pdca.view_plan`), newest first, optionally of one municipality."""
    plans = policy.scope(membership, "pdca.view_plan", PlanPeriod.objects.select_related("municipality"))
    if municipality is not None:
        plans = plans.filter(municipality=municipality)
    return plans.order_by("municipality__code", "-start_fiscal_year")


def plan_with_goals(plan_id: int) -> PlanPeriod | None:
    """One plan with its municipality and every goal revision (current and history) prefetched."""
    return (PlanPeriod.objects.select_related("municipality__prefecture")
            .prefetch_related(Prefetch("goals", queryset=Goal.objects.select_related("written_by")
                                       .order_by("scene", "-revision")))
            .filter(pk=plan_id).first())


@dataclass
class GoalRow:
    scene: str  # "" for the overall goal
    label: str
    current: Goal | None
    history: list[Goal]


def goal_rows(plan: PlanPeriod) -> list[GoalRow]:
    """The overall 目指す姿, then one per scene of the plan (and any scene that has a goal), with history."""
    by_scene: dict[str, list[Goal]] = {}
    for goal in plan.goals.all():
        by_scene.setdefault(goal.scene, []).append(goal)
    scenes = ["", *plan.scenes, *[s for s in by_scene if s and s not in plan.scenes]]
    labels = dict(Scene.choices)
    rows = []
    for scene in scenes:
        goals = sorted(by_scene.get(scene, []), key=lambda g: -g.revision)
        current = next((g for g in goals if g.is_current), None)
        rows.append(GoalRow(scene=scene, label=str(labels.get(scene, "")) if scene else "", current=current,
                            history=[g for g in goals if g is not current]))
    return rows
