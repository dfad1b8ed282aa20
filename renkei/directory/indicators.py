"""The directory's indicator providers: structure indicators computed from the resource directory (item ア).

Registered with `renkei.indicators.registry` in `DirectoryConfig.ready()`; the built-in definitions that name
them are in `renkei/indicators/library.py`. Each provider answers for a list of municipalities (all of one
prefecture, or one) and one period in a few aggregate queries, whatever the number of municipalities:

- a facility counts for its municipality and, in a designated city, for the city its ward belongs to;
  per daily living area by the facility's own daily living area;
- "does home visits", "24-hour", "在宅療養支援診療所・病院" are collaboration details answered yes
  (the same attributes the coverage computation reads: taxonomy.HOME_VISIT_ATTRIBUTES…);
- a period is read as of its last day, or today for the current one: facilities open then (a facility
  closed later still counts), details confirmed on or before it. For a past period an area whose facilities
  had no detail confirmed by then has no value (no data, not zero);
- rates per 75+ divide by the imported population aged 75+ (indicator ZT-BASE-02) of the period, or the
  latest imported before it; an area without it has no value.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Max, Q
from django.utils import timezone

from renkei.indicators.areas import Area
from renkei.indicators.library import POPULATION_75_PLUS
from renkei.indicators.models import AreaLevel
from renkei.indicators.periods import Period
from renkei.indicators.registry import Computed, register
from renkei.indicators.selectors.values import latest_builtin_values

from .models import CollaborationDetail, CoverageRun, Facility, FacilityKind
from .taxonomy import HOME_VISIT_ATTRIBUTES, ROUND_THE_CLOCK_ATTRIBUTE, VISITING_NURSING_SERVICE_TYPE

MEDICAL_KINDS = (FacilityKind.CLINIC, FacilityKind.HOSPITAL)
NURSING_STATIONS = (Q(facility__kind=FacilityKind.VISITING_NURSING_STATION)
                    | Q(facility__kind=FacilityKind.CARE_SERVICE, facility__service_type=VISITING_NURSING_SERVICE_TYPE))
CONFIRMED_WITHIN_DAYS = 365
COVERAGE_RADIUS_KM = 16.0


# --- the areas a facility counts for ---------------------------------------------------------------

class Scope:
    """The municipalities asked for, their daily living areas, and which area keys a facility's row feeds."""

    def __init__(self, municipalities: list, period: Period):
        self.municipalities = {m.pk: m for m in municipalities}
        self.period = period
        today = timezone.localdate()
        self.as_of = min(period.end, today)
        self.is_past = period.end < today
        self._areas = None
        self._keys = None

    def facility_filter(self, prefix: str = "facility__") -> Q:
        ids = list(self.municipalities)
        return Q(**{f"{prefix}municipality_id__in": ids}) | Q(**{f"{prefix}municipality__parent_id__in": ids})

    def open_at_as_of(self, prefix: str = "facility__") -> Q:
        """Open on the day the period is read at (a facility closed after it still counted then)."""
        return Q(**{f"{prefix}status": Facility.Status.OPEN}) | Q(**{f"{prefix}closed_on__gt": self.as_of})

    @property
    def daily_living_areas(self) -> dict:
        if self._areas is None:
            from renkei.core.models import DailyLivingArea

            areas = DailyLivingArea.objects.filter(municipality_id__in=list(self.municipalities))
            self._areas = {a.pk: a for a in areas}
        return self._areas

    def keys_of(self, municipality_id: int, parent_id: int | None, area_id: int | None) -> list[str]:
        """Area keys a facility row counts for: its municipality, the designated city above it, its area."""
        if self._keys is None:
            self._keys = {m.pk: f"M{m.code}" for m in self.municipalities.values()}
            self._keys.update({-pk: f"D{pk}" for pk in self.daily_living_areas})
        keys = self._keys
        found = [keys[m] for m in (municipality_id, parent_id) if m in keys]
        if area_id and -area_id in keys:
            found.append(keys[-area_id])
        return found

    def areas(self, *, with_daily_living_areas: bool = True) -> dict[str, Area]:
        out = {f"M{m.code}": Area.of_municipality(m) for m in self.municipalities.values()}
        if with_daily_living_areas:
            for area in self.daily_living_areas.values():
                municipality = self.municipalities[area.municipality_id]
                out[f"D{area.pk}"] = Area(AreaLevel.DAILY_LIVING_AREA, prefecture=municipality.prefecture,
                                          municipality=municipality, daily_living_area=area)
        return out

    def keys_with_data(self) -> set[str] | None:
        """For a past period: the areas whose facilities had any detail confirmed by then (None: all areas)."""
        if not self.is_past:
            return None
        rows = (CollaborationDetail.objects.filter(self.facility_filter(), confirmed_on__lte=self.as_of)
                .values_list("facility__municipality_id", "facility__municipality__parent_id",
                             "facility__daily_living_area_id").order_by().distinct())
        return {key for row in rows for key in self.keys_of(*row)}


def _facilities_answering_yes(scope: Scope, attributes: Iterable[str], kinds: Q) -> dict[str, set[int]]:
    """{area key: ids of facilities of `kinds` answering yes to any of `attributes`} (one query).

    The attributes are yes/no questions: a yes is the JSON value true, compared in the database (reading every
    answer to decode it in Python cost more than the rest of the computation)."""
    rows = (CollaborationDetail.objects
            .filter(scope.facility_filter(), scope.open_at_as_of(), kinds, attribute__code__in=list(attributes),
                    confirmed_on__lte=scope.as_of, value=True)
            .values_list("facility_id", "facility__municipality_id", "facility__municipality__parent_id",
                         "facility__daily_living_area_id").order_by())
    found: dict[str, set[int]] = defaultdict(set)
    for facility_id, municipality_id, parent_id, area_id in rows:
        for key in scope.keys_of(municipality_id, parent_id, area_id):
            found[key].add(facility_id)
    return found


def _counts(scope: Scope, counted: dict[str, set[int]], note: str) -> list[Computed]:
    with_data = scope.keys_with_data()
    return [Computed(area, len(counted.get(key, ())), None, note)
            for key, area in scope.areas().items() if with_data is None or key in with_data]


def _per_population(scope: Scope, counted: dict[str, set[int]], note: str) -> list[Computed]:
    areas = scope.areas()
    population = latest_builtin_values(code=POPULATION_75_PLUS, area_keys=areas, on_or_before=scope.period.start)
    with_data = scope.keys_with_data()
    out = []
    for key, area in areas.items():
        if key not in population or (with_data is not None and key not in with_data):
            continue
        value, start = population[key]
        year_note = "" if start == scope.period.start else f"; 75歳以上人口は {Period(start, scope.period.type).key}"
        out.append(Computed(area, len(counted.get(key, ())), value, note + year_note))
    return out


def _as_of_note(scope: Scope) -> str:
    return f"資源リスト {scope.as_of.isoformat()} 時点"


# --- the providers --------------------------------------------------------------------------------

def facilities_per_75_plus(attributes: tuple[str, ...]):
    """A provider: open clinics and hospitals answering yes to any of `attributes`, per 100,000 aged 75+."""

    def provide(municipalities: list, period: Period) -> list[Computed]:
        scope = Scope(municipalities, period)
        counted = _facilities_answering_yes(scope, attributes, Q(facility__kind__in=MEDICAL_KINDS))
        return _per_population(scope, counted, _as_of_note(scope))

    return provide


def facilities_answering_yes(attributes: tuple[str, ...], kinds: tuple[str, ...]):
    """A provider: the number of open facilities of `kinds` answering yes to any of `attributes`."""

    def provide(municipalities: list, period: Period) -> list[Computed]:
        scope = Scope(municipalities, period)
        counted = _facilities_answering_yes(scope, attributes, Q(facility__kind__in=kinds))
        return _counts(scope, counted, _as_of_note(scope))

    return provide


def round_the_clock_nursing_share(municipalities: list, period: Period) -> list[Computed]:
    """Visiting nursing stations (and 訪問看護 care offices) answering yes to 24時間対応, over all open ones."""
    scope = Scope(municipalities, period)
    stations: dict[str, set[int]] = defaultdict(set)
    rows = (Facility.objects.filter(scope.facility_filter(""), scope.open_at_as_of(""))
            .filter(Q(kind=FacilityKind.VISITING_NURSING_STATION)
                    | Q(kind=FacilityKind.CARE_SERVICE, service_type=VISITING_NURSING_SERVICE_TYPE))
            .values_list("pk", "municipality_id", "municipality__parent_id", "daily_living_area_id").order_by())
    for pk, municipality_id, parent_id, area_id in rows:
        for key in scope.keys_of(municipality_id, parent_id, area_id):
            stations[key].add(pk)
    counted = _facilities_answering_yes(scope, (ROUND_THE_CLOCK_ATTRIBUTE,), NURSING_STATIONS)
    with_data = scope.keys_with_data()
    note = _as_of_note(scope)
    return [Computed(area, len(counted.get(key, ())), len(stations[key]), note)
            for key, area in scope.areas().items()
            if stations.get(key) and (with_data is None or key in with_data)]


def details_confirmed_recently(municipalities: list, period: Period) -> list[Computed]:
    """Collaboration details of open facilities confirmed within 12 months of the period's reading day."""
    scope = Scope(municipalities, period)
    since = scope.as_of - dt.timedelta(days=CONFIRMED_WITHIN_DAYS)
    rows = (CollaborationDetail.objects
            .filter(scope.facility_filter(), scope.open_at_as_of(), confirmed_on__lte=scope.as_of,
                    attribute__is_active=True)
            .values_list("facility__municipality_id", "facility__municipality__parent_id",
                         "facility__daily_living_area_id")
            .annotate(total=Count("pk"), recent=Count("pk", filter=Q(confirmed_on__gt=since)))
            .order_by())
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for municipality_id, parent_id, area_id, total, recent in rows:
        for key in scope.keys_of(municipality_id, parent_id, area_id):
            totals[key][0] += recent
            totals[key][1] += total
    note = f"{_as_of_note(scope)}（{since.isoformat()} より後の確認）"
    return [Computed(area, totals[key][0], totals[key][1], note)
            for key, area in scope.areas().items() if totals.get(key, (0, 0))[1]]


def population_beyond_reach(kind: str):
    """A provider: the population share of the mesh cells beyond 16 km of the nearest provider of `kind`
    ("home_visit" or "nursing_24h"), from the latest finished coverage run of each municipality (else the
    municipality's row in its prefecture's latest run) finished by the period's reading day."""
    uncovered = f"population_uncovered_{kind}"

    def provide(municipalities: list, period: Period) -> list[Computed]:
        scope = Scope(municipalities, period)
        ids = list(scope.municipalities)
        prefecture_ids = {m.prefecture_id for m in municipalities}
        finished_by = dt.datetime.combine(scope.as_of + dt.timedelta(days=1), dt.time.min,
                                          tzinfo=timezone.get_current_timezone())
        done = CoverageRun.objects.filter(status=CoverageRun.Status.DONE, radius_km=COVERAGE_RADIUS_KM,
                                          daily_living_area__isnull=True, finished_at__lt=finished_by)
        latest = (done.filter(Q(municipality_id__in=ids, prefecture__isnull=True)
                              | Q(prefecture_id__in=prefecture_ids, municipality__isnull=True))
                  .order_by().values("municipality_id", "prefecture_id").annotate(last=Max("pk"))
                  .values_list("last", flat=True))
        runs = list(CoverageRun.objects.filter(pk__in=list(latest)).only(
            "pk", "municipality_id", "prefecture_id", "summary", "finished_at"))
        areas = scope.areas()
        figures: dict[str, tuple[dict, str]] = {}
        for run in sorted(runs, key=lambda r: r.municipality_id is not None):  # municipal runs win
            note = f"カバー範囲の計算 {timezone.localtime(run.finished_at):%Y-%m-%d}"
            summary = run.summary or {}
            if not summary.get("has_population"):
                continue
            if run.municipality_id:
                municipality = scope.municipalities[run.municipality_id]
                figures[f"M{municipality.code}"] = (summary, note)
                for row in summary.get("by_area") or []:
                    if row.get("area_id") in scope.daily_living_areas:
                        figures[f"D{row['area_id']}"] = (row, note)
            else:
                for row in summary.get("by_area") or []:
                    municipality = scope.municipalities.get(row.get("municipality_id"))
                    if municipality is not None:
                        figures[f"M{municipality.code}"] = (row, note)
        out = []
        for key, (row, note) in figures.items():
            if key in areas and row.get("population") and row.get(uncovered) is not None:
                out.append(Computed(areas[key], row[uncovered], row["population"], note))
        return out

    return provide


PROVIDERS = {
    "directory.home_visit_clinics_per_100k_75plus": facilities_per_75_plus(HOME_VISIT_ATTRIBUTES),
    "directory.urgent_visit_clinics_per_100k_75plus": facilities_per_75_plus(("urgent_home_visit",)),
    "directory.home_care_support_clinics": facilities_answering_yes(("home_care_support_certified",), MEDICAL_KINDS),
    "directory.home_dental_clinics": facilities_answering_yes(("home_dental_visit",), (FacilityKind.DENTAL_CLINIC,)),
    "directory.home_visit_pharmacies": facilities_answering_yes(("home_pharmacy_visit",), (FacilityKind.PHARMACY,)),
    "directory.end_of_life_care_clinics": facilities_answering_yes(("home_end_of_life_care",), MEDICAL_KINDS),
    "directory.round_the_clock_nursing_share": round_the_clock_nursing_share,
    "directory.population_beyond_home_visit_reach": population_beyond_reach("home_visit"),
    "directory.population_beyond_nursing_reach": population_beyond_reach("nursing_24h"),
    "directory.details_confirmed_within_12_months": details_confirmed_recently,
}


def register_providers() -> None:
    """Called once from DirectoryConfig.ready()."""
    for key, provider in PROVIDERS.items():
        register(key, provider, reads=(POPULATION_75_PLUS,) if key.endswith("_per_100k_75plus") else ())
