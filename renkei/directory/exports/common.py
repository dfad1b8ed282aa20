"""Helpers every export format shares: Japanese labels for documents, addresses, hours, public details.

The booklet, the Excel workbook and the open-data CSV are Japanese documents handed to residents and
officials, so their labels are Japanese here rather than translated UI strings.
"""

from __future__ import annotations

import re
from typing import Any

from renkei.core.text import to_katakana

from ..models import CollaborationAttribute, Facility, FacilityIdentifier, OpeningHours
from ..taxonomy import SERVICE_TYPES, VISITING_NURSING_SERVICE_TYPE

KIND_LABELS_JA = {
    "hospital": "病院",
    "clinic": "診療所",
    "dental_clinic": "歯科診療所",
    "pharmacy": "薬局",
    "visiting_nursing_station": "訪問看護ステーション",
    "care_service": "介護サービス事業所",
    "community_support_center": "地域包括支援センター",
    "informal_resource": "地域の支え合い（通いの場・配食・見守り等）",
}
WEEKDAYS_JA = ["月", "火", "水", "木", "金", "土", "日", "祝"]
PUBLIC = CollaborationAttribute.Visibility.PUBLIC


def kind_label(kind: str) -> str:
    return KIND_LABELS_JA.get(kind, kind)


def service_type_label(facility: Facility) -> str:
    """The 介護保険サービス種別 (or informal resource type) in words; 訪問看護 for nursing stations."""
    code = facility.service_type
    if not code and facility.kind == "visiting_nursing_station":
        code = VISITING_NURSING_SERVICE_TYPE
    return SERVICE_TYPES.get(code, (code, ""))[0] if code else ""


def katakana(text: str) -> str:
    return to_katakana(text or "")


def identifier(facility: Facility, scheme: str) -> str:
    """The first code of a scheme (uses the prefetched identifiers)."""
    for item in facility.identifiers.all():
        if item.scheme == scheme:
            return item.value
    return ""


def care_office_number(facility: Facility) -> str:
    """介護保険事業所番号: the care-office identifier is stored as "<number>-<service type>"."""
    return identifier(facility, FacilityIdentifier.Scheme.CARE_OFFICE).split("-")[0]


def municipality_label(municipality) -> str:
    """市区町村 as written in addresses: a ward of a designated city is "京都市北区"."""
    if municipality.parent_id:
        return f"{municipality.parent.name}{municipality.name}"
    return municipality.name


def full_address(facility: Facility) -> str:
    """The address with its prefecture and municipality, as the standard's 所在地_連結表記 wants."""
    address = (facility.address or "").strip()
    prefecture = facility.prefecture.name
    city = municipality_label(facility.municipality)
    if not address:
        return ""
    if address.startswith(prefecture):
        return address
    if address.startswith(city) or address.startswith(facility.municipality.name):
        return prefecture + address
    return prefecture + city + address


_FIRST_NUMBER = re.compile(r"[0-9０-９]")


def split_address(facility: Facility) -> tuple[str, str]:
    """(町字, 番地以下) from the address: the 番地 starts at the first digit; no digit → all 町字."""
    full = full_address(facility)
    for prefix in (facility.prefecture.name, municipality_label(facility.municipality), facility.municipality.name):
        if full.startswith(prefix):
            full = full[len(prefix):]
    match = _FIRST_NUMBER.search(full)
    if not match:
        return full, ""
    return full[:match.start()], full[match.start():]


def hours_by_day(facility: Facility) -> dict[int, list[OpeningHours]]:
    days: dict[int, list[OpeningHours]] = {}
    for period in sorted(facility.opening_hours.all(), key=lambda p: (p.weekday, p.opens)):
        days.setdefault(period.weekday, []).append(period)
    return days


def hours_summary(facility: Facility) -> tuple[str, str, str, str]:
    """(days "月;火;…", earliest opening "09:00", latest closing "18:00", note for anything irregular)."""
    days = hours_by_day(facility)
    if not days:
        return "", "", "", facility.hours_note
    day_list = ";".join(WEEKDAYS_JA[d] for d in sorted(days))
    opens = min(p.opens for periods in days.values() for p in periods)
    closes = max(p.closes for periods in days.values() for p in periods)
    patterns = {tuple((p.opens, p.closes) for p in periods) for periods in days.values()}
    notes = []
    if len(patterns) > 1 or any(len(periods) > 1 for periods in days.values()):
        notes.append(" ".join(
            WEEKDAYS_JA[d] + " " + ",".join(f"{p.opens:%H:%M}-{p.closes:%H:%M}" for p in periods)
            for d, periods in sorted(days.items())))
    if facility.closed_on_holidays and OpeningHours.HOLIDAY not in days:
        notes.append("祝日休み")
    if facility.hours_note:
        notes.append(facility.hours_note)
    return day_list, f"{opens:%H:%M}", f"{closes:%H:%M}", "／".join(notes)


def public_details(facility: Facility) -> dict[str, Any]:
    """{attribute code: detail} for the facility's public, active details (uses the prefetched details)."""
    return {d.attribute.code: d for d in facility.collaboration_details.all()
            if d.attribute.is_active and d.attribute.visibility == PUBLIC}


def public_yes(facility: Facility, code: str) -> bool | None:
    """True/False when the facility answered a public yes/no attribute; None when unknown."""
    detail = public_details(facility).get(code)
    if detail is None or detail.value is None:
        return None
    return detail.is_yes


def coordinate(value: float | None) -> str:
    """Decimal degrees, 6 places (about 10 cm): the standard's 緯度/経度."""
    return "" if value is None else f"{value:.6f}"
