"""Reads for maps and the resident portal: area outlines, facilities with their details, data vintage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q
from django.shortcuts import get_object_or_404

from renkei.core.models import Municipality

from ..models import AreaShape, CollaborationAttribute, CollaborationDetail, Facility, ImportRun, OpeningHours

# What residents most often look for ("what do you need"), in this order. Public attributes only.
RESIDENT_NEEDS = ("scheduled_home_visit", "urgent_home_visit", "home_end_of_life_care", "round_the_clock",
                  "home_dental_visit", "home_pharmacy_visit", "dementia_care", "accepting_new_clients")


def _details_prefetch() -> Prefetch:
    return Prefetch("collaboration_details",
                    queryset=CollaborationDetail.objects.select_related("attribute__category"))


def area_outlines(municipality: Municipality) -> list[AreaShape]:
    """The daily living area outlines of a municipality (and its own outline, if loaded), areas first."""
    shapes = AreaShape.objects.filter(municipality=municipality).select_related("daily_living_area", "municipality")
    return sorted(shapes, key=lambda s: (s.daily_living_area is None,
                                         s.daily_living_area.sort_order if s.daily_living_area else 0, s.pk))


def municipality_by_code_or_404(code: str) -> Municipality:
    """A municipality by its 6-digit local government code or its 5-digit JIS code; 404 otherwise."""
    field = "jis_code" if len(code) == 5 else "code"
    return get_object_or_404(Municipality.objects.select_related("prefecture"), **{field: code})


def portal_municipalities() -> list[Municipality]:
    """Municipalities with at least one open facility, with `facility_count`, by code."""
    return list(Municipality.objects.select_related("prefecture")
                .annotate(facility_count=Count("facilities", filter=Q(facilities__status=Facility.Status.OPEN)))
                .filter(facility_count__gt=0).order_by("code"))


def portal_facility(municipality: Municipality, facility_id: int) -> Facility:
    """One facility of the municipality for its public page (404 when it is not there)."""
    hours = Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
    queryset = (Facility.objects.filter(municipality=municipality).select_related("municipality", "daily_living_area")
                .prefetch_related(_details_prefetch(), hours))
    return get_object_or_404(queryset, pk=facility_id)


def resident_need_attributes() -> list[CollaborationAttribute]:
    """The public yes/no attributes residents can filter on, in RESIDENT_NEEDS order."""
    found = {a.code: a for a in CollaborationAttribute.objects.filter(
        code__in=RESIDENT_NEEDS, is_active=True, visibility=CollaborationAttribute.Visibility.PUBLIC,
        value_type=CollaborationAttribute.ValueType.YES_NO)}
    return [found[code] for code in RESIDENT_NEEDS if code in found]


def staff_filter_attributes() -> list[CollaborationAttribute]:
    """Every active yes/no attribute of the shared taxonomy (staff and professionals filter on all of them)."""
    return list(CollaborationAttribute.objects.filter(
        is_active=True, value_type=CollaborationAttribute.ValueType.YES_NO, municipality__isnull=True)
        .select_related("category"))


@dataclass
class DataVintage:
    """How fresh the portal's data is: the last applied import per source, the newest confirmation."""

    imports: list[tuple[str, dt.datetime]]
    last_confirmed_on: dt.date | None
    facility_count: int


def data_vintage(municipality: Municipality | None = None) -> DataVintage:
    """Last applied import of each source (national sources, or this municipality's) and newest confirmation."""
    runs = ImportRun.objects.filter(outcome=ImportRun.Outcome.APPLIED)
    if municipality is not None:
        runs = runs.filter(Q(municipality__isnull=True) | Q(municipality=municipality))
    labels = dict(ImportRun.Source.choices)
    imports = [(labels.get(row["source"], row["source"]), row["last"])
               for row in runs.values("source").annotate(last=Max("finished_at")).order_by("source")
               if row["last"] is not None]
    facilities = Facility.objects.filter(status=Facility.Status.OPEN)
    details = CollaborationDetail.objects.filter(attribute__visibility=CollaborationAttribute.Visibility.PUBLIC)
    if municipality is not None:
        facilities = facilities.filter(municipality=municipality)
        details = details.filter(facility__municipality=municipality)
    return DataVintage(imports=imports, last_confirmed_on=details.aggregate(last=Max("confirmed_on"))["last"],
                       facility_count=facilities.count())


def area_shapes_for(*, municipalities=None, daily_living_areas=None) -> list[AreaShape]:
    """Outlines for other apps' maps (the indicators' choropleth): the whole-municipality outlines of
    `municipalities`, or the outlines of `daily_living_areas`."""
    if daily_living_areas is not None:
        return list(AreaShape.objects.filter(daily_living_area__in=daily_living_areas))
    return list(AreaShape.objects.filter(municipality__in=municipalities or [], daily_living_area__isnull=True))


def place_of_address(*, address: str = "", postal_code: str = ""):
    """(municipality, daily living area) of an address, as the directory places facilities: the postal code's
    or the address's municipality (gazetteer), then the daily living area whose outline holds the address's
    estimated point. (None, None) when nothing matches; the area is None when it cannot be told."""
    from shapely.geometry import Point, shape

    from renkei.core.text import normalize_width

    from ..gazetteer import POSTAL_CODE, _municipalities_named, postal_entry, resolve_near

    address = normalize_width(address or "").strip().replace(" ", "").replace("\u3000", "")[:200]
    postal = POSTAL_CODE.match(normalize_width(postal_code or "").strip())
    municipality = None
    if address:
        named = _municipalities_named(address)
        municipality = named[0][0] if named else None
    if municipality is None and postal:
        entry = postal_entry(postal.group(1) + postal.group(2))
        jis = (getattr(entry, "jisx0402", None) or getattr(entry, "jis", "")) if entry else ""
        municipality = Municipality.objects.filter(jis_code=jis).first() if jis else None
    if municipality is None:
        return None, None
    place = resolve_near(address, municipality=municipality) if address else None
    if place is None or place.quality != Facility.CoordinateQuality.TOWN:
        return municipality, None  # only the municipality is known: an area guessed from its centre would mislead
    point = Point(place.lon, place.lat)
    for area_shape in (AreaShape.objects.filter(municipality=municipality, daily_living_area__isnull=False,
                                                min_lat__lte=place.lat, max_lat__gte=place.lat,
                                                min_lon__lte=place.lon, max_lon__gte=place.lon)
                       .select_related("daily_living_area")):
        if shape(area_shape.geometry).contains(point):
            return municipality, area_shape.daily_living_area
    return municipality, None


def facility_counts_by_kind(municipalities) -> tuple[list[str], dict[int, dict[str, int]]]:
    """For the prefecture's resource map: (kinds present, {municipality id: {kind: open facilities}}), one query."""
    rows = (Facility.objects.filter(municipality__in=municipalities, status=Facility.Status.OPEN)
            .values_list("municipality_id", "kind").annotate(n=Count("pk")).order_by())
    counts: dict[int, dict[str, int]] = {}
    kinds: set[str] = set()
    for municipality_id, kind, n in rows:
        counts.setdefault(municipality_id, {})[kind] = n
        kinds.add(kind)
    return sorted(kinds), counts


def prefecture_map_facilities(prefecture_id: int, *, kinds=None, limit: int = 5000) -> list[Facility]:
    """Open facilities of a prefecture with a position, for the prefecture-wide resource map (no details)."""
    queryset = Facility.objects.filter(prefecture_id=prefecture_id, status=Facility.Status.OPEN,
                                       latitude__isnull=False, longitude__isnull=False)
    if kinds:
        queryset = queryset.filter(kind__in=list(kinds))
    return list(queryset.only("pk", "name", "kind", "service_type", "address", "latitude", "longitude")
                .order_by("kind", "pk")[:limit])
