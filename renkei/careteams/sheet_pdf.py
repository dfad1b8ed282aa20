"""The emergency sheet on ONE A4 page for the refrigerator (救急医療情報キット): what an ambulance crew reads first.

The page is laid out top to bottom (who, the after-hours number, wishes and the doctor's order, conditions and
medication, contacts). When the texts are long the font shrinks down to a floor; below it the longest texts are
cut with "…" until everything fits, so the sheet is always one page.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph, Spacer, Table, TableStyle

from renkei.core.pdf import GOTHIC, register_japanese_fonts
from renkei.core.wareki import to_wareki

from .models import TeamRole
from .selectors.emergency import SheetPage, shown_value

MARGIN = 12 * mm
SIZES = (10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7)  # tried in order; 7 pt is the smallest a crew reads in a hurry
ELLIPSIS = "…"
MIN_KEPT = 40  # a text is never cut below this many characters


def _styles(size: float) -> dict[str, ParagraphStyle]:
    base = {"fontName": GOTHIC, "wordWrap": "CJK", "fontSize": size, "leading": size * 1.3}
    return {
        "title": ParagraphStyle("title", **{**base, "fontSize": size + 5, "leading": (size + 5) * 1.25}),
        "name": ParagraphStyle("name", **{**base, "fontSize": size + 7, "leading": (size + 7) * 1.2}),
        "label": ParagraphStyle("label", **{**base, "textColor": colors.HexColor("#444444"),
                                            "fontSize": size - 0.5, "leading": (size - 0.5) * 1.25}),
        "body": ParagraphStyle("body", **base),
        "phone": ParagraphStyle("phone", **{**base, "fontSize": size + 8, "leading": (size + 8) * 1.2}),
        "small": ParagraphStyle("small", **{**base, "fontSize": size - 1.5, "leading": (size - 1.5) * 1.25}),
    }


def _text(value: str) -> str:
    return escape(value or "").replace("\n", "<br/>")


def _cut(value: str, limit: int | None) -> str:
    if limit is None or len(value) <= limit:
        return value
    return value[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def _sections(page: SheetPage) -> list[tuple[str, str]]:
    """(label, text) for each block of the sheet, in reading order. Texts are plain (escaped when drawn)."""
    sheet = page.sheet
    patient = page.patient
    doctor = next((c for c in page.contacts if c.role == str(TeamRole.ATTENDING_DOCTOR.label)), None)
    wishes = "\n".join(f"{label}: {shown_value(sheet, name) or '—'}" for name, label in (
        ("resuscitation_wish", _("Resuscitation")), ("transfer_wish", _("Transfer to hospital")),
        ("place_of_death_wish", _("Where they wish to spend their last days"))))
    order = ""
    if sheet and sheet.doctor_order:
        order = sheet.doctor_order
        dated = " ".join(x for x in (to_wareki(sheet.doctor_order_on) if sheet.doctor_order_on else "",
                                     sheet.doctor_order_by) if x)
        if dated:
            order += f"（{dated}）"
    acp = ""
    if sheet and (sheet.acp_summary or sheet.acp_participants or sheet.acp_on or sheet.acp_record_location):
        parts = [sheet.acp_summary]
        if sheet.acp_participants:
            parts.append(_("With: %(who)s") % {"who": sheet.acp_participants})
        if sheet.acp_on:
            parts.append(_("On: %(date)s") % {"date": to_wareki(sheet.acp_on)})
        if sheet.acp_record_location:
            parts.append(_("Record kept at: %(where)s") % {"where": sheet.acp_record_location})
        acp = "\n".join(p for p in parts if p)
    key_people = "\n".join(
        f"{k.name}（{k.get_relation_display()}） {k.phone}".rstrip() for k in page.key_people)
    team = "\n".join(f"{c.role}: {c.name} {c.organization} {c.phone}".rstrip() for c in page.contacts)
    attending = f"{doctor.name} {doctor.organization}" if doctor else ""
    return [
        (_("Wishes"), wishes),
        (_("Doctor's instruction"), order or "—"),
        (_("Advance care planning (ACP)"), acp or "—"),
        (_("Conditions"), (sheet.conditions if sheet else "") or patient.main_conditions or "—"),
        (_("Allergies"), patient.allergies or "—"),
        (_("Medications"), (sheet.medications if sheet else "") or "—"),
        (_("Attending doctor"), attending or "—"),
        (_("Registered backup hospital"),
         (sheet.backup_hospital.name + " " + sheet.backup_hospital.phone).strip()
         if sheet and sheet.backup_hospital_id else "—"),
        (_("Call in an emergency"), key_people or "—"),
        (_("Care team"), team or "—"),
        (_("Other notes"), (sheet.note if sheet else "") or "—"),
    ]


def _story(page: SheetPage, styles, limit: int | None, width: float) -> list:
    patient = page.patient
    sheet = page.sheet
    born = _("born %(date)s (age %(age)s)") % {"date": to_wareki(patient.birth_date), "age": patient.age}
    sex = patient.get_sex_display() if patient.sex else ""
    who = " ".join(x for x in (born, sex, patient.address, patient.phone) if x)
    story = [
        Paragraph(_text(_("Emergency information (救急医療情報)")), styles["title"]),
        Paragraph(_text(f"{patient.name}（{patient.kana}）"), styles["name"]),
        Paragraph(_text(who), styles["body"]),
        Spacer(1, 2 * mm),
    ]
    phone = sheet.after_hours_phone if sheet else ""
    story.append(Table(
        [[Paragraph(_text(_("After hours, call the attending doctor")), styles["label"]),
          Paragraph(_text(phone or "—"), styles["phone"])]],
        colWidths=[width * 0.4, width * 0.6],
        style=TableStyle([("BOX", (0, 0), (-1, -1), 1.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                          ("BACKGROUND", (0, 0), (0, 0), colors.HexColor("#eeeeee"))])))
    story.append(Spacer(1, 2 * mm))
    rows = [[Paragraph(_text(label), styles["label"]), Paragraph(_text(_cut(text, limit)), styles["body"])]
            for label, text in _sections(page)]
    story.append(Table(rows, colWidths=[width * 0.22, width * 0.78], style=TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f4f4f4"))])))
    printed = timezone.localtime()
    version = _("version %(number)s of %(date)s") % {"number": sheet.number, "date": to_wareki(
        timezone.localtime(sheet.created_at).date())} if sheet else _("no sheet written yet")
    story.append(Spacer(1, 1.5 * mm))
    story.append(Paragraph(_text(_("Renkei emergency sheet, %(version)s; printed %(printed)s. Keep it on the "
                                   "refrigerator with the medicine list.")
                                 % {"version": version, "printed": to_wareki(printed.date())}), styles["small"]))
    return story


def _height(story, width: float) -> float:
    return sum(flowable.wrap(width, 10_000)[1] for flowable in story)


def _longest_text(page: SheetPage) -> int:
    return max((len(text) for _label, text in _sections(page)), default=0)


def fitting_story(page: SheetPage) -> list:
    """The story at the largest font size that fits one page; at the smallest, texts cut until it fits."""
    register_japanese_fonts()
    width, height = A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN - 4  # a frame's own padding
    frame_width = width - 12
    for size in SIZES:
        story = _story(page, _styles(size), None, frame_width)
        if _height(story, frame_width) <= height:
            return story
    limit = _longest_text(page)
    while limit > MIN_KEPT:
        limit = max(int(limit * 0.8), MIN_KEPT)
        story = _story(page, _styles(SIZES[-1]), limit, frame_width)
        if _height(story, frame_width) <= height:
            return story
    return _story(page, _styles(SIZES[-1]), MIN_KEPT, frame_width)


def sheet_pdf(page: SheetPage) -> bytes:
    """The sheet as a one-page A4 PDF."""
    register_japanese_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Emergency information"))
    frame = Frame(MARGIN, MARGIN, A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN)
    story = fitting_story(page)
    frame.addFromList(story, pdf)  # whatever would not fit is dropped, never a second page
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
