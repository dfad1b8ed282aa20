"""Japanese days: holidays (jpholiday), office hours, and which shifts a day needs.

Office hours are 09:00–18:00 on weekdays that are not national holidays (国民の祝日・振替休日・国民の休日).
Every day needs a night shift (18:00 → 09:00 the next day); Saturdays and Sundays need a weekend day shift,
holidays that fall on a weekday a holiday day shift.
"""

from __future__ import annotations

import datetime as dt

import jpholiday
from django.utils import timezone

from .models import DAY_ENDS, DAY_STARTS, ShiftKind


def holiday_name(day: dt.date) -> str:
    return jpholiday.is_holiday_name(day) or ""


def is_holiday(day: dt.date) -> bool:
    return bool(jpholiday.is_holiday(day))


def is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def day_shift_kind(day: dt.date) -> str | None:
    """The day shift a date needs: weekend day on Saturday and Sunday, holiday day on a weekday holiday."""
    if is_weekend(day):
        return ShiftKind.WEEKEND_DAY
    if is_holiday(day):
        return ShiftKind.HOLIDAY_DAY
    return None


def needed_shifts(day: dt.date) -> list[str]:
    kinds = [ShiftKind.NIGHT]
    day_kind = day_shift_kind(day)
    if day_kind:
        kinds.insert(0, day_kind)
    return kinds


def local(at: dt.datetime) -> dt.datetime:
    return timezone.localtime(at) if timezone.is_aware(at) else at


def is_office_hours(at: dt.datetime) -> bool:
    at = local(at)
    return day_shift_kind(at.date()) is None and DAY_STARTS <= at.time() < DAY_ENDS


def shift_at(at: dt.datetime) -> tuple[dt.date, str] | None:
    """(date, kind) of the shift that covers `at`, or None in office hours."""
    at = local(at)
    day = at.date()
    if at.time() < DAY_STARTS:
        return day - dt.timedelta(days=1), ShiftKind.NIGHT
    if at.time() >= DAY_ENDS:
        return day, ShiftKind.NIGHT
    kind = day_shift_kind(day)
    return (day, kind) if kind else None
