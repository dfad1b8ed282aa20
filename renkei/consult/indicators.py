"""The desk's indicator providers for the PDCA engine (definitions ZT-C-P02, P03, P09, ZT-D-P05, ZT-A-P13, ZT-E-P04,
ZT-T-P03 in `renkei/indicators/library.py`).

Per municipality (a designated city also gets its wards' cases) and period (up to today): one query per provider
call whatever the number of municipalities: the cases' dates, or one count per municipality. Every count is by the
case's municipality, so that a joint project's desk (共同設置) counts each case for the municipality it
records. A municipality with a desk has a count even when it is zero (the desk was open and nobody asked); a
share or a mean needs at least one case to divide by. The definitions match the report screen
(`selectors/reports.py`): received by local date, 30 days counted from the day received.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from renkei.core.models import JointProject, Municipality
from renkei.indicators.areas import Area
from renkei.indicators.periods import Period
from renkei.indicators.registry import Computed, register

from . import registrations
from .models import Case, Desk
from .selectors.reports import WITHIN_DAYS

NOTE = "Renkei の相談支援の記録"

SCENE_KEYS = {
    "consult.cases_daily_care": "daily_care",
    "consult.cases_admission_discharge": "admission_discharge",
    "consult.cases_emergency": "emergency",
    "consult.cases_end_of_life": "end_of_life",
}


def _bounds(period: Period) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    end = min(period.end, timezone.localdate())
    tz = timezone.get_current_timezone()
    return (period.start, end, dt.datetime.combine(period.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def _targets(by_id: dict, municipality_id: int) -> list[int]:
    """The municipality itself and, for a ward, its designated city when it is in the list."""
    targets = [municipality_id] if municipality_id in by_id else []
    parent = by_id[municipality_id].parent_id if municipality_id in by_id else None
    if parent in by_id:
        targets.append(parent)
    return targets


def _received_counts(municipalities: list, period: Period, **filters) -> list[Computed]:
    """Cases received in the period per municipality with a desk, its own or a joint project's (zero when
    nobody asked): counted by the case's municipality (a joint desk's case counts for the municipality it
    records, not the desk's). One query over the municipalities."""
    by_id = {m.pk: m for m in municipalities}
    if period.start > timezone.localdate():
        return []
    _, _, first, after = _bounds(period)
    cases = (Case.objects.filter(municipality=OuterRef("pk"), received_at__gte=first, received_at__lt=after,
                                 **filters).order_by().values("municipality").annotate(n=Count("pk")).values("n"))
    joint_desks = Desk.objects.filter(joint_project__isnull=False).values("joint_project_id")
    rows = (Municipality.objects.filter(pk__in=list(by_id))
            .annotate(n=Coalesce(Subquery(cases), 0),
                      has_desk=Exists(Desk.objects.filter(municipality=OuterRef("pk"))),
                      has_joint_desk=Exists(JointProject.municipalities.through.objects.filter(
                          municipality_id=OuterRef("pk"), jointproject_id__in=joint_desks)))
            .filter(Q(has_desk=True) | Q(has_joint_desk=True) | Q(n__gt=0)).order_by().values_list("pk", "n"))
    totals: dict[int, int] = {}
    for municipality_id, n in rows:
        for target in _targets(by_id, municipality_id):
            totals[target] = totals.get(target, 0) + n
    return [Computed(Area.of_municipality(by_id[pk]), n, None, NOTE) for pk, n in totals.items()]


def cases_received(municipalities: list, period: Period) -> list[Computed]:
    """ZT-C-P02: cases received in the period (monthly definition; any period works)."""
    return _received_counts(municipalities, period)


def _scene_provider(key: str):
    scene = SCENE_KEYS[key]

    def provide(municipalities: list, period: Period) -> list[Computed]:
        return _received_counts(municipalities, period, scene=scene)

    provide.__name__ = key.replace(".", "_")
    return provide


def closed_within_30_days_share(municipalities: list, period: Period) -> list[Computed]:
    """ZT-C-P03: of the period's cases that are closed or were received at least 30 days ago, those closed within
    30 days of receipt (an open case younger than 30 days is in neither count)."""
    by_id = {m.pk: m for m in municipalities}
    _, _, first, after = _bounds(period)
    today = timezone.localdate()
    figures: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = (Case.objects.filter(municipality_id__in=list(by_id), received_at__gte=first, received_at__lt=after)
            .order_by().values_list("municipality_id", "received_at", "closed_on"))
    for municipality_id, received_at, closed_on in rows:
        received_on = timezone.localdate(received_at)
        if closed_on is None and (today - received_on).days < WITHIN_DAYS:
            continue
        within = closed_on is not None and (closed_on - received_on).days <= WITHIN_DAYS
        for target in _targets(by_id, municipality_id):
            figures[target][0] += within
            figures[target][1] += 1
    return [Computed(Area.of_municipality(by_id[pk]), within, judged, NOTE)
            for pk, (within, judged) in figures.items() if judged]


def mean_days_to_close(municipalities: list, period: Period) -> list[Computed]:
    """ZT-C-P09: the sum of days from receipt to closing over the cases closed in the period, and their number."""
    by_id = {m.pk: m for m in municipalities}
    start, end, _, _ = _bounds(period)
    figures: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = (Case.objects.filter(municipality_id__in=list(by_id), closed_on__gte=start, closed_on__lte=end)
            .order_by().values_list("municipality_id", "received_at", "closed_on"))
    for municipality_id, received_at, closed_on in rows:
        days = max(0, (closed_on - timezone.localdate(received_at)).days)
        for target in _targets(by_id, municipality_id):
            figures[target][0] += days
            figures[target][1] += 1
    return [Computed(Area.of_municipality(by_id[pk]), total, closed, NOTE)
            for pk, (total, closed) in figures.items() if closed]


PROVIDERS = {
    "consult.cases_received": cases_received,
    "consult.closed_within_30_days_share": closed_within_30_days_share,
    "consult.mean_days_to_close": mean_days_to_close,
    **{key: _scene_provider(key) for key in SCENE_KEYS},
}


@registrations.on_ready
def register_indicator_providers() -> None:
    for key, provider in PROVIDERS.items():
        register(key, provider)
