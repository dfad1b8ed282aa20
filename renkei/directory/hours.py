"""Opening hours and Japanese public holidays: "is this place open at this moment?".

Rules (the same in `is_open_at` for one facility and in `open_at_q` for a whole query):
- A day's periods are those of its weekday (0 = Monday … 6 = Sunday). On a public holiday (祝日, including
  振替休日 and 国民の休日, from `jpholiday`) the holiday rows (weekday 7) replace the weekday's rows when
  the facility has any; otherwise the facility keeps its weekday hours, unless it is `closed_on_holidays`.
- A period whose closing time is not after its opening time crosses midnight (20:00–02:00), and its
  early-morning part belongs to the day it started on; 00:00–00:00 means the whole day.
- Year-end closures (年末年始) are not assumed: they are not public holidays and differ by facility.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import jpholiday
from django.db.models import Exists, F, OuterRef, Q, Value

from .models import OpeningHours

HOLIDAY = OpeningHours.HOLIDAY
JAPAN = ZoneInfo("Asia/Tokyo")


def is_public_holiday(day: dt.date) -> bool:
    """True on 国民の祝日, 振替休日 and 国民の休日."""
    return jpholiday.is_holiday(day)


def local_moment(when: dt.datetime) -> dt.datetime:
    """The moment as a naive Japan wall-clock time (naive input is taken as Japan time already)."""
    if when.tzinfo is not None:
        return when.astimezone(JAPAN).replace(tzinfo=None)
    return when


def _periods_for(rows: list, day: dt.date, closed_on_holidays: bool) -> list:
    if is_public_holiday(day):
        holiday_rows = [r for r in rows if r.weekday == HOLIDAY]
        if holiday_rows:
            return holiday_rows
        if closed_on_holidays:
            return []
    return [r for r in rows if r.weekday == day.weekday()]


def _crosses_midnight(row) -> bool:
    return row.closes <= row.opens


def is_open_at(opening_hours: Iterable, when: dt.datetime, closed_on_holidays: bool = False) -> bool:
    """True when one of the periods (OpeningHours rows, or anything with weekday/opens/closes) covers `when`."""
    moment = local_moment(when)
    day, time = moment.date(), moment.time()
    rows = list(opening_hours)
    for row in _periods_for(rows, day, closed_on_holidays):
        if row.opens <= time and (time < row.closes or _crosses_midnight(row)):
            return True
    for row in _periods_for(rows, day - dt.timedelta(days=1), closed_on_holidays):
        if _crosses_midnight(row) and time < row.closes and row.closes != row.opens:
            return True
    return False


def _hours_of_outer_facility():
    # "weekday + 0": SQLite would otherwise answer each correlated EXISTS from the (weekday, opens, closes)
    # index, scanning every facility's rows for that weekday; this way it seeks by facility first.
    return OpeningHours.objects.annotate(day=F("weekday") + Value(0)).filter(facility=OuterRef("pk"))


def _rows(weekday: int, condition: Q) -> Exists:
    return Exists(_hours_of_outer_facility().filter(Q(day=weekday) & condition))


def _day_q(day: dt.date, condition: Q) -> Q:
    """Facilities whose periods for `day` satisfy `condition` (holiday rows override the weekday)."""
    weekday_rows = _rows(day.weekday(), condition)
    if not is_public_holiday(day):
        return Q(weekday_rows)
    has_holiday_rows = Exists(_hours_of_outer_facility().filter(day=HOLIDAY))
    return Q(_rows(HOLIDAY, condition)) | (~Q(has_holiday_rows) & Q(closed_on_holidays=False) & Q(weekday_rows))


def open_at_q(when: dt.datetime) -> Q:
    """A filter on Facility for "open at `when`", evaluated by the database (EXISTS on the hours index)."""
    moment = local_moment(when)
    day, time = moment.date(), moment.time()
    crossing = Q(closes__lte=F("opens"))
    same_day = Q(opens__lte=time) & (Q(closes__gt=time) | crossing)
    carried_over = crossing & Q(closes__gt=time) & ~Q(closes=F("opens"))
    previous = day - dt.timedelta(days=1)
    if not is_public_holiday(day) and not is_public_holiday(previous):
        # The usual case in one EXISTS (one index seek per facility) instead of two.
        return Q(Exists(_hours_of_outer_facility().filter(
            (Q(day=day.weekday()) & same_day) | (Q(day=previous.weekday()) & carried_over))))
    return _day_q(day, same_day) | _day_q(previous, carried_over)


def hours_by_day(opening_hours: Iterable) -> dict[int, list[tuple[str, str]]]:
    """{weekday: [("09:00", "12:00"), …]} for display (7 = public holidays)."""
    days: dict[int, list[tuple[str, str]]] = {}
    for row in sorted(opening_hours, key=lambda r: (r.weekday, r.opens)):
        days.setdefault(row.weekday, []).append((row.opens.strftime("%H:%M"), row.closes.strftime("%H:%M")))
    return days
