"""The series' documents: certificates of attendance (修了証, an A4 page each) and the year's Excel workbook.

The certificate is Japanese whatever the screen's language, dates in 和暦, in reportlab's Japanese CID fonts (no
font file to ship). The workbook goes through `core.spreadsheets` so no typed name becomes a formula.
"""

from __future__ import annotations

import io

from django.utils import timezone, translation
from openpyxl import Workbook
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from renkei.core.pdf import GOTHIC, MINCHO, register_japanese_fonts
from renkei.core.spreadsheets import excel_row
from renkei.core.wareki import fiscal_year_wareki, to_wareki

from .models import Registration, SeriesKind, TrainingSeries
from .selectors.series import organization_label, profession_label

KIND_JA = {SeriesKind.LECTURE: "研修会", SeriesKind.CASE_CONFERENCE: "事例検討会", SeriesKind.SHADOWING: "同行研修",
           SeriesKind.GROUP_WORK: "グループワーク", SeriesKind.OTHER: "その他"}
STATUS_JA = {"scheduled": "予定", "held": "開催済み", "cancelled": "中止"}


def _local(value):
    return timezone.localtime(value) if value is not None else None


def _centered(pdf, text: str, y: float, font: str, size: float) -> None:
    pdf.setFont(font, size)
    pdf.drawCentredString(A4[0] / 2, y, text)


def _certificate_page(pdf, series: TrainingSeries, registration: Registration, issued_on) -> None:
    width, height = A4
    pdf.setLineWidth(2)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setLineWidth(0.5)
    pdf.rect(18 * mm, 18 * mm, width - 36 * mm, height - 36 * mm)
    _centered(pdf, "修　了　証", height - 60 * mm, MINCHO, 34)
    _centered(pdf, f"{registration.name}　様", height - 90 * mm, MINCHO, 22)
    organization = organization_label(registration)
    if organization:
        _centered(pdf, organization, height - 100 * mm, GOTHIC, 11)
    _centered(pdf, "あなたは下記の研修を修了されたことを証します。", height - 120 * mm, MINCHO, 13)
    _centered(pdf, f"{KIND_JA.get(series.kind, '')}「{series.title}」", height - 137 * mm, GOTHIC, 14)
    y = height - 152 * mm
    pdf.setFont(GOTHIC, 11)
    for attendance in registration.attended_sessions:
        session = attendance.session
        line = f"{to_wareki(_local(session.starts_at))} {session.title}".rstrip()
        pdf.drawCentredString(width / 2, y, line)
        y -= 7 * mm
        if y < 95 * mm:
            break
    _centered(pdf, to_wareki(issued_on), 70 * mm, MINCHO, 13)
    organizer = series.organizer.name if series.organizer_id else series.municipality.name
    _centered(pdf, organizer, 55 * mm, MINCHO, 16)
    pdf.showPage()


def certificates_pdf(series: TrainingSeries, registrations: list[Registration]) -> bytes:
    """One A4 page per registration (each with `attended_sessions` prefetched, see selectors.series)."""
    register_japanese_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"修了証 {series.title}")
    issued_on = timezone.localdate()
    for registration in registrations:
        _certificate_page(pdf, series, registration, issued_on)
    pdf.save()
    return buffer.getvalue()


def series_workbook(series_list: list[TrainingSeries], fiscal_year: int, *, with_names: bool = True) -> bytes:
    """The fiscal year's series: a sheet of series, of sessions, and of registrations with their attendance
    (without the participants' names unless `with_names`)."""
    with translation.override("ja"):
        return _workbook(series_list, fiscal_year, with_names)


def _workbook(series_list: list[TrainingSeries], fiscal_year: int, with_names: bool) -> bytes:
    book = Workbook(write_only=True)
    overview = book.create_sheet("研修")
    overview.append(excel_row(overview, [fiscal_year_wareki(fiscal_year)]))
    overview.append(excel_row(overview, ["ID", "種類", "研修名", "主催", "対象職種", "回数", "申込者数",
                                         "延べ出席者数"]))
    sessions = book.create_sheet("開催回")
    sessions.append(excel_row(sessions, ["研修ID", "研修名", "回", "開始", "終了", "会場", "オンライン", "定員", "状態",
                                         "出席者数"]))
    people = book.create_sheet("参加者")
    people.append(excel_row(people, ["研修ID", "研修名", "氏名", "職種", "所属", "申込日", "取消日",
                                     "出席した回数", "出席した回"]))
    for series in series_list:
        live = [s for s in series.sessions.all() if s.status != "cancelled"]
        registrations = list(series.registrations.all())
        attended_at: dict[int, list] = {}
        for session in series.sessions.all():
            for attendance in session.attendances.all():
                if attendance.attended and session.status != "cancelled":
                    attended_at.setdefault(attendance.registration_id, []).append(session)
        targets = "、".join(profession_label(code) for code in series.target_professions) or "全職種"
        overview.append(excel_row(overview, [
            series.pk, KIND_JA.get(series.kind, series.kind), series.title,
            series.organizer.name if series.organizer_id else "", targets, len(live),
            sum(1 for r in registrations if r.cancelled_at is None), sum(len(v) for v in attended_at.values())]))
        for number, session in enumerate(series.sessions.all(), start=1):
            came = sum(1 for a in session.attendances.all() if a.attended)
            sessions.append(excel_row(sessions, [
                series.pk, series.title, number, _local(session.starts_at).replace(tzinfo=None),
                _local(session.ends_at).replace(tzinfo=None) if session.ends_at else None, session.place,
                session.video_url, session.capacity, STATUS_JA.get(session.status, session.status), came]))
        for registration in registrations:
            came = attended_at.get(registration.pk, [])
            people.append(excel_row(people, [
                series.pk, series.title, registration.name if with_names else "",
                profession_label(registration.profession) or registration.profession_other,
                organization_label(registration), _local(registration.registered_at).date(),
                _local(registration.cancelled_at).date() if registration.cancelled_at else None, len(came),
                "、".join(to_wareki(_local(s.starts_at)) for s in came)]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
