"""A handoff form as a FAX-ready A4 PDF: a cover block (to, from, FAX numbers, date in 和暦, 送付枚数), the
form's fieldsets as a two-column table, and "n / N" on every page.

Regional FAX rules (北多摩北部, 台東区: research A2.2) ask that a FAX carry the patient's initials only and no
address: `initials=True` prints the initials of the kana name and leaves the address and birth date out.
Black on white, no greys under 40 %, 10 pt at least: what survives a G3 FAX at fine resolution.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from renkei.core.pdf import GOTHIC, register_japanese_fonts
from renkei.core.wareki import to_wareki

from . import forms_schema
from .models import HandoffDocument

MARGIN = 15 * mm
SIZE = 10


@dataclass(frozen=True)
class Party:
    name: str
    fax: str = ""
    phone: str = ""
    person: str = ""


_KANA_ROMAJI = {}
for _row, _letter in (("アイウエオ", "AIUEO"), ("カキクケコガギグゲゴ", "KKKKKGGGGG"),
                      ("サシスセソザジズゼゾ", "SSSSSZJZZZ"), ("タチツテトダヂヅデド", "TCTTTDDZDD"),
                      ("ナニヌネノ", "NNNNN"), ("ハヒフヘホバビブベボパピプペポ", "HHFHHBBBBBPPPPP"),
                      ("マミムメモ", "MMMMM"), ("ヤユヨ", "YYY"), ("ラリルレロ", "RRRRR"), ("ワヲン", "WON"),
                      ("ヴ", "V")):
    _KANA_ROMAJI.update(dict(zip(_row, _letter, strict=True)))
_KANA_ROMAJI["シ"] = "S"  # ヘボン式: シ = shi


def initials(kana: str) -> str:
    """"ヤマダ タロウ" → "Y.T." (hiragana too); "" when nothing can be read."""
    letters = []
    for part in (kana or "").replace("\u3000", " ").split():
        first = part[0]
        if "\u3041" <= first <= "\u3096":
            first = chr(ord(first) + 0x60)  # hiragana → katakana
        letter = _KANA_ROMAJI.get(first) or (first.upper() if first.isascii() and first.isalpha() else "")
        if letter:
            letters.append(letter + ".")
    return "".join(letters)


def _styles():
    base = {"fontName": GOTHIC, "wordWrap": "CJK", "fontSize": SIZE, "leading": SIZE * 1.35}
    return {
        "title": ParagraphStyle("title", **{**base, "fontSize": 16, "leading": 20}),
        "body": ParagraphStyle("body", **base),
        "label": ParagraphStyle("label", **base),
        "section": ParagraphStyle("section", **{**base, "fontSize": 11, "leading": 15}),
        "small": ParagraphStyle("small", **{**base, "fontSize": 9, "leading": 12}),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


class _NumberedCanvas(pdf_canvas.Canvas):
    """Draws "n / N" on each page once the total is known (the pages are kept until save)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(GOTHIC, 9)
            self.drawRightString(A4[0] - MARGIN, 8 * mm, f"{self._pageNumber} / {total}")
            self.drawString(MARGIN, 8 * mm, self._footer_text)
            super().showPage()
        self.page_count = total
        super().save()


def document_pdf(document: HandoffDocument, *, sender: Party, recipient: Party, initials_only: bool = False,
                 printed_at=None) -> bytes:
    """The form as A4 pages for FAX or post."""
    register_japanese_fonts()
    styles = _styles()
    handoff = document.handoff
    patient = handoff.patient
    printed_at = timezone.localtime(printed_at or timezone.now())
    title = str(document.get_kind_display())
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=title, author="Renkei")

    def cover(total_pages: int) -> Table:
        rows = [
            [_p("送付先", styles["label"]), _p(f"{recipient.name}{' ' + recipient.person if recipient.person else ''}",
                                            styles["body"]),
             _p("FAX", styles["label"]), _p(recipient.fax or "—", styles["body"])],
            [_p("送信元", styles["label"]), _p(f"{sender.name} {sender.person}".strip(), styles["body"]),
             _p("FAX / TEL", styles["label"]),
             _p(" / ".join(x for x in (sender.fax or "—", sender.phone) if x), styles["body"])],
            [_p("送信日", styles["label"]), _p(f"{to_wareki(printed_at)} {printed_at:%H:%M}", styles["body"]),
             _p("送付枚数", styles["label"]), _p(f"本紙を含め {total_pages} 枚", styles["body"])],
        ]
        table = Table(rows, colWidths=[22 * mm, 78 * mm, 24 * mm, 56 * mm])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return table

    def patient_block() -> Table:
        if initials_only:
            who = initials(patient.kana) or "—"
            rows = [[_p("利用者（患者）", styles["label"]),
                     _p(f"{who}（FAX のため氏名はイニシャル、住所は省略）", styles["body"])],
                    [_p("年齢・性別", styles["label"]),
                     _p(f"{patient.age}歳 {patient.get_sex_display() if patient.sex != 'unknown' else ''}",
                        styles["body"])]]
        else:
            rows = [[_p("利用者（患者）", styles["label"]), _p(f"{patient.name}（{patient.kana}）", styles["body"])],
                    [_p("生年月日・性別", styles["label"]),
                     _p(f"{to_wareki(patient.birth_date)}（{patient.age}歳）"
                        f" {patient.get_sex_display() if patient.sex != 'unknown' else ''}", styles["body"])],
                    [_p("住所", styles["label"]), _p(patient.address or "—", styles["body"])]]
        rows.append([_p("入院先・入院日", styles["label"]),
                     _p(f"{handoff.hospital.name} {handoff.ward}　{to_wareki(timezone.localtime(handoff.admitted_at))}",
                        styles["body"])])
        rows.append([_p("作成", styles["label"]),
                     _p(f"{document.author_organization.name} {document.author.user.display_name}　"
                        f"{to_wareki(timezone.localtime(document.created_at))}　第{document.version}版",
                        styles["body"])])
        table = Table(rows, colWidths=[34 * mm, 146 * mm])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return table

    def body() -> list:
        flow = []
        for section_title, specs in forms_schema.LAYOUT[document.kind]:
            rows = []
            for spec in specs:
                value = forms_schema.display(document.kind, spec.key, document.data.get(spec.key))
                rows.append([_p(str(spec.label), styles["label"]), _p(value or "", styles["body"])])
            flow.append(Spacer(1, 3 * mm))
            flow.append(_p(f"■ {section_title}", styles["section"]))
            table = Table(rows, colWidths=[58 * mm, 122 * mm], repeatRows=0)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            flow.append(table)
        return flow

    def story(total_pages: int) -> list:
        return [_p(title, styles["title"]), Spacer(1, 2 * mm), cover(total_pages), Spacer(1, 3 * mm),
                patient_block(), *body(), Spacer(1, 4 * mm),
                _p("本書は利用者（患者）・家族の同意に基づき送付します。誤送信の際は破棄し、送信元へご連絡ください。",
                   styles["small"])]

    footer = f"{title}　{initials(patient.kana) if initials_only else patient.name}"

    def make_canvas(*args, **kwargs):
        canvas = _NumberedCanvas(*args, **kwargs)
        canvas._footer_text = footer
        made.append(canvas)
        return canvas

    # Two passes: the cover states the page count (送付枚数), known only once laid out.
    made: list = []
    doc.build(story(1), canvasmaker=make_canvas)
    total = made[-1].page_count
    out.seek(0)
    out.truncate()
    made.clear()
    doc.build(story(total), canvasmaker=make_canvas)
    return out.getvalue()
