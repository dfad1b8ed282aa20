"""Writes for facilities and their collaboration details (staff edits, survey answers, closing, merging)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core.concurrency import lock_checked

from ..models import CollaborationAttribute, CollaborationDetail, Facility
from ..normalize import address_key, facility_search_text
from ..reading import kana_for
from ..taxonomy import HOME_VISIT_ATTRIBUTES, ROUND_THE_CLOCK_ATTRIBUTE


def refresh_derived_fields(facility: Facility) -> None:
    """Recompute the normalized search text and address key from the public fields (no save)."""
    # Municipal lists often have no kana: a generated reading goes into the search text only, so
    # hiragana and romaji still find the facility while `kana` keeps what the source said.
    reading = facility.kana or kana_for(facility.name)
    facility.search_text = facility_search_text(facility.name, reading, facility.name_romaji,
                                                facility.short_name)
    facility.address_key = address_key(facility.address)


def _coverage_may_have_changed(municipality_id: int | None) -> None:
    """Recompute coverage gaps in the background where the municipality already uses them."""
    from ..jobs import schedule_coverage_recompute
    from ..models import CoverageRun

    if municipality_id and CoverageRun.objects.filter(municipality_id=municipality_id).exists():
        schedule_coverage_recompute([municipality_id])


def facility_lock(*, facility: Facility, expected_version: int | None = None) -> Facility:
    """Lock the facility's row for a write to it, its hours or its details; StaleEdit when it is no longer
    at `expected_version` (None: no check). Returns the row as stored; `facility.version` follows it.

    The facility's row is the lock of all it holds (hours, details, codes): every service writing them takes
    it first, before any audited write (core.concurrency: the audit chain head is locked last).
    """
    return lock_checked(facility, expected_version)


def _bump_version(facility: Facility) -> None:
    """A write to the facility's hours or details is a new version of the facility (the edit screens share it)."""
    facility.save(update_fields=["updated_at"])


def facility_save(*, facility: Facility, expected_version: int | None = None) -> Facility:
    """Create or update a facility by hand; validates, keeps the derived fields in step.

    An update is refused with StaleEdit when the facility changed since `expected_version` (the version the
    form or API caller read). The database's position index follows the row (see `spatial`): an edit that
    moves nothing leaves it as it is.
    """
    refresh_derived_fields(facility)
    with transaction.atomic():
        if facility.pk is not None and not facility._state.adding:
            facility_lock(facility=facility, expected_version=expected_version)
        facility.full_clean()
        facility.save()
        _coverage_may_have_changed(facility.municipality_id)
    return facility


def facility_close(*, facility: Facility, closed_on: dt.date | None = None, reason: str = "",
                   expected_version: int | None = None) -> Facility:
    """Mark a facility closed; it stays in the directory's history and out of searches."""
    with transaction.atomic():
        facility_lock(facility=facility, expected_version=expected_version)
        facility.status = Facility.Status.CLOSED
        facility.closed_on = closed_on or timezone.localdate()
        facility.closed_reason = reason[:200]
        facility.save()
        _coverage_may_have_changed(facility.municipality_id)
    return facility


def facility_reopen(*, facility: Facility, expected_version: int | None = None) -> Facility:
    with transaction.atomic():
        facility_lock(facility=facility, expected_version=expected_version)
        facility.status = Facility.Status.OPEN
        facility.closed_on = None
        facility.closed_reason = ""
        facility.save()
        _coverage_may_have_changed(facility.municipality_id)
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
                                  notes: Mapping[str, str] | None = None,
                                  expected_version: int | None = None) -> list[CollaborationDetail]:
    """Record answers {attribute code: value} as confirmed today (or on `confirmed_on`) by `confirmed_by`.

    An answer of None removes the detail. Unknown codes or invalid values raise ValidationError before
    anything is written, StaleEdit when the facility changed since `expected_version`. Every change goes to
    the audit log through the model signals, and makes a new version of the facility.
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
        facility_lock(facility=facility, expected_version=expected_version)
        existing = {d.attribute.code: d for d in facility.collaboration_details.select_related("attribute")}
        removed = False
        for code, value in cleaned.items():
            detail = existing.get(code)
            if value is None:
                if detail is not None:
                    detail.delete()
                    removed = True
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
        if saved or removed:
            _bump_version(facility)
        if set(cleaned) & {*HOME_VISIT_ATTRIBUTES, ROUND_THE_CLOCK_ATTRIBUTE}:
            _coverage_may_have_changed(facility.municipality_id)
    return saved


# --- staff editing (screens in views/facilities.py) ------------------------------------------------------------

def facility_identifiers_set(*, facility: Facility, codes: Mapping[str, list[str]]) -> None:
    """Replace the facility's codes of the given schemes; a code another facility holds is refused.

    Schemes not in `codes` are left alone (an importer's scheme the form does not show stays).
    """
    from ..models import FacilityIdentifier

    with transaction.atomic():
        for scheme, values in codes.items():
            wanted = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
            if scheme != FacilityIdentifier.Scheme.CORPORATE_NUMBER:
                taken = (FacilityIdentifier.objects.filter(scheme=scheme, value__in=wanted)
                         .exclude(facility=facility).select_related("facility").first())
                if taken is not None:
                    raise ValidationError(
                        _("The code %(code)s already belongs to “%(name)s” (#%(id)s). Merge the two entries instead.")
                        % {"code": taken.value, "name": taken.facility.name, "id": taken.facility_id})
            existing = {i.value: i for i in facility.identifiers.filter(scheme=scheme)}
            for value, identifier in existing.items():
                if value not in wanted:
                    identifier.delete()
            for value in wanted:
                if value not in existing:
                    FacilityIdentifier.objects.create(facility=facility, scheme=scheme, value=value)


def opening_hours_replace(*, facility: Facility, periods: Mapping[int, list[tuple[dt.time, dt.time]]],
                          closed_on_holidays: bool | None = None, hours_note: str | None = None,
                          expected_version: int | None = None) -> None:
    """Set the opening periods of each day given (0 = Monday … 6, 7 = public holidays); other days stay.

    Rows are written one by one so that every change is in the audit log (a facility has a handful).
    StaleEdit when the facility changed since `expected_version`; a change makes a new version of it.
    """
    from ..models import OpeningHours

    with transaction.atomic():
        stored = facility_lock(facility=facility, expected_version=expected_version)
        rows_changed = False
        for weekday, wanted in periods.items():
            if not 0 <= weekday <= OpeningHours.HOLIDAY:
                raise ValidationError(_("Unknown day %(day)s.") % {"day": weekday})
            existing = {(h.opens, h.closes): h for h in facility.opening_hours.filter(weekday=weekday)}
            for key, hours in existing.items():
                if key not in wanted:
                    hours.delete()
                    rows_changed = True
            for opens, closes in wanted:
                if (opens, closes) not in existing:
                    OpeningHours.objects.create(facility=facility, weekday=weekday, opens=opens, closes=closes)
                    rows_changed = True
        changed = []
        # Compared with the row as stored (locked), not the instance the caller loaded earlier.
        if closed_on_holidays is not None and stored.closed_on_holidays != closed_on_holidays:
            facility.closed_on_holidays = closed_on_holidays
            changed.append("closed_on_holidays")
        if hours_note is not None and stored.hours_note != hours_note:
            facility.hours_note = hours_note
            changed.append("hours_note")
        if changed or rows_changed:
            facility.save(update_fields=[*changed, "updated_at"])


def collaboration_details_reconfirm(*, facility: Facility, confirmed_by: str, user=None,
                                    confirmed_on: dt.date | None = None) -> list[CollaborationDetail]:
    """Stamp every current detail of the facility as confirmed today, unchanged ("nothing has changed")."""
    # Not checked against a version: it confirms what is stored when it runs, whatever the page showed.
    answers = {d.attribute.code: d.value for d in facility.collaboration_details.select_related("attribute")
               if d.attribute.is_active}
    if not answers:
        return []
    return collaboration_details_confirm(facility=facility, answers=answers, confirmed_by=confirmed_by, user=user,
                                         source=CollaborationDetail.Source.STAFF, confirmed_on=confirmed_on)


MULTILINE_PUBLIC_FIELDS = ("hours_note", "description")


def clean_public_field_changes(facility: Facility, values: Mapping[str, Any], *, allowed: tuple[str, ...],
                               text_limit: int = 4000) -> dict[str, str]:
    """The new values of public fields that differ from the entry, checked like the staff form checks them.

    Shared by survey corrections and professionals' proposals: one-line fields have their spaces folded,
    a length is the model's (or `text_limit` for free text), a website is http(s), a name is never empty.
    """
    errors: dict[str, list[str]] = {}
    changes: dict[str, str] = {}
    for name, value in values.items():
        if name not in allowed:
            errors.setdefault("__all__", []).append(_("“%(field)s” cannot be corrected here.") % {"field": name})
            continue
        text = str(value or "").strip() if name in MULTILINE_PUBLIC_FIELDS else " ".join(str(value or "").split())
        limit = Facility._meta.get_field(name).max_length or text_limit
        if len(text) > limit:
            errors[name] = [_("Use at most %(count)s characters.") % {"count": limit}]
            continue
        if name == "name" and not text:
            errors[name] = [_("The name cannot be empty.")]
            continue
        if name == "website" and text:
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError as error:
                errors[name] = error.messages
                continue
        if text != (getattr(facility, name) or ""):
            changes[name] = text
    if errors:
        raise ValidationError(errors)
    return changes
