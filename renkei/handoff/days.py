"""Deadlines in working days: weekends, Japanese national holidays (jpholiday) and a municipality's own
closed days (年末年始…) are days off. Office hours are 09:00–18:00 on working days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import jpholiday
from django.utils import timezone

OFFICE_OPENS = dt.time(9, 0)
OFFICE_CLOSES = dt.time(18, 0)
END_OF_DAY = dt.time(23, 59, 59)


class Calendar:
    """Which days are working days for one municipality (its closed days loaded once)."""

    def __init__(self, closed_days: Iterable[dt.date] = ()):
        self.closed_days = frozenset(closed_days)

    @classmethod
    def for_municipality(cls, municipality_id: int | None) -> Calendar:
        from .models import ClosedDay

        if municipality_id is None:
            return cls()
        return cls(ClosedDay.objects.filter(municipality_id=municipality_id).values_list("date", flat=True))

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and not jpholiday.is_holiday(day) and day not in self.closed_days

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first one after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The working day `count` working days after (negative: before) `day`; 0 gives `day` if it works."""
        if count == 0:
            return self.next_working_day(day)
        step = 1 if count > 0 else -1
        remaining = abs(count)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def is_after_hours(self, at: dt.datetime) -> bool:
        at = timezone.localtime(at) if timezone.is_aware(at) else at
        return not self.is_working_day(at.date()) or not (OFFICE_OPENS <= at.time() < OFFICE_CLOSES)

    def deadline(self, anchor: dt.datetime | dt.date, *, offset_days: int, working: bool,
                 after_hours_shift: bool = False) -> dt.datetime:
        """The end of the day a step is due (aware, local time).

        The count starts on the anchor's day (入院当日 = day 0); with `after_hours_shift`, an anchor after office
        closing time counts from the next day. A deadline that falls on a day off moves to the next
        working day, the way the weekend rule of 入退院支援加算 lets screening wait for the first weekday.
        """
        if isinstance(anchor, dt.datetime):
            local = timezone.localtime(anchor) if timezone.is_aware(anchor) else anchor
            day = local.date()
            # 入院時情報連携加算: after office hours the next day counts as the first (a day off needs no shift:
            # the deadline itself moves to the next working day).
            if after_hours_shift and self.is_working_day(day) and local.time() >= OFFICE_CLOSES:
                day += dt.timedelta(days=1)
        else:
            day = anchor
        if working:
            due = self.add_working_days(day, offset_days)
        else:
            due = self.next_working_day(day + dt.timedelta(days=offset_days)) if offset_days >= 0 \
                else day + dt.timedelta(days=offset_days)
        return timezone.make_aware(dt.datetime.combine(due, END_OF_DAY))
