"""Calendar months as the report screens and CLIs read and span them (shared by the desk report and the
hand-off measures)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_MONTH = re.compile(r"^(\d{4})[-/年.](\d{1,2})月?$")


def read_month(text: str | None) -> dt.date | None:
    """2025-04, 2025/4, 2025.4, 2025年4月 (full-width digits too) → the first day of that month; None when it
    cannot be read or lies outside 2000–2100 (the caller says so in its own words)."""
    raw = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    match = _MONTH.match(raw)
    if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2100:
        return dt.date(int(match[1]), int(match[2]), 1)
    return None


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of each month from `first`'s month to `last`'s, in order."""
    out, current = [], first.replace(day=1)
    while current <= last:
        out.append(current)
        current = month_end(current) + dt.timedelta(days=1)
    return out
