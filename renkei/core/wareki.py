"""和暦 (Japanese era) dates, as officials write them."""

from __future__ import annotations

import datetime as dt

# (first day, era name, latin initial)
ERAS = [
    (dt.date(2019, 5, 1), "令和", "R"),
    (dt.date(1989, 1, 8), "平成", "H"),
    (dt.date(1926, 12, 25), "昭和", "S"),
    (dt.date(1912, 7, 30), "大正", "T"),
    (dt.date(1873, 1, 1), "明治", "M"),
]


def to_wareki(value: dt.date | dt.datetime) -> str:
    """2026-11-25 → 令和8年11月25日 (元年 for the first year)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    for start, name, _ in ERAS:
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def fiscal_year_wareki(fiscal_year: int) -> str:
    """2024 → 令和6年度 (the fiscal year starting in April of that year).

    FY2019 is 令和元年度 although April 2019 was still 平成: offices name the year by the era of its budget
    (from 1 May), while FY1988 stays 昭和63年度.
    """
    start = dt.date(fiscal_year, 5, 1)
    for era_start, name, _ in ERAS:
        if start >= era_start:
            year = fiscal_year - era_start.year + 1
            return f"{name}{'元' if year == 1 else year}年度"
    return f"{fiscal_year}年度"
