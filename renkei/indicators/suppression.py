"""Small-count suppression for public views: a count of patients under the threshold can point at a person.

A definition's `suppression_threshold` (10 for counts of patients; 0: never suppressed) applies on every public
view — the residents' page, its charts, its tables and downloads:
- a count (no denominator) under the threshold is shown as "<10", and its number never leaves the server;
- a rate whose numerator is under the threshold is suppressed likewise (a rate of 3 people out of a known
  population gives the 3 back). A rate recorded without its numerator is shown: there is nothing to check.
Staff views show every value as recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .models import IndicatorDefinition, IndicatorValue


@dataclass(frozen=True)
class Shown:
    """A value as a view shows it: `text` for tables, `number` for charts (None: a gap)."""

    text: str
    number: float | None
    is_suppressed: bool = False


EMPTY = Shown("", None)


def format_number(value: Decimal | float | None, decimals: int) -> str:
    """1234.5 → "1,234.5" with the definition's decimal places ("" for no value)."""
    if value is None:
        return ""
    return f"{value:,.{decimals}f}"


def is_suppressed(definition: IndicatorDefinition, value: IndicatorValue) -> bool:
    """Whether a public view must hide this value (see the module docstring)."""
    if value.value is None:
        return False
    return is_suppressed_number(definition, value.value, value.numerator)


def is_suppressed_number(definition: IndicatorDefinition, number, numerator) -> bool:
    """The same rule on bare numbers (the dashboards read values as floats)."""
    threshold = definition.suppression_threshold
    if not threshold or number is None:
        return False
    if definition.is_rate:
        return numerator is not None and numerator < threshold
    return (numerator if numerator is not None else number) < threshold


def suppressed_text(definition: IndicatorDefinition) -> str:
    return f"<{definition.suppression_threshold}"


def shown(definition: IndicatorDefinition, value: IndicatorValue | None, *, public: bool) -> Shown:
    """The value as shown: suppressed on public views when its count is small, else formatted."""
    if value is None:
        return EMPTY
    return shown_number(definition, value.value, value.numerator, public=public)


def shown_number(definition: IndicatorDefinition, number, numerator=None, *, public: bool) -> Shown:
    """`shown` for a bare number (float or Decimal) and its numerator."""
    if number is None:
        return EMPTY
    if public and is_suppressed_number(definition, number, numerator):
        return Shown(suppressed_text(definition), None, True)
    return Shown(format_number(number, definition.decimals), round(float(number), definition.decimals))
