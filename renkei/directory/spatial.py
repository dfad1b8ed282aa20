"""An in-memory index of facility positions for radius searches (scipy cKDTree on the unit sphere).

Built once per process on first use, rebuilt when
- `spatial_version.current()` changed: a write in this process (facility_save, close, reopen, imports)
  said so after its commit;
- another process wrote facilities. Servers run several processes, and an import in one of them (or a
  command-line import) cannot bump the others' counters. Every write to facilities is audited (model
  signals, or one BULK entry per import file), so each use reads the audit chain head's sequence number
  and hash (one row, well under a millisecond); when it moved, the new entries are checked (a range scan on the
  unique `seq`) for a facility change or a bulk write, and only those rebuild the index. A change made in
  another process is therefore seen by the next search, and other audited activity costs one extra query.

Closed facilities are indexed too (searches may include them on request) and filtered by a mask.
Distances are great-circle (haversine, mean Earth radius 6371.0088 km).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Q
from scipy.spatial import cKDTree

from . import spatial_version
from .models import Facility, FacilityKind

EARTH_RADIUS_KM = 6371.0088
FACILITY_OBJECT_TYPE = "directory.facility"
KIND_CODES = list(FacilityKind.values)


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


def _unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lats), np.radians(lons)
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


@dataclass
class _Index:
    version: int
    audit_head: tuple[int, str]
    ids: np.ndarray
    lats: np.ndarray
    lons: np.ndarray
    is_open: np.ndarray
    kinds: np.ndarray  # index into KIND_CODES
    tree: cKDTree | None


_lock = threading.Lock()
_index: _Index | None = None


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


def _build(version: int, audit_head: tuple[int, str]) -> _Index:
    rows = list(Facility.objects.filter(latitude__isnull=False, longitude__isnull=False)
                .order_by("id").values_list("id", "latitude", "longitude", "status", "kind"))
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    lats = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
    lons = np.fromiter((r[2] for r in rows), dtype=np.float64, count=len(rows))
    is_open = np.fromiter((r[3] == Facility.Status.OPEN for r in rows), dtype=bool, count=len(rows))
    kind_number = {kind: number for number, kind in enumerate(KIND_CODES)}
    kinds = np.fromiter((kind_number.get(r[4], -1) for r in rows), dtype=np.int8, count=len(rows))
    tree = cKDTree(_unit_vectors(lats, lons)) if rows else None
    return _Index(version, audit_head, ids, lats, lons, is_open, kinds, tree)


def current_index() -> _Index:
    """The index for the current positions, rebuilt when this or another process changed them."""
    global _index
    with _lock:
        version = spatial_version.current()
        head = audit_head()  # read before the facilities, so a write in between is seen next time
        index = _index
        if index is not None and index.version == version:
            if head == index.audit_head:
                return index
            if not written_since(index.audit_head, head, (FACILITY_OBJECT_TYPE,)):
                index.audit_head = head
                return index
        _index = _build(version, head)
        return _index


def invalidate() -> None:
    """Drop the index of this process (tests; the next use rebuilds it)."""
    global _index
    with _lock:
        _index = None


def facilities_within(lat: float, lon: float, radius_km: float, candidate_ids=None, *,
                      include_closed: bool = False, kinds=None) -> list[tuple[int, float]]:
    """(facility id, distance in km) of facilities within `radius_km` of the point, nearest first.

    `candidate_ids` (any iterable of ids) restricts the answer to those facilities, `kinds` to those kinds.
    """
    index = current_index()
    if index.tree is None or radius_km < 0:
        return []
    # A sphere's great-circle distance d is the chord 2·sin(d / 2R) between unit vectors.
    chord = 2 * math.sin(min(math.pi, radius_km / EARTH_RADIUS_KM) / 2)
    positions = np.asarray(index.tree.query_ball_point(_unit_vectors(np.array([lat]), np.array([lon]))[0],
                                                       chord * (1 + 1e-9)), dtype=np.int64)
    if positions.size == 0:
        return []
    if not include_closed:
        positions = positions[index.is_open[positions]]
    if kinds:
        wanted_kinds = np.array([KIND_CODES.index(k) for k in kinds if k in KIND_CODES], dtype=np.int8)
        positions = positions[np.isin(index.kinds[positions], wanted_kinds)]
    if candidate_ids is not None:
        wanted = np.fromiter(candidate_ids, dtype=np.int64)
        positions = positions[np.isin(index.ids[positions], wanted)]
    distances = haversine_many_km(lat, lon, index.lats[positions], index.lons[positions])
    keep = distances <= radius_km
    positions, distances = positions[keep], distances[keep]
    order = np.lexsort((index.ids[positions], distances))
    return [(int(index.ids[p]), float(d)) for p, d in zip(positions[order], distances[order], strict=True)]


def distances_to(lat: float, lon: float, ids) -> dict[int, float]:
    """Distance in km from the point to each listed facility that has a position."""
    index = current_index()
    wanted = np.fromiter(ids, dtype=np.int64)
    # ids are sorted (built in id order): a binary search finds each one.
    found = np.clip(np.searchsorted(index.ids, wanted), 0, max(len(index.ids) - 1, 0))
    if len(index.ids) == 0:
        return {}
    hit = index.ids[found] == wanted
    positions = found[hit]
    distances = haversine_many_km(lat, lon, index.lats[positions], index.lons[positions])
    return {int(i): float(d) for i, d in zip(index.ids[positions], distances, strict=True)}
