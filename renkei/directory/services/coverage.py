"""Coverage gaps (program item a-7): which mesh cells are out of reach of home visits or 24-hour nursing.

For each JIS X 0410 cell of the area (1 km or 500 m) we measure the great-circle distance from the cell
centre to the nearest open clinic or hospital doing home visits (往診 or 訪問診療 answered yes) and to the
nearest open visiting nursing station answering 24 hours (24時間対応 yes). A cell farther than the radius
(16 km by default: 保険医療機関及び保険医療養担当規則 limits home visits to 16 km) is a gap.
Providers across the municipal border count: a clinic in the next town covers the cell.

Nearest-neighbour search uses scipy's cKDTree on 3-D unit-sphere vectors, so the chord distance it
returns converts exactly to the great-circle distance and the search is O(n log m) for the whole
country (benchmarks/directory_coverage.py).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from scipy.spatial import cKDTree

from renkei.core.models import DailyLivingArea, Municipality, Prefecture

from .. import mesh as jis_mesh
from ..models import AreaShape, CollaborationDetail, CoverageCell, CoverageRun, Facility, FacilityKind, MeshPopulation
from ..taxonomy import HOME_VISIT_ATTRIBUTES, ROUND_THE_CLOCK_ATTRIBUTE, VISITING_NURSING_SERVICE_TYPE

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088
DEFAULT_RADIUS_KM = 16.0
# Padding around the facilities of a municipality when no outline is loaded (the approximate area).
BBOX_PADDING_KM = 3.0
# Without shapes, a box wider than this (about 150 km × 150 km of 1 km cells) means bad positions.
MAX_APPROXIMATE_CELLS = 25_000

METHOD_SHAPES = "shapes"
METHOD_POPULATION = "population cells"
METHOD_BBOX = "approximate bbox"
METHOD_NONE = "nothing to evaluate"

HOME_VISIT_KINDS = (FacilityKind.CLINIC, FacilityKind.HOSPITAL)


# --- geometry helpers ----------------------------------------------------------------------------

def unit_vectors(lats, lons) -> np.ndarray:
    """Points on the unit sphere, (n, 3): chord length between two of them is 2·sin(θ/2)."""
    lat = np.radians(np.asarray(lats, dtype=np.float64))
    lon = np.radians(np.asarray(lons, dtype=np.float64))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def chord_for_km(km: float) -> float:
    return 2.0 * np.sin(min(km / EARTH_RADIUS_KM, np.pi) / 2.0)


def km_for_chord(chord: np.ndarray) -> np.ndarray:
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance (the brute-force baseline and the tests' reference)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(a, dtype=np.float64)) for a in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def nearest_km(provider_lats, provider_lons, cell_lats, cell_lons, *, max_km: float) -> np.ndarray:
    """Distance from each cell to its nearest provider; inf when none lies within `max_km`."""
    n = len(cell_lats)
    if len(provider_lats) == 0 or n == 0:
        return np.full(n, np.inf)
    tree = cKDTree(unit_vectors(provider_lats, provider_lons))
    chord, _ = tree.query(unit_vectors(cell_lats, cell_lons), k=1, distance_upper_bound=chord_for_km(max_km),
                          workers=-1)
    return np.where(np.isfinite(chord), km_for_chord(np.where(np.isfinite(chord), chord, 0.0)), np.inf)


def pad_bbox(bbox: tuple[float, float, float, float], km: float) -> tuple[float, float, float, float]:
    """(min_lat, min_lon, max_lat, max_lon) grown by `km` on every side."""
    min_lat, min_lon, max_lat, max_lon = bbox
    dlat = km / 110.574
    widest = max(abs(min_lat), abs(max_lat)) + dlat
    dlon = km / (111.320 * max(np.cos(np.radians(widest)), 0.01))
    return min_lat - dlat, min_lon - dlon, max_lat + dlat, max_lon + dlon


# --- providers -----------------------------------------------------------------------------------

def _is_yes(value) -> bool:
    return CollaborationDetail.is_yes.fget(SimpleNamespace(value=value))


@dataclass
class Providers:
    home_visit: np.ndarray  # (n, 2) lat, lon
    nursing_24h: np.ndarray


def _provider_positions(details) -> np.ndarray:
    seen: dict[int, tuple[float, float]] = {}
    for facility_id, value, lat, lon in details:
        if facility_id not in seen and _is_yes(value):
            seen[facility_id] = (lat, lon)
    return np.array(list(seen.values()), dtype=np.float64).reshape(-1, 2)


def providers_in_bbox(bbox: tuple[float, float, float, float]) -> Providers:
    """Open home-visit clinics/hospitals and open 24-hour visiting nursing stations inside the box."""
    min_lat, min_lon, max_lat, max_lon = bbox
    in_box = Q(facility__status=Facility.Status.OPEN, facility__latitude__gte=min_lat,
               facility__latitude__lte=max_lat, facility__longitude__gte=min_lon, facility__longitude__lte=max_lon)
    columns = ("facility_id", "value", "facility__latitude", "facility__longitude")
    home = CollaborationDetail.objects.filter(
        in_box, attribute__code__in=HOME_VISIT_ATTRIBUTES, facility__kind__in=HOME_VISIT_KINDS,
    ).values_list(*columns)
    # Visiting nursing: the station itself, or a care service office registered as 訪問看護 (130).
    nursing = CollaborationDetail.objects.filter(
        in_box, Q(facility__kind=FacilityKind.VISITING_NURSING_STATION)
        | Q(facility__kind=FacilityKind.CARE_SERVICE, facility__service_type=VISITING_NURSING_SERVICE_TYPE),
        attribute__code=ROUND_THE_CLOCK_ATTRIBUTE,
    ).values_list(*columns)
    return Providers(_provider_positions(home), _provider_positions(nursing))


# --- the cells of an area ------------------------------------------------------------------------

@dataclass
class AreaCells:
    codes: np.ndarray  # int64 mesh codes
    area_ids: np.ndarray  # int64 daily living area id, 0 when none
    municipality_ids: np.ndarray
    method: str
    areas_approximate: bool = False
    notes: list[str] = field(default_factory=list)

    @classmethod
    def empty(cls, method=METHOD_NONE) -> AreaCells:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z.copy(), z.copy(), method)


def _shape(geometry):
    from shapely.geometry import shape

    return shape(geometry)


def _cells_inside(geometry, level: int) -> np.ndarray:
    """Codes of the cells whose centre lies inside the geometry (a shapely geometry)."""
    import shapely

    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    codes = jis_mesh.cells_in_bbox(min_lat, min_lon, max_lat, max_lon, level)
    if codes.size == 0:
        return codes
    lats, lons = jis_mesh.cell_centres(codes)
    shapely.prepare(geometry)
    return codes[shapely.contains_xy(geometry, lons, lats)]


def _municipality_filter(municipality: Municipality) -> Q:
    # A designated city's facilities are registered on its wards.
    return Q(municipality=municipality) | Q(municipality__parent=municipality)


def _facility_points(municipality: Municipality, area: DailyLivingArea | None):
    qs = Facility.objects.filter(_municipality_filter(municipality), status=Facility.Status.OPEN,
                                 latitude__isnull=False, longitude__isnull=False)
    if area is not None:
        qs = qs.filter(daily_living_area=area)
    rows = list(qs.values_list("latitude", "longitude", "daily_living_area_id"))
    return np.array([(r[0], r[1]) for r in rows], dtype=np.float64).reshape(-1, 2), \
        np.array([r[2] or 0 for r in rows], dtype=np.int64)


def _robust_box(points: np.ndarray) -> tuple[float, float, float, float]:
    """The box around the facilities, ignoring the outer 2 % when there are many (a mis-geocoded entry
    in another prefecture would otherwise stretch the approximate area across Japan)."""
    low, high = (2, 98) if len(points) >= 50 else (0, 100)
    south, west = np.percentile(points, low, axis=0)
    north, east = np.percentile(points, high, axis=0)
    return float(south), float(west), float(north), float(east)


def _population_codes_in_bbox(bbox, level: int) -> np.ndarray:
    """Cells with imported population inside the box (converted from the other edition if needed)."""
    min_lat, min_lon, max_lat, max_lon = bbox
    firsts = {str(c) for c in jis_mesh.cells_in_bbox(min_lat, min_lon, max_lat, max_lon, jis_mesh.FIRST)}
    if not firsts:
        return np.zeros(0, dtype=np.int64)
    prefix = Q()
    for first in firsts:
        prefix |= Q(mesh_code__startswith=first)
    qs = MeshPopulation.objects.annotate(digits=Length("mesh_code")).filter(prefix)

    def load(lvl: int) -> np.ndarray:
        codes = qs.filter(digits=jis_mesh.DIGITS[lvl], population__gt=0).values_list("mesh_code", flat=True)
        return np.array([int(c) for c in codes], dtype=np.int64)

    codes = load(level)
    if codes.size == 0:
        other = jis_mesh.HALF if level == jis_mesh.THIRD else jis_mesh.THIRD
        found = load(other)
        if found.size:
            codes = (np.unique(jis_mesh.parent_codes(found, level)) if level < other
                     else jis_mesh.children_codes(found, level).ravel())
    if codes.size == 0:
        return codes
    lats, lons = jis_mesh.cell_centres(codes)
    inside = (lats >= min_lat) & (lats <= max_lat) & (lons >= min_lon) & (lons <= max_lon)
    return codes[inside]


def cells_in_area_of(municipality: Municipality, codes: np.ndarray) -> np.ndarray | None:
    """Which cells (codes of one level) touch the municipality's area as coverage reads it: its shapes (outline
    or daily living areas), else the box around its facilities padded by BBOX_PADDING_KM. None when neither is
    known. Population rows are shared data: an upload for a municipality may only write cells of its area."""
    import shapely

    south, west, north, east = jis_mesh.cell_bounds(codes)
    shapes = list(AreaShape.objects.filter(municipality=municipality))
    if shapes:
        from shapely.ops import unary_union

        region = unary_union([_shape(s.geometry) for s in shapes])
        shapely.prepare(region)
        return shapely.intersects(region, shapely.box(west, south, east, north))
    points, _areas = _facility_points(municipality, None)
    if len(points) == 0:
        return None
    min_lat, min_lon, max_lat, max_lon = pad_bbox(_robust_box(points), BBOX_PADDING_KM)
    return (north >= min_lat) & (south <= max_lat) & (east >= min_lon) & (west <= max_lon)


def _label_by_nearest_facility(codes: np.ndarray, points: np.ndarray, area_ids: np.ndarray) -> np.ndarray:
    """Without shapes: give each cell the daily living area of the nearest facility that has one."""
    labelled = area_ids > 0
    if codes.size == 0 or not labelled.any():
        return np.zeros(codes.size, dtype=np.int64)
    tree = cKDTree(unit_vectors(points[labelled, 0], points[labelled, 1]))
    lats, lons = jis_mesh.cell_centres(codes)
    _, index = tree.query(unit_vectors(lats, lons), k=1)
    return area_ids[labelled][index]


def municipality_cells(municipality: Municipality, level: int, area: DailyLivingArea | None = None) -> AreaCells:
    """The cells to evaluate for a municipality (or one of its daily living areas), and how they were found.

    1. "shapes": cells whose centre is inside the daily living area shapes or the municipality outline;
    2. "population cells": no shapes loaded: cells with imported population within the box around
       the municipality's facilities (padded by BBOX_PADDING_KM);
    3. "approximate bbox": neither: every cell of that box.
    Without shapes a cell takes the daily living area of its nearest facility (marked approximate).
    """
    shapes = list(AreaShape.objects.filter(municipality=municipality).select_related("daily_living_area"))
    area_shapes = [s for s in shapes if s.daily_living_area_id is not None]
    outline = next((s for s in shapes if s.daily_living_area_id is None), None)
    if area is not None:
        area_shapes = [s for s in area_shapes if s.daily_living_area_id == area.pk]
        outline = None

    if area_shapes or outline:
        from shapely.ops import unary_union

        if outline is not None:
            region = _shape(outline.geometry)
        else:
            region = unary_union([_shape(s.geometry) for s in area_shapes])
        codes = _cells_inside(region, level)
        area_ids = np.zeros(codes.size, dtype=np.int64)
        if codes.size:
            import shapely

            lats, lons = jis_mesh.cell_centres(codes)
            for s in area_shapes:
                geometry = _shape(s.geometry)
                shapely.prepare(geometry)
                inside = shapely.contains_xy(geometry, lons, lats) & (area_ids == 0)
                area_ids[inside] = s.daily_living_area_id
        return AreaCells(codes, area_ids, np.full(codes.size, municipality.pk, dtype=np.int64), METHOD_SHAPES)

    points, point_areas = _facility_points(municipality, area)
    if len(points) == 0:
        return AreaCells.empty()
    bbox = pad_bbox(_robust_box(points), BBOX_PADDING_KM)
    codes = _population_codes_in_bbox(bbox, level)
    method = METHOD_POPULATION
    if codes.size == 0:
        south, west, north, east = bbox
        rough_cells = ((north - south) * 240 * (east - west) * 160) / (4 if level == jis_mesh.THIRD else 1)
        if rough_cells > MAX_APPROXIMATE_CELLS:
            raise ValueError(f"the facilities of {municipality} spread over {rough_cells:,.0f} cells: check their "
                             "positions or load the municipality outline (GeoJSON)")
        codes = jis_mesh.cells_in_bbox(*bbox, level)
        method = METHOD_BBOX
    if area is not None:
        area_ids = np.full(codes.size, area.pk, dtype=np.int64)
    else:
        area_ids = _label_by_nearest_facility(codes, points, point_areas)
    return AreaCells(codes, area_ids, np.full(codes.size, municipality.pk, dtype=np.int64), method,
                     areas_approximate=area is None)


def scope_cells(*, municipality=None, prefecture=None, daily_living_area=None, level: int) -> AreaCells:
    """The cells of a run's scope; a prefecture is the union of its municipalities (first one wins a cell)."""
    if daily_living_area is not None:
        return municipality_cells(daily_living_area.municipality, level, daily_living_area)
    if municipality is not None:
        return municipality_cells(municipality, level)
    parts = [municipality_cells(m, level) for m in
             Municipality.objects.filter(prefecture=prefecture, abolished_on__isnull=True, parent__isnull=True)]
    parts = [p for p in parts if p.codes.size]
    if not parts:
        return AreaCells.empty()
    codes = np.concatenate([p.codes for p in parts])
    codes, first = np.unique(codes, return_index=True)
    methods = sorted({p.method for p in parts})
    return AreaCells(codes, np.concatenate([p.area_ids for p in parts])[first],
                     np.concatenate([p.municipality_ids for p in parts])[first],
                     methods[0] if len(methods) == 1 else ", ".join(methods),
                     areas_approximate=any(p.areas_approximate for p in parts))


# --- population ----------------------------------------------------------------------------------

def population_for(codes: np.ndarray, level: int) -> np.ndarray:
    """Imported population of each cell (NaN when unknown), converting between 1 km and 500 m editions.

    A 1 km figure is shared equally by its four 500 m cells; four 500 m figures add up to their 1 km cell.
    """
    result = np.full(codes.size, np.nan)
    if codes.size == 0 or not MeshPopulation.objects.exists():
        return result
    wanted = jis_mesh.as_strings(codes)
    found = _population_lookup(wanted)
    if found:
        index = {c: i for i, c in enumerate(wanted)}
        for code, population in found.items():
            result[index[code]] = population
        return result
    if level == jis_mesh.HALF:
        parents = jis_mesh.as_strings(jis_mesh.parent_codes(codes, jis_mesh.THIRD))
        found = _population_lookup(sorted(set(parents)))
        for i, parent in enumerate(parents):
            if parent in found:
                result[i] = found[parent] / 4.0
    else:
        children = jis_mesh.children_codes(codes, jis_mesh.HALF)
        found = _population_lookup(jis_mesh.as_strings(children.ravel()))
        for i, row in enumerate(children):
            values = [found[str(int(c))] for c in row if str(int(c)) in found]
            if values:
                result[i] = float(sum(values))
    return result


def _population_lookup(codes: list[str]) -> dict[str, int]:
    """Population of the given codes. Large sets read whole 1st meshes by key range instead of huge INs."""
    found: dict[str, int] = {}
    if len(codes) > 5_000:
        wanted = set(codes)
        ranges = Q()
        for first in sorted({c[:4] for c in codes}):
            ranges |= Q(mesh_code__gte=first, mesh_code__lt=str(int(first) + 1))
        for code, population in MeshPopulation.objects.filter(ranges).values_list("mesh_code", "population"):
            if code in wanted:
                found[code] = population
        return found
    size = min(connection.features.max_query_params or 1_000, 1_000) - 10
    for start in range(0, len(codes), size):
        chunk = codes[start:start + size]
        found.update(MeshPopulation.objects.filter(mesh_code__in=chunk).values_list("mesh_code", "population"))
    return found


# --- the computation -----------------------------------------------------------------------------

@dataclass
class CellResults:
    home_visit_km: np.ndarray
    nursing_24h_km: np.ndarray
    home_visit_gap: np.ndarray
    nursing_24h_gap: np.ndarray


def evaluate_cells(codes: np.ndarray, providers: Providers, *, radius_km: float, search_km: float) -> CellResults:
    """Distances from every cell centre to the nearest provider of each kind, and the gaps."""
    lats, lons = jis_mesh.cell_centres(codes)
    home = nearest_km(providers.home_visit[:, 0], providers.home_visit[:, 1], lats, lons, max_km=search_km)
    nursing = nearest_km(providers.nursing_24h[:, 0], providers.nursing_24h[:, 1], lats, lons, max_km=search_km)
    return CellResults(home, nursing, home > radius_km, nursing > radius_km)


def coverage_compute(*, municipality: Municipality | None = None, prefecture: Prefecture | None = None,
                     daily_living_area: DailyLivingArea | None = None, mesh: str = "1km",
                     radius_km: float = DEFAULT_RADIUS_KM) -> CoverageRun:
    """Compute the coverage gaps of one scope now and return the finished (or failed) run."""
    jis_mesh.level_for(mesh)
    if not 0 < radius_km <= 200:
        raise ValueError("radius_km must be between 0 and 200")
    if daily_living_area is not None:
        municipality = daily_living_area.municipality
    if municipality is None and prefecture is None:
        raise ValueError("a municipality, a daily living area or a prefecture is needed")
    run = CoverageRun.objects.create(
        municipality=municipality if prefecture is None else None, prefecture=prefecture,
        daily_living_area=daily_living_area, mesh=mesh, radius_km=radius_km, status=CoverageRun.Status.RUNNING)
    return coverage_run_execute(run)


def coverage_run_execute(run: CoverageRun) -> CoverageRun:
    """Compute a (pending or running) run; on error mark it failed with the message and return it."""
    started = time.perf_counter()
    CoverageRun.objects.filter(pk=run.pk).update(status=CoverageRun.Status.RUNNING)
    run.status = CoverageRun.Status.RUNNING
    try:
        with transaction.atomic():
            summary = _compute_and_store(run)
            summary["seconds"] = round(time.perf_counter() - started, 3)
            run.summary = summary
            run.status = CoverageRun.Status.DONE
            run.error = ""
            run.finished_at = timezone.now()
            run.save(update_fields=["summary", "status", "error", "finished_at"])
            _drop_cells_of_older_runs(run)
    except Exception as exc:  # the run records any failure; the caller (thread, cron) must not die
        if isinstance(exc, ValueError):  # the data cannot be computed (positions spread over Japan): say why
            logger.error("coverage run %s failed: %s", run.pk, exc)
            logger.debug("coverage run %s failed", run.pk, exc_info=True)
        else:
            logger.exception("coverage run %s failed", run.pk)
        run.status = CoverageRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = timezone.now()
        CoverageRun.objects.filter(pk=run.pk).update(status=run.status, error=run.error,
                                                     finished_at=run.finished_at)
    return run


def _drop_cells_of_older_runs(run: CoverageRun) -> None:
    """Older runs of the same scope keep their summary; their cells would only grow the table."""
    older = CoverageRun.objects.filter(
        municipality=run.municipality_id, prefecture=run.prefecture_id, daily_living_area=run.daily_living_area_id,
        mesh=run.mesh, status=CoverageRun.Status.DONE, requested_at__lte=run.requested_at,
    ).exclude(pk=run.pk)
    CoverageCell.objects.filter(run__in=older).delete()


def _compute_and_store(run: CoverageRun) -> dict:
    level = jis_mesh.level_for(run.mesh)
    radius = float(run.radius_km)
    cells = scope_cells(municipality=run.municipality, prefecture=run.prefecture,
                        daily_living_area=run.daily_living_area, level=level)
    search_km = 2 * radius
    if cells.codes.size:
        lats, lons = jis_mesh.cell_centres(cells.codes)
        half_cell_km = 1.0
        box = pad_bbox((lats.min(), lons.min(), lats.max(), lons.max()), search_km + half_cell_km)
        providers = providers_in_bbox(box)
    else:
        providers = Providers(np.zeros((0, 2)), np.zeros((0, 2)))
    results = evaluate_cells(cells.codes, providers, radius_km=radius, search_km=search_km)
    population = population_for(cells.codes, level)

    store_cells(run, cells.codes, cells.area_ids, population, results)
    return _summary(run, cells, results, population, providers)


def store_cells(run: CoverageRun, codes: np.ndarray, area_ids: np.ndarray, population: np.ndarray,
                results: CellResults, *, batch_size: int = 20_000) -> int:
    """Insert the cells of a run with one executemany per batch.

    A nationwide run writes ~380,000 rows: building model instances for bulk_create costs more than
    the whole distance computation, so rows go to the database as plain tuples. CoverageCell is
    derived data (AUDIT_SKIP), so no audit signal is bypassed.
    """
    meta = CoverageCell._meta
    fields = ["run", "mesh_code", "daily_living_area", "population", "home_visit_km", "nursing_24h_km",
              "is_home_visit_gap", "is_nursing_24h_gap"]
    columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
    # Identifiers come from the model's own meta and are quoted; every value is a parameter.
    sql = (f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")

    def km(values: np.ndarray) -> list:
        rounded = np.round(values, 3)
        return [float(v) if np.isfinite(v) else None for v in rounded.tolist()]

    def people(values: np.ndarray) -> list:
        return [None if np.isnan(v) else int(round(v)) for v in values.tolist()]

    rows = zip([run.pk] * codes.size, [str(c) for c in codes.tolist()],
               [a or None for a in area_ids.tolist()], people(population), km(results.home_visit_km),
               km(results.nursing_24h_km), results.home_visit_gap.tolist(), results.nursing_24h_gap.tolist(),
               strict=True)
    rows = list(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: executemany is one round trip per row on PostgreSQL (ten times slower here).
            copy_sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for start in range(0, len(rows), batch_size):
                cursor.executemany(sql, rows[start:start + batch_size])
    return len(rows)


def _figures(mask: np.ndarray, results: CellResults, population: np.ndarray, has_population: bool) -> dict:
    pop = np.nan_to_num(population[mask])
    home_gap = results.home_visit_gap[mask]
    nursing_gap = results.nursing_24h_gap[mask]
    figures = {
        "cells": int(mask.sum()),
        "uncovered_home_visit": int(home_gap.sum()),
        "uncovered_nursing_24h": int(nursing_gap.sum()),
        "uncovered_either": int((home_gap | nursing_gap).sum()),
    }
    if has_population:
        total = float(pop.sum())
        uncovered_home = float(pop[home_gap].sum())
        uncovered_nursing = float(pop[nursing_gap].sum())
        figures.update({
            "population": int(round(total)),
            "population_uncovered_home_visit": int(round(uncovered_home)),
            "population_uncovered_nursing_24h": int(round(uncovered_nursing)),
            "share_uncovered_home_visit": round(uncovered_home / total, 4) if total else None,
            "share_uncovered_nursing_24h": round(uncovered_nursing / total, 4) if total else None,
        })
    return figures


def _summary(run: CoverageRun, cells: AreaCells, results: CellResults, population: np.ndarray,
             providers: Providers) -> dict:
    has_population = bool(np.isfinite(population).any())
    everything = np.ones(cells.codes.size, dtype=bool)
    summary = {
        "method": cells.method,
        "areas_approximate": cells.areas_approximate,
        "mesh": run.mesh,
        "radius_km": float(run.radius_km),
        "has_population": has_population,
        "providers_home_visit": int(len(providers.home_visit)),
        "providers_nursing_24h": int(len(providers.nursing_24h)),
        **_figures(everything, results, population, has_population),
    }
    rows = []
    if run.prefecture_id:
        names = dict(Municipality.objects.filter(pk__in=set(cells.municipality_ids.tolist()))
                     .values_list("pk", "name"))
        for municipality_id in sorted(names, key=lambda pk: names[pk]):
            rows.append({"municipality_id": municipality_id, "name": names[municipality_id],
                         **_figures(cells.municipality_ids == municipality_id, results, population, has_population)})
    else:
        areas = DailyLivingArea.objects.filter(municipality=run.municipality)
        if run.daily_living_area_id:
            areas = areas.filter(pk=run.daily_living_area_id)
        for area in areas:
            rows.append({"area_id": area.pk, "name": area.name,
                         **_figures(cells.area_ids == area.pk, results, population, has_population)})
        unassigned = cells.area_ids == 0
        if unassigned.any():
            rows.append({"area_id": None, "name": "",
                         **_figures(unassigned, results, population, has_population)})
    summary["by_area"] = rows
    return summary
