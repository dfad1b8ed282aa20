"""Counts for the municipality (item 9): how many patients have a team, a consent, an emergency sheet, a backup
doctor; how many died at home and where they wished. Numbers only: no patient row ever leaves this module.

The counts are a small registry so apps built on careteams add theirs (provision: backup-hospital enrolment,
nights without cover, emergency admissions):

    register_count("provision.enrolled", _("with a backup-hospital enrolment"), count_enrolled)

A count function is `function(municipality_ids: list[int], period: Period) -> {municipality_id: int}`: one
aggregate query for all the municipalities asked, read as of the period's last day (today for the current one).
The indicator providers (careteams/indicators.py) call the same functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core import audit, policy
from renkei.core.models import Municipality, Role
from renkei.indicators.models import fiscal_year_of
from renkei.indicators.periods import Period, fiscal_year

from ..models import CareTeamMember, Consent, DeathPlace, DeathRecord, EmergencySheet, Patient, TeamRole

SUPPRESS_BELOW = 5  # counts from 1 to 4 are shown as "<5" where a page may be shown in public
COUNTS_PERMISSION = "careteams.view_counts"

CountFunction = Callable[[list[int], Period], dict[int, int]]


@dataclass(frozen=True)
class CountSpec:
    key: str
    label: str
    function: CountFunction
    order: int


_counts: dict[str, CountSpec] = {}


def register_count(key: str, label, function: CountFunction, order: int = 50) -> None:
    """Add a count to the counts page (and to whatever reads `registered_counts`). Keys are unique."""
    if key in _counts and _counts[key].function is not function:
        raise ValueError(f"count {key!r} registered twice")
    _counts[key] = CountSpec(key, label, function, order)


def registered_counts() -> list[CountSpec]:
    return sorted(_counts.values(), key=lambda c: (c.order, c.key))


def suppressed(value: int | None) -> str:
    """A count as a public page may show it: "<5" for 1–4, the number otherwise ("" for no value)."""
    if value is None:
        return ""
    return f"<{SUPPRESS_BELOW}" if 0 < value < SUPPRESS_BELOW else str(value)


# --- as of when ------------------------------------------------------------------------------------

def as_of(period: Period) -> dt.date:
    return min(period.end, timezone.localdate())


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _patients_alive(ids: list[int], day: dt.date):
    """Patients of the municipalities registered by `day` and still alive after it."""
    return (Patient.objects.filter(municipality_id__in=ids, created_at__lt=_end_of(day))
            .filter(Q(death__isnull=True) | Q(death__died_on__gt=day)))


def municipalities_with_patients(ids: list[int], period: Period) -> set[int]:
    """The municipalities (of `ids`) where some patient was registered by the period's reading day."""
    day = as_of(period)
    return set(Patient.objects.filter(municipality_id__in=ids, created_at__lt=_end_of(day))
               .order_by().values_list("municipality_id", flat=True).distinct())


def _by_municipality(queryset) -> dict[int, int]:
    rows = queryset.order_by().values("municipality_id").annotate(n=Count("pk", distinct=True))
    return {row["municipality_id"]: row["n"] for row in rows}


# --- the careteams counts --------------------------------------------------------------------------

def count_with_team(ids: list[int], period: Period) -> dict[int, int]:
    """Patients with a care team that has a current member."""
    day = as_of(period)
    return _by_municipality(_patients_alive(ids, day).filter(
        care_team__members__started_on__lte=day).filter(
        Q(care_team__members__ended_on__isnull=True) | Q(care_team__members__ended_on__gte=day)))


def count_with_consent(ids: list[int], period: Period) -> dict[int, int]:
    """Patients with a consent given by then and not withdrawn by then."""
    day = as_of(period)
    consents = Consent.objects.filter(consented_on__lte=day).filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=_end_of(day)))
    return _by_municipality(_patients_alive(ids, day).filter(pk__in=consents.values("patient_id")))


def count_with_sheet(ids: list[int], period: Period) -> dict[int, int]:
    """Patients with an emergency sheet written by then."""
    day = as_of(period)
    sheets = EmergencySheet.objects.filter(created_at__lt=_end_of(day))
    return _by_municipality(_patients_alive(ids, day).filter(pk__in=sheets.values("patient_id")))


def count_with_backup_doctor(ids: list[int], period: Period) -> dict[int, int]:
    """Patients whose team has a backup doctor (副主治医) then."""
    day = as_of(period)
    members = CareTeamMember.objects.filter(role=TeamRole.BACKUP_DOCTOR, started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day))
    return _by_municipality(_patients_alive(ids, day).filter(pk__in=members.values("team__patient_id")))


def _deaths(ids: list[int], period: Period):
    return DeathRecord.objects.filter(patient__municipality_id__in=ids, died_on__gte=period.start,
                                      died_on__lte=period.end)


def _deaths_by_municipality(queryset) -> dict[int, int]:
    rows = queryset.order_by().values("patient__municipality_id").annotate(n=Count("pk"))
    return {row["patient__municipality_id"]: row["n"] for row in rows}


def count_deaths(ids: list[int], period: Period) -> dict[int, int]:
    """Deaths recorded in the period."""
    return _deaths_by_municipality(_deaths(ids, period))


def count_deaths_at_home(ids: list[int], period: Period) -> dict[int, int]:
    """Deaths at home in the period."""
    return _deaths_by_municipality(_deaths(ids, period).filter(place=DeathPlace.HOME))


def count_deaths_with_known_wish(ids: list[int], period: Period) -> dict[int, int]:
    """Deaths in the period whose wished place was recorded on the emergency sheet."""
    return _deaths_by_municipality(_deaths(ids, period).exclude(matched_wish=DeathRecord.Matched.UNKNOWN))


def count_deaths_where_wished(ids: list[int], period: Period) -> dict[int, int]:
    """Deaths in the period where the patient wished."""
    return _deaths_by_municipality(_deaths(ids, period).filter(matched_wish=DeathRecord.Matched.YES))


register_count("careteams.with_team", _("patients with a care team"), count_with_team, 10)
register_count("careteams.with_consent", _("patients with a current consent"), count_with_consent, 20)
register_count("careteams.with_sheet", _("patients with an emergency sheet"), count_with_sheet, 30)
register_count("careteams.with_backup_doctor", _("patients with a backup doctor"), count_with_backup_doctor, 40)
register_count("careteams.deaths", _("deaths recorded in the fiscal year"), count_deaths, 60)
register_count("careteams.deaths_at_home", _("deaths at home in the fiscal year"), count_deaths_at_home, 70)
register_count("careteams.deaths_where_wished", _("deaths where they wished in the fiscal year"),
               count_deaths_where_wished, 80)


# --- the page ----------------------------------------------------------------------------------------

def municipalities_for(membership) -> list[Municipality]:
    """Whose counts the viewer sees: their municipality; prefecture staff: each of their prefecture's."""
    organization = membership.organization
    if membership.role == Role.PREFECTURE_STAFF or (organization.municipality_id is None
                                                    and membership.role == Role.SYSTEM_ADMIN):
        return list(Municipality.objects.filter(prefecture_id=organization.prefecture_id).order_by("code"))
    if organization.municipality_id is None:
        return []
    return [organization.municipality]


def fiscal_year_from(text) -> Period:
    """The fiscal year asked for ("2025"), the current one when missing or unreadable."""
    current = fiscal_year_of(timezone.localdate())
    try:
        year = int(str(text))
    except (TypeError, ValueError):
        return fiscal_year(current)
    return fiscal_year(year if 2000 <= year <= current else current)


@dataclass(frozen=True)
class CountsTable:
    period: Period
    columns: list[CountSpec]
    rows: list[dict]  # {"municipality": Municipality, "values": [int], "shown": [str]}
    years: list[int]


def counts_table(membership, *, year=None) -> CountsTable:
    """The counts for the viewer's municipality (prefecture staff: by municipality) in a fiscal year, small
    counts suppressed in `shown`. Asks the policy; the read is logged (no patient named)."""
    policy.require(membership, COUNTS_PERMISSION)
    period = fiscal_year_from(year)
    municipalities = municipalities_for(membership)
    ids = [m.pk for m in municipalities]
    columns = registered_counts()
    results = {spec.key: (spec.function(ids, period) if ids else {}) for spec in columns}
    rows = []
    for municipality in municipalities:
        values = [results[spec.key].get(municipality.pk, 0) for spec in columns]
        rows.append({"municipality": municipality, "values": values, "shown": [suppressed(v) for v in values]})
    audit.record(action="read", permission=COUNTS_PERMISSION, object_type="careteams.counts",
                 owner=municipalities[0] if len(municipalities) == 1 else membership.organization.prefecture,
                 changes={"what": "counts", "fiscal_year": period.fiscal_year, "municipalities": len(ids)})
    current = fiscal_year_of(timezone.localdate())
    return CountsTable(period=period, columns=columns, rows=rows, years=list(range(current, current - 5, -1)))
