"""Evidence for (イ) 在宅医療・介護連携の課題の抽出と対応策の検討 (region §1) and its stage: a plan covering the
fiscal year whose logic model has measures suggests the item is implemented; the stage is 評価 when a scene's
PDCA turn of the year reached check/act (or was completed), 具体化 when measures are under way or actions and
council decisions of the year serve them, else 現状把握・課題抽出. A plan without measures suggests planned.
Counts only."""

from __future__ import annotations

from django.urls import reverse

from renkei.core import item_evidence
from renkei.core.item_evidence import Evidence

from .models import Action, Decision, LogicModel, Measure, PdcaCycle, PlanPeriod

IMPLEMENTED, PLANNED = "implemented", "planned"
ASSESSING, CONCRETE, EVALUATING = "assessing", "concrete", "evaluating"
STAGE_JA = {ASSESSING: "現状把握・課題抽出・対応策の検討", CONCRETE: "対応策が具体化",
            EVALUATING: "実施状況の評価・改善"}


def pdca_evidence(municipality_ids: list[int], fiscal_year: int) -> dict[int, Evidence]:
    """Per municipality: plans covering the year, measures of their current logic models, actions and decisions
    of the year, and the PDCA turns evaluated in the year."""
    mapping = item_evidence.counted_for(municipality_ids)
    start, end = item_evidence.fiscal_year_bounds(fiscal_year)
    plans = PlanPeriod.objects.filter(start_fiscal_year__lte=fiscal_year, end_fiscal_year__gte=fiscal_year)
    plan_counts = item_evidence.count_by(plans, "municipality_id", mapping)
    current = Measure.objects.filter(logic_model__plan__in=plans).exclude(
        logic_model__status=LogicModel.Status.SUPERSEDED)
    measures = item_evidence.count_by(current, "logic_model__plan__municipality_id", mapping)
    under_way = item_evidence.count_by(current.filter(status__in=[Measure.Status.IN_PROGRESS, Measure.Status.DONE]),
                                       "logic_model__plan__municipality_id", mapping)
    actions = item_evidence.count_by(Action.objects.filter(created_at__date__range=(start, end)), "municipality_id",
                                     mapping)
    decisions = item_evidence.count_by(Decision.objects.filter(meeting__held_on__range=(start, end)),
                                       "meeting__council__municipality_id", mapping)
    evaluated = item_evidence.count_by(
        PdcaCycle.objects.filter(fiscal_year=fiscal_year, stage__in=[PdcaCycle.Stage.CHECK, PdcaCycle.Stage.ACT,
                                                                      PdcaCycle.Stage.DONE]),
        "plan__municipality_id", mapping)
    url = reverse("pdca:index")
    out = {}
    for municipality_id in set(plan_counts) | set(measures):
        figures = {"plans": plan_counts.get(municipality_id, 0), "measures": measures.get(municipality_id, 0),
                   "measures_under_way": under_way.get(municipality_id, 0),
                   "actions": actions.get(municipality_id, 0), "decisions": decisions.get(municipality_id, 0),
                   "turns_evaluated": evaluated.get(municipality_id, 0)}
        if not figures["measures"]:
            out[municipality_id] = Evidence(
                PLANNED, "計画期間はありますが、ロジックモデルに施策がまだありません",
                "a plan covers the year but its logic model has no measures yet", url, figures=figures)
            continue
        if figures["turns_evaluated"]:
            stage = EVALUATING
        elif figures["measures_under_way"] or figures["actions"] or figures["decisions"]:
            stage = CONCRETE
        else:
            stage = ASSESSING
        out[municipality_id] = Evidence(
            IMPLEMENTED,
            f"ロジックモデルの施策 {figures['measures']} 件、今年度の対応 {figures['actions']} 件・決定事項 "
            f"{figures['decisions']} 件、評価した PDCA {figures['turns_evaluated']} 件（段階：{STAGE_JA[stage]}）",
            f"{figures['measures']} measures in the logic model, {figures['actions']} actions and "
            f"{figures['decisions']} decisions this year, {figures['turns_evaluated']} PDCA turns evaluated",
            url, stage=stage, figures=figures)
    return out


def register() -> None:
    item_evidence.register("b", "pdca", pdca_evidence)
