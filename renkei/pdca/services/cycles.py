"""Writes of the PDCA turn: open a scene's turn for a year, write its notes, move its stage, record the act.

Every write asks `pdca.edit_plan` on the plan, locks the plan and then the cycle (parents before children, the
audit chain head last) and checks the version the form was opened with (`StaleEdit` when someone saved in
between). The automatic audit entries record each change of stage and note with its before and after.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import for_write, lock_checked
from renkei.core.models import Scene

from ..models import LogicModel, PdcaCycle, PlanPeriod
from ..selectors.turn import plan_scenes
from .logic_models import logic_model_current, logic_model_revise

STAGES = list(PdcaCycle.Stage.values)  # plan → do → check → act → done
NOTE_FIELDS = {"plan_note", "do_note", "check_assessment", "check_note", "act_note"}


def _lock_plan(plan: PlanPeriod) -> PlanPeriod:
    return for_write(PlanPeriod.objects.filter(pk=plan.pk)).get()


def _check_turn(plan: PlanPeriod, scene: str, fiscal_year: int) -> None:
    if scene not in Scene.values or scene not in plan_scenes(plan):
        raise ValidationError(_("This plan does not work on that scene."))
    if fiscal_year not in plan.fiscal_years:
        raise ValidationError(_("The fiscal year is outside the plan period."))


@transaction.atomic
def cycle_open(*, plan: PlanPeriod, scene: str, fiscal_year: int, membership) -> PdcaCycle:
    """The scene's turn of the year, created at the plan stage the first time anyone writes to it."""
    policy.require(membership, "pdca.edit_plan", plan)
    _check_turn(plan, scene, fiscal_year)
    _lock_plan(plan)
    cycle, _created = PdcaCycle.objects.get_or_create(plan=plan, scene=scene, fiscal_year=fiscal_year,
                                                      defaults={"updated_by": membership.user})
    return cycle


@transaction.atomic
def cycle_notes_save(*, cycle: PdcaCycle, membership, expected_version: int | None = None,
                     **notes: str) -> PdcaCycle:
    """Write some of the turn's notes (plan_note, do_note, check_assessment, check_note, act_note)."""
    unknown = set(notes) - NOTE_FIELDS
    if unknown:
        raise ValueError(f"not a note of the turn: {sorted(unknown)}")
    policy.require(membership, "pdca.edit_plan", cycle.plan)
    if notes.get("check_assessment") not in (None, "", *PdcaCycle.Assessment.values):
        raise ValidationError(_("Choose one of the assessments."))
    _lock_plan(cycle.plan)
    stored = lock_checked(cycle, expected_version)
    for name, value in notes.items():
        setattr(stored, name, (value or "").strip())
    stored.updated_by = membership.user
    stored.save(update_fields=[*notes, "updated_by", "updated_at"])
    return stored


@transaction.atomic
def cycle_stage_set(*, cycle: PdcaCycle, stage: str, membership, expected_version: int | None = None) -> PdcaCycle:
    """Move the turn one stage forward or back (plan → do → check → act → done).

    Leaving the check for the act needs the written assessment: the act answers what the check found.
    """
    policy.require(membership, "pdca.edit_plan", cycle.plan)
    if stage not in STAGES:
        raise ValidationError(_("Unknown stage."))
    _lock_plan(cycle.plan)
    stored = lock_checked(cycle, expected_version)
    if stage == stored.stage:
        return stored
    if abs(STAGES.index(stage) - STAGES.index(stored.stage)) != 1:
        raise ValidationError(_("A turn moves one stage at a time."))
    if stage == PdcaCycle.Stage.ACT and stored.stage == PdcaCycle.Stage.CHECK and not stored.check_assessment:
        raise ValidationError(_("Write the assessment of the check before moving on to the act."))
    stored.stage = stage
    stored.updated_by = membership.user
    stored.save(update_fields=["stage", "updated_by", "updated_at"])
    return stored


@transaction.atomic
def cycle_next_version_record(*, cycle: PdcaCycle, membership, expected_version: int | None = None
                              ) -> LogicModel:
    """Record the act as the logic model's next version: a revision effective from the next fiscal year whose
    change summary is the act note (prefixed with the scene), linked on the cycle as `next_logic_model`.

    The scenes of one plan share one next version: when another scene's act already started the draft
    revision for that year, this act is added to its change summary instead of starting a second one.
    """
    policy.require(membership, "pdca.edit_plan", cycle.plan)
    plan = _lock_plan(cycle.plan)
    stored = lock_checked(cycle, expected_version)
    if not stored.act_note.strip():
        raise ValidationError(_("Write what changes next year (the act) first."))
    if stored.next_logic_model_id:
        raise ValidationError(_("This turn has already recorded the next version of the logic model."))
    summary = f"{Scene(stored.scene).label}: {stored.act_note.strip()}"
    next_year = stored.fiscal_year + 1
    draft = (LogicModel.objects.filter(plan=plan, effective_fiscal_year=next_year, status=LogicModel.Status.DRAFT)
             .order_by("-revision").first())
    if draft is not None:
        draft = for_write(LogicModel.objects.filter(pk=draft.pk)).get()
        draft.change_summary = f"{draft.change_summary}\n{summary}".strip()
        draft.save(update_fields=["change_summary"])
        revision = draft
    else:
        current = logic_model_current(plan)
        if current is None:
            raise ValidationError(_("The plan has no logic model yet: create it before recording its next "
                                    "version."))
        revision = logic_model_revise(logic_model=current, membership=membership, change_summary=summary,
                                      effective_fiscal_year=next_year)
    stored.next_logic_model = revision
    stored.updated_by = membership.user
    stored.save(update_fields=["next_logic_model", "updated_by", "updated_at"])
    return revision
