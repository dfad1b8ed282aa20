"""The yearly evaluation report as an Excel workbook: a summary sheet, one sheet per scene, the indicator data.

- 「概要」: the title lines, then one row per scene (stage, indicator status counts, actions, assessment).
- one sheet per scene (named by the scene): goal, logic model (番号 / 具体的な施策 / 状況 / 成果指標 /
  中間アウトカム), indicators against targets, assessment and act, decisions, actions, meetings.
- 「指標データ」: one row per scene, indicator and fiscal year (values and targets as numbers), for charts
  staff draw themselves.
Every cell goes through `renkei.core.spreadsheets` (text never becomes a formula; numbers stay numbers);
dates are date cells shown in 和暦 by their number format.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from renkei.core.spreadsheets import excel_cell, excel_row
from renkei.core.wareki import fiscal_year_wareki

from ..selectors.report import (
    ACTION_STATE_JA,
    ACTION_STATUS_JA,
    MEASURE_STATUS_JA,
    STATUS_JA,
    TITLE,
    YearlyReport,
    assessment_ja,
    scene_ja,
    stage_ja,
)
from ..selectors.turn import SceneTurn

SUMMARY_SHEET = "概要"
DATA_SHEET = "指標データ"
WAREKI_DATE = '[$-411]ggge"年"m"月"d"日"'
BOLD = Font(bold=True)
HEADING = Font(bold=True, size=12)


def as_number(value):
    """Decimal → float (Excel has no decimals); None stays an empty cell."""
    return float(value) if isinstance(value, Decimal) else value


def _date(sheet, value):
    return excel_cell(sheet, value, number_format=WAREKI_DATE) if value else excel_cell(sheet, None)


def _heading(sheet, text: str) -> None:
    sheet.append([])
    sheet.append([excel_cell(sheet, text, font=HEADING)])


def _head(sheet, values) -> None:
    sheet.append([excel_cell(sheet, value, font=BOLD) for value in values])


def summary_sheet(workbook: Workbook, report: YearlyReport) -> None:
    sheet = workbook.create_sheet(SUMMARY_SHEET)
    sheet.column_dimensions["A"].width = 22
    sheet.append([excel_cell(sheet, f"{report.fiscal_year_label} {TITLE}", font=HEADING)])
    sheet.append(excel_row(sheet, ["市区町村", str(report.municipality), report.municipality.code]))
    sheet.append(excel_row(sheet, ["年度", report.fiscal_year_label, report.fiscal_year]))
    sheet.append(excel_row(sheet, ["計画期間", f"介護保険事業計画 {report.plan_label}"]))
    sheet.append([excel_cell(sheet, "作成日"), _date(sheet, report.issued_on)])
    sheet.append([])
    _head(sheet, ["場面", "段階", "順調", "遅れ", "データなし", "目標なし", "対応 完了", "対応 対応中",
                  "対応 期限超過", "評価", "最後の会議"])
    for turn in report.turns:
        counts, actions = turn.status_counts, turn.action_counts
        last = turn.last_meeting
        sheet.append([*excel_row(sheet, [scene_ja(turn.scene), stage_ja(turn), counts["on_track"], counts["behind"],
                                         counts["no_data"], counts["no_target"], actions["done"], actions["open"],
                                         actions["overdue"], assessment_ja(turn.cycle)]),
                      _date(sheet, last.held_on if last else None)])
    if report.other_actions:
        _heading(sheet, "場面に結び付いていない対応")
        _action_rows(sheet, report.other_actions)


def scene_sheet(workbook: Workbook, turn: SceneTurn, report: YearlyReport) -> None:
    sheet = workbook.create_sheet(_sheet_title(scene_ja(turn.scene)))
    for column, width in zip("ABCDEFGHI", (10, 48, 14, 40, 40, 12, 12, 12, 12), strict=True):
        sheet.column_dimensions[column].width = width
    cycle = turn.cycle
    sheet.append([excel_cell(sheet, f"{scene_ja(turn.scene)}　{report.fiscal_year_label}", font=HEADING)])
    sheet.append(excel_row(sheet, ["段階", stage_ja(turn)]))
    sheet.append(excel_row(sheet, ["目指す姿", turn.goal.text if turn.goal else ""]))
    if cycle and cycle.plan_note:
        sheet.append(excel_row(sheet, ["今年度の計画", cycle.plan_note]))

    _heading(sheet, "ロジックモデル")
    _head(sheet, ["番号", "具体的な施策", "状況", "成果指標", "中間アウトカム"])
    for block in turn.blocks:
        indicators = "\n".join(indicator.label for indicator in block.indicators)
        for index, placement in enumerate(block.placements or [None]):
            if placement is None:
                sheet.append(excel_row(sheet, [None, "", "", indicators, block.outcome.text]))
                continue
            number = f"{placement.number}（再）" if placement.is_repeat else placement.number
            sheet.append(excel_row(sheet, [number, placement.text_override or placement.measure.text,
                                           MEASURE_STATUS_JA.get(placement.measure.status, ""),
                                           indicators if index == 0 else "", block.outcome.text if index == 0
                                           else ""]))

    _heading(sheet, "指標の状況と目標")
    _head(sheet, ["コード", "指標", "単位", "基準値", "基準年度", f"{report.fiscal_year_label}の値",
                  f"{report.fiscal_year_label}の目標", "期末目標", "状況"])
    for check in turn.checks:
        target = check.target
        sheet.append(excel_row(sheet, [
            check.definition.code, check.indicator.label, check.definition.unit,
            as_number(target.baseline_value) if target else None,
            fiscal_year_wareki(target.baseline_fiscal_year) if target and target.baseline_fiscal_year else "",
            as_number(check.value.value) if check.value else None, as_number(check.target_value),
            as_number(target.final_value) if target else None, STATUS_JA[check.code]]))

    _heading(sheet, "評価と改善")
    sheet.append(excel_row(sheet, ["実施したこと", cycle.do_note if cycle else ""]))
    sheet.append(excel_row(sheet, ["評価", assessment_ja(cycle)]))
    sheet.append(excel_row(sheet, ["評価（記述）", cycle.check_note if cycle else ""]))
    sheet.append(excel_row(sheet, ["改善（来年度の変更）", cycle.act_note if cycle else ""]))
    if cycle and cycle.next_logic_model_id:
        sheet.append(excel_row(sheet, ["ロジックモデルの次の版", cycle.next_logic_model.revision]))

    _heading(sheet, "協議会等での決定事項")
    _head(sheet, ["開催日", "会議体", "会議", "決定事項"])
    for meeting in turn.meetings:
        for decision in meeting.decisions.all():
            sheet.append([_date(sheet, meeting.held_on), *excel_row(sheet, [meeting.council.name, meeting.title,
                                                                            decision.text])])

    _heading(sheet, "対応（アクション）")
    _action_rows(sheet, turn.actions)

    _heading(sheet, "開催した会議")
    _head(sheet, ["開催日", "会議体", "会議"])
    for meeting in turn.meetings:
        sheet.append([_date(sheet, meeting.held_on), *excel_row(sheet, [meeting.council.name, meeting.title])])


def _action_rows(sheet, rows) -> None:
    _head(sheet, ["対応", "担当", "期限", "状況", "完了日", "期限超過"])
    for row in rows:
        action = row.action
        state = ACTION_STATUS_JA.get(action.status, "") if row.state == "open" else ACTION_STATE_JA[row.state]
        sheet.append([*excel_row(sheet, [action.title, row.owner_label]), _date(sheet, action.due_on),
                      excel_cell(sheet, state), _date(sheet, action.completed_on),
                      excel_cell(sheet, "期限超過" if row.state == "overdue" else "")])


def data_sheet(workbook: Workbook, report: YearlyReport) -> None:
    sheet = workbook.create_sheet(DATA_SHEET)
    _head(sheet, ["場面", "指標コード", "指標", "単位", "年度", "年度（和暦）", "実績値", "目標値"])
    for turn in report.turns:
        for check in turn.checks:
            for point in check.series:
                sheet.append(excel_row(sheet, [
                    scene_ja(turn.scene), check.definition.code, check.indicator.label, check.definition.unit,
                    point.fiscal_year, fiscal_year_wareki(point.fiscal_year), as_number(point.value),
                    as_number(point.target)]))


_FORBIDDEN = str.maketrans({c: "・" for c in "[]:*?/\\"})


def _sheet_title(text: str) -> str:
    """A valid sheet name: no [ ] : * ? / \\ and at most 31 characters."""
    return text.translate(_FORBIDDEN)[:31]


def report_workbook(report: YearlyReport) -> bytes:
    """The workbook's bytes."""
    workbook = Workbook(write_only=True)
    summary_sheet(workbook, report)
    for turn in report.turns:
        scene_sheet(workbook, turn, report)
    data_sheet(workbook, report)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
