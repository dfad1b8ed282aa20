"""Small-count suppression for public views (residents' page, anonymous API).

Counts of people under a definition's `suppression_threshold` (10 for patients) are shown as "<10": a count
of 3 deaths at home in a small town can point at families. A rate whose numerator is such a count is
suppressed too (the numerator could be worked back from it and the published denominator). Zero is shown:
it points at nobody. A threshold of 0 never suppresses (structure indicators: counts of clinics).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def _get(row: Any, name: str):
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


def is_suppressed(value_row: Any, definition) -> bool:
    """Whether a value (an IndicatorValue or a dict with numerator/denominator/value) must not be shown."""
    threshold = definition.suppression_threshold or 0
    if threshold <= 0:
        return False
    count = _get(value_row, "numerator")
    if count is None and not definition.is_rate:
        count = _get(value_row, "value")
    if count is None:
        return False
    count = Decimal(str(count))
    return 0 < count < threshold


def suppression_label(definition) -> str:
    return f"<{definition.suppression_threshold}"


def suppressed(value_row: Any, definition, field: str = "value"):
    """The value of `field` ("value" or "numerator") as the public may see it: the number, or "<10"."""
    if field != "denominator" and is_suppressed(value_row, definition):
        return suppression_label(definition)
    return _get(value_row, field)
