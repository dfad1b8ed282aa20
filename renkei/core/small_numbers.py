"""Small numbers: counts of people (patients, deaths, desk cases, discharges) from 1 to threshold−1 are shown as
"<10" to viewers outside the municipality they describe, and shares over such a count are not shown at all (the
count could be worked back from the share and its denominator).

The threshold is the setting `RENKEI_SMALL_NUMBER_THRESHOLD` (default 10). Zero is shown: it points at nobody.
Counts of municipalities, facilities or items are never masked: only counts of people are.
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_THRESHOLD = 10


def threshold() -> int:
    """The smallest count shown as it is to a viewer outside the municipality."""
    return int(getattr(settings, "RENKEI_SMALL_NUMBER_THRESHOLD", DEFAULT_THRESHOLD))


def is_small(n) -> bool:
    """1 ≤ n < threshold."""
    return n is not None and 0 < n < threshold()


def masked_label() -> str:
    return f"<{threshold()}"


def masked_count(n, *, outside: bool):
    """The count, or "<10" when it is small and the viewer is outside the municipality it describes."""
    if n is None:
        return None
    if outside and is_small(n):
        return masked_label()
    return n


def masked_share(numerator, denominator, *, outside: bool, digits: int = 1) -> float | None:
    """The share in percent, or None (not shown) when the numerator is masked or there is no denominator."""
    if numerator is None or not denominator:
        return None
    if outside and is_small(numerator):
        return None
    return round(100 * numerator / denominator, digits)
