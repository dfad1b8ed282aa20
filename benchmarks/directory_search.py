"""Radius + filter search over a synthetic national directory of 300,000 facilities (target p95 < 30 ms).

Synthesised here (no third-party data): facilities spread over boxes covering Japan's land, weighted
roughly by population; a national mix of kinds; weekday hours for medical facilities (a share closed on
public holidays); 訪問診療 and 24時間対応 answers for a share of clinics and hospitals.

Measured: `search_facilities` for searches of 16 km around random points on land — radius only; radius +
kind=clinic; radius + kind=clinic + capability=scheduled_home_visit + open_at (weekdays and a holiday) —
p50/p95 over the same points, for the first page (50): once with the facility rows only
(`with_details=False`, what map markers need) and once with opening hours and collaboration details
prefetched (what a result list or the API shows).
Also measured: the database's position index (`spatial.facilities_within`: the first search in a process,
16 km searches, a moved facility then the next search) against the per-process KD-tree it replaced, kept
here as `KDTreeBaseline`, on the same points (same ids checked).
Baseline in the same run: a naive full scan (load every open facility's position and kind, haversine
in Python, then the capability and hours checks on the survivors) on a sample of the same queries.

Run: .venv/bin/python benchmarks/directory_search.py [--facilities N] [--queries N]
"""

import argparse
import datetime as dt
import math
import os
import random
import tempfile
import time

from _setup import percentile

SEED = 20261125
# (min_lat, max_lat, min_lon, max_lon, weight): land boxes from Hokkaido to Okinawa, weight ~ population.
LAND_BOXES = [
    (42.6, 43.9, 141.0, 144.0, 4), (41.5, 42.6, 140.1, 141.2, 1),        # Hokkaido
    (39.5, 41.2, 140.0, 141.7, 3), (37.3, 39.5, 139.9, 141.3, 5),        # Tohoku
    (35.5, 36.4, 139.0, 140.4, 28), (36.0, 37.0, 138.0, 140.3, 5),       # Kanto
    (34.6, 35.6, 136.5, 138.8, 12), (36.3, 37.6, 136.6, 138.6, 3),       # Chubu, Hokuriku
    (34.3, 35.1, 135.0, 136.0, 15), (34.8, 35.6, 134.4, 135.5, 3),       # Kansai, 北近畿
    (34.2, 35.5, 132.2, 134.3, 5), (33.3, 34.3, 132.5, 134.6, 3),        # Chugoku, Shikoku
    (32.5, 33.9, 129.9, 131.5, 8), (31.3, 32.5, 130.3, 131.4, 3),        # Kyushu
    (26.1, 26.7, 127.6, 128.0, 1),                                       # Okinawa
]
KINDS = [("clinic", 35), ("dental_clinic", 23), ("pharmacy", 20), ("care_service", 14), ("hospital", 3),
         ("visiting_nursing_station", 4), ("informal_resource", 1)]
SEARCHES = {
    "radius 16 km": {"radius_km": "16"},
    "radius + kind=clinic": {"radius_km": "16", "kind": "clinic"},
    "radius + clinic + home visits + open_at (weekday)": {
        "radius_km": "16", "kind": "clinic", "capability": "scheduled_home_visit", "open_at": "2026-11-25T10:30"},
    "radius + clinic + home visits + open_at (holiday)": {
        "radius_km": "16", "kind": "clinic", "capability": "scheduled_home_visit", "open_at": "2026-11-23T10:30"},
}


def setup_django() -> None:
    os.environ.setdefault("RENKEI_DATA_DIR", tempfile.mkdtemp(prefix="renkei-bench-search-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.settings.local")
    os.environ["RENKEI_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def random_point(rng: random.Random) -> tuple[float, float]:
    box = rng.choices(LAND_BOXES, weights=[b[4] for b in LAND_BOXES])[0]
    return rng.uniform(box[0], box[1]), rng.uniform(box[2], box[3])


def build_directory(n: int, rng: random.Random) -> None:
    """n facilities with hours and details, written with bulk_create (one audit BULK entry)."""
    from django.db import transaction

    from renkei.core import audit
    from renkei.core.models import Municipality, Prefecture
    from renkei.core.services.places import local_government_code
    from renkei.directory.models import CollaborationAttribute, CollaborationDetail, Facility, OpeningHours
    from renkei.directory.normalize import facility_search_text

    with transaction.atomic():
        prefectures = [Prefecture.objects.get_or_create(
            code=f"{p:02d}", defaults={"local_government_code": local_government_code(f"{p:02d}000"),
                                       "name": f"県{p}", "kana": "ケン"})[0] for p in range(1, 48)]
        municipalities = []
        for pref in prefectures:
            for m in range(4):
                jis = f"{pref.code}{201 + m:03d}"
                municipalities.append(Municipality.objects.get_or_create(
                    jis_code=jis, defaults={"code": local_government_code(jis), "prefecture": pref,
                                            "name": f"市{jis}", "kana": "シ", "kind": "city"})[0])
        kinds = [k for k, _ in KINDS]
        weights = [w for _, w in KINDS]
        batch: list[Facility] = []
        for i in range(n):
            lat, lon = random_point(rng)
            municipality = municipalities[i % len(municipalities)]
            kind = rng.choices(kinds, weights=weights)[0]
            name = f"施設{i}"
            batch.append(Facility(
                kind=kind, name=name, kana=f"シセツ{i}", search_text=facility_search_text(name, f"シセツ{i}"),
                prefecture_id=municipality.prefecture_id, municipality=municipality, latitude=lat, longitude=lon,
                coordinate_source="mhlw", coordinate_quality="address", address=f"{municipality.name}{i}",
                departments="|内科|" if kind in ("clinic", "hospital") else "",
                closed_on_holidays=kind in ("clinic", "dental_clinic") and rng.random() < 0.7,
                status="open" if rng.random() < 0.98 else "closed"))
        Facility.objects.bulk_create(batch, batch_size=5000)
        rows = list(Facility.objects.values_list("id", "kind"))
        visit = CollaborationAttribute.objects.get(code="scheduled_home_visit")
        night = CollaborationAttribute.objects.get(code="round_the_clock")
        details, hours = [], []
        today = dt.date(2026, 11, 1)
        for facility_id, kind in rows:
            if kind in ("clinic", "hospital") and rng.random() < 0.3:
                details.append(CollaborationDetail(facility_id=facility_id, attribute=visit,
                                                   value=rng.random() < 0.7, confirmed_on=today,
                                                   confirmed_by="bench"))
                if rng.random() < 0.3:
                    details.append(CollaborationDetail(facility_id=facility_id, attribute=night, value=True,
                                                       confirmed_on=today, confirmed_by="bench"))
            if kind in ("clinic", "hospital", "dental_clinic", "pharmacy"):
                for weekday in range(5):
                    hours.append(OpeningHours(facility_id=facility_id, weekday=weekday, opens=dt.time(9),
                                              closes=dt.time(18)))
                hours.append(OpeningHours(facility_id=facility_id, weekday=5, opens=dt.time(9), closes=dt.time(12)))
        CollaborationDetail.objects.bulk_create(details, batch_size=5000)
        OpeningHours.objects.bulk_create(hours, batch_size=10000)
        audit.record(action="bulk", object_type="directory.facility", object_label="search benchmark",
                     changes={"facilities": n, "details": len(details), "hours": len(hours)})
    print(f"built {n} facilities, {len(details)} details, {len(hours)} opening hours")


def naive_search(lat: float, lon: float, data: dict) -> list[tuple[int, float]]:
    """Baseline: every open facility from the database, haversine in Python, then the other filters."""
    from renkei.directory.hours import is_open_at
    from renkei.directory.models import CollaborationDetail, Facility, OpeningHours
    from renkei.directory.selectors.search import parse_open_at

    radius = float(data["radius_km"])
    hits = []
    rows = Facility.objects.filter(status="open", latitude__isnull=False).values_list(
        "id", "latitude", "longitude", "kind", "closed_on_holidays")
    p1 = math.radians(lat)
    for facility_id, flat, flon, kind, closed_on_holidays in rows.iterator(chunk_size=20000):
        if data.get("kind") and kind != data["kind"]:
            continue
        p2 = math.radians(flat)
        a = (math.sin((p2 - p1) / 2) ** 2
             + math.cos(p1) * math.cos(p2) * math.sin(math.radians(flon - lon) / 2) ** 2)
        distance = 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
        if distance <= radius:
            hits.append((facility_id, distance, closed_on_holidays))
    if data.get("capability"):
        yes = set(CollaborationDetail.objects.filter(attribute__code=data["capability"], value=True,
                                                     facility_id__in=[h[0] for h in hits])
                  .values_list("facility_id", flat=True))
        hits = [h for h in hits if h[0] in yes]
    if data.get("open_at"):
        when = parse_open_at(data["open_at"])
        by_facility: dict[int, list] = {}
        for row in OpeningHours.objects.filter(facility_id__in=[h[0] for h in hits]):
            by_facility.setdefault(row.facility_id, []).append(row)
        hits = [h for h in hits if is_open_at(by_facility.get(h[0], []), when, h[2])]
    return sorted(((h[0], h[1]) for h in hits), key=lambda h: (h[1], h[0]))


class KDTreeBaseline:
    """Baseline: the per-process index used before (scipy cKDTree on unit vectors of every position, built
    in each worker on its first search and after every move), with the same filters and exact distances."""

    def __init__(self):
        import numpy as np
        from scipy.spatial import cKDTree

        from renkei.directory.models import Facility

        rows = list(Facility.objects.filter(latitude__isnull=False, longitude__isnull=False).order_by("id")
                    .values_list("id", "latitude", "longitude", "status", "kind"))
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.lats = np.array([r[1] for r in rows], dtype=np.float64)
        self.lons = np.array([r[2] for r in rows], dtype=np.float64)
        self.is_open = np.array([r[3] == "open" for r in rows], dtype=bool)
        self.kinds = np.array([r[4] for r in rows], dtype=object)
        self.tree = cKDTree(self._unit(self.lats, self.lons))

    @staticmethod
    def _unit(lats, lons):
        import numpy as np

        la, lo = np.radians(lats), np.radians(lons)
        return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))

    def within(self, lat, lon, radius_km, *, include_closed=False, kinds=None):
        import numpy as np

        from renkei.directory.spatial import EARTH_RADIUS_KM, haversine_many_km

        chord = 2 * math.sin(min(math.pi, radius_km / EARTH_RADIUS_KM) / 2)
        found = np.asarray(self.tree.query_ball_point(self._unit(np.array([lat]), np.array([lon]))[0],
                                                      chord * (1 + 1e-9)), dtype=np.int64)
        if not include_closed:
            found = found[self.is_open[found]]
        if kinds:
            found = found[np.isin(self.kinds[found], list(kinds))]
        distances = haversine_many_km(lat, lon, self.lats[found], self.lons[found])
        keep = distances <= radius_km
        found, distances = found[keep], distances[keep]
        order = np.lexsort((self.ids[found], distances))
        return list(zip(self.ids[found][order].tolist(), distances[order].tolist(), strict=True))


def measure_spatial_index(points: list[tuple[float, float]]) -> None:
    """The database's position index against the per-process KD-tree, same points, same run."""
    from django.db import connection

    from renkei.directory import spatial
    from renkei.directory.models import Facility
    from renkei.directory.services.facilities import facility_save

    start = time.perf_counter()
    spatial.facilities_within(*points[0], 16.0)
    first = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    baseline = KDTreeBaseline()
    build = (time.perf_counter() - start) * 1000
    baseline.within(*points[0], 16.0)
    print(f"first 16 km radius search in a fresh process: {first:.1f} ms (database index: nothing to build); "
          f"KD-tree load + build per process {build:.0f} ms; ratio {build / first:.0f}x")
    for label, options in (("open, all kinds", {}), ("open, kind=clinic", {"kinds": ["clinic"]})):
        new, old, hits = [], [], []
        for lat, lon in points:
            t0 = time.perf_counter()
            got = spatial.facilities_within(lat, lon, 16.0, **options)
            new.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            expected = baseline.within(lat, lon, 16.0, **options)
            old.append((time.perf_counter() - t0) * 1000)
            assert [i for i, _ in got] == [i for i, _ in expected], (lat, lon, label)
            hits.append(len(got))
        print(f"facilities_within 16 km, {label:18s} ({connection.vendor} index) p50 {percentile(new, 50):6.2f} "
              f"p95 {percentile(new, 95):6.2f} ms; warm KD-tree p50 {percentile(old, 50):6.2f} "
              f"p95 {percentile(old, 95):6.2f} ms; ratio p50 {percentile(new, 50) / percentile(old, 50):.1f}x "
              f"(median {percentile(hits, 50):.0f}, max {max(hits)} hits)")
    facility = Facility.objects.filter(latitude__isnull=False).order_by("id").first()
    home = (facility.latitude, facility.longitude)
    cycles = 10
    start = time.perf_counter()
    for cycle in range(cycles):
        facility.latitude = home[0] + (0.01 if cycle % 2 == 0 else 0.0)
        facility_save(facility=facility)
        spatial.facilities_within(*home, 16.0)
    moved = (time.perf_counter() - start) * 1000 / cycles
    start = time.perf_counter()
    for cycle in range(cycles):
        facility.latitude = home[0] + (0.01 if cycle % 2 == 0 else 0.0)
        facility_save(facility=facility)
        KDTreeBaseline().within(*home, 16.0)  # what every worker did after a move
    rebuilt = (time.perf_counter() - start) * 1000 / cycles
    print(f"move a facility (facility_save), then the next search: {moved:.1f} ms (index updated in place in "
          f"the write); with the KD-tree rebuilt, as before: {rebuilt:.1f} ms in each worker; ratio "
          f"{rebuilt / moved:.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline-queries", type=int, default=8)
    parser.add_argument("--data-dir", help="keep the database here and reuse it when it is already built")
    args = parser.parse_args()
    if args.data_dir:
        os.makedirs(args.data_dir, exist_ok=True)
        os.environ["RENKEI_DATA_DIR"] = args.data_dir
    setup_django()
    from django.db import connection

    from renkei.directory.models import Facility
    from renkei.directory.selectors.search import parse_facility_search, search_facilities

    rng = random.Random(SEED)
    start = time.perf_counter()
    if Facility.objects.count() != args.facilities:
        Facility.objects.all().delete()
        build_directory(args.facilities, rng)
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load; without statistics PostgreSQL misjudges the hours subqueries
        # as costly enough to JIT-compile them (over 100 ms a query).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}; ready in {time.perf_counter() - start:.1f} s")

    query_rng = random.Random(SEED + 1)  # the same points whether the directory was built now or reused
    points = [random_point(query_rng) for _ in range(args.queries)]
    measure_spatial_index(points)
    print(f"{'search (16 km around random points on land)':52s} {'rows only':>24s} {'+ hours, details':>24s}")
    for label, extra in SEARCHES.items():
        bare, full, totals = [], [], []
        for lat, lon in points:
            params, errors = parse_facility_search({"lat": f"{lat}", "lon": f"{lon}", **extra})
            assert not errors, errors
            t0 = time.perf_counter()
            result = search_facilities(params, with_details=False)
            bare.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            result = search_facilities(params)
            for hit in result.hits:  # what a result page reads
                list(hit.facility.opening_hours.all())
                list(hit.facility.collaboration_details.all())
            full.append((time.perf_counter() - t0) * 1000)
            totals.append(result.total)
        baseline = []
        for lat, lon in points[:args.baseline_queries]:
            t0 = time.perf_counter()
            expected = naive_search(lat, lon, extra)
            baseline.append((time.perf_counter() - t0) * 1000)
            params, _ = parse_facility_search({"lat": f"{lat}", "lon": f"{lon}", "limit": "200", **extra})
            got = search_facilities(params, with_details=False)
            assert got.total == len(expected), (label, got.total, len(expected))
            assert [h.facility.pk for h in got.hits] == [i for i, _ in expected][:200], label
        p50, p95 = percentile(bare, 50), percentile(bare, 95)
        f50, f95 = percentile(full, 50), percentile(full, 95)
        b50 = percentile(baseline, 50)
        print(f"{label:52s} p50 {p50:5.1f} p95 {p95:5.1f} ms   p50 {f50:5.1f} p95 {f95:5.1f} ms   "
              f"median {percentile(totals, 50):4.0f} hits; naive full scan p50 {b50:7.1f} ms, "
              f"ratio {b50 / p50:5.1f}x (rows only) {b50 / f50:5.1f}x (with details); "
              f"target p95 < 30 ms: {'met' if p95 < 30 else 'MISSED'} / {'met' if f95 < 30 else 'MISSED'}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
