"""Writes for facilities and their collaboration details (staff edits, survey answers, closing, merging)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import spatial_version
from ..models import CollaborationAttribute, CollaborationDetail, Facility
from ..normalize import address_key, facility_search_text


def refresh_derived_fields(facility: Facility) -> None:
    """Recompute the normalized search text and address key from the public fields (no save)."""
    facility.search_text = facility_search_text(facility.name, facility.kana, facility.name_romaji,
                                                facility.short_name)
    facility.address_key = address_key(facility.address)


def facility_save(*, facility: Facility) -> Facility:
    """Create or update a facility by hand; validates, keeps the derived fields in step."""
    refresh_derived_fields(facility)
    with transaction.atomic():
        facility.full_clean()
        facility.save()
        transaction.on_commit(spatial_version.positions_changed)
    return facility


def facility_close(*, facility: Facility, closed_on: dt.date | None = None, reason: str = "") -> Facility:
    """Mark a facility closed; it stays in the directory's history and out of searches."""
    with transaction.atomic():
        facility.status = Facility.Status.CLOSED
        facility.closed_on = closed_on or timezone.localdate()
        facility.closed_reason = reason[:200]
        facility.save()
        transaction.on_commit(spatial_version.positions_changed)
    return facility


def facility_reopen(*, facility: Facility) -> Facility:
    with transaction.atomic():
        facility.status = Facility.Status.OPEN
        facility.closed_on = None
        facility.closed_reason = ""
        facility.save()
        transaction.on_commit(spatial_version.positions_changed)
    return facility


def clean_detail_value(attribute: CollaborationAttribute, value: Any) -> Any:
    """Check and convert one answer to the attribute's type; raise ValidationError with a clear message."""
    kind = CollaborationAttribute.ValueType
    codes = {choice["code"] for choice in attribute.choices}
    if value in (None, "", []):
        return None
    if attribute.value_type == kind.YES_NO:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"true", "1", "yes", "on", "はい", "可", "○", "〇", "有", "あり"}:
            return True
        if text in {"false", "0", "no", "off", "いいえ", "不可", "×", "無", "なし"}:
            return False
    elif attribute.value_type == kind.CHOICE:
        if str(value) in codes:
            return str(value)
    elif attribute.value_type == kind.MULTI_CHOICE:
        values = [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
        if all(v in codes for v in values):
            return sorted(set(values))
    elif attribute.value_type == kind.NUMBER:
        try:
            number = float(str(value).replace(",", ""))
        except ValueError:
            number = None
        if number is not None and number >= 0:
            return int(number) if number.is_integer() else number
    else:
        text = str(value).strip()
        if len(text) <= 1000:
            return text
    raise ValidationError(_("“%(value)s” is not a valid answer for “%(attribute)s”.")
                          % {"value": value, "attribute": attribute.name})


def collaboration_details_confirm(*, facility: Facility, answers: Mapping[str, Any], confirmed_by: str,
                                  user=None, source: str = CollaborationDetail.Source.STAFF,
                                  confirmed_on: dt.date | None = None,
                                  notes: Mapping[str, str] | None = None) -> list[CollaborationDetail]:
    """Record answers {attribute code: value} as confirmed today (or on `confirmed_on`) by `confirmed_by`.

    An answer of None removes the detail. Unknown codes or invalid values raise ValidationError before
    anything is written. Every change goes to the audit log through the model signals.
    """
    attributes = {a.code: a for a in CollaborationAttribute.objects.filter(code__in=list(answers))}
    unknown = sorted(set(answers) - set(attributes))
    if unknown:
        raise ValidationError(_("Unknown collaboration detail: %(codes)s") % {"codes": ", ".join(unknown)})
    cleaned = {code: clean_detail_value(attributes[code], value) for code, value in answers.items()}
    confirmed_on = confirmed_on or timezone.localdate()
    notes = notes or {}
    saved = []
    with transaction.atomic():
        existing = {d.attribute.code: d for d in facility.collaboration_details.select_related("attribute")}
        for code, value in cleaned.items():
            detail = existing.get(code)
            if value is None:
                if detail is not None:
                    detail.delete()
                continue
            detail = detail or CollaborationDetail(facility=facility, attribute=attributes[code])
            detail.value = value
            detail.note = notes.get(code, detail.note)[:300]
            detail.confirmed_on = confirmed_on
            detail.confirmed_by = confirmed_by[:120]
            detail.confirmed_by_user = user
            detail.source = source
            detail.save()
            saved.append(detail)
    return saved
