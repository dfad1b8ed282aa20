"""Facility search end to end over HTTP at national scale, against a dedicated single-purpose search, same run.

Measured: Renkei (the demo plus the generator's national MHLW files, imported with `import_file`) served by
gunicorn on 127.0.0.1 (3 sync workers, DEBUG off, renkei.settings.local with RENKEI_DEBUG=0), one client,
after a warm-up that reaches every worker:
- 200 nearby searches on the JSON API (`/api/v1/facilities?lat=…&lon=…&radius_km=16&limit=100`) around
  varied centres: half at facilities' positions (towns and cities), half at municipalities' centres (the
  mean position of their facilities; most municipalities are small, so mostly countryside);
- 50 name searches on the API (`?q=…&limit=100`): kanji, hiragana, katakana, romaji, one and two characters;
- the resident portal's search page (`/resources/<code>/?lat=…&lon=…&radius_km=16`, `?q=…`) on a sample.
p50/p95/p99 and response sizes.

Baseline: `baseline_app` below, a dedicated search over a SQLite file built from the same open facilities
(FTS5 trigram index for names, LIKE for one- and two-character terms; an R*Tree bounding box then haversine
for nearby; plain JSON), served the same way (gunicorn, 3 workers) and asked the same queries. It stands for
what a single-purpose national search does. Every query's hit count is compared; mismatches are printed.

    python benchmarks/search_http.py --files /work/nat/edition --keep /tmp/search-db   # national, files given
    python benchmarks/search_http.py --keep /tmp/search-db      # rerun: skips the build (~3 min at scale 1)
    python benchmarks/search_http.py --scale 0.1                # generate the files (default scale 1)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sqlite3
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _http import Client, Server, summary_ms  # noqa: E402

HERE = Path(__file__).resolve().parent
RADIUS_KM = 16
EARTH_RADIUS_KM = 6371.0088  # mean radius, as renkei/directory/spatial.py
LIMIT = 100


# --- the baseline: a dedicated search, written here ---------------------------------------------------------------

def normalize(text: str) -> str:
    """NFKC, hiragana as katakana, lower case, no spaces: how the baseline stores and asks names."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)
    return re.sub(r"\s+", "", text).lower()


def build_baseline(path: Path, rows: list[tuple]) -> None:
    """rows: (id, name, kana, kind, address, phone, lat, lon, search text: name, kana and romaji normalized)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript("""
        create table facility (id integer primary key, name text, kana text, kind text, address text,
                               phone text, lat real, lon real, search_text text);
        create virtual table facility_name using fts5(search_text, content='facility', content_rowid='id',
                                                      tokenize='trigram');
        create virtual table facility_box using rtree(id, min_lat, max_lat, min_lon, max_lon);
        create index facility_kana on facility (kana);
    """)
    db.executemany("insert into facility values (?,?,?,?,?,?,?,?,?)", rows)
    db.execute("insert into facility_name(rowid, search_text) select id, search_text from facility")
    db.execute("insert into facility_box select id, lat, lat, lon, lon from facility where lat is not null")
    db.commit()
    db.execute("analyze")
    db.close()


_baseline_db: sqlite3.Connection | None = None


def _baseline_connection() -> sqlite3.Connection:
    global _baseline_db
    if _baseline_db is None:
        _baseline_db = sqlite3.connect(os.environ["BENCH_BASELINE_DB"], check_same_thread=False)
    return _baseline_db


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


COLUMNS = "f.id, f.name, f.kana, f.kind, f.address, f.phone, f.lat, f.lon"


def _item(row, distance=None) -> dict:
    out = dict(zip(("id", "name", "kana", "kind", "address", "phone", "lat", "lon"), row, strict=True))
    out["distance_km"] = None if distance is None else round(distance, 3)
    return out


def baseline_nearby(db, lat: float, lon: float, radius: float, limit: int) -> dict:
    # The box that holds the circle: its exact half-height and half-width in degrees, plus a hair for rounding.
    angle = radius / EARTH_RADIUS_KM
    dlat = math.degrees(angle) + 1e-6
    dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / max(1e-6, math.cos(math.radians(lat)))))) + 1e-6
    rows = db.execute(f"select {COLUMNS} from facility_box b join facility f on f.id = b.id "  # noqa: S608
                      "where b.max_lat >= ? and b.min_lat <= ? and b.max_lon >= ? and b.min_lon <= ?",
                      (lat - dlat, lat + dlat, lon - dlon, lon + dlon)).fetchall()
    hits = sorted(((haversine_km(lat, lon, r[6], r[7]), r) for r in rows), key=lambda pair: pair[0])
    hits = [(d, r) for d, r in hits if d <= radius]
    return {"count": len(hits), "items": [_item(r, d) for d, r in hits[:limit]]}


def baseline_names(db, q: str, limit: int) -> dict:
    terms = [normalize(t) for t in q.split() if t.strip()][:8]
    where, args, joins = [], [], ""
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        joins = "join facility_name n on n.rowid = f.id"
        where.append("facility_name match ?")
        args.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
    for term in terms:
        if len(term) < 3:  # a trigram index cannot answer one or two characters: scan
            where.append("f.search_text like ? escape '\\'")
            args.append("%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    condition = " and ".join(where) or "1"
    count = db.execute(f"select count(*) from facility f {joins} where {condition}", args).fetchone()[0]  # noqa: S608
    rows = db.execute(f"select {COLUMNS} from facility f {joins} where {condition} "  # noqa: S608
                      "order by f.kana, f.id limit ?", [*args, limit]).fetchall()
    return {"count": count, "items": [_item(r) for r in rows]}


def baseline_app(environ, start_response):
    """WSGI: /facilities?lat&lon&radius_km&limit or ?q&limit → JSON; /health/ → ok."""
    path = environ.get("PATH_INFO", "")
    if path == "/health/":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    if path != "/facilities":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    limit = min(200, int(query.get("limit", 50)))
    db = _baseline_connection()
    if query.get("lat") and query.get("lon"):
        result = baseline_nearby(db, float(query["lat"]), float(query["lon"]),
                                 min(100.0, float(query.get("radius_km", RADIUS_KM))), limit)
    else:
        result = baseline_names(db, query.get("q", ""), limit)
    body = json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


# --- the queries --------------------------------------------------------------------------------------------------

def to_hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


def make_queries(rng: random.Random, nearby: int, names: int) -> tuple[list[tuple], list[str]]:
    """(centres, name queries) drawn from the database's own facilities and municipalities.

    A centre is (what it is, lat, lon, the code of its municipality).
    """
    from django.db.models import Avg, Count

    from renkei.core.text import katakana_to_hepburn
    from renkei.directory.models import Facility

    open_placed = Facility.objects.filter(status=Facility.Status.OPEN, latitude__isnull=False)
    ids = list(open_placed.values_list("pk", flat=True))
    picked = rng.sample(ids, min(len(ids), nearby // 2))
    centres = [("facility", lat, lon, code) for lat, lon, code in
               Facility.objects.filter(pk__in=picked).values_list("latitude", "longitude", "municipality__code")]
    towns = list(open_placed.values("municipality__code").annotate(lat=Avg("latitude"), lon=Avg("longitude"),
                                                                    n=Count("pk")).order_by("municipality__code"))
    for town in rng.sample(towns, min(len(towns), nearby - len(centres))):
        centres.append(("municipality", town["lat"], town["lon"], town["municipality__code"]))
    rng.shuffle(centres)

    sample = sorted(Facility.objects.filter(pk__in=rng.sample(ids, min(len(ids), 400))).values_list("name", "kana"))
    rng.shuffle(sample)  # the default order is by kana: take names from all over the alphabet
    queries: list[str] = []
    per_kind = max(1, names // 6)
    for name, _kana in sample:
        kanji = re.match(r"[\u4e00-\u9fff]{2,}", name)
        if kanji and sum(1 for q in queries if re.fullmatch(r"[\u4e00-\u9fff]{3,}", q)) < per_kind:
            queries.append(kanji.group(0) + (name[len(kanji.group(0))] if len(name) > len(kanji.group(0))
                                              and "\u4e00" <= name[len(kanji.group(0))] <= "\u9fff" else ""))
    kana_words = [k[:4] for _, k in sample if len(k) >= 4]
    queries += [to_hiragana(k) for k in kana_words[:per_kind]]  # hiragana
    queries += kana_words[per_kind:2 * per_kind]  # katakana
    queries += [katakana_to_hepburn(k) for k in kana_words[2 * per_kind:3 * per_kind]]  # romaji
    singles = ["林", "森", "眼", "薬", "歯", "医", "科", "内"]
    doubles = ["歯科", "薬局", "内科", "医院", "眼科", "山田", "中央", "病院"]
    queries += singles[:per_kind] + doubles[:per_kind]
    while len(queries) < names:  # two terms (every term must match)
        name = rng.choice(sample)[0]
        queries.append(f"{name[:2]} {name[-2:]}")
    return centres[:nearby], [q for q in queries if q.strip()][:names]


# --- running ---------------------------------------------------------------------------------------------------

def measure(client: Client, paths: list[str], count_of) -> tuple[list[float], list[int], list[int | None]]:
    seconds, sizes, counts = [], [], []
    for path in paths:
        response = client.get(path)
        seconds.append(response.seconds)
        sizes.append(len(response.body))
        counts.append(count_of(response) if response.status == 200 else None)
        if response.status != 200:
            print(f"  ! {response.status} for {path}")
    return seconds, sizes, counts


def api_count(response) -> int:
    return response.json()["count"]


def line(label: str, seconds: list[float], sizes: list[int]) -> str:
    p50, p95, p99 = summary_ms(seconds)
    size = sum(sizes) / len(sizes) / 1024 if sizes else 0
    return f"  {label:38} p50 {p50:7.1f}  p95 {p95:7.1f}  p99 {p99:7.1f} ms   mean size {size:7.1f} KB"


def warm_up(url: str, paths: list[str], workers: int) -> float:
    """Enough requests for every worker to load what it keeps (the spatial index); the first one's time."""
    client = Client(url)
    first = client.get(paths[0]).seconds
    for path in paths[1:] * (workers * 2):
        client.get(path)
    return first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=Path, help="a folder of MHLW files to import (else generate them)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="generator scale when --files is absent (1 = national)")
    parser.add_argument("--keep", type=Path, help="keep the database in this folder; reuse it when already built")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--nearby", type=int, default=200)
    parser.add_argument("--names", type=int, default=50)
    parser.add_argument("--portal", type=int, default=40, help="portal search pages measured (nearby and names)")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()

    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="renkei-search-http-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["RENKEI_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)  # this benchmark measures the embedded SQLite database
    from _build import SERVER_ENV, build, setup_django

    setup_django()
    marker = data_dir / "search_http.json"
    if marker.exists():
        print(f"reusing the database in {data_dir} ({json.loads(marker.read_text())})")
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)  # a kept database built by older code
    else:
        began = time.perf_counter()
        build(args.files, args.scale, data_dir)
        marker.write_text(json.dumps({"files": str(args.files or ""), "scale": args.scale}))
        print(f"built in {time.perf_counter() - began:.0f} s")

    from django.db import connections

    from renkei.directory.models import Facility

    rng = random.Random(args.seed)
    centres, names = make_queries(rng, args.nearby, args.names)
    baseline_path = data_dir / "baseline.sqlite3"
    if not baseline_path.exists():
        from renkei.core.text import katakana_to_hepburn

        rows = Facility.objects.filter(status=Facility.Status.OPEN).values_list(
            "pk", "name", "kana", "kind", "address", "phone", "latitude", "longitude", "search_text")
        # A dedicated search stores a romaji reading next to the name (here derived from the kana once).
        build_baseline(baseline_path, [(*row[:8], f"{row[8]} {normalize(katakana_to_hepburn(row[2] or ''))}")
                                       for row in rows])
    total = Facility.objects.filter(status=Facility.Status.OPEN).count()
    connections.close_all()
    print(f"{total} open facilities; {len(centres)} nearby centres "
          f"({sum(1 for c in centres if c[0] == 'facility')} at facilities), {len(names)} name queries: "
          + "、".join(names[:12]) + " …")

    nearby_q = [urlencode({"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "radius_km": RADIUS_KM, "limit": LIMIT})
                for _, lat, lon, _ in centres]
    name_q = [urlencode({"q": q, "limit": LIMIT}) for q in names]
    env = {**SERVER_ENV, "RENKEI_DATA_DIR": str(data_dir)}
    log = data_dir / "gunicorn-search.log"

    results = {}
    with Server("renkei.wsgi:application", env=env, workers=args.workers, log=log) as server:
        first = warm_up(server.url, [f"/api/v1/facilities?{nearby_q[0]}", f"/api/v1/facilities?{name_q[0]}",
                                     f"/api/v1/facilities?{nearby_q[1]}"], args.workers)
        client = Client(server.url)
        results["renkei nearby"] = measure(client, [f"/api/v1/facilities?{q}" for q in nearby_q], api_count)
        results["renkei names"] = measure(client, [f"/api/v1/facilities?{q}" for q in name_q], api_count)
        # The portal is per municipality: near a centre inside it, or a name within it.
        portal_nearby = [f"/resources/{code}/?" + urlencode({"lat": f"{lat:.6f}", "lon": f"{lon:.6f}",
                                                              "radius_km": RADIUS_KM})
                         for _, lat, lon, code in centres[:args.portal]]
        portal_names = [f"/resources/{code}/?" + urlencode({"q": q})
                        for (_, _, _, code), q in zip(centres[:args.portal], names, strict=False)]
        results["portal nearby"] = measure(client, portal_nearby, lambda r: None)
        results["portal names"] = measure(client, portal_names, lambda r: None)
    with Server("search_http:baseline_app", env={"BENCH_BASELINE_DB": str(baseline_path)}, workers=args.workers,
                chdir=HERE, log=data_dir / "gunicorn-baseline.log") as server:
        baseline_first = warm_up(server.url, [f"/facilities?{nearby_q[0]}", f"/facilities?{name_q[0]}"],
                                 args.workers)
        client = Client(server.url)
        results["baseline nearby"] = measure(client, [f"/facilities?{q}" for q in nearby_q], api_count)
        results["baseline names"] = measure(client, [f"/facilities?{q}" for q in name_q], api_count)

    print(f"first request after start (loads what a worker keeps): Renkei {first * 1000:.0f} ms, "
          f"baseline {baseline_first * 1000:.0f} ms")
    print(f"over HTTP, one client, gunicorn {args.workers} workers, {RADIUS_KM} km, pages of {LIMIT}:")
    for label in ("renkei nearby", "baseline nearby", "renkei names", "baseline names", "portal nearby",
                  "portal names"):
        seconds, sizes, _ = results[label]
        print(line(f"{label} ({len(seconds)} queries)", seconds, sizes))
    for kind in ("nearby", "names"):
        ours, theirs = summary_ms(results[f"renkei {kind}"][0]), summary_ms(results[f"baseline {kind}"][0])
        ratios = " ".join(f"{p} {a / b:.1f}x" for p, a, b in zip(("p50", "p95", "p99"), ours, theirs, strict=True)
                          if b)
        size = (sum(results[f"renkei {kind}"][1]) / max(1, sum(results[f"baseline {kind}"][1])))
        print(f"Renkei/baseline {kind}: {ratios}; response size {size:.1f}x")
    for kind, queries in (("nearby", [f"{lat:.4f},{lon:.4f}" for _, lat, lon, _ in centres]), ("names", names)):
        ours, theirs = results[f"renkei {kind}"][2], results[f"baseline {kind}"][2]
        mismatched = [(q, a, b) for q, a, b in zip(queries, ours, theirs, strict=True) if a != b]
        print(f"hit counts, {kind}: {len(queries) - len(mismatched)} of {len(queries)} queries agree"
              + ("" if not mismatched else "; differ: " + ", ".join(f"{q!r} Renkei {a} baseline {b}"
                                                                    for q, a, b in mismatched[:8])))


if __name__ == "__main__":
    main()
