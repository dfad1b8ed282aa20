"""Writing indicator values: one at a time (staff entry) or many (computation, imports), all audited.

A value is current for its (definition, area, period) until a different value arrives: then the old row is
kept with `is_current=False` and `superseded_by` pointing at the new one (a correction keeps its history).
The same value again writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction

from renkei.core import audit, policy
from renkei.core.models import AuditEntry
from renkei.indicators.policy import NATION

from ..areas import Area
from ..models import IndicatorDefinition, IndicatorImportRun, IndicatorValue, Origin
from ..periods import Period, PeriodError

CREATED, CORRECTED, UNCHANGED = "created", "corrected", "unchanged"
NUMERATOR_PLACES, VALUE_PLACES = Decimal("0.0001"), Decimal("0.000001")  # the columns' decimal places
LARGEST = Decimal(10) ** 14  # 20 digits with 6 decimal places


class ValueError_(ValueError):
    """A value that cannot be recorded; `ja` and `en` are the message (shown on forms and in import reports)."""

    def __init__(self, ja: str, en: str):
        super().__init__(en)
        self.ja, self.en = ja, en


@dataclass
class ValueInput:
    """One value to record. Give numerator (and denominator for a rate) or `value` directly."""

    definition: IndicatorDefinition
    area: Area
    period: Period
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value: Decimal | None = None
    source_note: str = ""
    vintage: dt.date | None = None
    note: str = ""


@dataclass
class RecordResult:
    counts: Counter = field(default_factory=Counter)
    values: list[IndicatorValue] = field(default_factory=list)  # the current rows written (created or corrected)


def _checked(item: ValueInput) -> ValueInput:
    definition = item.definition
    if item.period.type != definition.period_type:
        raise PeriodError(
            f"{definition.code}: 期間 {item.period.key} はこの指標の期間の種類と合いません。",
            f"{definition.code}: the period {item.period.key} does not match the indicator's period type.")
    if definition.area_levels and item.area.level not in definition.area_levels:
        raise ValueError_(f"{definition.code}: この指標はこの地域の単位（{item.area.level}）では定義されていません。",
                          f"{definition.code}: this indicator is not defined for the area level {item.area.level}.")
    for name, places in (("numerator", NUMERATOR_PLACES), ("denominator", NUMERATOR_PLACES), ("value", VALUE_PLACES)):
        number = getattr(item, name)
        if number is not None:
            try:
                number = Decimal(str(number))
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite():
                raise ValueError_(f"{definition.code}: 数値ではありません。", f"{definition.code}: not a number.")
            # As stored (the columns keep 4 and 6 decimal places): the same figure again is then "unchanged".
            setattr(item, name, _stored(number, places, definition))
    if item.numerator is not None and item.numerator < 0 or item.denominator is not None and item.denominator < 0:
        raise ValueError_(f"{definition.code}: 分子・分母に負の数は使えません。",
                          f"{definition.code}: numerator and denominator cannot be negative.")
    if item.value is None:
        if item.numerator is None:
            raise ValueError_(f"{definition.code}: 値（または分子）がありません。",
                              f"{definition.code}: there is no value (or numerator).")
        if definition.is_rate and item.denominator is None:
            raise ValueError_(f"{definition.code}: 率の指標には分母が必要です。",
                              f"{definition.code}: a rate needs a denominator.")
        computed = IndicatorValue.compute(item.numerator, item.denominator if definition.is_rate else None,
                                          definition.factor)
        item.value = None if computed is None else _stored(computed, VALUE_PLACES, definition)
    return item


def _stored(number: Decimal, places: Decimal, definition: IndicatorDefinition) -> Decimal:
    """The number rounded as its column keeps it; refused when it does not fit (20 digits in all)."""
    if abs(number) >= LARGEST:
        raise ValueError_(f"{definition.code}: 数値が大きすぎます。", f"{definition.code}: the number is too large.")
    return number.quantize(places, rounding=ROUND_HALF_UP)


def _same(row: IndicatorValue, item: ValueInput) -> bool:
    def eq(a, b):
        return (a is None and b is None) or (a is not None and b is not None and Decimal(a) == Decimal(b))

    return eq(row.numerator, item.numerator) and eq(row.denominator, item.denominator) and eq(row.value, item.value)


def values_record(*, items: list[ValueInput], origin: str, by=None, membership=None,
                  import_run: IndicatorImportRun | None = None) -> RecordResult:
    """Record many values in one transaction, all or nothing; each value written gets its audit entry.

    `membership` (staff entry and imports) is asked `indicators.record_values` on each value's area, i.e. on
    the object the write resolves to; None is the system itself (scheduled computation, the CLI).
    Raises ValueError_/PeriodError (nothing written) on the first value that cannot be recorded.
    """
    result = RecordResult()
    if not items:
        return result
    checked = [_checked(item) for item in items]
    if membership is not None:
        for owner in {item.area.owner for item in checked}:
            policy.require(membership, "indicators.record_values", NATION if owner is None else owner)
    by = by or (membership.user if membership is not None else None)
    with transaction.atomic():
        definitions = {item.definition.pk for item in checked}
        keys = {item.area.key for item in checked}
        starts = {item.period.start for item in checked}
        current = {
            (row.definition_id, row.area_key, row.period_start): row
            for row in IndicatorValue.objects.select_for_update(of=("self",)).filter(
                definition_id__in=definitions, area_key__in=keys, period_start__in=starts, is_current=True)
        }
        seen, to_supersede, new_rows = set(), [], []
        for item in checked:
            identity = (item.definition.pk, item.area.key, item.period.start)
            if identity in seen:
                raise ValueError_(
                    f"{item.definition.code}: {item.area.name} {item.period.label} の値が二度あります。",
                    f"{item.definition.code}: two values for {item.area.key} {item.period.key}.")
            seen.add(identity)
            old = current.get(identity)
            if old is not None and _same(old, item):
                result.counts[UNCHANGED] += 1
                continue
            if old is not None:
                to_supersede.append(old)
            result.counts[CORRECTED if old is not None else CREATED] += 1
            new_rows.append((old, IndicatorValue(
                definition=item.definition, area_level=item.area.level, area_key=item.area.key,
                prefecture=item.area.prefecture, municipality=item.area.municipality,
                daily_living_area=item.area.daily_living_area, period_type=item.period.type,
                period_start=item.period.start, numerator=item.numerator, denominator=item.denominator,
                value=item.value, origin=origin, source_note=item.source_note[:300], vintage=item.vintage,
                import_run=import_run, recorded_by=by, note=item.note[:300])))
        if to_supersede:
            IndicatorValue.objects.filter(pk__in=[row.pk for row in to_supersede]).update(is_current=False)
        created = IndicatorValue.objects.bulk_create([row for _old, row in new_rows], batch_size=1000)
        corrected = []
        for (old, _row), row in zip(new_rows, created, strict=True):
            if old is not None:
                old.superseded_by_id = row.pk
                old.is_current = False
                corrected.append(old)
        if corrected:
            IndicatorValue.objects.bulk_update(corrected, ["superseded_by"], batch_size=1000)
        audit.record_many([
            {"action": AuditEntry.Action.UPDATE if old is not None else AuditEntry.Action.CREATE, "obj": row,
             "changes": {"value": [None if old is None else str(old.value), str(row.value)], "origin": origin}}
            for (old, _), row in zip(new_rows, created, strict=True)
        ])
        result.values = created
    return result


def value_enter(*, membership, definition: IndicatorDefinition, area: Area, period: Period,
                numerator=None, denominator=None, value=None, source_note: str = "", note: str = "",
                vintage: dt.date | None = None) -> str:
    """A staff member enters (or corrects) one value; returns created / corrected / unchanged."""
    result = values_record(items=[ValueInput(definition=definition, area=area, period=period, numerator=numerator,
                                             denominator=denominator, value=value, source_note=source_note,
                                             note=note, vintage=vintage)],
                           origin=Origin.ENTERED, membership=membership)
    return next(iter(result.counts))
