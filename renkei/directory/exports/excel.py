"""The directory as an Excel workbook for staff: one sheet of facilities, one of collaboration details.

Layout decisions (documented for the staff guide):
- 「施設一覧」: one row per facility with a 種別 column (one sheet rather than one per kind, so that staff
  can sort and filter across kinds with the auto filter).
- 「連携情報」: one row per facility, one column per collaboration attribute: 可 / 不可 for yes/no
  questions, the answer in words otherwise, empty when not answered. Only attributes the exporting
  member may see are included (professional-only ones for logged-in staff; never for residents).
- Dates shown to officials are in 和暦 (最終確認日); the same date in ISO 8601 sits in the adjacent
  column 「最終確認日（ISO）」 for machines and for sorting. Adjacent rather than hidden: hidden columns
  surprise people who copy the sheet.
- 「この資料について」: what was exported, when, and a warning when professional-only details are in it.
Written with openpyxl's write-only mode (rows stream to disk), header row styled, frozen and filtered.
Every cell goes through `renkei.core.spreadsheets`: text is a string cell, never a live formula.
"""

from __future__ import annotations

import io

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from renkei.core.spreadsheets import excel_cell, excel_row
from renkei.core.wareki import to_wareki

from ..models import CollaborationAttribute, Facility, FacilityIdentifier
from ..selectors.facilities import display_value, may_see_professional_details
from . import common
from .scope import ExportScope, iter_export_facilities

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B5394")
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)

FACILITY_COLUMNS = [  # (header, width)
    ("No.", 6), ("種別", 16), ("サービス種別", 22), ("名称", 36), ("フリガナ", 30), ("郵便番号", 10),
    ("所在地", 44), ("電話番号", 15), ("FAX番号", 15), ("ホームページ", 30), ("診療科目", 30), ("病床数", 8),
    ("定員", 8), ("日常生活圏域", 14), ("緯度", 11), ("経度", 11), ("状態", 8), ("医療機関コード", 14),
    ("介護保険事業所番号", 16), ("Renkei ID", 10),
]


def _header(sheet, labels: list[str]) -> list:
    return [excel_cell(sheet, label, font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)
            for label in labels]


def _prepare(sheet, widths: list[float]) -> None:
    """Column widths and the frozen header row; both must be set before the first row is written."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"


def export_attributes(scope: ExportScope, membership) -> list[CollaborationAttribute]:
    """The active attributes (shared and the municipality's own) the exporting member may see."""
    queryset = (CollaborationAttribute.objects.filter(is_active=True)
                .filter(Q(municipality__isnull=True) | Q(municipality=scope.municipality))
                .select_related("category").order_by("category__sort_order", "sort_order", "code"))
    if not may_see_professional_details(membership):
        queryset = queryset.filter(visibility=CollaborationAttribute.Visibility.PUBLIC)
    if scope.kinds:
        return [a for a in queryset if any(a.applies_to_kind(kind) for kind in scope.kinds)]
    return list(queryset)


def _facility_row(number: int, facility: Facility) -> list:
    return [
        number, common.kind_label(facility.kind), common.service_type_label(facility), facility.name,
        common.katakana(facility.kana), facility.postal_code, common.full_address(facility), facility.phone,
        facility.fax, facility.website, "、".join(facility.department_list), facility.beds_total, facility.capacity,
        facility.daily_living_area.name if facility.daily_living_area else "", facility.latitude,
        facility.longitude, facility.get_status_display(),
        common.identifier(facility, FacilityIdentifier.Scheme.MEDICAL_INSTITUTION_CODE),
        common.care_office_number(facility), facility.pk,
    ]


def _detail_row(number: int, facility: Facility, attributes: list[CollaborationAttribute]) -> list:
    details = {d.attribute_id: d for d in facility.collaboration_details.all()}
    values, confirmed = [], []
    for attribute in attributes:
        detail = details.get(attribute.pk)
        if detail is None or detail.value is None:
            values.append(None)
            continue
        values.append(display_value(attribute, detail.value))
        confirmed.append(detail.confirmed_on)
    latest = max(confirmed) if confirmed else None
    return [number, facility.name, common.kind_label(facility.kind), *values,
            to_wareki(latest) if latest else None, latest.isoformat() if latest else None]


def workbook_bytes(scope: ExportScope, membership=None) -> tuple[bytes, int]:
    """The workbook as bytes, and how many facilities it lists."""
    workbook = Workbook(write_only=True)
    facilities_sheet = workbook.create_sheet("施設一覧")
    details_sheet = workbook.create_sheet("連携情報")
    about_sheet = workbook.create_sheet("この資料について")

    _prepare(facilities_sheet, [width for _label, width in FACILITY_COLUMNS])
    facilities_sheet.append(_header(facilities_sheet, [label for label, _width in FACILITY_COLUMNS]))

    attributes = export_attributes(scope, membership)
    detail_headers = ["No.", "名称", "種別", *[a.name for a in attributes], "最終確認日", "最終確認日（ISO）"]
    _prepare(details_sheet, [6, 36, 16, *[max(8, min(24, len(a.name) * 2 + 2)) for a in attributes], 18, 12])
    details_sheet.append(_header(details_sheet, detail_headers))

    count = 0
    for count, facility in enumerate(iter_export_facilities(scope), start=1):
        facilities_sheet.append(excel_row(facilities_sheet, _facility_row(count, facility)))
        details_sheet.append(excel_row(details_sheet, _detail_row(count, facility, attributes)))
    facilities_sheet.auto_filter.ref = f"A1:{get_column_letter(len(FACILITY_COLUMNS))}{count + 1}"
    details_sheet.auto_filter.ref = f"A1:{get_column_letter(len(detail_headers))}{count + 1}"

    _prepare(about_sheet, [24, 70])
    about_sheet.freeze_panes = None
    today = timezone.localdate()
    description = scope.describe()
    professional = may_see_professional_details(membership) and any(
        a.visibility == CollaborationAttribute.Visibility.PROFESSIONAL for a in attributes)
    for label, value in [
        ("資料名", "在宅医療・介護資源一覧"),
        ("市区町村", f"{scope.municipality}（{scope.municipality.code}）"),
        ("作成日", f"{to_wareki(today)}（{today.isoformat()}）"),
        ("日常生活圏域", scope.area.name if scope.area else ("未設定のみ" if scope.area_not_set else "すべて")),
        ("種別", "、".join(common.kind_label(k) for k in description["kinds"]) or "すべて"),
        ("廃止・休止を含む", "はい" if scope.include_closed else "いいえ"),
        ("施設数", count),
        ("取扱い", "専門職向けの連携情報を含みます。住民向けに公開しないでください。" if professional
         else "住民向けに公開できる項目のみです。"),
    ]:
        about_sheet.append(excel_row(about_sheet, [label, value]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
