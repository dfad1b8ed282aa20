"""Plan periods and their goals (目指す姿): periods follow the 介護保険事業計画; goals are revised, not overwritten."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renkei.core import policy
from renkei.core.concurrency import for_write
from renkei.core.models import FOUR_SCENES, Municipality, Scene

from ..models import Goal, PlanPeriod

# 第9期 of the 介護保険事業計画 is FY2024–2026 (令和6–8年度); every period is three fiscal years.
REFERENCE_TERM, REFERENCE_START = 9, 2024
TERM_YEARS = 3


def term_for_fiscal_year(fiscal_year: int) -> tuple[int, int]:
    """(term number, first fiscal year) of the 介護保険事業計画 period holding `fiscal_year`."""
    offset = (fiscal_year - REFERENCE_START) // TERM_YEARS
    return REFERENCE_TERM + offset, REFERENCE_START + offset * TERM_YEARS


def current_fiscal_year(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def _clean_scenes(scenes) -> list[str]:
    chosen = list(dict.fromkeys(scenes or []))
    unknown = [s for s in chosen if s not in Scene.values]
    if unknown:
        raise ValidationError(f"場面の値が不正です: {', '.join(unknown)} / Unknown scene: {', '.join(unknown)}")
    return chosen


@transaction.atomic
def plan_period_create(*, membership, municipality: Municipality, term_number: int, start_fiscal_year: int,
                       scenes: list[str] | None = None) -> PlanPeriod:
    """A plan period of three fiscal years; scenes default to the four of the 手引き.

    The municipality may add 認知症, 感染症・災害 and the collaboration system itself (`scenes`).
    `membership` None is the system (imports from the command line bind their own audit context).
    """
    if membership is not None:
        policy.require(membership, "pdca.edit_plan", municipality)
    if term_number < 1 or start_fiscal_year < 2000:
        raise ValidationError("期または開始年度が不正です。 / The term or first fiscal year is not valid.")
    if PlanPeriod.objects.filter(municipality=municipality, start_fiscal_year=start_fiscal_year).exists():
        raise ValidationError("この期の計画はすでにあります。 / A plan for this period already exists.")
    chosen = _clean_scenes(scenes) if scenes else [str(s) for s in FOUR_SCENES]
    return PlanPeriod.objects.create(municipality=municipality, term_number=term_number,
                                     start_fiscal_year=start_fiscal_year,
                                     end_fiscal_year=start_fiscal_year + TERM_YEARS - 1, scenes=chosen)


def plan_period_for_fiscal_year(*, membership, municipality: Municipality, fiscal_year: int,
                                create: bool = True) -> PlanPeriod | None:
    """The municipality's plan covering `fiscal_year`; created (第N期 by the 介護保険事業計画 cycle) when missing."""
    plan = PlanPeriod.objects.filter(municipality=municipality, start_fiscal_year__lte=fiscal_year,
                                     end_fiscal_year__gte=fiscal_year).first()
    if plan is None and create:
        term, start = term_for_fiscal_year(fiscal_year)
        plan = plan_period_create(membership=membership, municipality=municipality, term_number=term,
                                  start_fiscal_year=start)
    return plan


@transaction.atomic
def plan_scenes_add(*, membership, plan: PlanPeriod, scenes: list[str]) -> PlanPeriod:
    """Add scenes to the plan (kept in the order given after the existing ones); audited as an update."""
    plan = for_write(PlanPeriod.objects.filter(pk=plan.pk)).get()
    if membership is not None:
        policy.require(membership, "pdca.edit_plan", plan)
    added = [s for s in _clean_scenes(scenes) if s not in plan.scenes]
    if added:
        plan.scenes = [*plan.scenes, *added]
        plan.save()
    return plan


def goal_current(plan: PlanPeriod, scene: str = "") -> Goal | None:
    """The current 目指す姿 of the plan (overall when `scene` is blank)."""
    return plan.goals.filter(scene=scene, is_current=True).first()


@transaction.atomic
def goal_revise(*, membership, plan: PlanPeriod, scene: str, text: str, reason: str = "", by=None) -> Goal:
    """Write a new revision of a 目指す姿 (`scene` blank: the overall one); the old row stays, no longer current.

    Writing the same text again changes nothing and returns the current goal.
    """
    plan = for_write(PlanPeriod.objects.filter(pk=plan.pk)).get()
    if membership is not None:
        policy.require(membership, "pdca.edit_plan", plan)
        by = by or membership.user
    scene = scene or ""
    if scene and scene not in Scene.values:
        raise ValidationError(f"場面の値が不正です: {scene} / Unknown scene: {scene}")
    text = (text or "").strip()
    if not text:
        raise ValidationError("目指す姿を入力してください。 / Write the goal.")
    current = for_write(Goal.objects.filter(plan=plan, scene=scene, is_current=True)).first()
    if current is not None and current.text == text:
        return current
    latest = Goal.objects.filter(plan=plan, scene=scene).order_by("-revision").first()
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current"])
    goal = Goal.objects.create(plan=plan, scene=scene, text=text, reason=(reason or "")[:300],
                               revision=(latest.revision + 1) if latest else 1, is_current=True, written_by=by)
    if scene and scene not in plan.scenes:
        plan.scenes = [*plan.scenes, scene]
        plan.save()
    return goal
