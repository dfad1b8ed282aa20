"""The series' indicator providers for the PDCA engine (definitions ZT-C-P04, P05 and P14 in indicators/library.py).

Per municipality (a designated city also gets its wards' training) and fiscal year, up to now: sessions not
cancelled whose start lies in the period and not in the future; attendances (present, registration not
cancelled) at those sessions; and the share of those attendances by doctors, dentists and pharmacists. One
aggregate query per provider.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Q
from django.utils import timezone

from renkei.core.models import Municipality, Profession
from renkei.indicators.areas import Area
from renkei.indicators.periods import Period
from renkei.indicators.registry import Computed, register

from . import registrations
from .models import Attendance, TrainingSession

NOTE = "Renkei の研修の記録"
MEDICAL = (Profession.DOCTOR, Profession.DENTIST, Profession.PHARMACIST)


def _window(period: Period) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, min(end, timezone.now())


def _by_municipality(municipalities: list, rows, names: tuple[str, ...]) -> dict[int, dict[str, int]]:
    """Sum the rows ({"municipality", names…}) per municipality, a ward's also into its designated city."""
    by_id = {m.pk: m for m in municipalities}
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(names, 0))
    for row in rows:
        targets = [row["municipality"]]
        parent = by_id[row["municipality"]].parent_id if row["municipality"] in by_id else None
        if parent in by_id:
            targets.append(parent)
        for target in targets:
            for name in names:
                out[target][name] += row[name] or 0
    return out


def _ids_with_wards(municipalities: list) -> list[int]:
    ids = [m.pk for m in municipalities]
    return ids + list(Municipality.objects.filter(parent_id__in=ids).exclude(pk__in=ids).values_list("pk", flat=True))


def sessions_held(municipalities: list, period: Period) -> list[Computed]:
    """ZT-C-P04: sessions held in the fiscal year (not cancelled, started by now); zero for the others."""
    start, end = _window(period)
    rows = (TrainingSession.objects.filter(series__municipality_id__in=_ids_with_wards(municipalities),
                                           starts_at__gte=start, starts_at__lt=end)
            .exclude(status=TrainingSession.Status.CANCELLED)
            .order_by().values(municipality=F("series__municipality_id")).annotate(n=Count("pk")))
    found = _by_municipality(municipalities, rows, ("n",))
    return [Computed(Area.of_municipality(m), found[m.pk]["n"] if m.pk in found else 0, None, NOTE)
            for m in municipalities]


def _attendances(municipalities: list, period: Period):
    start, end = _window(period)
    return (Attendance.objects.filter(attended=True, registration__cancelled_at__isnull=True,
                                      session__series__municipality_id__in=_ids_with_wards(municipalities),
                                      session__starts_at__gte=start, session__starts_at__lt=end)
            .exclude(session__status=TrainingSession.Status.CANCELLED)
            .order_by().values(municipality=F("session__series__municipality_id"))
            .annotate(n=Count("pk"), medical=Count("pk", filter=Q(registration__profession__in=MEDICAL))))


def attendances(municipalities: list, period: Period) -> list[Computed]:
    """ZT-C-P05: attendances at the sessions held in the fiscal year (a person at two sessions counts twice)."""
    found = _by_municipality(municipalities, _attendances(municipalities, period), ("n", "medical"))
    return [Computed(Area.of_municipality(m), found[m.pk]["n"] if m.pk in found else 0, None, NOTE)
            for m in municipalities]


def medical_profession_share(municipalities: list, period: Period) -> list[Computed]:
    """ZT-C-P14: doctors', dentists' and pharmacists' attendances over all attendances (no value without any)."""
    found = _by_municipality(municipalities, _attendances(municipalities, period), ("n", "medical"))
    by_id = {m.pk: m for m in municipalities}
    return [Computed(Area.of_municipality(by_id[pk]), row["medical"], row["n"], NOTE)
            for pk, row in found.items() if pk in by_id and row["n"]]


PROVIDERS = {"training.sessions_held": sessions_held, "training.attendances": attendances,
             "training.medical_profession_share": medical_profession_share}


@registrations.on_ready
def register_series_indicator_providers() -> None:
    for key, provider in PROVIDERS.items():
        register(key, provider)
