"""Reads of §3, the prefecture's and 保健所's workspace: the municipalities' statuses of a fiscal year, their
progress across years, the choropleth of items implemented, a municipality's profile, the resource map's layers
and what the prefecture has provided.

Every sheet is read through `policy.scope(membership, "region.view_implementation", …)`; indicator values through
`policy.scope(membership, "indicators.view", …)`. Counts of municipalities are never masked; counts of people are
masked for viewers outside the municipality (core.small_numbers).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from renkei.core import policy, small_numbers
from renkei.core.models import Municipality, Organization, ProgramItem
from renkei.indicators.choropleth import CLASS_COLORS, NO_DATA_COLOR

from ..models import HealthCenterArea, Implementation, ItemImplementation, ItemStatus
from ..policy.common import is_health_center, own_municipality_ids
from .population import AGED_75_CODE, POPULATION_CODE, area_key, band_of, populations

ITEMS = [item.value for item in ProgramItem]  # "a".."h": (ア)–(ク)
MISSING = "missing"  # no sheet for the year
UNCONFIRMED = "unconfirmed"  # a sheet not yet confirmed by the municipality: its answers do not count


def current_fiscal_year(today=None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def item_labels() -> list[tuple[str, str]]:
    return [(item.value, str(item.label)) for item in ProgramItem]


# --- whose municipalities -------------------------------------------------------------------------------------

def health_center_area_of(membership) -> HealthCenterArea | None:
    """The 保健所's jurisdiction, for a member of a 保健所 (None for anyone else or when none is set)."""
    if not is_health_center(membership):
        return None
    return (HealthCenterArea.objects.filter(health_center=membership.organization)
            .prefetch_related("municipalities").first())


def workspace_municipalities(membership, *, whole_prefecture: bool = False) -> list[Municipality]:
    """The prefecture's municipalities (wards are counted in their city), or a 保健所's jurisdiction."""
    area = None if whole_prefecture else health_center_area_of(membership)
    prefecture_id = membership.organization.prefecture_id
    queryset = Municipality.objects.filter(prefecture_id=prefecture_id, abolished_on__isnull=True,
                                           parent__isnull=True)
    if area is not None:
        queryset = queryset.filter(pk__in=[m.pk for m in area.municipalities.all()])
    return list(queryset.select_related("prefecture").order_by("code"))


def is_outside(membership, municipality: Municipality) -> bool:
    """Whether the viewer is outside the municipality (prefecture and 保健所 staff always are)."""
    return municipality.pk not in own_municipality_ids(membership)


# --- the statuses of a fiscal year ----------------------------------------------------------------------------

@dataclass
class StatusRow:
    municipality: Municipality
    state: str  # "confirmed", UNCONFIRMED or MISSING
    statuses: dict[str, str] = field(default_factory=dict)  # item → ItemStatus value (confirmed sheets only)

    @property
    def implemented(self) -> int | None:
        if self.state != "confirmed":
            return None
        return sum(1 for s in self.statuses.values() if s == ItemStatus.IMPLEMENTED)

    @property
    def has_started(self) -> bool:
        return bool(self.implemented)

    @property
    def cells(self) -> list[str]:
        return [self.statuses.get(item, "") for item in ITEMS]


def _sheets(membership, municipalities, fiscal_years=None):
    queryset = Implementation.objects.filter(municipality__in=[m.pk for m in municipalities])
    if fiscal_years is not None:
        queryset = queryset.filter(fiscal_year__in=list(fiscal_years))
    return (policy.scope(membership, "region.view_implementation", queryset)
            .prefetch_related(Prefetch("items", queryset=ItemImplementation.objects.only(
                "implementation_id", "item", "status"))))


def status_rows(membership, municipalities: list[Municipality], fiscal_year: int) -> list[StatusRow]:
    """One row per municipality: the confirmed sheet's eight statuses, or the sheet marked unconfirmed or
    missing; the municipalities that have not started any item first."""
    sheets = {s.municipality_id: s for s in _sheets(membership, municipalities, [fiscal_year])}
    rows = []
    for municipality in municipalities:
        sheet = sheets.get(municipality.pk)
        if sheet is None:
            rows.append(StatusRow(municipality, MISSING))
        elif not sheet.is_confirmed:
            rows.append(StatusRow(municipality, UNCONFIRMED))
        else:
            rows.append(StatusRow(municipality, "confirmed", {i.item: i.status for i in sheet.items.all()}))
    rows.sort(key=lambda r: (r.has_started, r.municipality.code))
    return rows


def fiscal_years(membership, municipalities) -> list[int]:
    """The years with any sheet the viewer may read, and the current one; newest first."""
    years = set(policy.scope(membership, "region.view_implementation", Implementation.objects.filter(
        municipality__in=[m.pk for m in municipalities])).values_list("fiscal_year", flat=True).distinct())
    years.add(current_fiscal_year())
    return sorted(years, reverse=True)


def default_fiscal_year(membership, municipalities) -> int:
    """The latest year with a confirmed sheet, else the current fiscal year."""
    year = (policy.scope(membership, "region.view_implementation", Implementation.objects.filter(
        municipality__in=[m.pk for m in municipalities], confirmed_at__isnull=False))
        .order_by("-fiscal_year").values_list("fiscal_year", flat=True).first())
    return year or current_fiscal_year()


# --- progress across fiscal years -----------------------------------------------------------------------------

def progress(membership, municipalities: list[Municipality]) -> dict:
    """Per fiscal year and item: the municipalities implementing it among those with a confirmed sheet (counts
    of municipalities: never masked). The chart's data (json_script)."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ITEMS, 0))
    confirmed: dict[int, int] = defaultdict(int)
    for sheet in _sheets(membership, municipalities):
        if not sheet.is_confirmed:
            continue
        confirmed[sheet.fiscal_year] += 1
        for answer in sheet.items.all():
            if answer.status == ItemStatus.IMPLEMENTED:
                counts[sheet.fiscal_year][answer.item] += 1
    years = sorted(confirmed)
    return {
        "years": years,
        "confirmed": [confirmed[y] for y in years],
        "municipalities": len(municipalities),
        "items": [{"item": item, "label": label,
                   "implemented": [counts[y][item] for y in years],
                   "share": [round(100 * counts[y][item] / confirmed[y], 1) for y in years]}
                  for item, label in item_labels()],
    }


# --- the choropleth of items implemented ----------------------------------------------------------------------

# Fixed classes of the number of items implemented (0–8): the same colours year after year.
PROGRESS_CLASSES = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 8)]


def progress_class(implemented: int | None) -> int | None:
    if implemented is None:
        return None
    for index, (low, high) in enumerate(PROGRESS_CLASSES):
        if low <= implemented <= high:
            return index
    return None


def progress_color(implemented: int | None) -> str:
    index = progress_class(implemented)
    return NO_DATA_COLOR if index is None else CLASS_COLORS[index]


def legend() -> list[dict]:
    return [{"index": i, "low": low, "high": high, "color": CLASS_COLORS[i]}
            for i, (low, high) in enumerate(PROGRESS_CLASSES)]


def area_shapes(municipalities) -> dict[int, object]:
    """{municipality id: outline} of the outlines the directory has loaded."""
    from renkei.directory.selectors.maps import area_shapes_for

    return {s.municipality_id: s for s in area_shapes_for(municipalities=municipalities)
            if s.daily_living_area_id is None}


def progress_features(rows: list[StatusRow], shapes: dict[int, object]) -> list[dict]:
    """GeoJSON features of the rows' municipalities styled by the number of items implemented."""
    features = []
    for row in rows:
        shape = shapes.get(row.municipality.pk)
        if shape is None:
            continue
        implemented = row.implemented
        text = "—" if implemented is None else f"{implemented} / 8"
        features.append({"type": "Feature", "id": area_key(row.municipality), "geometry": shape.geometry,
                         "properties": {"name": f"{row.municipality.name}: {text}",
                                        "style": {"fillColor": progress_color(implemented), "color": "#4a4a4a",
                                                  "weight": 1, "fillOpacity": 0.75}}})
    return features


# --- a municipality's profile ---------------------------------------------------------------------------------

def status_history(membership, municipality: Municipality) -> list[StatusRow]:
    """The municipality's sheets over the years (newest first), as rows of the status table."""
    rows = []
    for sheet in _sheets(membership, [municipality]).order_by("-fiscal_year"):
        state = "confirmed" if sheet.is_confirmed else UNCONFIRMED
        statuses = {i.item: i.status for i in sheet.items.all()} if sheet.is_confirmed else {}
        row = StatusRow(municipality, state, statuses)
        row.fiscal_year = sheet.fiscal_year
        rows.append(row)
    return rows


@dataclass
class IndicatorRow:
    definition: object
    own: object  # shown value (text) or None
    prefecture: object
    band_median: object
    period_start: object = None


@dataclass
class SceneIndicators:
    scene: str
    label: str
    rows: list[IndicatorRow]


def _shown(definition, value, numerator, *, outside: bool):
    """A value as this viewer may see it: counts of people masked outside the municipality."""
    if value is None:
        return None
    if definition.suppression_threshold and outside:
        count = numerator if (definition.is_rate or numerator is not None) else value
        if count is not None and small_numbers.is_small(count):
            return small_numbers.masked_label()
    return f"{value:,.{definition.decimals}f}"


def municipality_indicators(membership, municipality: Municipality, *, fiscal_year: int) -> list[SceneIndicators]:
    """The built-in library's latest values by scene: the municipality's, its prefecture's and the median of the
    prefecture's municipalities of the same population band."""
    from renkei.core.models import Scene
    from renkei.indicators.dashboards import scoped_values, visible_definitions
    from renkei.indicators.models import IndicatorValue

    definitions = [d for d in visible_definitions(membership) if d.is_builtin and d.scenes]
    peers = list(Municipality.objects.filter(prefecture_id=municipality.prefecture_id, abolished_on__isnull=True,
                                             parent__isnull=True))
    people = populations(peers, fiscal_year)
    own_band = band_of(people.get(municipality.pk))
    band_keys = {area_key(m) for m in peers
                 if own_band is not None and band_of(people.get(m.pk)) == own_band and m.pk != municipality.pk}
    own_key, prefecture_key = area_key(municipality), f"P{municipality.prefecture.code}"
    keys = [own_key, prefecture_key, *band_keys]
    values = scoped_values(membership, IndicatorValue.objects.filter(
        definition__in=definitions, is_current=True, value__isnull=False, area_key__in=keys))
    latest: dict[tuple[int, str], tuple] = {}
    for definition_id, key, start, value, numerator in (values.order_by("definition_id", "area_key", "-period_start")
                                                        .values_list("definition_id", "area_key", "period_start",
                                                                     "value", "numerator")):
        latest.setdefault((definition_id, key), (start, value, numerator))
    outside = is_outside(membership, municipality)
    by_scene: dict[str, list[IndicatorRow]] = defaultdict(list)
    for definition in definitions:
        own = latest.get((definition.pk, own_key))
        prefecture = latest.get((definition.pk, prefecture_key))
        peer_values = [latest[(definition.pk, k)][1] for k in band_keys if (definition.pk, k) in latest]
        median = Decimal(str(statistics.median(peer_values))) if peer_values else None
        if own is None and prefecture is None and median is None:
            continue
        # A median is over municipalities, yet a median of small counts is still a count of people in one of them.
        row = IndicatorRow(
            definition,
            _shown(definition, own[1], own[2], outside=outside) if own else None,
            _shown(definition, prefecture[1], prefecture[2], outside=False) if prefecture else None,
            _shown(definition, median, None, outside=True) if median is not None else None,
            own[0] if own else None)
        for scene in definition.scenes[:1]:
            by_scene[scene].append(row)
    labels = dict(Scene.choices)
    return [SceneIndicators(scene, str(labels.get(scene, scene)), rows) for scene, rows in by_scene.items()]


def population_band_label(municipality: Municipality, fiscal_year: int) -> str:
    band = band_of(populations([municipality], fiscal_year).get(municipality.pk))
    return "" if band is None else str(band.label)


# --- the resource map -----------------------------------------------------------------------------------------

@dataclass
class AgedRow:
    municipality: Municipality
    total: int | None
    aged_75: int | None

    @property
    def share(self) -> float | None:
        if not self.total or self.aged_75 is None:
            return None
        return round(100 * self.aged_75 / self.total, 1)


def aged_rows(municipalities: list[Municipality], fiscal_year: int) -> list[AgedRow]:
    """The share of people aged 75+ per municipality (ZT-BASE-02 / ZT-BASE-01, latest on or before the year);
    population totals are not small counts of people and are shown as they are."""
    total = populations(municipalities, fiscal_year, code=POPULATION_CODE)
    aged = populations(municipalities, fiscal_year, code=AGED_75_CODE)
    return [AgedRow(m, total.get(m.pk), aged.get(m.pk)) for m in municipalities]


AGED_CLASSES = [(0, 12), (12, 15), (15, 18), (18, 21), (21, 100)]  # percent of people aged 75+


def aged_class(share: float | None) -> int | None:
    if share is None:
        return None
    for index, (low, high) in enumerate(AGED_CLASSES):
        if low <= share < high:
            return index
    return len(AGED_CLASSES) - 1


def aged_legend() -> list[dict]:
    return [{"index": i, "low": low, "high": high, "color": CLASS_COLORS[i]} for i, (low, high) in
            enumerate(AGED_CLASSES)]


def aged_features(rows: list[AgedRow], shapes: dict[int, object]) -> list[dict]:
    features = []
    for row in rows:
        shape = shapes.get(row.municipality.pk)
        if shape is None:
            continue
        index = aged_class(row.share)
        text = "—" if row.share is None else f"{row.share}%"
        features.append({"type": "Feature", "id": area_key(row.municipality), "geometry": shape.geometry,
                         "properties": {"name": f"{row.municipality.name}: {text}",
                                        "style": {"fillColor": NO_DATA_COLOR if index is None else
                                                  CLASS_COLORS[index], "color": "#4a4a4a", "weight": 1,
                                                  "fillOpacity": 0.6}}})
    return features


def facility_counts(municipalities: list[Municipality]) -> tuple[list[str], dict[int, dict[str, int]]]:
    """{municipality id: {kind: open facilities}} of the directory (counts of facilities: never masked)."""
    from renkei.directory.selectors.maps import facility_counts_by_kind

    return facility_counts_by_kind(municipalities)


# --- data provision -------------------------------------------------------------------------------------------

PROVIDED_CODES = (POPULATION_CODE, AGED_75_CODE, "ZT-BASE-03", "ZT-BASE-04")


@dataclass
class ProvisionRow:
    municipality: Municipality
    facilities: int = 0  # open facilities held by the prefecture-wide lists (医療情報ネット, 介護サービス情報公表)
    indicator_values: dict[str, object] = field(default_factory=dict)  # code → latest period start


def data_provision(membership, municipalities: list[Municipality]) -> list[ProvisionRow]:
    """What the prefecture has provided per municipality: facilities from its prefecture-wide imports, and
    indicator values recorded by its staff (population by age, deaths by place)."""
    from renkei.directory.selectors.imports import facilities_from_prefecture_wide_lists
    from renkei.indicators.dashboards import scoped_values
    from renkei.indicators.models import IndicatorValue

    ids = [m.pk for m in municipalities]
    facilities = facilities_from_prefecture_wide_lists(ids)
    keys = {area_key(m): m.pk for m in municipalities}
    recorders = Organization.objects.filter(prefecture_id=membership.organization.prefecture_id,
                                            kind__in=[Organization.Kind.PREFECTURE_OFFICE,
                                                      Organization.Kind.PUBLIC_HEALTH_CENTER])
    values = scoped_values(membership, IndicatorValue.objects.filter(
        area_key__in=list(keys), is_current=True, recorded_by__memberships__organization__in=recorders).distinct())
    latest: dict[tuple[int, str], object] = {}
    for key, code, start in values.order_by("-period_start").values_list("area_key", "definition__code",
                                                                        "period_start"):
        latest.setdefault((keys[key], code), start)
    rows = []
    for municipality in municipalities:
        row = ProvisionRow(municipality, facilities.get(municipality.pk, 0))
        row.indicator_values = {code: start for (pk, code), start in latest.items() if pk == municipality.pk}
        rows.append(row)
    return rows


def health_center_areas(membership) -> list[HealthCenterArea | Organization]:
    """The prefecture's 保健所 with their jurisdictions (a 保健所's own staff: theirs only)."""
    centers = Organization.objects.filter(kind=Organization.Kind.PUBLIC_HEALTH_CENTER, is_active=True,
                                          prefecture_id=membership.organization.prefecture_id)
    if is_health_center(membership):
        centers = centers.filter(pk=membership.organization.pk)
    centers = centers.prefetch_related(Prefetch("health_center_area__municipalities",
                                                queryset=Municipality.objects.order_by("code")))
    return list(centers.order_by("name"))
