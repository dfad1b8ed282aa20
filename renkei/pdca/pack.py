"""The meeting pack (会議資料): an A4 PDF handed to the members before or at a meeting.

What it holds, in order: the meeting's details (body, date and time in 和暦, place, status), the agenda, the
attendees (seats ticked as attending, and the other attendees), the issues raised at the meeting or still open
for the body, each with the CURRENT status of the indicators it names (latest value and its period, the target
for that fiscal year, on track / behind / no data as renkei.indicators.status computes it everywhere, the
data's source and vintage), then the body's open actions with owners and due dates (overdue marked), and the
decisions recorded so far. Fonts are reportlab's built-in Japanese CID fonts, as in the directory's booklet.
"""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from renkei.core.models import Profession, Scene
from renkei.core.pdf import GOTHIC, MINCHO, register_japanese_fonts
from renkei.core.wareki import fiscal_year_wareki, to_wareki
from renkei.indicators.periods import period_of

from .models import Action, Council, CouncilMember, Issue, Meeting
from .selectors import councils as selectors

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
OVERDUE_MARK = "【期限超過】"

# The document is Japanese whatever the screen's language: labels are written here, not translated.
SCENE_JA = {Scene.DAILY_CARE: "日常の療養支援", Scene.ADMISSION_DISCHARGE: "入退院支援",
            Scene.EMERGENCY: "急変時の対応", Scene.END_OF_LIFE: "看取り", Scene.DEMENTIA: "認知症",
            Scene.INFECTION_DISASTER: "感染症・災害",
            Scene.COLLABORATION_SYSTEM: "多職種連携の体制"}
STATUS_JA = {"on_track": "順調", "behind": "遅れ", "no_data": "データなし", "no_target": "目標なし"}
MEETING_STATUS_JA = {Meeting.Status.PLANNED: "開催予定", Meeting.Status.HELD: "開催済み",
                     Meeting.Status.CANCELLED: "中止"}
ISSUE_STATUS_JA = {Issue.Status.OPEN: "未対応", Issue.Status.ADDRESSED: "対応中", Issue.Status.CLOSED: "解決"}
ACTION_STATUS_JA = {Action.Status.OPEN: "未着手", Action.Status.IN_PROGRESS: "実施中", Action.Status.DONE: "完了",
                    Action.Status.CANCELLED: "中止"}
KIND_JA = {Council.Kind.COUNCIL: "協議会", Council.Kind.WORKING_GROUP: "部会・WG",
           Council.Kind.SMALL_COUNCIL: "小さな協議体"}
POSITION_JA = {CouncilMember.Position.CHAIR: "会長", CouncilMember.Position.VICE_CHAIR: "副会長",
               CouncilMember.Position.MEMBER: "委員", CouncilMember.Position.SECRETARIAT: "事務局",
               CouncilMember.Position.OBSERVER: "オブザーバー"}



def _styles() -> dict[str, ParagraphStyle]:
    base = {"fontName": GOTHIC, "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", fontSize=16, leading=22, spaceAfter=2, **base),
        "subtitle": ParagraphStyle("subtitle", fontSize=11, leading=15, textColor=colors.HexColor("#0B5394"),
                                   **base),
        "heading": ParagraphStyle("heading", fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=4,
                                  textColor=colors.HexColor("#0B5394"), **base),
        "issue": ParagraphStyle("issue", fontSize=10.5, leading=15, spaceBefore=5, spaceAfter=2, **base),
        "body": ParagraphStyle("body", fontName=MINCHO, fontSize=9.5, leading=14, wordWrap="CJK"),
        "small": ParagraphStyle("small", fontSize=7.5, leading=10, textColor=colors.HexColor("#444444"), **base),
        "cell": ParagraphStyle("cell", fontSize=8, leading=10.5, **base),
        "cell_head": ParagraphStyle("cell_head", fontSize=7.5, leading=9.5, **base),
    }


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lines(text: str, style) -> list[Paragraph]:
    return [Paragraph(_escape(line), style) for line in (text or "").splitlines() if line.strip()]


def _grid(rows: list[list], widths: list[float], *, highlight_rows: list[int] = ()) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [("FONT", (0, 0), (-1, -1), GOTHIC, 8),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F2")),
             ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
             ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    style += [("BACKGROUND", (0, row), (-1, row), colors.HexColor("#FDE2E1")) for row in highlight_rows]
    table.setStyle(TableStyle(style))
    return table


def _person(membership) -> str:
    if membership is None:
        return "—"
    return f"{membership.user.display_name or membership.user.email}（{membership.organization.name}）"


def _seat_label(seat: CouncilMember) -> str:
    organization = seat.organization.name if seat.organization_id else seat.organization_note
    person = seat.person_name or (seat.membership.user.display_name if seat.membership_id else "")
    profession = str(Profession(seat.profession).label) if seat.profession in Profession.values else ""
    parts = [p for p in (organization, person) if p]
    text = "　".join(parts) or "—"
    return f"{text}（{profession}）" if profession else text


def _period_label(value) -> str:
    return period_of(value.period_start, value.period_type).label


def _indicator_table(states, styles) -> Table:
    header = ["指標", "最新値（期間）", "目標（年度）", "状況", "出典・時点"]
    rows = [[Paragraph(h, styles["cell_head"]) for h in header]]
    for state in states:
        definition = state.definition
        latest = (f"{state.latest_text}（{_period_label(state.latest)}）" if state.latest is not None else "—")
        target = (f"{state.target_text}（{fiscal_year_wareki(state.fiscal_year)}）"
                  if state.target_value is not None and state.fiscal_year else "—")
        source = state.source or "—"
        if state.vintage:
            source += f"（{to_wareki(state.vintage)}時点）"
        rows.append([Paragraph(_escape(f"{definition.code} {definition.name_ja}"), styles["cell"]),
                     Paragraph(_escape(latest), styles["cell"]), Paragraph(_escape(target), styles["cell"]),
                     Paragraph(STATUS_JA.get(state.code, state.code), styles["cell"]),
                     Paragraph(_escape(source), styles["cell"])])
    widths = [CONTENT_WIDTH * w for w in (0.30, 0.18, 0.16, 0.10, 0.26)]
    behind = [i for i, state in enumerate(states, start=1) if state.code == "behind"]
    return _grid(rows, widths, highlight_rows=behind)


def pack_story(meeting: Meeting, *, today, styles) -> list:
    council = meeting.council
    municipality = council.municipality
    story: list = [Paragraph(_escape(f"{municipality.name}　{council.name}"), styles["subtitle"]),
                   Paragraph(_escape(meeting.title), styles["title"])]
    when = to_wareki(meeting.held_on) + (f"　{meeting.starts_at:%H:%M}～" if meeting.starts_at else "")
    facts = [["日時", when], ["場所", meeting.place or "—"],
             ["会議体", f"{council.name}（{KIND_JA.get(council.kind, council.kind)}）"
              + (f"　上位：{council.parent.name}" if council.parent_id else "")],
             ["状態", MEETING_STATUS_JA.get(meeting.status, meeting.status)]]
    if meeting.scenes:
        facts.append(["場面", "、".join(SCENE_JA.get(s, s) for s in meeting.scenes)])
    table = Table([[Paragraph(k, styles["cell_head"]), Paragraph(_escape(v), styles["cell"])] for k, v in facts],
                  colWidths=[22 * mm, CONTENT_WIDTH - 22 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
                               ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#DCE6F2")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 3 * mm), table]

    story.append(Paragraph("次第", styles["heading"]))
    agenda = [line.strip() for line in meeting.agenda.splitlines() if line.strip()]
    story += [Paragraph(_escape(f"{n}．{line}"), styles["body"]) for n, line in enumerate(agenda, start=1)] or [
        Paragraph("（次第は未登録です）", styles["body"])]

    story.append(Paragraph("出席者", styles["heading"]))
    attending = {seat.pk for seat in meeting.attendees.all()}
    seats = list(selectors.council_members(council, active_only=False).filter(
        pk__in=attending) | selectors.council_members(council))
    rows = [[Paragraph(h, styles["cell_head"]) for h in ("出欠", "役職", "所属・氏名（職種）")]]
    for seat in sorted(set(seats), key=lambda s: (list(POSITION_JA).index(s.position)
                                                  if s.position in POSITION_JA else 9, s.pk)):
        rows.append([Paragraph("出席" if seat.pk in attending else "—", styles["cell"]),
                     Paragraph(POSITION_JA.get(seat.position, seat.position), styles["cell"]),
                     Paragraph(_escape(_seat_label(seat)), styles["cell"])])
    if len(rows) > 1:
        story.append(_grid(rows, [16 * mm, 22 * mm, CONTENT_WIDTH - 38 * mm]))
    else:
        story.append(Paragraph("（委員は未登録です）", styles["body"]))
    if meeting.other_attendees.strip():
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph("その他の出席者：" + _escape("、".join(
            line.strip() for line in meeting.other_attendees.splitlines() if line.strip())), styles["body"]))

    story.append(Paragraph("課題と指標の状況", styles["heading"]))
    issues = list(selectors.meeting_issues(meeting))
    if not issues:
        story.append(Paragraph("（この会議で扱う課題は登録されていません）", styles["body"]))
    for issue in issues:
        raised = "本会議で提起" if issue.raised_at_id == meeting.pk else (
            f"{to_wareki(issue.raised_at.held_on)}の会議で提起" if issue.raised_at_id else
            (issue.raised_elsewhere or "会議外で提起"))
        story.append(Paragraph(_escape(f"■ {issue.title}"), styles["issue"]))
        story.append(Paragraph(_escape(f"場面：{SCENE_JA.get(issue.scene, issue.scene)}　状態："
                                       f"{ISSUE_STATUS_JA.get(issue.status, issue.status)}　{raised}"),
                               styles["small"]))
        story += _lines(issue.description, styles["body"])
        states = selectors.indicator_states(municipality, issue.indicators.all(), today=today)
        if states:
            story += [Spacer(1, 1.5 * mm), _indicator_table(states, styles)]
    story.append(Paragraph(f"指標の状況は{to_wareki(today)}時点の登録値によります。"
                           "目標は当該年度の目標値（年度目標がなければ基準値から計画最終年度の目標への按分）です。",
                           styles["small"]))

    story.append(Paragraph("未完了のアクション", styles["heading"]))
    actions = list(selectors.meeting_open_actions(meeting).select_related("owner__user", "owner__organization"))
    measures = selectors.measure_labels(municipality)
    if not actions:
        story.append(Paragraph("（未完了のアクションはありません）", styles["body"]))
    else:
        rows = [[Paragraph(h, styles["cell_head"]) for h in ("期限", "アクション", "担当", "状態", "施策")]]
        overdue_rows = []
        for row, action in enumerate(actions, start=1):
            overdue = action.is_overdue(today)
            due = (to_wareki(action.due_on) if action.due_on else "—") + (f"\n{OVERDUE_MARK}" if overdue else "")
            if overdue:
                overdue_rows.append(row)
            owner = _person(action.owner) if action.owner_id else (
                action.owner_organization.name if action.owner_organization_id else "—")
            rows.append([Paragraph(_escape(due).replace("\n", "<br/>"), styles["cell"]),
                         Paragraph(_escape(action.title), styles["cell"]), Paragraph(_escape(owner), styles["cell"]),
                         Paragraph(ACTION_STATUS_JA.get(action.status, action.status), styles["cell"]),
                         Paragraph(_escape(measures.get(action.measure_key, "")), styles["cell"])])
        story.append(_grid(rows, [CONTENT_WIDTH * w for w in (0.17, 0.33, 0.22, 0.09, 0.19)],
                           highlight_rows=overdue_rows))

    decisions = list(meeting.decisions.all())
    if decisions:
        story.append(Paragraph("決定事項", styles["heading"]))
        story += [Paragraph(_escape(f"{n}．{d.text}"), styles["body"]) for n, d in enumerate(decisions, start=1)]
    return story


def meeting_pack_pdf(meeting: Meeting, *, today=None) -> bytes:
    """Render the meeting pack of `meeting` (load it with selectors.meeting_with_details)."""
    register_japanese_fonts()
    today = today or timezone.localdate()
    buffer = io.BytesIO()
    footer = f"{meeting.council.municipality.name} {meeting.council.name}　{meeting.title}　{to_wareki(today)}作成"

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont(GOTHIC, 8)
        canvas.drawString(MARGIN, MARGIN - 6 * mm, footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 6 * mm, f"- {doc.page} -")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 2 * mm, title=f"{meeting.council.name} {meeting.title}",
                            author=meeting.council.municipality.name, subject="会議資料", lang="ja")
    doc.build(pack_story(meeting, today=today, styles=_styles()), onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
