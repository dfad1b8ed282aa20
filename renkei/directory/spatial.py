"""Radius searches over facility positions, answered by an index the database keeps.

- SQLite: an R*Tree virtual table (`directory_facility_position`: id and the point as a box) kept in step
  with `directory_facility` by three triggers (insert; update of latitude or longitude that changes them;
  delete). Status and kind are read through the join (from a covering index of id, status, kind and the
  position), so closing, reopening or a kind change touches no R*Tree entry; a move rewrites one entry
  inside the write's transaction.
- PostgreSQL: a GiST index on `point(longitude, latitude)` (core PostgreSQL, no extension), queried with
  `<@ box(...)`; PostgreSQL updates it with the row.
- Any other database: the composite B-tree on (latitude, longitude) as a bounding box.

The index returns the facilities in the bounding box of the circle; the exact great-circle distance
(haversine, mean Earth radius 6371.0088 km) is computed here in numpy and decides, so every database gives
the same ids and the same distances. Nothing is held per process: the first search in a new worker costs
what any other does, and a write in one worker is seen by the next search in every other one because the
index is part of the database (why this replaced the per-process KD-tree: docs/architecture.md).

`ensure_position_index()` creates the index where it is missing (the migration, and after every migrate:
SQLite drops a table's triggers when Django rebuilds the table for a schema change).
"""

# Table and trigger names are this module's constants; every value is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import math

import numpy as np
from django.db import connection
from django.db.models import Q

EARTH_RADIUS_KM = 6371.0088
FACILITY_TABLE = "directory_facility"
RTREE_TABLE = "directory_facility_position"  # SQLite
GIST_INDEX = "directory_facility_position_gist"  # PostgreSQL
SQLITE_TRIGGERS = ("directory_facility_position_insert", "directory_facility_position_update",
                   "directory_facility_position_delete")
# SQLite: what the radius query reads of each facility the R*Tree found, packed densely (a facility row is
# wide: reading it for the lookup cost 2.5x more for 5,900 hits).
SQLITE_LOOKUP_INDEX = "directory_facility_position_lookup"
SQLITE_OBJECTS = (RTREE_TABLE, *SQLITE_TRIGGERS, SQLITE_LOOKUP_INDEX)
# R*Tree coordinates are 32-bit floats, rounded outwards; the box is widened by more than their precision
# (about 3e-6 degrees at 46° N) so that no point on its edge is missed. The haversine then decides.
BOX_MARGIN_DEGREES = 1e-4
ID_CHUNK = 50_000


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_many_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons) - math.radians(lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) holding every point within `radius_km` of the point.

    The longitude span is taken at the box's latitude farthest from the equator, where a degree is shortest.
    """
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM) + BOX_MARGIN_DEGREES
    widest = min(89.9, abs(lat) + dlat)
    dlon = min(180.0, dlat / math.cos(math.radians(widest)) + BOX_MARGIN_DEGREES)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


# ---------------------------------------------------------------------------------------------------------
# The index in the database

def _sqlite_index_sql() -> list[str]:
    f, r = FACILITY_TABLE, RTREE_TABLE
    has_position = "new.latitude IS NOT NULL AND new.longitude IS NOT NULL"
    insert_new = (f"INSERT INTO {r} (id, min_lat, max_lat, min_lon, max_lon) "
                  f"SELECT new.id, new.latitude, new.latitude, new.longitude, new.longitude WHERE {has_position};")
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {r} USING rtree(id, min_lat, max_lat, min_lon, max_lon)",
        f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TRIGGERS[0]} AFTER INSERT ON {f} WHEN {has_position} "
        f"BEGIN {insert_new} END",
        # Only a changed position rewrites the entry: saves that write every column keep the index as it is.
        f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TRIGGERS[1]} AFTER UPDATE OF latitude, longitude ON {f} "
        f"WHEN old.latitude IS NOT new.latitude OR old.longitude IS NOT new.longitude "
        f"BEGIN DELETE FROM {r} WHERE id = old.id; {insert_new} END",
        f"CREATE TRIGGER IF NOT EXISTS {SQLITE_TRIGGERS[2]} AFTER DELETE ON {f} "
        f"BEGIN DELETE FROM {r} WHERE id = old.id; END",
        f"CREATE INDEX IF NOT EXISTS {SQLITE_LOOKUP_INDEX} ON {f} (id, status, kind, latitude, longitude)",
    ]


def ensure_position_index(using=None) -> bool:
    """Create the database's position index where it is missing; True when it had to be (re)built.

    SQLite: when the R*Tree or one of its triggers is missing, they are created and the R*Tree refilled
    from the facilities (a national directory takes a few seconds). PostgreSQL: the GiST index.
    """
    from django.db import connections

    conn = connections[using or "default"]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(SQLITE_OBJECTS))
            cursor.execute(f"SELECT name FROM sqlite_master WHERE name IN ({marks})", list(SQLITE_OBJECTS))
            if {row[0] for row in cursor.fetchall()} == set(SQLITE_OBJECTS):
                return False
            for statement in _sqlite_index_sql():
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {RTREE_TABLE}")
            cursor.execute(f"INSERT INTO {RTREE_TABLE} (id, min_lat, max_lat, min_lon, max_lon) "
                           f"SELECT id, latitude, latitude, longitude, longitude FROM {FACILITY_TABLE} "
                           "WHERE latitude IS NOT NULL AND longitude IS NOT NULL")
            return True
        if conn.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [GIST_INDEX])
            if cursor.fetchone():
                return False
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {GIST_INDEX} ON {FACILITY_TABLE} "
                           "USING gist (point(longitude, latitude))")
            return True
    return False


def drop_position_index(using=None) -> None:
    """Remove the index (the migration's reverse)."""
    from django.db import connections

    conn = connections[using or "default"]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for trigger in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cursor.execute(f"DROP INDEX IF EXISTS {SQLITE_LOOKUP_INDEX}")
            cursor.execute(f"DROP TABLE IF EXISTS {RTREE_TABLE}")
        elif conn.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {GIST_INDEX}")


def _in_box(lat: float, lon: float, radius_km: float, *, include_closed: bool, kinds) -> tuple[str, list]:
    """SQL for (id, latitude, longitude) of the facilities in the circle's bounding box."""
    from .models import Facility

    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
    if connection.vendor == "sqlite":
        # CROSS JOIN keeps the R*Tree as the outer loop: SQLite's planner would otherwise walk the status index
        # of the whole table and look each row up in the R*Tree (measured 200x slower).
        sql = (f"SELECT f.id, f.latitude, f.longitude FROM {RTREE_TABLE} r CROSS JOIN {FACILITY_TABLE} f "
               f"INDEXED BY {SQLITE_LOOKUP_INDEX} ON f.id = r.id "
               "WHERE r.max_lat >= %s AND r.min_lat <= %s AND r.max_lon >= %s AND r.min_lon <= %s")
        params = [min_lat, max_lat, min_lon, max_lon]
    elif connection.vendor == "postgresql":
        sql = (f"SELECT f.id, f.latitude, f.longitude FROM {FACILITY_TABLE} f "
               "WHERE point(f.longitude, f.latitude) <@ box(point(%s, %s), point(%s, %s))")
        params = [min_lon, min_lat, max_lon, max_lat]
    else:
        sql = (f"SELECT f.id, f.latitude, f.longitude FROM {FACILITY_TABLE} f "
               "WHERE f.latitude BETWEEN %s AND %s AND f.longitude BETWEEN %s AND %s")
        params = [min_lat, max_lat, min_lon, max_lon]
    if not include_closed:
        sql += " AND f.status = %s"
        params.append(Facility.Status.OPEN)
    if kinds:
        kinds = list(dict.fromkeys(kinds))
        sql += f" AND f.kind IN ({', '.join(['%s'] * len(kinds))})"
        params.extend(kinds)
    return sql, params


def facilities_within(lat: float, lon: float, radius_km: float, candidate_ids=None, *,
                      include_closed: bool = False, kinds=None) -> list[tuple[int, float]]:
    """(facility id, distance in km) of facilities within `radius_km` of the point, nearest first
    (ties by id). Closed facilities only with `include_closed`.

    `candidate_ids` (any iterable of ids) restricts the answer to those facilities, `kinds` to those kinds.
    """
    if radius_km < 0:
        return []
    sql, params = _in_box(lat, lon, min(radius_km, math.pi * EARTH_RADIUS_KM), include_closed=include_closed,
                          kinds=kinds)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return []
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    lats = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
    lons = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
    keep = np.ones(len(ids), dtype=bool)
    if candidate_ids is not None:
        keep &= np.isin(ids, np.fromiter(candidate_ids, dtype=np.int64))
    distances = haversine_many_km(lat, lon, lats, lons)
    keep &= distances <= radius_km
    ids, distances = ids[keep], distances[keep]
    order = np.lexsort((ids, distances))
    return list(zip(ids[order].tolist(), distances[order].tolist(), strict=True))


def distances_to(lat: float, lon: float, ids) -> dict[int, float]:
    """Distance in km from the point to each listed facility that has a position."""
    wanted = sorted(set(int(i) for i in ids))
    found: list[tuple[int, float, float]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), ID_CHUNK):
            chunk = wanted[start:start + ID_CHUNK]
            if connection.vendor == "sqlite":
                where, params = "id IN (SELECT value FROM json_each(%s))", [json.dumps(chunk)]
            elif connection.vendor == "postgresql":
                where, params = "id = ANY(%s::bigint[])", [chunk]
            else:
                where, params = f"id IN ({', '.join(['%s'] * len(chunk))})", chunk
            cursor.execute(f"SELECT id, latitude, longitude FROM {FACILITY_TABLE} WHERE {where} "
                           "AND latitude IS NOT NULL AND longitude IS NOT NULL", params)
            found.extend(cursor.fetchall())
    if not found:
        return {}
    lats = np.fromiter((r[1] for r in found), dtype=np.float64, count=len(found))
    lons = np.fromiter((r[2] for r in found), dtype=np.float64, count=len(found))
    distances = haversine_many_km(lat, lon, lats, lons)
    return {r[0]: d for r, d in zip(found, distances.tolist(), strict=True)}


# ---------------------------------------------------------------------------------------------------------
# The audit log as a cross-process change signal (used by the per-process caches of `selectors.search`)

def audit_head() -> tuple[int, str]:
    """The audit chain head (sequence number, hash): moves with every audited write, in any process.

    The hash tells apart two states with the same number, as after a rolled-back transaction (tests).
    """
    from renkei.core.models import AuditChainHead

    return AuditChainHead.objects.values_list("seq", "hash").first() or (0, "")


def written_since(before: tuple[int, str], now: tuple[int, str], object_types: tuple[str, ...]) -> bool:
    """True when an audit entry between the two heads writes one of these object types or is a bulk write
    (and whenever the chain did not simply grow, e.g. a transaction was rolled back). Reads, exports and
    refusals of facilities are logged too, but change nothing."""
    from renkei.core.models import AuditEntry

    Action = AuditEntry.Action
    if now[0] <= before[0]:
        return now != before
    return AuditEntry.objects.filter(seq__gt=before[0], seq__lte=now[0]).filter(
        Q(object_type__in=object_types, action__in=(Action.CREATE, Action.UPDATE, Action.DELETE))
        | Q(action=Action.BULK)).exists()
