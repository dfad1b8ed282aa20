"""Reads for the coverage screens, the map layer and the command."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from renkei.core import policy
from renkei.core.models import Municipality

from .. import mesh as jis_mesh
from ..models import AreaShape, CoverageCell, CoverageRun, ImportRun

GAP_COLOURS = {"both": "#b2182b", "home_visit": "#ef8a62", "nursing_24h": "#67a9cf"}


def coverage_run(run_id: int) -> CoverageRun:
    """One run with its scope; 404 when missing."""
    return get_object_or_404(CoverageRun.objects.select_related("municipality__prefecture", "prefecture",
                                                                "daily_living_area"), pk=run_id)


def prefecture_municipalities(prefecture) -> QuerySet[Municipality]:
    return Municipality.objects.filter(prefecture=prefecture, abolished_on__isnull=True).select_related("prefecture")


def may_view_prefecture(membership, prefecture) -> bool:
    """A prefecture's coverage is for whoever may see the coverage of every municipality in it."""
    municipalities = list(prefecture_municipalities(prefecture))
    return bool(municipalities) and all(policy.check(membership, "directory.view_coverage", m)
                                        for m in municipalities)


def may_view_run(membership, run: CoverageRun) -> bool:
    """Municipality runs: the policy on the run. Prefecture runs: see `may_view_prefecture`."""
    if run.prefecture_id is None:
        return policy.check(membership, "directory.view_coverage", run)
    return may_view_prefecture(membership, run.prefecture)


def latest_prefecture_run(prefecture) -> CoverageRun | None:
    return (CoverageRun.objects.filter(prefecture=prefecture, status=CoverageRun.Status.DONE)
            .order_by("-finished_at", "-pk").first())


def has_waiting_prefecture_run(prefecture) -> bool:
    return CoverageRun.objects.filter(prefecture=prefecture, status__in=(
        CoverageRun.Status.PENDING, CoverageRun.Status.RUNNING)).exists()


def recent_prefecture_runs(prefecture, limit: int = 10) -> QuerySet[CoverageRun]:
    return CoverageRun.objects.filter(prefecture=prefecture)[:limit]


def latest_run(municipality: Municipality, *, mesh: str | None = None) -> CoverageRun | None:
    """The newest finished run for the whole municipality (any mesh unless given)."""
    runs = CoverageRun.objects.filter(municipality=municipality, daily_living_area=None, prefecture=None,
                                      status=CoverageRun.Status.DONE)
    if mesh:
        runs = runs.filter(mesh=mesh)
    return runs.order_by("-finished_at", "-pk").first()


def recent_runs(municipality: Municipality, limit: int = 10) -> QuerySet[CoverageRun]:
    return CoverageRun.objects.filter(municipality=municipality).select_related("daily_living_area")[:limit]


def has_waiting_run(municipality: Municipality) -> bool:
    return CoverageRun.objects.filter(municipality=municipality, status__in=(
        CoverageRun.Status.PENDING, CoverageRun.Status.RUNNING)).exists()


def uncovered_cells(run: CoverageRun) -> QuerySet[CoverageCell]:
    """Cells of a run out of reach of home visits or 24-hour nursing, largest population first."""
    from django.db.models import F, Q

    return (CoverageCell.objects.filter(Q(is_home_visit_gap=True) | Q(is_nursing_24h_gap=True), run=run)
            .select_related("daily_living_area")
            .order_by(F("population").desc(nulls_last=True), "mesh_code"))


def gap_kind(cell: CoverageCell) -> str:
    if cell.is_home_visit_gap and cell.is_nursing_24h_gap:
        return "both"
    return "home_visit" if cell.is_home_visit_gap else "nursing_24h"


def gap_cells_geojson(run: CoverageRun) -> dict:
    """Uncovered cells as a GeoJSON FeatureCollection of polygons for the map overlay."""
    cells = list(uncovered_cells(run).values_list("mesh_code", "population", "home_visit_km", "nursing_24h_km",
                                                  "is_home_visit_gap", "is_nursing_24h_gap",
                                                  "daily_living_area__name"))
    features = []
    if cells:
        south, west, north, east = jis_mesh.cell_bounds([c[0] for c in cells])
        for i, (code, population, home_km, nursing_km, home_gap, nursing_gap, area) in enumerate(cells):
            kind = "both" if home_gap and nursing_gap else ("home_visit" if home_gap else "nursing_24h")
            s, w, n, e = (round(float(a[i]), 6) for a in (south, west, north, east))
            features.append({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]},
                "properties": {
                    "mesh_code": code, "area": area or "", "population": population,
                    "home_visit_km": home_km, "nursing_24h_km": nursing_km, "gap": kind,
                    "style": {"color": GAP_COLOURS[kind], "fillOpacity": 0.45, "weight": 0},
                },
            })
    return {"type": "FeatureCollection", "features": features}


def shapes_of(municipality: Municipality) -> list[dict]:
    """Which shapes are loaded ({"area": name or "", "updated_at"}), without reading the geometries.

    Plain values: the geometries are never read, and no model objects are built for a list.
    """
    return [{"area": name or "", "updated_at": updated_at} for name, updated_at in
            AreaShape.objects.filter(municipality=municipality).order_by("daily_living_area__sort_order",
                                                                        "daily_living_area__name")
            .values_list("daily_living_area__name", "updated_at")]


def first_meshes_for(municipality: Municipality) -> list[str]:
    """The 1st mesh codes (the e-Stat file names' last 4 digits) covering the municipality's shapes or facilities."""
    from django.db.models import Max, Min, Q

    from ..models import Facility

    box = AreaShape.objects.filter(municipality=municipality).aggregate(
        s=Min("min_lat"), w=Min("min_lon"), n=Max("max_lat"), e=Max("max_lon"))
    if box["s"] is None:
        box = Facility.objects.filter(Q(municipality=municipality) | Q(municipality__parent=municipality),
                                      latitude__isnull=False).aggregate(
            s=Min("latitude"), w=Min("longitude"), n=Max("latitude"), e=Max("longitude"))
    if box["s"] is None:
        return []
    return jis_mesh.as_strings(sorted(set(jis_mesh.cells_in_bbox(box["s"], box["w"], box["n"], box["e"],
                                                                  jis_mesh.FIRST).tolist())))


def recent_imports(municipality: Municipality, source: str, limit: int = 5) -> QuerySet[ImportRun]:
    return ImportRun.objects.filter(municipality=municipality, source=source)[:limit]
