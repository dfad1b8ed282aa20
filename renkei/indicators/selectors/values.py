"""Reads of indicator values for computation: the latest current value per area (no member involved).

Screens and the API read through the policy's scopes (`indicators.view`); these selectors serve the system
itself, e.g. a provider dividing by the imported population, and never leave the server as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from ..models import IndicatorValue


def latest_builtin_values(*, code: str, area_keys: Iterable[str], on_or_before: dt.date
                          ) -> dict[str, tuple[Decimal, dt.date]]:
    """{area key: (value, period start)} of the built-in definition `code`: for each area, the current value of
    the latest period starting on or before `on_or_before` (the period's own value, else the latest before it).

    One query. Areas without such a value are absent.
    """
    keys = list(dict.fromkeys(area_keys))
    if not keys:
        return {}
    rows = (IndicatorValue.objects
            .filter(definition__code=code, definition__owner_municipality__isnull=True,
                    definition__owner_prefecture__isnull=True, area_key__in=keys, period_start__lte=on_or_before,
                    is_current=True, value__isnull=False)
            .order_by("area_key", "-period_start")
            .values_list("area_key", "value", "period_start"))
    found: dict[str, tuple[Decimal, dt.date]] = {}
    for key, value, start in rows:
        found.setdefault(key, (value, start))
    return found
