"""The yearly evaluation report as an A4 PDF (reportlab, Japanese CID fonts, charts drawn as vector graphics).

In order: a title page (municipality, 令和N年度, the plan period 第N期, date of issue in 和暦), a summary of
every scene (stage, indicator status, overdue actions, assessment), then one section per scene: the goal, the
logic model (番号 / 具体的な施策 / 成果指標 / 中間アウトカム), the indicators against their targets with a
line chart each (values solid, targets dashed), the written assessment and the act, the council's decisions,
the actions of the year (done / open / overdue, owners, due dates) and the meetings held. Every page but the
title page has the report's name and a page number in its footer.

Fonts are reportlab's built-in Japanese CID fonts (as the directory's booklet): no font files, no browser.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from renkei.core.pdf import GOTHIC, MINCHO, register_japanese_fonts
from renkei.core.wareki import to_wareki

from ..selectors.report import (
    ACTION_STATE_JA,
    ACTION_STATUS_JA,
    MEASURE_STATUS_JA,
    STATUS_JA,
    TITLE,
    YearlyReport,
    assessment_ja,
    scene_ja,
    short_year,
    stage_ja,
)
from ..selectors.turn import ActionRow, IndicatorCheck, SceneTurn

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
CHART_WIDTH, CHART_HEIGHT = CONTENT_WIDTH / 2 - 3 * mm, 52 * mm
BLUE, ORANGE, GREY = colors.HexColor("#0B5394"), colors.HexColor("#D55E00"), colors.HexColor("#9AA5B1")
HEAD_BACKGROUND = colors.HexColor("#DCE6F2")
OVERDUE_BACKGROUND = colors.HexColor("#FDE2D6")



def _styles() -> dict[str, ParagraphStyle]:
    base = {"fontName": GOTHIC, "wordWrap": "CJK"}
    return {
        "cover_city": ParagraphStyle("cover_city", fontSize=22, leading=30, alignment=TA_CENTER, **base),
        "cover_title": ParagraphStyle("cover_title", fontSize=24, leading=34, alignment=TA_CENTER, **base),
        "cover_sub": ParagraphStyle("cover_sub", fontName=MINCHO, fontSize=14, leading=22, alignment=TA_CENTER,
                                    wordWrap="CJK"),
        "section": ParagraphStyle("section", fontSize=18, leading=24, spaceAfter=4, textColor=BLUE, **base),
        "heading": ParagraphStyle("heading", fontSize=12, leading=17, spaceBefore=8, spaceAfter=3, **base),
        "body": ParagraphStyle("body", fontName=MINCHO, fontSize=9.5, leading=14, wordWrap="CJK"),
        "small": ParagraphStyle("small", fontSize=8, leading=11, **base),
        "cell": ParagraphStyle("cell", fontSize=8, leading=10.5, **base),
        "cell_head": ParagraphStyle("cell_head", fontSize=7.5, leading=9, **base),
    }


def _escape(text) -> str:
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lines(text) -> str:
    return _escape(text).replace("\n", "<br/>")


def number(value, decimals: int = 1) -> str:
    """A value as the report prints it (no trailing exponent, the indicator's decimals); "—" for none."""
    if value is None:
        return "—"
    quantized = Decimal(value).quantize(Decimal(1).scaleb(-decimals)) if decimals else Decimal(value).quantize(
        Decimal(1))
    return f"{quantized:,}"


def _grid(rows, widths, *, head_rows: int = 1, extra=()) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=head_rows, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), GOTHIC, 8),
        ("BACKGROUND", (0, 0), (-1, head_rows - 1), HEAD_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.4, GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *extra,
    ]))
    return table


# --- charts ------------------------------------------------------------------------------------------

def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round axis ticks (steps of 1, 2, 2.5 or 5 × 10^n) from at or below `low` to at or above `high`."""
    if high <= low:
        low, high = (low - 1, high + 1) if low != 0 else (0.0, 1.0)
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [math.floor(low / step) * step]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(tick, 10) for tick in ticks]


def indicator_chart(check: IndicatorCheck, *, width: float = CHART_WIDTH, height: float = CHART_HEIGHT) -> Drawing:
    """Values (solid, dots) and targets (dashed) by fiscal year, with the fiscal years in 和暦 short form."""
    drawing = Drawing(width, height)
    unit = f"（{check.definition.unit}）" if check.definition.unit else ""
    drawing.add(String(2, height - 10, _truncate(check.indicator.label, width - 30, 8.5) + unit, fontName=GOTHIC,
                       fontSize=8.5))
    series = check.series
    values = [float(p.value) if p.value is not None else None for p in series]
    targets = [float(p.target) if p.target is not None else None for p in series]
    known = [v for v in values + targets if v is not None]
    left, right, bottom, top = 34, width - 6, 24, height - 28
    if not known or not series:
        drawing.add(String(left, (bottom + top) / 2, "データがまだありません", fontName=GOTHIC, fontSize=8,
                           fillColor=GREY))
        return drawing
    low = min(0.0, min(known)) if min(known) >= 0 and min(known) < max(known) * 0.5 else min(known)
    ticks = _ticks(low, max(known))
    y_min, y_max = ticks[0], ticks[-1]

    def y(value: float) -> float:
        return bottom + (value - y_min) / ((y_max - y_min) or 1) * (top - bottom)

    step = (right - left) / max(len(series) - 1, 1)

    def x(index: int) -> float:
        return left + index * step if len(series) > 1 else (left + right) / 2

    for tick in ticks:
        drawing.add(Line(left, y(tick), right, y(tick), strokeColor=colors.HexColor("#E5E8EC"), strokeWidth=0.4))
        drawing.add(String(left - 3, y(tick) - 2.5, f"{tick:,.10g}", fontName=GOTHIC, fontSize=6.5,
                           textAnchor="end"))
    drawing.add(Line(left, bottom, right, bottom, strokeColor=colors.black, strokeWidth=0.6))
    drawing.add(Line(left, bottom, left, top, strokeColor=colors.black, strokeWidth=0.6))
    for index, point in enumerate(series):
        drawing.add(String(x(index), bottom - 9, short_year(point.fiscal_year), fontName=GOTHIC, fontSize=6.5,
                           textAnchor="middle"))
    for data, colour, dashed in ((targets, ORANGE, True), (values, BLUE, False)):
        for run in _runs(data):
            points = [coordinate for index in run for coordinate in (x(index), y(data[index]))]
            if len(run) > 1:
                drawing.add(PolyLine(points, strokeColor=colour, strokeWidth=1.4 if not dashed else 1,
                                     strokeDashArray=[3, 2] if dashed else None))
            for index in run:
                drawing.add(Circle(x(index), y(data[index]), 1.8 if not dashed else 1.2, fillColor=colour,
                                   strokeColor=colour))
    # Legend, under the axis labels.
    drawing.add(Line(left, 5, left + 14, 5, strokeColor=BLUE, strokeWidth=1.4))
    drawing.add(String(left + 17, 2.5, "実績", fontName=GOTHIC, fontSize=6.5))
    drawing.add(Line(left + 40, 5, left + 54, 5, strokeColor=ORANGE, strokeWidth=1, strokeDashArray=[3, 2]))
    drawing.add(String(left + 57, 2.5, "目標", fontName=GOTHIC, fontSize=6.5))
    return drawing


def _runs(data: list[float | None]) -> list[list[int]]:
    """Indexes of consecutive known values (a line breaks where a year has none)."""
    runs, current = [], []
    for index, value in enumerate(data):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(index)
    if current:
        runs.append(current)
    return runs


def _truncate(text: str, width: float, size: float) -> str:
    if pdfmetrics.stringWidth(text, GOTHIC, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", GOTHIC, size) > width:
        text = text[:-1]
    return text + "…"


# --- sections ----------------------------------------------------------------------------------------

def summary_table(report: YearlyReport, styles) -> Table:
    head = ["場面", "段階", "順調", "遅れ", "データなし", "期限超過の対応", "評価"]
    rows = [[Paragraph(text, styles["cell_head"]) for text in head]]
    for turn in report.turns:
        counts = turn.status_counts
        rows.append([Paragraph(scene_ja(turn.scene), styles["cell"]), stage_ja(turn), counts["on_track"],
                     counts["behind"], counts["no_data"] + counts["no_target"], len(turn.overdue_actions),
                     assessment_ja(turn.cycle) or "—"])
    widths = [40 * mm, 24 * mm, 16 * mm, 16 * mm, 20 * mm, 26 * mm, CONTENT_WIDTH - 142 * mm]
    return _grid(rows, widths, extra=[("ALIGN", (2, 1), (5, -1), "RIGHT")])


def logic_model_table(turn: SceneTurn, styles) -> Table | Paragraph:
    """番号 / 具体的な施策 / 成果指標 / 中間アウトカム, one block per intermediate outcome."""
    if not turn.blocks:
        return Paragraph("ロジックモデルにこの場面の施策はまだありません。", styles["body"])
    head = ["番号", "具体的な施策", "成果指標", "中間アウトカム"]
    rows = [[Paragraph(text, styles["cell_head"]) for text in head]]
    spans = []
    for block in turn.blocks:
        first = len(rows)
        indicators = "<br/>".join("・" + _escape(i.label) for i in block.indicators) or "—"
        placements = block.placements or [None]
        for index, placement in enumerate(placements):
            if placement is None:
                number_cell, measure = "", Paragraph("—", styles["cell"])
            else:
                text = placement.text_override or placement.measure.text
                status = MEASURE_STATUS_JA.get(placement.measure.status, "")
                number_cell = f"{placement.number}" + ("（再）" if placement.is_repeat else "")
                measure = Paragraph(f"{_lines(text)}<br/><font size=7 color='#555555'>［{status}］</font>",
                                    styles["cell"])
            rows.append([number_cell, measure,
                         Paragraph(indicators, styles["cell"]) if index == 0 else "",
                         Paragraph(_lines(block.outcome.text), styles["cell"]) if index == 0 else ""])
        last = len(rows) - 1
        if last > first:
            spans += [("SPAN", (2, first), (2, last)), ("SPAN", (3, first), (3, last))]
    widths = [13 * mm, CONTENT_WIDTH * 0.42, CONTENT_WIDTH * 0.27, CONTENT_WIDTH - 13 * mm - CONTENT_WIDTH * 0.69]
    return _grid(rows, widths, extra=spans)


def indicator_table(turn: SceneTurn, report: YearlyReport, styles) -> Table:
    year = report.fiscal_year_label
    head = ["指標", "基準値", f"{year}の値", f"{year}の目標", "期末目標", "状況"]
    rows = [[Paragraph(text, styles["cell_head"]) for text in head]]
    for check in turn.checks:
        decimals = check.definition.decimals
        target = check.target
        baseline = number(target.baseline_value, decimals) if target else "—"
        if target and target.baseline_fiscal_year and target.baseline_value is not None:
            baseline += f"（{short_year(target.baseline_fiscal_year)}）"
        rows.append([Paragraph(_escape(check.indicator.label) + (f"（{_escape(check.definition.unit)}）"
                                                                   if check.definition.unit else ""), styles["cell"]),
                     baseline, number(check.value.value if check.value else None, decimals),
                     number(check.target_value, decimals), number(target.final_value if target else None, decimals),
                     STATUS_JA[check.code]])
    widths = [CONTENT_WIDTH - 124 * mm, 24 * mm, 26 * mm, 26 * mm, 22 * mm, 26 * mm]
    return _grid(rows, widths, extra=[("ALIGN", (1, 1), (4, -1), "RIGHT")])


def charts(turn: SceneTurn) -> Table:
    drawings = [indicator_chart(check) for check in turn.checks]
    rows = [drawings[i:i + 2] + [""] * (2 - len(drawings[i:i + 2])) for i in range(0, len(drawings), 2)]
    table = Table(rows, colWidths=[CONTENT_WIDTH / 2] * 2, hAlign="LEFT")
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return table


def action_table(action_rows: list[ActionRow], styles) -> Table:
    head = ["対応", "担当", "期限", "状況"]
    rows = [[Paragraph(text, styles["cell_head"]) for text in head]]
    extra = []
    for row in action_rows:
        action = row.action
        state = ACTION_STATE_JA[row.state]
        if row.state == "open":
            state = ACTION_STATUS_JA.get(action.status, state)
        if row.state == "done" and action.completed_on:
            state += f"（{to_wareki(action.completed_on)}）"
        rows.append([Paragraph(_escape(action.title), styles["cell"]), Paragraph(_escape(row.owner_label) or "—",
                                                                                 styles["cell"]),
                     to_wareki(action.due_on) if action.due_on else "—", Paragraph(state, styles["cell"])])
        if row.state == "overdue":
            extra.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), OVERDUE_BACKGROUND))
    widths = [CONTENT_WIDTH - 116 * mm, 52 * mm, 32 * mm, 32 * mm]
    return _grid(rows, widths, extra=extra)


def scene_story(turn: SceneTurn, report: YearlyReport, styles) -> list:
    story: list = [PageBreak(), Paragraph(_escape(scene_ja(turn.scene)), styles["section"]),
                   Paragraph(f"{report.fiscal_year_label}の段階：{stage_ja(turn)}", styles["small"]),
                   Paragraph("目指す姿", styles["heading"]),
                   Paragraph(_lines(turn.goal.text) if turn.goal else "（目指す姿はまだ書かれていません）",
                             styles["body"])]
    cycle = turn.cycle
    if cycle and cycle.plan_note:
        story += [Paragraph("今年度の計画", styles["heading"]), Paragraph(_lines(cycle.plan_note), styles["body"])]
    story += [Paragraph("ロジックモデル", styles["heading"]), logic_model_table(turn, styles)]
    story += [CondPageBreak(40 * mm), Paragraph("指標の状況と目標", styles["heading"])]
    if turn.checks:
        story += [indicator_table(turn, report, styles), Spacer(1, 3 * mm), charts(turn)]
    else:
        story.append(Paragraph("この場面に結びついた指標はまだありません。", styles["body"]))
    if cycle and cycle.do_note:
        story += [Paragraph("実施したこと", styles["heading"]), Paragraph(_lines(cycle.do_note), styles["body"])]
    assessment = assessment_ja(cycle)
    story += [Paragraph("評価（チェック）", styles["heading"]),
              Paragraph(f"評価：{assessment}" if assessment else "評価：未記入", styles["body"])]
    if cycle and cycle.check_note:
        story.append(Paragraph(_lines(cycle.check_note), styles["body"]))
    story.append(Paragraph("改善（アクション）", styles["heading"]))
    story.append(Paragraph(_lines(cycle.act_note) if cycle and cycle.act_note else "（未記入）", styles["body"]))
    if cycle and cycle.next_logic_model_id:
        story.append(Paragraph(f"ロジックモデル第{cycle.next_logic_model.revision}版として記録"
                               + (f"（{short_year(cycle.next_logic_model.effective_fiscal_year)}年度から）"
                                  if cycle.next_logic_model.effective_fiscal_year else ""), styles["small"]))
    decisions = [(meeting, decision) for meeting in turn.meetings for decision in meeting.decisions.all()]
    story.append(Paragraph("協議会等での決定事項", styles["heading"]))
    if decisions:
        rows = [[Paragraph(t, styles["cell_head"]) for t in ("開催日", "会議", "決定事項")]]
        rows += [[to_wareki(meeting.held_on), Paragraph(_escape(f"{meeting.council.name} {meeting.title}"),
                                                        styles["cell"]),
                  Paragraph(_lines(decision.text), styles["cell"])] for meeting, decision in decisions]
        story.append(_grid(rows, [30 * mm, 55 * mm, CONTENT_WIDTH - 85 * mm]))
    else:
        story.append(Paragraph("この年度の決定事項はありません。", styles["body"]))
    counts = turn.action_counts
    story.append(Paragraph(f"対応（アクション）の状況　完了 {counts['done']}件・対応中 {counts['open']}件・"
                           f"期限超過 {counts['overdue']}件", styles["heading"]))
    story.append(action_table(turn.actions, styles) if turn.actions
                 else Paragraph("この年度の対応はありません。", styles["body"]))
    story.append(Paragraph("開催した会議", styles["heading"]))
    if turn.meetings:
        rows = [[Paragraph(t, styles["cell_head"]) for t in ("開催日", "会議体", "会議")]]
        rows += [[to_wareki(m.held_on), Paragraph(_escape(m.council.name), styles["cell"]),
                  Paragraph(_escape(m.title), styles["cell"])] for m in turn.meetings]
        story.append(KeepTogether(_grid(rows, [30 * mm, 70 * mm, CONTENT_WIDTH - 100 * mm])))
    else:
        story.append(Paragraph("この場面に関わる会議は開かれていません。", styles["body"]))
    return story


# --- document ----------------------------------------------------------------------------------------

class _ReportTemplate(BaseDocTemplate):
    """A title page without footer; every other page with the report's name and its page number."""

    def __init__(self, buffer, *, footer: str, **kwargs):
        super().__init__(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                         bottomMargin=MARGIN + 6 * mm, **kwargs)
        self.footer = footer
        frame = Frame(MARGIN, MARGIN + 6 * mm, CONTENT_WIDTH, PAGE_HEIGHT - 2 * MARGIN - 6 * mm, id="body")
        self.addPageTemplates([PageTemplate("title", [frame], onPage=self._title_decoration),
                               PageTemplate("body", [frame], onPage=self._footer)])

    def _title_decoration(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFillColor(BLUE)
        canvas.rect(0, PAGE_HEIGHT - 18 * mm, PAGE_WIDTH, 18 * mm, stroke=0, fill=1)
        canvas.restoreState()

    def _footer(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(GOTHIC, 8)
        canvas.setStrokeColor(GREY)
        canvas.line(MARGIN, MARGIN + 3 * mm, PAGE_WIDTH - MARGIN, MARGIN + 3 * mm)
        canvas.drawString(MARGIN, MARGIN, self.footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN, f"- {doc.page} -")
        canvas.restoreState()


def report_story(report: YearlyReport, styles) -> list:
    story: list = [NextPageTemplate("body"), Spacer(1, 60 * mm),
                   Paragraph(_escape(str(report.municipality)), styles["cover_city"]), Spacer(1, 10 * mm),
                   Paragraph(f"{report.fiscal_year_label}", styles["cover_title"]),
                   Paragraph(TITLE, styles["cover_title"]), Spacer(1, 10 * mm),
                   Paragraph(f"介護保険事業計画 {report.plan_label}", styles["cover_sub"]), Spacer(1, 30 * mm),
                   Paragraph(f"{to_wareki(report.issued_on)} 作成", styles["cover_sub"]), PageBreak(),
                   Paragraph("各場面の状況（まとめ）", styles["section"]),
                   Paragraph(f"{report.fiscal_year_label}の指標の状況は、各指標の年度末までの最新値を目標と比べたものです。"
                             "「期限超過の対応」は、期限を過ぎて完了していない対応の件数です。", styles["body"]),
                   Spacer(1, 3 * mm), summary_table(report, styles)]
    if report.overdue:
        story.append(Paragraph("期限を過ぎた対応", styles["heading"]))
        rows = [[Paragraph(t, styles["cell_head"]) for t in ("場面", "対応", "担当", "期限")]]
        rows += [[scene_ja(scene) if scene else "—", Paragraph(_escape(row.action.title), styles["cell"]),
                  Paragraph(_escape(row.owner_label) or "—", styles["cell"]), to_wareki(row.action.due_on)]
                 for scene, row in report.overdue]
        story.append(_grid(rows, [30 * mm, CONTENT_WIDTH - 112 * mm, 52 * mm, 30 * mm]))
    for turn in report.turns:
        story += scene_story(turn, report, styles)
    if report.other_actions:
        story += [PageBreak(), Paragraph("場面に結び付いていない対応", styles["section"]),
                  Paragraph("場面・施策・課題のいずれにも結び付いていない、この年度の対応です。", styles["body"]),
                  Spacer(1, 2 * mm), action_table(report.other_actions, styles)]
    return story


def report_pdf(report: YearlyReport) -> tuple[bytes, int]:
    """The report as PDF bytes, and its number of pages."""
    register_japanese_fonts()
    buffer = io.BytesIO()
    title = f"{report.municipality} {report.fiscal_year_label} {TITLE}"
    doc = _ReportTemplate(buffer, footer=f"{report.fiscal_year_label} {TITLE}　{report.municipality}",
                          title=title, author=str(report.municipality), subject=TITLE, lang="ja")
    doc.build(report_story(report, _styles()))
    return buffer.getvalue(), doc.page
