"""Reads for the yearly evaluation report (評価報告書): one municipality's fiscal year, scene by scene.

The report reads the same `scene_turns` as the turn's screens, so the PDF, the workbook and the pages agree.
Its words are Japanese whatever the reader's UI language: it is a document for the council and for the
介護保険事業計画, like the directory's booklet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from renkei.core.models import Municipality
from renkei.core.wareki import fiscal_year_wareki

from ..models import Action, Measure, PdcaCycle, PlanPeriod
from .turn import ActionRow, SceneTurn, actions_of_year, plan_for_year, scene_turns

TITLE = "在宅医療・介護連携推進事業 評価報告書"

SCENE_JA = {
    "daily_care": "日常の療養支援", "admission_discharge": "入退院支援", "emergency": "急変時の対応",
    "end_of_life": "看取り", "dementia": "認知症", "infection_disaster": "感染症・災害",
    "collaboration_system": "多職種連携の体制",
}
STAGE_JA = {"plan": "計画（P）", "do": "実行（D）", "check": "評価（C）", "act": "改善（A）", "done": "完了"}
NOT_STARTED_JA = "未着手"
ASSESSMENT_JA = {"achieved": "達成", "partly": "一部達成", "not_achieved": "未達成", "cannot_judge": "判断できない"}
STATUS_JA = {"on_track": "順調", "behind": "遅れ", "no_data": "データなし", "no_target": "目標なし"}
ACTION_STATE_JA = {"done": "完了", "open": "対応中", "overdue": "期限超過", "cancelled": "中止"}
ACTION_STATUS_JA = {Action.Status.OPEN: "未着手", Action.Status.IN_PROGRESS: "対応中", Action.Status.DONE: "完了",
                    Action.Status.CANCELLED: "中止"}
MEASURE_STATUS_JA = {Measure.Status.PLANNED: "予定", Measure.Status.IN_PROGRESS: "実施中",
                     Measure.Status.DONE: "完了", Measure.Status.SUSPENDED: "休止"}


def scene_ja(scene: str) -> str:
    return SCENE_JA.get(scene, scene)


def stage_ja(turn: SceneTurn) -> str:
    return STAGE_JA[turn.stage] if turn.has_started else NOT_STARTED_JA


def assessment_ja(cycle: PdcaCycle | None) -> str:
    return ASSESSMENT_JA.get(cycle.check_assessment, "") if cycle else ""


def short_year(fiscal_year: int) -> str:
    """R6 for FY2024 (chart axes), H30 before 令和."""
    return f"R{fiscal_year - 2018}" if fiscal_year >= 2019 else f"H{fiscal_year - 1988}"


@dataclass
class YearlyReport:
    municipality: Municipality
    fiscal_year: int
    plan: PlanPeriod
    turns: list[SceneTurn] = field(default_factory=list)
    # The year's actions no scene claims (no scene, measure or issue of one): listed apart, never left out.
    other_actions: list[ActionRow] = field(default_factory=list)
    issued_on: dt.date = field(default_factory=timezone.localdate)

    @property
    def fiscal_year_label(self) -> str:
        return fiscal_year_wareki(self.fiscal_year)

    @property
    def plan_label(self) -> str:
        """第9期（令和6年度～令和8年度）."""
        return (f"第{self.plan.term_number}期（{fiscal_year_wareki(self.plan.start_fiscal_year)}～"
                f"{fiscal_year_wareki(self.plan.end_fiscal_year)}）")

    @property
    def overdue(self) -> list[tuple[str, ActionRow]]:
        """Every overdue action of the year with its scene ("" for those no scene claims), each once."""
        seen, out = set(), []
        for scene, rows in [*((turn.scene, turn.actions) for turn in self.turns), ("", self.other_actions)]:
            for row in rows:
                if row.state == "overdue" and row.action.pk not in seen:
                    seen.add(row.action.pk)
                    out.append((scene, row))
        return out

    @property
    def overdue_count(self) -> int:
        return len(self.overdue)


def yearly_report(municipality: Municipality, fiscal_year: int, *, today: dt.date | None = None
                  ) -> YearlyReport | None:
    """The report's content for the municipality's fiscal year; None when no plan period covers the year.

    Callers ask `pdca.report` on the municipality first.
    """
    plan = plan_for_year(municipality, fiscal_year)
    if plan is None:
        return None
    turns = scene_turns(plan, fiscal_year, today=today)
    claimed = {row.action.pk for turn in turns for row in turn.actions}
    others = [row for row in actions_of_year(municipality, fiscal_year, today=today) if row.action.pk not in claimed]
    return YearlyReport(municipality=municipality, fiscal_year=fiscal_year, plan=plan, turns=turns,
                        other_actions=others, issued_on=today or timezone.localdate())
