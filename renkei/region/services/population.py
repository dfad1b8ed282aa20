"""Municipalities' population (for the survey's population bands and the 75+ share layer), written through the
indicators engine as the built-in ZT-BASE-01 (総人口) and ZT-BASE-02 (75歳以上人口) values: one source for every
screen that divides by population."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from renkei.indicators.areas import Area
from renkei.indicators.models import IndicatorDefinition, Origin
from renkei.indicators.periods import fiscal_year
from renkei.indicators.services.values import RecordResult, ValueInput, values_record

from ..selectors.population import AGED_75_CODE, POPULATION_CODE


@dataclass(frozen=True)
class PopulationRow:
    municipality: object
    fiscal_year: int
    total: int
    aged_75_plus: int | None = None


def _builtin(code: str) -> IndicatorDefinition:
    return IndicatorDefinition.objects.get(code=code, owner_municipality__isnull=True,
                                           owner_prefecture__isnull=True)


def population_record(rows: list[PopulationRow], *, membership=None, source_note: str = "") -> RecordResult:
    """Record every row's figures in one transaction (all or nothing); unchanged figures write nothing.
    `membership` is asked `indicators.record_values` on each municipality (None: the system)."""
    total, aged = _builtin(POPULATION_CODE), _builtin(AGED_75_CODE)
    items = []
    for row in rows:
        area, period = Area.of_municipality(row.municipality), fiscal_year(row.fiscal_year)
        items.append(ValueInput(definition=total, area=area, period=period, numerator=Decimal(row.total),
                                source_note=source_note))
        if row.aged_75_plus is not None:
            items.append(ValueInput(definition=aged, area=area, period=period, numerator=Decimal(row.aged_75_plus),
                                    source_note=source_note))
    return values_record(items=items, origin=Origin.IMPORTED, membership=membership)
