"""Periods of indicator values: a fiscal year (April–March), a fiscal quarter or a month.

A period is stored as its first day (`period_start`) with the definition's period type. Keys are what the
API, the CLI and the files use: "FY2024" (or "2024" / "R6" / "令和6年度"), "2024Q1" (April–June 2024),
"2024-05".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from renkei.core.wareki import fiscal_year_wareki

from .models import PeriodType, fiscal_year_of

_ERA_START = {"R": 2018, "令和": 2018, "H": 1988, "平成": 1988}


class PeriodError(ValueError):
    """A period key that cannot be read; `ja` and `en` are the message."""

    def __init__(self, ja: str, en: str):
        super().__init__(en)
        self.ja, self.en = ja, en


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    type: str

    @property
    def key(self) -> str:
        if self.type == PeriodType.FISCAL_YEAR:
            return f"FY{self.start.year}"
        if self.type == PeriodType.QUARTER:
            return f"{fiscal_year_of(self.start)}Q{(self.start.month - 4) % 12 // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def fiscal_year(self) -> int:
        return fiscal_year_of(self.start)

    @property
    def label(self) -> str:
        """As officials write it: 令和6年度, 令和6年度 第1四半期, 2024年5月."""
        if self.type == PeriodType.FISCAL_YEAR:
            return fiscal_year_wareki(self.start.year)
        if self.type == PeriodType.QUARTER:
            return f"{fiscal_year_wareki(self.fiscal_year)} 第{(self.start.month - 4) % 12 // 3 + 1}四半期"
        return f"{self.start.year}年{self.start.month}月"

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        months = {PeriodType.FISCAL_YEAR: 12, PeriodType.QUARTER: 3, PeriodType.MONTH: 1}[self.type]
        month = self.start.month - 1 + months
        first_after = dt.date(self.start.year + month // 12, month % 12 + 1, 1)
        return first_after - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def fiscal_year(year: int) -> Period:
    return Period(dt.date(year, 4, 1), PeriodType.FISCAL_YEAR)


def period_of(day: dt.date, period_type: str) -> Period:
    """The period of `period_type` that contains `day`."""
    if period_type == PeriodType.FISCAL_YEAR:
        return fiscal_year(fiscal_year_of(day))
    if period_type == PeriodType.QUARTER:
        year, month = fiscal_year_of(day), 4 + (day.month - 4) % 12 // 3 * 3
        return Period(dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1), PeriodType.QUARTER)
    return Period(dt.date(day.year, day.month, 1), PeriodType.MONTH)


_FY = re.compile(r"^(?:FY)?(\d{4})(?:年度)?$", re.IGNORECASE)
_ERA_FY = re.compile(r"^(R|H|令和|平成)(元|\d{1,3})(?:年度)?$")
_QUARTER = re.compile(r"^(?:FY)?(\d{4})\s*Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})[-/年](\d{1,2})月?$")


def parse_period(text: str, period_type: str | None = None) -> Period:
    """Read a period key; with `period_type`, a key of another type is refused (a month for a yearly indicator)."""
    # Full-width digits and letters (ＦＹ２０２４, 令和６年度) as typed in Japanese input modes.
    raw = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    found: Period | None = None
    if m := _QUARTER.match(raw):
        year, quarter = int(m[1]), int(m[2])
        month = 4 + (quarter - 1) * 3
        found = Period(dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1), PeriodType.QUARTER)
    elif m := _MONTH.match(raw):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            found = Period(dt.date(year, month, 1), PeriodType.MONTH)
    elif m := _FY.match(raw):
        found = fiscal_year(int(m[1]))
    elif (m := _ERA_FY.match(raw)) and int(m[2].replace("元", "1")) > 0:  # an era's first year is 元 (1), never 0
        found = fiscal_year(_ERA_START[m[1]] + (1 if m[2] == "元" else int(m[2])))
    if found is None or not 1900 <= found.start.year <= 2200:
        raise PeriodError(f"期間「{text}」を読めません（例: FY2024、令和6年度、2024Q1、2024-05）。",
                          f"Cannot read the period “{text}” (e.g. FY2024, 令和6年度, 2024Q1, 2024-05).")
    if period_type and found.type != period_type:
        raise PeriodError(f"期間「{text}」はこの指標の期間の種類（{PeriodType(period_type).label}）と合いません。",
                          f"The period “{text}” does not match this indicator's period type ({period_type}).")
    return found


def periods_between(first: Period, last: Period) -> list[Period]:
    """Every period of first's type from first to last, inclusive."""
    out, current = [], first
    while current.start <= last.start:
        out.append(current)
        current = period_of(current.end + dt.timedelta(days=1), current.type)
    return out
