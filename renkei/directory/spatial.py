"""An in-memory index of facility positions for radius searches (scipy cKDTree on the unit sphere).

Built once per process on first use, rebuilt when
- `spatial_version.current()` changed: a write in this process that moved many facilities at once (imports,
  merges, the demo) said so after its commit;
- another process (or this one) moved, added or removed a facility. Servers run several processes, and a
  write in one of them cannot bump the others' counters. Every write to facilities is audited (model
  signals, or one entry per facility for an import), so each use reads the audit chain head's sequence
  number and hash (one row, well under a millisecond); when it moved, the facilities written since are
  read back (`_facility_changes`) and compared with the index:
  - nothing the index holds changed (a description, phone or name edit): the index is kept as it is;
  - only status or kind changed (closing, reopening): those flags are updated in place, no rebuild;
  - a position changed, or a facility with a position was added or removed: the index is rebuilt (a
    cKDTree cannot move one point; a rebuild of the national set takes well under a second).
  A change made in another process is therefore seen by the next search, and other audited activity
  costs one extra query.

Closed facilities are indexed too (searches may include them on request) and filtered by a mask.
Distances are great-circle (haversine, mean Earth radius 6371.0088 km).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, replace

import numpy as np
from django.db.models import Q
from scipy.spatial import cKDTree

from . import spatial_version
from .models import Facility, FacilityKind

EARTH_RADIUS_KM = 6371.0088
FACILITY_OBJECT_TYPE = "directory.facility"
KIND_CODES = list(FacilityKind.values)
IMPORT_RUN_OBJECT_TYPE = "directory.importrun"  # its bulk entry comes with one entry per facility written
# More facilities written than this between two searches: rebuild rather than compare them one by one.
MAX_FACILITIES_COMPARED = 500


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
_builds = 0


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
    global _builds
    _builds += 1
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


def _facility_changes(before: tuple[int, str], now: tuple[int, str]) -> list[int] | None:
    """Ids of facilities created, updated or deleted between the two audit heads, or None when the index
    must be rebuilt anyway: the chain did not simply grow (a rolled-back transaction), a bulk write other
    than an import (whose facilities have their own entries), or too many facilities to compare."""
    from renkei.core.models import AuditEntry

    Action = AuditEntry.Action
    if now[0] <= before[0]:
        return None if now != before else []
    entries = (AuditEntry.objects.filter(seq__gt=before[0], seq__lte=now[0])
               .filter(Q(object_type=FACILITY_OBJECT_TYPE, action__in=(Action.CREATE, Action.UPDATE, Action.DELETE))
                       | (Q(action=Action.BULK) & ~Q(object_type=IMPORT_RUN_OBJECT_TYPE)))
               .values_list("action", "object_id")[:MAX_FACILITIES_COMPARED + 1])
    ids = set()
    for action, object_id in entries:
        if action == Action.BULK or not object_id.isdigit():
            return None
        ids.add(int(object_id))
    return None if len(ids) > MAX_FACILITIES_COMPARED else sorted(ids)


def _updated_in_place(index: _Index, ids: list[int], head: tuple[int, str]) -> _Index | None:
    """The index with the status and kind of these facilities as stored now, or None when one of them moved,
    appeared or disappeared (a rebuild is needed). Returns `index` itself when none of them changed."""
    if not ids:
        return index
    stored = {r[0]: r[1:] for r in Facility.objects.filter(pk__in=ids, latitude__isnull=False,
                                                              longitude__isnull=False)
              .values_list("id", "latitude", "longitude", "status", "kind")}
    wanted = np.array(ids, dtype=np.int64)
    found = np.clip(np.searchsorted(index.ids, wanted), 0, max(len(index.ids) - 1, 0))
    in_index = (index.ids[found] == wanted) if len(index.ids) else np.zeros(len(ids), dtype=bool)
    kind_number = {kind: number for number, kind in enumerate(KIND_CODES)}
    is_open, kinds = index.is_open, index.kinds
    for facility_id, position, indexed in zip(ids, found, in_index, strict=True):
        row = stored.get(facility_id)
        if not indexed or row is None:
            if indexed or row is not None:
                return None  # added or removed (or its position cleared or set)
            continue
        latitude, longitude, status, kind = row
        if float(latitude) != index.lats[position] or float(longitude) != index.lons[position]:
            return None
        now_open, now_kind = status == Facility.Status.OPEN, kind_number.get(kind, -1)
        if is_open[position] != now_open or kinds[position] != now_kind:
            # Copies, not writes into the arrays a search in another thread may be reading.
            if is_open is index.is_open:
                is_open, kinds = index.is_open.copy(), index.kinds.copy()
            is_open[position], kinds[position] = now_open, now_kind
    if is_open is index.is_open:
        index.audit_head = head
        return index
    return replace(index, audit_head=head, is_open=is_open, kinds=kinds)


def current_index() -> _Index:
    """The index for the current positions, rebuilt when this or another process moved, added or removed
    a facility, updated in place when only a status or kind changed, kept for any other write."""
    global _index
    with _lock:
        version = spatial_version.current()
        head = audit_head()  # read before the facilities, so a write in between is seen next time
        index = _index
        if index is not None and index.version == version:
            if head == index.audit_head:
                return index
            changed = _facility_changes(index.audit_head, head)
            if changed is not None:
                updated = _updated_in_place(index, changed, head)
                if updated is not None:
                    _index = updated
                    return updated
        _index = _build(version, head)
        return _index


def build_count() -> int:
    """How many times this process built the index (tests and benchmarks)."""
    return _builds


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
