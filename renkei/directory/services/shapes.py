"""Import daily living area outlines (and a municipality outline) from GeoJSON; place facilities in areas.

Accepted: a GeoJSON FeatureCollection in WGS84 / JGD2000 / JGD2011 geographic coordinates
([longitude, latitude]) with Polygon or MultiPolygon features. For daily living areas a property
names the area (`name`, `area`, `日常生活圏域` or `圏域名` unless told which); features with the same
name are merged. For the municipality outline, a 国土数値情報 行政区域 (N03) file works as it is: the
features whose `N03_007` is the municipality's 5-digit code are merged, the rest skipped.

All or nothing per file: any bad feature (unknown area, invalid ring, projected coordinates…) rejects
the whole file with reasons in Japanese and English, and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from renkei.core import audit
from renkei.core.concurrency import next_version
from renkei.core.models import AuditEntry, Municipality

from ..importers.limits import too_deep, upload_limits
from ..models import AreaShape, Facility, ImportRun

NAME_PROPERTIES = ("name", "area", "日常生活圏域", "圏域名")
N03_CODE_PROPERTY = "N03_007"
# Geographic CRSs whose coordinates we can use as they are (differences are below a metre at mesh scale).
ACCEPTED_CRS = ("CRS84", "4326", "4612", "6668", "4019", "4283")
JAPAN_LAT = (20.0, 46.0)
JAPAN_LON = (122.0, 154.0)
MAX_REJECTS_STORED = 200
COORDINATE_DECIMALS = 6


class Kind:
    AREAS = "areas"
    OUTLINE = "outline"


@dataclass
class ShapeImportReport:
    run: ImportRun
    areas: list[str] = field(default_factory=list)
    outline: bool = False
    skipped: int = 0
    rejects: list[dict] = field(default_factory=list)
    assignment: dict | None = None

    @property
    def is_rejected(self) -> bool:
        return self.run.outcome == ImportRun.Outcome.REJECTED


def _reason(ja: str, en: str, feature: int | None = None) -> dict:
    return {"row": feature, "reason": ja, "reason_en": en}


def _area_key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(name)).split())


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("utf-8", data, 0, 1, "not UTF-8 or Shift_JIS")


def _crs_problem(collection: dict) -> dict | None:
    crs = collection.get("crs")
    if not crs:
        return None
    name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else str(crs)
    if any(name.endswith(code) or f":{code}" in name or f"::{code}" in name for code in ACCEPTED_CRS):
        return None
    return _reason(f"座標参照系 {name} には対応していません。緯度経度（WGS84 または JGD2011, EPSG:4326/6668）で"
                   "保存し直してください。",
                   f"Coordinate reference system {name} is not supported: save the file in longitude/latitude "
                   "(WGS84 or JGD2011, EPSG:4326/6668).")


def _coordinate_problem(geometry, index: int) -> dict | None:
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if JAPAN_LAT[0] <= min_lat and max_lat <= JAPAN_LAT[1] and JAPAN_LON[0] <= min_lon and max_lon <= JAPAN_LON[1]:
        return None
    if JAPAN_LON[0] <= min_lat and max_lat <= JAPAN_LON[1] and JAPAN_LAT[0] <= min_lon and max_lon <= JAPAN_LAT[1]:
        return _reason("緯度と経度が入れ替わっています（GeoJSON は［経度, 緯度］の順です）。",
                       "Latitude and longitude are swapped (GeoJSON is [longitude, latitude]).", index)
    return _reason(f"座標が日本の範囲外です（経度 {min_lon:.4g}〜{max_lon:.4g}, 緯度 {min_lat:.4g}〜{max_lat:.4g}）。"
                   "平面直角座標系などの投影座標ではなく緯度経度で保存してください。",
                   f"Coordinates are outside Japan (lon {min_lon:.4g}–{max_lon:.4g}, lat {min_lat:.4g}–"
                   f"{max_lat:.4g}): save in longitude/latitude, not a projected system such as 平面直角座標系.",
                   index)


def _parse_geometry(raw, index: int):
    """A valid shapely (Multi)Polygon for one feature, or the reason it is unusable."""
    from shapely.geometry import shape
    from shapely.validation import explain_validity

    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        kind = raw.get("type") if isinstance(raw, dict) else type(raw).__name__
        return None, _reason(f"図形の種類 {kind} は使えません（Polygon か MultiPolygon のみ）。",
                             f"Geometry type {kind} cannot be used (Polygon or MultiPolygon only).", index)
    try:
        geometry = shape(raw)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        return None, _reason(f"座標の形式が正しくありません（{exc}）。",
                             f"Malformed coordinates ({exc}).", index)
    if geometry.is_empty:
        return None, _reason("図形が空です。", "The geometry is empty.", index)
    problem = _coordinate_problem(geometry, index)
    if problem:
        return None, problem
    if not geometry.is_valid:
        why = explain_validity(geometry)
        return None, _reason(f"図形が不正です（{why}）。GIS ソフトで「ジオメトリの修復」をしてから読み込んでください。",
                             f"Invalid geometry ({why}): repair it in your GIS software first.", index)
    return geometry, None


def _feature_name(properties: dict, name_property: str) -> str:
    candidates = (name_property,) if name_property else NAME_PROPERTIES
    for key in candidates:
        value = properties.get(key)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _rounded_mapping(geometry) -> dict:
    import shapely
    from shapely.geometry import mapping

    return json.loads(json.dumps(mapping(shapely.set_precision(geometry, 10 ** -COORDINATE_DECIMALS))))


def nesting_depth(value, *, stop_after: int = 10_000) -> int:
    """How deeply lists and objects nest in parsed JSON (iterative: no recursion on hostile files)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > stop_after:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def read_shapes(*, data: bytes, municipality: Municipality, kind: str = Kind.AREAS,
                name_property: str = "") -> tuple[dict, list[dict], int]:
    """Parse and validate a file: ({area key or "": geometry}, rejects, skipped features). Writes nothing."""
    from shapely.ops import unary_union

    rejects: list[dict] = []
    depth_limit = upload_limits().geojson_depth
    try:
        collection = json.loads(_decode(data))
    except (UnicodeDecodeError, ValueError) as exc:
        return {}, [_reason(f"GeoJSON として読めません（{exc}）。", f"Not readable as GeoJSON ({exc}).")], 0
    except RecursionError:  # the JSON decoder recurses per level: 100,000 nested "[" end here
        collection = None
    if collection is None or nesting_depth(collection) > depth_limit:
        error = too_deep(depth_limit)
        return {}, [_reason(error.reason, error.reason_en)], 0
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection" \
            or not isinstance(collection.get("features"), list):
        return {}, [_reason("GeoJSON の FeatureCollection ではありません。", "Not a GeoJSON FeatureCollection.")], 0
    problem = _crs_problem(collection)
    if problem:
        return {}, [problem], 0

    areas = {_area_key(a.name): a for a in municipality.daily_living_areas.all()}
    # N03 (行政区域) files list a designated city by its wards: their codes make the city's outline.
    own_codes = {municipality.jis_code, *municipality.wards.values_list("jis_code", flat=True)}
    is_n03 = any(isinstance(f, dict) and N03_CODE_PROPERTY in (f.get("properties") or {})
                 for f in collection["features"])
    pieces: dict[str, list] = {}
    skipped = 0
    for index, feature in enumerate(collection["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            rejects.append(_reason("Feature ではない要素があります。", "An element is not a Feature.", index))
            continue
        properties = feature.get("properties") or {}
        if kind == Kind.OUTLINE:
            code = str(properties.get(N03_CODE_PROPERTY) or "").strip()
            if is_n03 and code not in own_codes:
                skipped += 1  # another municipality of a prefecture-wide N03 file, or 所属未定地
                continue
            key = ""
        else:
            name = _feature_name(properties, name_property)
            if not name:
                wanted = name_property or " / ".join(NAME_PROPERTIES)
                rejects.append(_reason(f"圏域名の属性（{wanted}）がありません。",
                                       f"No area name property ({wanted}).", index))
                continue
            key = _area_key(name)
            if key not in areas:
                rejects.append(_reason(f"「{name}」は{municipality.name}の日常生活圏域にありません。先に圏域を登録してください。",
                                       f"“{name}” is not a daily living area of {municipality.name}: add the area "
                                       "first.", index))
                continue
        geometry, problem = _parse_geometry(feature.get("geometry"), index)
        if problem:
            rejects.append(problem)
            continue
        pieces.setdefault(key, []).append(geometry)
    if not pieces and not rejects:
        if kind == Kind.OUTLINE:
            rejects.append(_reason(f"{municipality.name}（{municipality.jis_code}）の図形がありません。",
                                   f"No feature for {municipality.name} ({municipality.jis_code}).", None))
        else:
            rejects.append(_reason("図形がありません。", "The file holds no features.", None))
    geometries = {}
    for key, parts in pieces.items():
        merged = unary_union(parts) if len(parts) > 1 else parts[0]
        geometries[key] = merged
    return ({key: (areas.get(key), geometry) for key, geometry in geometries.items()}, rejects, skipped)


def area_shapes_import(*, file, file_name: str, municipality: Municipality, kind: str = Kind.AREAS,
                       name_property: str = "", membership=None, user=None,
                       assign_facilities: bool = True) -> ShapeImportReport:
    """Import one GeoJSON file of daily living areas (or the municipality outline), all or nothing."""
    data = file.read() if hasattr(file, "read") else bytes(file)
    run = ImportRun(source=ImportRun.Source.AREA_SHAPES, file_name=file_name[:255],
                    sha256=hashlib.sha256(data).hexdigest(), municipality=municipality, started_by=user,
                    outcome=ImportRun.Outcome.REJECTED)
    shapes, rejects, skipped = read_shapes(data=data, municipality=municipality, kind=kind,
                                           name_property=name_property)
    report = ShapeImportReport(run=run, skipped=skipped, rejects=rejects)
    if rejects:
        run.counts = {"features": len(shapes), "rejected": len(rejects), "skipped": skipped}
        run.rejected_rows = rejects[:MAX_REJECTS_STORED]
        run.finished_at = timezone.now()
        run.save()
        return report

    with transaction.atomic():
        created = updated = 0
        for area, geometry in shapes.values():
            min_lon, min_lat, max_lon, max_lat = geometry.bounds
            values = {"geometry": _rounded_mapping(geometry), "min_lat": min_lat, "min_lon": min_lon,
                      "max_lat": max_lat, "max_lon": max_lon}
            if kind == Kind.OUTLINE:
                _, was_created = AreaShape.objects.update_or_create(
                    municipality=municipality, daily_living_area=None, defaults=values)
                report.outline = True
            else:
                _, was_created = AreaShape.objects.update_or_create(
                    daily_living_area=area, defaults={"municipality": municipality, **values})
                report.areas.append(area.name)
            created += was_created
            updated += not was_created
        run.outcome = ImportRun.Outcome.APPLIED
        run.counts = {"features": len(shapes), "created": created, "updated": updated, "skipped": skipped,
                      "rejected": 0}
        missing = sorted(a.name for a in municipality.daily_living_areas.all()
                         if kind == Kind.AREAS and a.name not in report.areas
                         and not AreaShape.objects.filter(daily_living_area=a).exists())
        if missing:
            run.messages = [{"message": "形が未登録の圏域: " + "、".join(missing),
                             "message_en": "Areas still without a shape: " + ", ".join(missing)}]
        run.finished_at = timezone.now()
        run.save()
        audit.record(action=AuditEntry.Action.BULK, obj=run,
                     changes={"source": run.source, "created": created, "updated": updated,
                              "areas": report.areas, "outline": report.outline, "import_run": run.pk})
        if assign_facilities and kind == Kind.AREAS:
            report.assignment = facility_areas_assign(municipality=municipality, import_run=run)
            run.counts["facilities_assigned"] = report.assignment["assigned"]
            run.save(update_fields=["counts"])
        from ..jobs import schedule_coverage_recompute

        schedule_coverage_recompute([municipality.pk])
    return report


def facility_areas_assign(*, municipality: Municipality, import_run: ImportRun | None = None) -> dict:
    """Give facilities without a daily living area the area whose shape holds their position.

    Only empty assignments are filled: an area already set was chosen by staff or an earlier import
    and may be deliberate (a clinic on the border serving the other area), so it is never overwritten;
    facilities whose shape disagrees with their area are counted and listed for staff to look at.
    """
    import numpy as np
    import shapely
    from shapely.geometry import shape

    shapes = list(AreaShape.objects.filter(municipality=municipality, daily_living_area__isnull=False)
                  .select_related("daily_living_area"))
    # A designated city's facilities are registered on its wards.
    facilities = list(Facility.objects.filter(Q(municipality=municipality) | Q(municipality__parent=municipality),
                                              latitude__isnull=False, longitude__isnull=False)
                      .values_list("pk", "name", "latitude", "longitude", "daily_living_area_id"))
    result = {"assigned": 0, "agreeing": 0, "disagreeing": 0, "outside": 0, "disagreeing_facilities": []}
    if not shapes or not facilities:
        result["outside"] = len(facilities)
        return result
    lats = np.array([f[2] for f in facilities])
    lons = np.array([f[3] for f in facilities])
    found = np.zeros(len(facilities), dtype=np.int64)
    for s in shapes:
        geometry = shape(s.geometry)
        shapely.prepare(geometry)
        inside = shapely.contains_xy(geometry, lons, lats) & (found == 0)
        found[inside] = s.daily_living_area_id
    to_assign: dict[int, list[int]] = {}
    for (pk, name, _lat, _lon, current), area_id in zip(facilities, found.tolist(), strict=True):
        if not area_id:
            result["outside"] += 1
        elif current is None:
            to_assign.setdefault(area_id, []).append(pk)
        elif current == area_id:
            result["agreeing"] += 1
        else:
            result["disagreeing"] += 1
            if len(result["disagreeing_facilities"]) < 50:
                result["disagreeing_facilities"].append({"id": pk, "name": name})
    with transaction.atomic():
        for area_id, ids in to_assign.items():
            # A new version: an edit form opened before must not blank the area out unseen (core.concurrency).
            result["assigned"] += Facility.objects.filter(pk__in=ids, daily_living_area__isnull=True).update(
                daily_living_area_id=area_id, version=next_version())
        if result["assigned"]:
            audit.record(action=AuditEntry.Action.BULK, object_type="directory.facility",
                         object_label=str(municipality), owner=municipality,
                         changes={"daily_living_area_assigned": result["assigned"],
                                  "by_area": {str(k): len(v) for k, v in to_assign.items()},
                                  "import_run": import_run.pk if import_run else None})
    return result
