"""Facility name search at national scale: the indexed search against the full scan it replaced, same run.

Facilities come from the MHLW generator (benchmarks/generators/mhlw.py) imported with `import_file`, as
in benchmarks/directory_import.py. Queries are drawn from the imported names: kanji, hiragana, katakana and
romaji substrings of 3–5 characters, and one- and two-character substrings (which no trigram index can
serve). Each query is timed through `search_facilities(..., as_rows=True)` (first page of 50, kana order,
with hours and collaboration details as plain values: what the API list renders), and through the old path
measured here as the baseline: the same filters with the name as a plain LIKE/regex scan, `count()`, the
kana-ordered page read, then the page's Facility objects with hours and details prefetched.
Every query's hits (all ids, the total and the page) are CHECKED against the full scan's.

    python benchmarks/directory_name_search.py                     # scale 0.05 (~12,000 facilities)
    python benchmarks/directory_name_search.py --scale 1           # national (~245,000), import ~3-5 min
    RENKEI_DATA_DIR=/work/nat/search-db python benchmarks/directory_name_search.py --scale 1   # keep the db
    python benchmarks/directory_name_search.py --files /work/nat/edition    # files generated before
    DATABASE_URL=postgres://... python benchmarks/directory_name_search.py                      # PostgreSQL

A database that already holds facilities is reused as it is (no import).
"""

import argparse
import random
import tempfile
import time
from pathlib import Path

from _setup import django_with_demo, percentile

SEED = 20261206


def import_national(scale: float, hours: bool, files: str = "") -> None:
    from generators.mhlw import generate

    from renkei.core.models import Municipality
    from renkei.directory.models import ImportRun
    from renkei.directory.services.imports import ImportContext, import_file

    places = [(m.jis_code, m.prefecture.name, m.name) for m in Municipality.objects.select_related("prefecture")
              .exclude(kind=Municipality.Kind.DESIGNATED_CITY).filter(abolished_on__isnull=True)]
    if files:  # an edition generated before (facility files first, as generate() lists them)
        paths = sorted(Path(files).glob("*.csv"), key=lambda p: ("speciality" in p.name, p.name))
    else:
        paths = generate(Path(tempfile.mkdtemp(prefix="renkei-mhlw-")) / "edition", places=places, scale=scale)
    context = ImportContext(coverage_municipality_ids=set())
    began = time.perf_counter()
    for path in paths:
        if "speciality" in path.name and not hours:
            continue
        run = import_file(source="mhlw", file=path, file_name=path.name, context=context)
        assert run.outcome == ImportRun.Outcome.APPLIED, run.rejected_rows[:3]
    print(f"imported scale {scale} in {time.perf_counter() - began:.0f} s")


def draw_queries(rng: random.Random, per_group: int) -> dict[str, list[str]]:
    from renkei.core.text import katakana_to_hepburn, to_hiragana
    from renkei.directory.models import Facility

    open_with_kana = Facility.objects.filter(status="open").exclude(kana="")
    ids = sorted(open_with_kana.values_list("pk", flat=True))
    chosen = rng.sample(ids, min(len(ids), per_group * 20))  # the same queries on every run of the same data
    by_id = dict(open_with_kana.filter(pk__in=chosen).values_list("pk", "name"))
    kana_by_id = dict(open_with_kana.filter(pk__in=chosen).values_list("pk", "kana"))
    rows = [(by_id[i], kana_by_id[i]) for i in chosen]

    def piece(text: str, low: int, high: int) -> str:
        size = rng.randint(low, min(high, len(text)))
        start = rng.randint(0, len(text) - size)
        return text[start:start + size]

    groups: dict[str, list[str]] = {"kanji": [], "hiragana": [], "katakana": [], "romaji": [], "1 character": [],
                                    "2 characters": []}
    for name, kana in rows:
        kanji = "".join(c for c in name if "\u4e00" <= c <= "\u9fff")
        if len(kanji) >= 3 and len(groups["kanji"]) < per_group:
            groups["kanji"].append(piece(kanji, 3, 5))
        if len(kana) >= 4:
            if len(groups["hiragana"]) < per_group:
                groups["hiragana"].append(to_hiragana(piece(kana, 3, 6)))
            if len(groups["katakana"]) < per_group:
                groups["katakana"].append(piece(kana, 3, 6))
            if len(groups["romaji"]) < per_group:
                reading = katakana_to_hepburn(kana[:rng.randint(3, min(6, len(kana)))])
                if reading.isascii() and reading.isalpha():
                    groups["romaji"].append(reading)
        if len(groups["1 character"]) < per_group:
            groups["1 character"].append(piece(name, 1, 1))
        if len(groups["2 characters"]) < per_group:
            groups["2 characters"].append(piece(name, 2, 2))
    groups["1 character"][:2] = ["医", "ク"]  # a very frequent kanji and katakana
    groups["2 characters"][:2] = ["医院", "やま"]
    return groups


def old_search(q: str):
    """The path this benchmark replaces: names by a full LIKE/regex scan, count(), then the kana-ordered read."""
    from django.db.models import Case, Value, When

    from renkei.directory.selectors.search import FacilitySearch, _page, filtered_facilities

    params = FacilitySearch(q=q)
    ordered = filtered_facilities(params, [], use_name_index=False).order_by(
        Case(When(kana="", then=Value(1)), default=Value(0)), "kana", "name", "pk")
    total = ordered.count()
    ids = list(ordered.values_list("pk", flat=True)[:params.limit])
    facilities = _page(ids)
    return total, [i for i in ids if i in facilities]


def new_search(q: str):
    from renkei.directory.selectors.search import FacilitySearch, search_facilities

    result = search_facilities(FacilitySearch(q=q), as_rows=True)  # what the API list asks for
    return result.total, [hit.row["id"] for hit in result.hits]


def same_hits(q: str) -> bool:
    from renkei.directory.selectors.search import FacilitySearch, filtered_facilities

    params = FacilitySearch(q=q, include_closed=True)
    indexed = set(filtered_facilities(params, [], use_name_index=True).values_list("pk", flat=True))
    scanned = set(filtered_facilities(params, [], use_name_index=False).values_list("pk", flat=True))
    return indexed == scanned


def timed(function, q: str, repeat: int) -> tuple[float, object]:
    """The best of `repeat` runs in ms (a shared machine's other load only ever adds time), and the answer."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        answer = function(q)
        best = min(best, (time.perf_counter() - began) * 1000)
    return best, answer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.05, help="1.0 = national size (default 0.05)")
    parser.add_argument("--queries", type=int, default=10, help="queries per group (default 10)")
    parser.add_argument("--hours", action="store_true", help="also import the speciality-and-hours files")
    parser.add_argument("--files", default="", help="import these generated MHLW files instead of generating")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each query, the best counts (default 3)")
    args = parser.parse_args()
    django_with_demo()
    from django.db import connection

    from renkei.directory.models import Facility

    if Facility.objects.count() < 1000:
        import_national(args.scale, args.hours, args.files)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_facility")
    count = Facility.objects.count()
    groups = draw_queries(random.Random(SEED), args.queries)
    print(f"{connection.vendor}, {count} facilities, {sum(map(len, groups.values()))} queries; ms p50 / p95")

    for q in ["医", "クリニック"]:  # warm caches (taxonomy, page cache) on both paths
        new_search(q), old_search(q)
    every_new: list[float] = []
    every_old: list[float] = []
    mismatches: list[str] = []
    slowest: list[tuple[float, str, int]] = []
    for group, queries in groups.items():
        new_times, old_times = [], []
        for q in queries:
            old_ms, old_answer = timed(old_search, q, args.repeat)
            new_ms, new_answer = timed(new_search, q, args.repeat)
            slowest.append((new_ms, q, new_answer[0]))
            new_times.append(new_ms)
            old_times.append(old_ms)
            if new_answer != old_answer or not same_hits(q):
                mismatches.append(q)
        every_new += new_times
        every_old += old_times
        print(f"  {group:13} indexed {percentile(new_times, 50):7.1f} / {percentile(new_times, 95):7.1f}   "
              f"full scan {percentile(old_times, 50):7.1f} / {percentile(old_times, 95):7.1f}   "
              f"p95 ratio {percentile(old_times, 95) / max(percentile(new_times, 95), 0.001):5.1f}x   "
              f"e.g. {queries[:3]}")
    print(f"all queries: indexed p50 {percentile(every_new, 50):.1f} ms, p95 {percentile(every_new, 95):.1f} ms; "
          f"full scan p50 {percentile(every_old, 50):.1f} ms, p95 {percentile(every_old, 95):.1f} ms; "
          f"p95 {percentile(every_old, 95) / percentile(every_new, 95):.1f}x faster (target p95 <= 60 ms)")
    print("slowest indexed: " + ", ".join(f"{q!r} {ms:.0f} ms ({total} hits)"
                                          for ms, q, total in sorted(slowest, reverse=True)[:5]))
    print("hits equal the full scan's for every query" if not mismatches
          else f"MISMATCHED HITS for {len(mismatches)} queries: {mismatches}")
    if mismatches:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
