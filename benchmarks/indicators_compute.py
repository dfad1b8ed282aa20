"""Recomputing every computed indicator of a prefecture: 50 municipalities × 10 fiscal years (target < 30 s).

    python benchmarks/indicators_compute.py                                   # SQLite, a throw-away file
    python benchmarks/indicators_compute.py --database-url postgres://postgres@127.0.0.1:5432/bench_indicators
    python benchmarks/indicators_compute.py --municipalities 3 --years 2 --facilities 6   # the smoke test's size

Everything is synthesised here (no third-party data): a prefecture of N municipalities with three daily
living areas each; per municipality clinics, hospitals, dental clinics, pharmacies and visiting nursing
stations with their collaboration details (some confirmed more than a year ago); the population aged 75+
imported for every fiscal year; a finished coverage run per municipality. `--database-url` drops and creates
that PostgreSQL database first.

Timed:
  engine    `indicators_compute(prefecture=…, period=FY)` for each fiscal year: every computed definition of
            the library (ten directory providers), all municipalities, daily living areas and the prefecture,
            written through values_record (then a second pass that finds every value unchanged);
  baseline  the naive way in the same run: per fiscal year, per municipality, per definition, the provider
            asked for that one municipality and the value written on its own (one query or more per value);
            measured on five municipalities over every year inside a transaction rolled back, extrapolated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261206
PREFECTURE_CODE = "47"  # a real code so Area keys look real; the prefecture's places are all synthetic


def setup_django(database_url: str | None) -> None:
    os.environ.setdefault("RENKEI_DATA_DIR", tempfile.mkdtemp(prefix="renkei-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.settings.local")
    os.environ["RENKEI_DEBUG"] = "0"
    os.environ["RENKEI_RUN_JOBS_INLINE"] = "1"
    if database_url:
        parts = urlsplit(database_url)
        psql = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
                "-U", parts.username or "postgres", "-d", "postgres", "-q", "-c"]
        database = parts.path.lstrip("/")
        subprocess.run([*psql, f'drop database if exists "{database}" with (force)'], check=True)  # noqa: S603
        subprocess.run([*psql, f'create database "{database}"'], check=True)  # noqa: S603
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(municipalities: int, facilities: int, years: list[int]):
    """The synthetic prefecture; returns it. Not timed."""
    import numpy as np
    from django.utils import timezone

    from renkei.core.models import DailyLivingArea, Municipality, Prefecture
    from renkei.core.services.places import local_government_code
    from renkei.directory.models import CollaborationAttribute, CollaborationDetail, CoverageRun, Facility
    from renkei.indicators.areas import Area
    from renkei.indicators.library import POPULATION_75_PLUS
    from renkei.indicators.models import IndicatorDefinition, Origin
    from renkei.indicators.periods import fiscal_year
    from renkei.indicators.services.values import ValueInput, values_record

    rng = np.random.default_rng(SEED)
    prefecture = Prefecture.objects.create(code=PREFECTURE_CODE, name="ベンチ県", kana="ベンチケン",
                                           local_government_code=local_government_code(PREFECTURE_CODE + "000"))
    places = []
    for n in range(municipalities):
        jis = f"{PREFECTURE_CODE}{201 + n:03d}"
        places.append(Municipality(code=local_government_code(jis), jis_code=jis, prefecture=prefecture,
                                   name=f"ベンチ市{n}", kana="ベンチシ", kind=Municipality.Kind.CITY))
    Municipality.objects.bulk_create(places)
    places = list(Municipality.objects.filter(prefecture=prefecture).select_related("prefecture"))
    DailyLivingArea.objects.bulk_create([DailyLivingArea(municipality=m, name=f"圏域{i}") for m in places
                                         for i in range(3)])
    areas = {}
    for area in DailyLivingArea.objects.filter(municipality__prefecture=prefecture):
        areas.setdefault(area.municipality_id, []).append(area.pk)

    kinds = ["clinic", "hospital", "dental_clinic", "pharmacy", "visiting_nursing_station"]
    rows = []
    for m in places:
        for i in range(facilities):
            kind = str(rng.choice(kinds, p=[0.4, 0.1, 0.15, 0.2, 0.15]))
            rows.append(Facility(kind=kind, name=f"{m.name}施設{i}", search_text=f"{m.name}施設{i}",
                                 prefecture=prefecture, municipality=m,
                                 daily_living_area_id=int(rng.choice(areas[m.pk])),
                                 latitude=26.2 + rng.uniform(0, 0.5), longitude=127.7 + rng.uniform(0, 0.5)))
    Facility.objects.bulk_create(rows, batch_size=2000)
    attributes = dict(CollaborationAttribute.objects.values_list("code", "pk"))
    asked = {"clinic": ["scheduled_home_visit", "urgent_home_visit", "home_care_support_certified",
                        "home_end_of_life_care"],
             "hospital": ["scheduled_home_visit", "urgent_home_visit", "home_care_support_certified"],
             "dental_clinic": ["home_dental_visit"], "pharmacy": ["home_pharmacy_visit"],
             "visiting_nursing_station": ["round_the_clock", "home_end_of_life_care"]}
    today = timezone.localdate()
    details = []
    for pk, kind in Facility.objects.filter(prefecture=prefecture).values_list("pk", "kind"):
        for code in asked[kind]:
            # Confirmed at some point of the first year (the directory in use since then), re-confirmed since.
            confirmed = today - dt.timedelta(days=int(rng.integers(0, 365 * len(years))))
            confirmed = min(confirmed, dt.date(years[0], 4, 1) + dt.timedelta(days=int(rng.integers(0, 300))))
            details.append(CollaborationDetail(facility_id=pk, attribute_id=attributes[code],
                                               value=bool(rng.random() < 0.6), confirmed_on=confirmed,
                                               confirmed_by="bench"))
    CollaborationDetail.objects.bulk_create(details, batch_size=5000)

    population = IndicatorDefinition.objects.get(code=POPULATION_75_PLUS, owner_municipality=None,
                                                 owner_prefecture=None)
    values_record(items=[ValueInput(definition=population, area=Area.of_municipality(m), period=fiscal_year(year),
                                    numerator=Decimal(int(rng.integers(3_000, 60_000))))
                         for m in places for year in years], origin=Origin.IMPORTED)
    runs = []
    for m in places:
        by_area = []
        for area_id in areas[m.pk]:
            people = int(rng.integers(1_000, 20_000))
            by_area.append({"area_id": area_id, "population": people,
                            "population_uncovered_home_visit": int(people * rng.uniform(0, 0.2)),
                            "population_uncovered_nursing_24h": int(people * rng.uniform(0, 0.3))})
        total = {k: sum(row[k] for row in by_area) for k in ("population", "population_uncovered_home_visit",
                                                               "population_uncovered_nursing_24h")}
        finished = timezone.make_aware(dt.datetime(years[0], 4, 2))  # so every year has a run finished by its end
        runs.append(CoverageRun(municipality=m, status=CoverageRun.Status.DONE, finished_at=finished,
                                summary={"has_population": True, **total, "by_area": by_area}))
    CoverageRun.objects.bulk_create(runs)
    print(f"set-up (not timed): {len(places)} municipalities, {len(rows):,} facilities, {len(details):,} "
          f"collaboration details, population 75+ for {len(years)} fiscal years", flush=True)
    return prefecture, places


def naive(places, years: list[int]) -> tuple[float, int]:
    """Per value: the provider asked for one municipality and one year, the value written alone.

    Measured on a sample of the municipalities over every year, inside a transaction rolled back, and
    extrapolated to all of them (the naive way costs the same for each municipality)."""
    from django.db import transaction

    from renkei.indicators import registry
    from renkei.indicators.models import IndicatorDefinition, Origin
    from renkei.indicators.periods import fiscal_year
    from renkei.indicators.services.values import ValueInput, values_record

    definitions = list(IndicatorDefinition.objects.filter(origin=Origin.COMPUTED, is_active=True).exclude(provider=""))
    sample = places[:: max(1, len(places) // 5)][:5]
    written = 0
    began = time.perf_counter()
    with transaction.atomic():
        for m in sample:
            for year in years:
                for definition in definitions:
                    for computed in registry.provider(definition.provider)([m], fiscal_year(year)):
                        if definition.is_rate and computed.denominator is None:
                            continue
                        values_record(items=[ValueInput(
                            definition=definition, area=computed.area, period=fiscal_year(year),
                            numerator=computed.numerator,
                            denominator=computed.denominator if definition.is_rate else None,
                            source_note=computed.note)], origin=Origin.COMPUTED)
                        written += 1
        transaction.set_rollback(True)
    scale = len(places) / len(sample)
    return (time.perf_counter() - began) * scale, int(written * scale)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--facilities", type=int, default=60, help="facilities per municipality")
    parser.add_argument("--years", type=int, default=10, help="fiscal years, ending with the current one")
    parser.add_argument("--database-url", default="", help="a PostgreSQL database to (re)create and use")
    args = parser.parse_args(argv)
    setup_django(args.database_url or None)
    from django.db import connection
    from django.utils import timezone

    from renkei.indicators.models import IndicatorValue, Origin
    from renkei.indicators.services.compute import indicators_compute

    today = timezone.localdate()
    current = today.year if today.month >= 4 else today.year - 1
    years = list(range(current - args.years + 1, current + 1))
    prefecture, places = build(args.municipalities, args.facilities, years)

    baseline, baseline_values = naive(places, years)

    began = time.perf_counter()
    created = 0
    for year in years:
        created += indicators_compute(prefecture=prefecture, period=f"FY{year}").counts["created"]
    engine = time.perf_counter() - began
    began = time.perf_counter()
    unchanged = sum(indicators_compute(prefecture=prefecture, period=f"FY{year}").counts["unchanged"]
                    for year in years)
    again = time.perf_counter() - began
    stored = IndicatorValue.objects.filter(origin=Origin.COMPUTED).count()
    assert stored == created == unchanged, (stored, created, unchanged)

    print(f"database: {connection.vendor}; {args.municipalities} municipalities × {len(years)} fiscal years")
    print(f"  engine: {created:,} values computed and written in {engine:.2f} s "
          f"(target < 30 s: {'met' if engine < 30 else 'MISSED'}); recomputed unchanged in {again:.2f} s")
    print(f"  baseline (per municipality, per indicator, each value written alone; a sample extrapolated): "
          f"{baseline:.2f} s for ~{baseline_values:,} values — ratio {baseline / engine:.1f}x slower")
    return {"engine_s": engine, "again_s": again, "baseline_s": baseline, "values": created}


if __name__ == "__main__":
    main()
