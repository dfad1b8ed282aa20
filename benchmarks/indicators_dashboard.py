"""A scene dashboard of a prefecture of 50 municipalities × 40 indicators × 10 fiscal years (target p95 < 150 ms).

Generated here, no third-party data: 40 indicator definitions spread over the four scenes (10 each, two of
them monthly: 120 values over the ten years), values for 50 municipalities of one prefecture, the
prefecture and the nation over fiscal years 2015–2024, and a target (with yearly values) per municipality and
indicator — about 80,000 current values. Each scene dashboard is requested N times through Django's test
client (no network; the whole view: middleware, selectors, templates, the charts' JSON), logged in as a
municipal staff member of the first municipality; p50/p95 in ms.

Baseline in the same run: the same view with the naive selector it replaces (per indicator: one query per
series, the targets and their years, and one query per municipality of the prefecture for the rank).
A worst case is measured too: one scene holding all 40 indicators.

    python benchmarks/indicators_dashboard.py                      # SQLite, in a throw-away directory
    DATABASE_URL=postgres://... python benchmarks/indicators_dashboard.py   # PostgreSQL (an empty database)
    python benchmarks/indicators_dashboard.py --municipalities 5 --indicators 8 --years 3 --repeat 5  # quick
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from decimal import Decimal

SCENES = ("daily_care", "admission_discharge", "emergency", "end_of_life")
FIRST_YEAR = 2015
PREFECTURE_CODE = "01"  # 北海道: more than 50 municipalities
SEED = 20261206


def generate(*, prefecture, municipalities, indicators: int, years: int, seed: int = SEED) -> list:
    """Definitions "BENCH00"…, values for every municipality, the prefecture and the nation, targets."""
    from renkei.indicators.models import (
        AreaLevel,
        IndicatorDefinition,
        IndicatorTarget,
        IndicatorTargetYear,
        IndicatorValue,
        Kind,
        Origin,
        PeriodType,
    )

    rng = random.Random(seed)
    # Exactly `indicators` definitions on the dashboards: the shipped library (seeded by migration) is set aside.
    IndicatorDefinition.objects.filter(owner_municipality=None, owner_prefecture=None,
                                       is_builtin=True).update(is_active=False)
    definitions = IndicatorDefinition.objects.bulk_create([IndicatorDefinition(
        code=f"BENCH{n:02d}", name_ja=f"ベンチマーク指標{n}", kind=Kind.OUTCOME, scenes=[SCENES[n % len(SCENES)]],
        unit="%", denominator_label="分母", factor=100, higher_is_better=n % 3 != 0, data_source="ベンチマーク",
        period_type=PeriodType.MONTH if n // 4 in (2, 7) else PeriodType.FISCAL_YEAR,
        area_levels=[AreaLevel.NATION, AreaLevel.PREFECTURE, AreaLevel.MUNICIPALITY]) for n in range(indicators)])
    definitions = list(IndicatorDefinition.objects.filter(code__startswith="BENCH").order_by("code"))
    areas = [(AreaLevel.NATION, "N", None, None), (AreaLevel.PREFECTURE, f"P{prefecture.code}", prefecture, None)]
    areas += [(AreaLevel.MUNICIPALITY, f"M{m.code}", prefecture, m) for m in municipalities]
    last_year = FIRST_YEAR + years - 1
    values = []
    for definition in definitions:
        if definition.period_type == PeriodType.MONTH:
            starts = [dt.date(y + (m > 12), (m - 1) % 12 + 1, 1) for y in range(FIRST_YEAR, last_year + 1)
                      for m in range(4, 16)]
        else:
            starts = [dt.date(y, 4, 1) for y in range(FIRST_YEAR, last_year + 1)]
        for level, key, pref, municipality in areas:
            level_base = rng.uniform(10, 60)
            for i, start in enumerate(starts):
                denominator = rng.randint(200, 5000)
                rate = max(0.0, level_base + i * 0.05 + rng.gauss(0, 2))
                numerator = round(denominator * rate / 100)
                values.append(IndicatorValue(
                    definition=definition, area_level=level, area_key=key, prefecture=pref, municipality=municipality,
                    period_type=definition.period_type, period_start=start, numerator=Decimal(numerator),
                    denominator=Decimal(denominator), value=Decimal(numerator * 100) / Decimal(denominator),
                    origin=Origin.IMPORTED, source_note="ベンチマーク生成", vintage=dt.date(last_year + 1, 9, 1)))
    IndicatorValue.objects.bulk_create(values, batch_size=5000)
    targets = IndicatorTarget.objects.bulk_create([IndicatorTarget(
        definition=d, municipality=m, start_fiscal_year=last_year - 1, end_fiscal_year=last_year + 1,
        baseline_value=Decimal("30"), baseline_fiscal_year=last_year - 2, final_value=Decimal("40"))
        for d in definitions for m in municipalities])
    targets = list(IndicatorTarget.objects.filter(definition__in=definitions))
    IndicatorTargetYear.objects.bulk_create([IndicatorTargetYear(target=t, fiscal_year=last_year, value=Decimal("35"))
                                             for t in targets])
    return definitions


def naive_scene_dashboard(membership, municipality, scene):
    """The baseline: the same dashboard read one indicator, one area and one municipality at a time."""
    from renkei.core import policy
    from renkei.core.models import Municipality
    from renkei.indicators import dashboards, status
    from renkei.indicators.models import IndicatorTarget, IndicatorValue
    from renkei.indicators.periods import Period

    panels = []
    for definition in dashboards.scene_definitions(membership, scene):
        def current(key, definition=definition):
            return list(policy.scope(membership, "indicators.view", IndicatorValue.objects.filter(
                definition=definition, area_key=key, is_current=True)).order_by("period_start"))

        own, prefecture, nation = (current(f"M{municipality.code}"), current(f"P{municipality.prefecture.code}"),
                                   current("N"))
        shown = own + prefecture + nation
        notes = sorted({v.source_note for v in shown if v.source_note})
        sources = notes or ([definition.data_source] if definition.data_source else [])
        vintage = max((v.vintage for v in shown if v.vintage), default=None)

        def light(rows):  # what the panels hold (see dashboards.SeriesValue)
            return [dashboards.SeriesValue(v.definition_id, v.area_key, v.period_start,
                                           None if v.value is None else float(v.value)) for v in rows]

        own, prefecture, nation = light(own), light(prefecture), light(nation)
        targets = list(IndicatorTarget.objects.filter(definition=definition, municipality=municipality)
                       .order_by("start_fiscal_year"))
        by_start = {}
        for name, rows in (("own", own), ("prefecture", prefecture), ("nation", nation)):
            for row in rows:
                by_start.setdefault(row.period_start, {})[name] = row
        points = []
        for start in sorted(by_start):
            period = Period(start, definition.period_type)
            target = next((status.target_for_year(t, period.fiscal_year) for t in targets
                           if t.start_fiscal_year <= period.fiscal_year <= t.end_fiscal_year), None)
            points.append(dashboards.Point(period, by_start[start].get("own"), by_start[start].get("prefecture"),
                                           by_start[start].get("nation"), target))
        rank = None
        latest = max((v.period_start for v in own if v.value is not None), default=None)
        if latest is not None:
            entries = []
            for other in Municipality.objects.filter(prefecture_id=municipality.prefecture_id):
                found = IndicatorValue.objects.filter(definition=definition, area_key=f"M{other.code}",
                                                      is_current=True, period_start=latest).first()
                if found is not None and found.value is not None:
                    entries.append((other.pk, found.value))
            mine = next(v for m, v in entries if m == municipality.pk)
            lower = definition.higher_is_better is False
            better = sum(1 for _m, v in entries if (v < mine if lower else v > mine))
            rank = dashboards.Rank(better + 1, len(entries), Period(latest, definition.period_type),
                                   {True: "higher", False: "lower", None: "none"}[definition.higher_is_better])
        target = dashboards.current_target(targets)
        panels.append(dashboards.Panel(
            definition=definition, points=points, status=status.status_of(target, own, definition.higher_is_better),
            rank=rank, sources=sources, vintage=vintage, has_prefecture=bool(prefecture), has_nation=bool(nation),
            has_target=any(p.target is not None for p in points)))
    return dashboards.SceneDashboard(municipality, scene, panels)


def time_view(client, url: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of `repeat` requests. The CPU time (this process: the view, and SQLite,
    which runs in it) stays meaningful on a shared, loaded machine, where the wall clock waits for a core."""
    assert client.get(url).status_code == 200, url  # warm: templates compiled, caches filled
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=50, help="requests per measured page (default 50)")
    parser.add_argument("--baseline-repeat", type=int, default=5, help="requests of the naive version (default 5)")
    args = parser.parse_args()

    from _setup import django_with_demo, percentile

    began = time.perf_counter()
    django_with_demo()
    from django.db import connection

    from renkei.core.models import Municipality, Organization, Prefecture, Role
    from renkei.indicators import dashboards
    from renkei.indicators.models import IndicatorDefinition, IndicatorValue
    from tests.conftest import client_for
    from tests.factories import MembershipFactory, OrganizationFactory

    prefecture = Prefecture.objects.get(code=PREFECTURE_CODE)
    municipalities = list(Municipality.objects.filter(prefecture=prefecture, abolished_on__isnull=True)
                          .select_related("prefecture").order_by("code")[:args.municipalities])
    print(f"{connection.vendor}: demo built in {time.perf_counter() - began:.0f} s", flush=True)
    began = time.perf_counter()
    if not IndicatorValue.objects.filter(definition__code__startswith="BENCH").exists():
        generate(prefecture=prefecture, municipalities=municipalities, indicators=args.indicators, years=args.years)
    for definition in IndicatorDefinition.objects.filter(code__startswith="BENCH"):  # a kept database: reset
        definition.scenes = [SCENES[int(definition.code[5:]) % len(SCENES)]]
        definition.save(update_fields=["scenes"])
    count = IndicatorValue.objects.filter(definition__code__startswith="BENCH").count()
    print(f"{count:,} values for {len(municipalities)} municipalities × {args.indicators} indicators × "
          f"{args.years} fiscal years generated in {time.perf_counter() - began:.0f} s", flush=True)

    home = municipalities[0]
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=home, name="ベンチ役所")
    client = client_for(MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office,
                                          user__email=f"bench-{time.time_ns()}@example.jp"))  # a kept database
    url = "/indicators/scene/{}/"

    results = {}
    for scene in SCENES[:2]:
        fast = dashboards.scene_dashboard
        dashboards.scene_dashboard = naive_scene_dashboard
        try:
            results[f"{scene} (naive baseline)"] = time_view(client, url.format(scene), args.baseline_repeat)
        finally:
            dashboards.scene_dashboard = fast
        results[scene] = time_view(client, url.format(scene), args.repeat)
    IndicatorDefinition.objects.filter(code__startswith="BENCH").update(scenes=["end_of_life"])
    results["end_of_life, all indicators"] = time_view(client, url.format("end_of_life"), args.repeat)
    results["index (status of every scene)"] = time_view(client, "/indicators/", args.repeat)

    print(f"{'page':34} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'cpu p95':>8} {'p95 naive/this':>15}")
    for label, (wall, cpu) in results.items():
        p95 = percentile(wall, 95)
        base = results.get(f"{label} (naive baseline)")
        ratio = f"{percentile(base[0], 95) / p95:15.1f}" if base else ""
        print(f"{label:34} {percentile(wall, 50):8.1f} {p95:8.1f} {percentile(cpu, 50):8.1f} {percentile(cpu, 95):8.1f}"
              f" {ratio}")
    scenes = [percentile(wall, 95) for label, (wall, _cpu) in results.items() if label in SCENES]
    print(f"target p95 < 150 ms for a scene dashboard: {'met' if max(scenes) < 150 else 'NOT met'} "
          f"(worst scene p95 {max(scenes):.1f} ms; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")

if __name__ == "__main__":
    main()
