"""A patient's access history as an A4 PDF, for a disclosure request under 個人情報保護法 (本人からの開示請求).

Who read or changed the patient's data, when (和暦), what, and why (the break-glass reason). Printed in
Japanese (the document goes to the patient), with reportlab's Japanese CID fonts as the other PDFs. Printing it
is itself an audit entry (`access_history_print`).
"""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from renkei.core import audit
from renkei.core.models import AuditEntry
from renkei.core.pdf import GOTHIC, MINCHO, register_japanese_fonts
from renkei.core.wareki import to_wareki

from .models import Patient
from .selectors.history import HistoryRow, access_history

TITLE = "アクセス記録"
KIND_JA = {"read": "閲覧", "write": "記録・変更", "refused": "拒否", "export": "印刷・出力"}
GREY, HEAD = colors.HexColor("#9AA5B1"), colors.HexColor("#DCE6F2")


def _escape(text) -> str:
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_history_pdf(patient: Patient, rows: list[HistoryRow], *, since: dt.date | None, until: dt.date | None,
                       issued_by: str) -> bytes:
    """The PDF's bytes: a heading (patient, period, date of issue), then one table row per entry."""
    register_japanese_fonts()
    body = ParagraphStyle("body", fontName=MINCHO, fontSize=9.5, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=GOTHIC, fontSize=16, leading=22, spaceAfter=6, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=GOTHIC, fontSize=7.5, leading=10, wordWrap="CJK")
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=14 * mm, title=TITLE, author=issued_by)
    period = f"{to_wareki(since) if since else '記録の始め'} 〜 {to_wareki(until) if until else '現在'}"
    story = [
        Paragraph(f"{TITLE}（個人情報の保護に関する法律に基づく開示）", title),
        Paragraph(f"本人: {_escape(patient.name)}（{_escape(patient.kana)}）　生年月日: {to_wareki(patient.birth_date)}"
                  f"　利用者番号: {patient.pk}", body),
        Paragraph(f"期間: {period}　件数: {len(rows)}件", body),
        Paragraph(f"発行日: {to_wareki(timezone.localdate())}　発行者: {_escape(issued_by)}", body),
        Paragraph("この記録は、本人の情報を誰が、いつ、何を、なぜ閲覧・記録したかを連携システムの監査記録から"
                  "出力したものです。記録の内容（値）は含みません。", body),
        Spacer(1, 4 * mm),
    ]
    head = ["日時", "利用者", "所属", "区分", "内容", "理由（緊急時アクセス等）"]
    data = [head] + [[Paragraph(_escape(r.when), cell), Paragraph(_escape(r.person), cell),
                      Paragraph(_escape(r.organization), cell), KIND_JA.get(r.kind_code, r.kind_code),
                      Paragraph(_escape(r.what), cell), Paragraph(_escape(r.why), cell)]
                     for r in reversed(rows)]  # oldest first on paper
    if not rows:
        data.append(["", "", "", "", Paragraph("この期間の記録はありません。", cell), ""])
    table = Table(data, colWidths=[34 * mm, 36 * mm, 42 * mm, 18 * mm, 82 * mm, 60 * mm], repeatRows=1,
                  hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), GOTHIC, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD),
        ("GRID", (0, 0), (-1, -1), 0.4, GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story.append(table)

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont(GOTHIC, 8)
        canvas.drawRightString(document.pagesize[0] - 12 * mm, 8 * mm, f"{TITLE}　{document.page}頁")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def access_history_print(membership, patient: Patient, *, since: dt.date | None = None,
                         until: dt.date | None = None) -> bytes:
    """The access history PDF for a disclosure request; the caller loaded the patient through the policy
    (careteams.view_access_history). Writes the read and an export entry with the patient as subject."""
    rows = access_history(patient, since=since, until=until)
    issued_by = f"{membership.organization.name} {membership.user.display_name or ''}".strip()
    pdf = render_history_pdf(patient, rows, since=since, until=until, issued_by=issued_by)
    audit.record(action=AuditEntry.Action.EXPORT, obj=patient, permission="careteams.view_access_history",
                 changes={"what": "access history", "file": "PDF", "count": len(rows),
                          "since": since.isoformat() if since else "", "until": until.isoformat() if until else ""})
    return pdf
