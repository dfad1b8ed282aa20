"""Small-count suppression for public views: the residents' page, its charts and tables, the anonymous API.

A definition's `suppression_threshold` (10 for counts of patients; 0: never suppressed, e.g. counts of clinics):
- a count (no denominator) from 1 to threshold−1 is shown as "<10", and its number never leaves the server
  (a count of 3 deaths at home in a small town can point at families);
- a rate whose numerator is such a count is suppressed likewise (the numerator could be worked back from it and
  the published denominator). A rate recorded without its numerator is shown: there is nothing to check.
- Zero is shown: it points at nobody.
Staff views show every value as recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Shown:
    """A value as a view shows it: `text` for tables, `number` for charts (None: a gap)."""

    text: str
    number: float | None
    is_suppressed: bool = False


EMPTY = Shown("", None)


def _get(row: Any, name: str):
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


def format_number(value: Decimal | float | None, decimals: int) -> str:
    """1234.5 → "1,234.5" with the definition's decimal places ("" for no value)."""
    if value is None:
        return ""
    return f"{value:,.{decimals}f}"


def is_suppressed_number(definition, number, numerator) -> bool:
    """The rule on bare numbers (the dashboards read values as floats)."""
    threshold = definition.suppression_threshold or 0
    if threshold <= 0 or number is None:
        return False
    count = numerator if definition.is_rate or numerator is not None else number
    if count is None:
        return False
    return 0 < Decimal(str(count)) < threshold


def is_suppressed(value_row: Any, definition) -> bool:
    """Whether a value (an IndicatorValue or a dict with numerator/value) must not be shown to the public."""
    return is_suppressed_number(definition, _get(value_row, "value"), _get(value_row, "numerator"))


def suppression_label(definition) -> str:
    return f"<{definition.suppression_threshold}"


def suppressed(value_row: Any, definition, field: str = "value"):
    """The value of `field` ("value" or "numerator") as the public may see it: the number, or "<10"."""
    if field != "denominator" and is_suppressed(value_row, definition):
        return suppression_label(definition)
    return _get(value_row, field)


def shown(definition, value, *, public: bool) -> Shown:
    """The value as shown: suppressed on public views when its count is small, else formatted."""
    if value is None:
        return EMPTY
    return shown_number(definition, value.value, value.numerator, public=public)


def shown_number(definition, number, numerator=None, *, public: bool) -> Shown:
    """`shown` for a bare number (float or Decimal) and its numerator."""
    if number is None:
        return EMPTY
    if public and is_suppressed_number(definition, number, numerator):
        return Shown(suppression_label(definition), None, True)
    return Shown(format_number(number, definition.decimals), round(float(number), definition.decimals))
