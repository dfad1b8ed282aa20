"""Reads of cover groups and their rota: the month calendar, gaps (nights, weekend and holiday days nobody
covers) in the next days. No patient data here."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from renkei.core import policy
from renkei.core.wareki import to_wareki

from .. import days
from ..models import CoverGroup, RotaShift

GAP_DAYS = 14


def my_groups(membership):
    return list(policy.scope(membership, "provision.view_group", CoverGroup.objects.all())
                .select_related("municipality", "station").order_by("name", "pk"))


@dataclass(frozen=True)
class Gap:
    group: CoverGroup
    date: dt.date
    kind: str

    @property
    def kind_label(self) -> str:
        from ..models import ShiftKind
        return str(ShiftKind(self.kind).label)


def gaps(group: CoverGroup, *, start: dt.date | None = None, days_ahead: int = GAP_DAYS) -> list[Gap]:
    """Shifts the group needs from `start` (today) for `days_ahead` days that nobody covers."""
    start = start or timezone.localdate()
    end = start + dt.timedelta(days=days_ahead - 1)
    covered = set(RotaShift.objects.filter(group=group, date__range=(start, end), covering__isnull=False)
                  .values_list("date", "kind"))
    out = []
    for offset in range(days_ahead):
        day = start + dt.timedelta(days=offset)
        for kind in days.needed_shifts(day):
            if (day, kind) not in covered:
                out.append(Gap(group, day, kind))
    return out


def groups_with_gaps(*, days_ahead: int = GAP_DAYS, start: dt.date | None = None) -> list[tuple[CoverGroup, list]]:
    """Every active group with its gaps (the `renkei rota gaps` command)."""
    out = []
    for group in CoverGroup.objects.filter(is_active=True).select_related("municipality").order_by("pk"):
        found = gaps(group, start=start, days_ahead=days_ahead)
        if found:
            out.append((group, found))
    return out


def parse_month(value: str | None) -> dt.date:
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    except (TypeError, ValueError):
        pass
    return today.replace(day=1)


def month_calendar(group: CoverGroup, month: dt.date) -> dict:
    """The month's weeks (Monday first) of days, each with its shifts needed, their cover and its gap flag."""
    today = timezone.localdate()
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    shifts = {(s.date, s.kind): s for s in RotaShift.objects.filter(group=group, date__range=(first, last))
              .select_related("covering__user", "covering__organization")}
    from ..models import ShiftKind
    cells = []
    for number in range(1, last.day + 1):
        day = first.replace(day=number)
        entries = []
        for kind in days.needed_shifts(day):
            shift = shifts.get((day, kind))
            entries.append({"kind": kind, "label": ShiftKind(kind).label, "shift": shift,
                            "gap": (shift is None or not shift.is_covered) and day >= today})
        cells.append({"date": day, "wareki": to_wareki(day), "holiday": days.holiday_name(day),
                      "weekend": days.is_weekend(day), "today": day == today, "past": day < today,
                      "entries": entries, "has_gap": any(e["gap"] for e in entries)})
    weeks, week = [], [None] * first.weekday()
    for cell in cells:
        week.append(cell)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return {"month": first, "month_label": to_wareki(first).rsplit("月", 1)[0] + "月", "weeks": weeks, "days": cells,
            "previous": previous.strftime("%Y-%m"), "next": following.strftime("%Y-%m"),
            "gap_count": sum(1 for c in cells for e in c["entries"] if e["gap"])}
