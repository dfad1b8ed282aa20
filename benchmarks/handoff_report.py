"""The もれ率 report by hospital and month over a prefecture's year: 200,000 admissions with their steps (< 5 s).

    python benchmarks/handoff_report.py                                  # SQLite, a throw-away file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_handoff python benchmarks/handoff_report.py
    python benchmarks/handoff_report.py --handoffs 2000 --municipalities 4 --hospitals 6   # the smoke test's size

Everything is synthesised here: a prefecture of N municipalities, hospitals in the directory, care management
offices, patients, and for each admission of the last twelve months a handoff under the national rule with its
seven steps (due and done times: on time, late, never done), its discharge (home, facility, death, transfer),
reported-afterwards stays, 要介護 / 要支援 — all through bulk_create, measure fields set as
`outcomes.evaluate` sets them. With DATABASE_URL (PostgreSQL) that database is dropped and created first.

Timed (median of three runs each):
  report    the table by hospital and month for the whole prefecture (`selectors.measures.by_hospital_and_month`
            over `discharges(area=prefecture)`, one GROUP BY) plus the area's total;
  baseline  per-handoff Python evaluation in the same run: every handoff of the year loaded with its steps (and
            their rule steps), judged missed or not with outcomes.evaluate's rules, tallied by hospital and month
            in Python (no writes; the way a report would be built without the measure fields).
The two tables are compared cell by cell (they must be equal). Prints one JSON line with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20261206
PREFECTURE_CODE = "47"
TARGET_SECONDS = 5.0


def setup_django() -> str:
    os.environ.setdefault("RENKEI_DATA_DIR", tempfile.mkdtemp(prefix="renkei-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renkei.settings.local")
    os.environ["RENKEI_DEBUG"] = "0"
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        parts = urlsplit(database_url)
        psql = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
                "-U", parts.username or "postgres", "-d", "postgres", "-q", "-c"]
        database = parts.path.lstrip("/")
        subprocess.run([*psql, f'drop database if exists "{database}" with (force)'], check=True)  # noqa: S603
        subprocess.run([*psql, f'create database "{database}"'], check=True)  # noqa: S603
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return connection.vendor


def build(*, handoffs: int, municipalities: int, hospitals: int, offices: int, log=print,
          prefecture_code: str = PREFECTURE_CODE) -> dict:
    """The synthetic prefecture's year; returns what the timing needs. Not timed."""
    import random

    from django.utils import timezone

    from renkei.careteams.models import Patient
    from renkei.core.models import Membership, Municipality, Organization, Prefecture, Role, User
    from renkei.core.services.places import local_government_code
    from renkei.directory.models import Facility
    from renkei.handoff.models import Handoff, HandoffStep, StepKey
    from renkei.handoff.services.outcomes import LATE_NOTICE_DAYS
    from renkei.handoff.services.rules import national_defaults

    rng = random.Random(SEED)
    began = time.perf_counter()
    prefecture = Prefecture.objects.create(code=prefecture_code, name="ベンチ県", kana="ベンチケン",
                                           local_government_code=local_government_code(prefecture_code + "000"))
    Municipality.objects.bulk_create(
        Municipality(code=local_government_code(f"{prefecture_code}{201 + n:03d}"),
                     jis_code=f"{prefecture_code}{201 + n:03d}", prefecture=prefecture, name=f"ベンチ市{n}",
                     kind=Municipality.Kind.CITY) for n in range(municipalities))
    places = list(Municipality.objects.filter(prefecture=prefecture))
    Facility.objects.bulk_create(
        Facility(kind="hospital", name=f"ベンチ病院{i:03d}", search_text=f"ベンチ病院{i:03d}", prefecture=prefecture,
                 municipality=places[i % len(places)]) for i in range(hospitals))
    hospital_ids = list(Facility.objects.filter(prefecture=prefecture).values_list("pk", flat=True))
    Organization.objects.bulk_create(
        Organization(kind=Organization.Kind.CARE_MANAGEMENT_OFFICE, name=f"ベンチ居宅{i:03d}", prefecture=prefecture,
                     municipality=places[i % len(places)]) for i in range(offices))
    office_ids = list(Organization.objects.filter(prefecture=prefecture).values_list("pk", flat=True))
    user = User.objects.create(email=f"bench-handoff-{prefecture_code}@example.org", display_name="ベンチ")
    membership = Membership.objects.create(user=user, organization_id=office_ids[0], role=Role.PROFESSIONAL,
                                           profession="care_manager")
    patients = max(1, handoffs // 3)
    Patient.objects.bulk_create(
        (Patient(registered_by_organization_id=office_ids[0], registered_by=membership, name=f"ベンチ{i}",
                 kana="ベンチ", birth_date=dt.date(1940, 1, 1), municipality=places[i % len(places)])
         for i in range(patients)), batch_size=5000)
    patient_rows = list(Patient.objects.filter(municipality__prefecture=prefecture)
                        .values_list("pk", "municipality_id"))
    rule_set = national_defaults()
    rule_steps = {s.key: s for s in rule_set.steps.all()}

    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    first_day = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    span = (today - first_day).days
    rows, step_plans = [], []
    for i in range(handoffs):
        patient_id, municipality_id = patient_rows[i % len(patient_rows)]
        admitted = dt.datetime.combine(first_day + dt.timedelta(days=rng.randrange(span)), dt.time(10), tzinfo=tz)
        stay = rng.randint(3, 40)
        discharged = admitted + dt.timedelta(days=stay)
        if discharged.date() > today:
            discharged = None
        destination = rng.choices(["home", "facility", "death", "transfer"], [70, 15, 8, 7])[0]
        group = rng.choices(["care", "support", "none"], [75, 20, 5])[0]
        afterwards = discharged is not None and rng.random() < 0.05
        # The discharge notice: on time (4–10 days before), late (on the day), or never.
        notice = rng.choices(["on_time", "late", "never"], [70, 15, 15])[0] if not afterwards else "never"
        info_done = rng.random() < 0.8 and not afterwards
        planned = discharged.date() if discharged else (admitted + dt.timedelta(days=stay)).date()
        notice_due = dt.datetime.combine(planned - dt.timedelta(days=1), dt.time(23, 59, 59), tzinfo=tz)
        notice_done = {"on_time": notice_due - dt.timedelta(days=rng.randint(3, 9)),
                       "late": notice_due + dt.timedelta(hours=10), "never": None}[notice]
        if notice_done is not None and notice_done > timezone.now():
            notice_done = None
        counted = discharged is not None and destination in ("home", "facility")
        is_missed = None
        late_notice = False
        if counted:
            is_missed = afterwards or notice_done is None or notice_done > notice_due
            late_notice = notice_done is None or (discharged.date() - notice_done.date()).days < LATE_NOTICE_DAYS
        rows.append(Handoff(
            patient_id=patient_id, hospital_id=hospital_ids[rng.randrange(len(hospital_ids))], admitted_at=admitted,
            rule_set=rule_set, care_office_id=office_ids[rng.randrange(len(office_ids))], opened_by=membership,
            has_key_person=rng.choices([True, False, None], [80, 10, 10])[0], planned_discharge_on=planned,
            discharged_at=discharged, discharge_destination=destination if discharged else "",
            reported_afterwards=afterwards, status="discharged" if discharged else "open",
            municipality_id=municipality_id, care_level_group=group,
            discharged_on=discharged.date() if discharged else None, is_missed=is_missed,
            is_late_notice=late_notice, is_admission_info_missing=discharged is not None and not info_done,
            exchange_count=int(notice_done is not None) + rng.randint(0, 2), conference_count=rng.randint(0, 1)))
        step_plans.append((admitted, discharged, notice_due, notice_done, info_done))
    Handoff.objects.bulk_create(rows, batch_size=5000)
    log(f"  handoffs written ({time.perf_counter() - began:.0f} s)", flush=True)
    steps = []
    order = {key: n for n, key in enumerate(rule_steps)}
    for handoff, (admitted, discharged, notice_due, notice_done, info_done) in zip(rows, step_plans, strict=True):
        due = {StepKey.ADMISSION_INFO: admitted + dt.timedelta(days=2),
               StepKey.SCREENING: admitted + dt.timedelta(days=3),
               StepKey.INTERVIEW: admitted + dt.timedelta(days=7), StepKey.DISCHARGE_NOTICE: notice_due,
               StepKey.CONFERENCE: notice_due, StepKey.DISCHARGE: discharged,
               StepKey.SUMMARIES: discharged + dt.timedelta(days=2) if discharged else None}
        done = {StepKey.ADMISSION_INFO: admitted + dt.timedelta(hours=5) if info_done else None,
                StepKey.SCREENING: admitted + dt.timedelta(days=1),
                StepKey.INTERVIEW: admitted + dt.timedelta(days=5),
                StepKey.DISCHARGE_NOTICE: notice_done, StepKey.CONFERENCE: None, StepKey.DISCHARGE: discharged,
                StepKey.SUMMARIES: discharged + dt.timedelta(days=1) if discharged else None}
        for key, rule_step in rule_steps.items():
            finished = done[key] if done[key] is not None and done[key] <= timezone.now() else None
            steps.append(HandoffStep(handoff_id=handoff.pk, rule_step=rule_step, key=key, order=order[key],
                                     actor=rule_step.actor, due_at=due[key], done_at=finished,
                                     status="done" if finished else "pending"))
        if len(steps) >= 50_000:
            HandoffStep.objects.bulk_create(steps, batch_size=5000)
            steps = []
    HandoffStep.objects.bulk_create(steps, batch_size=5000)
    log(f"set-up (not timed, {time.perf_counter() - began:.0f} s): {len(places)} municipalities, {hospitals} "
        f"hospitals, {offices} care offices, {patients:,} patients, {handoffs:,} handoffs, "
        f"{HandoffStep.objects.count():,} steps", flush=True)
    return {"prefecture": prefecture, "start": first_day, "end": today}


def engine_table(area, start, end) -> dict:
    from renkei.handoff.selectors import measures

    handoffs = measures.discharges(start=start, end=end, area=area)
    table = measures.by_hospital_and_month(handoffs, months=measures.months_between(start, end))
    total = measures.totals(handoffs)
    cells = {(name, month): (f.counted, f.missed) for name, months in table.rows for month, f in months.items()
             if f.counted}
    return {"cells": cells, "total": (total.counted, total.missed)}


def baseline_table(area, start, end) -> dict:
    """Per handoff, in Python: load it with its steps and judge it as outcomes.evaluate does."""
    from django.db.models import Prefetch
    from django.utils import timezone

    from renkei.handoff.models import Handoff, HandoffStep
    from renkei.handoff.services.outcomes import COUNTED_DESTINATIONS, _step_late_or_missing

    counted, missed = Counter(), Counter()
    qs = (Handoff.objects.filter(status=Handoff.Status.DISCHARGED, municipality_id__in=area.municipality_ids)
          .select_related("hospital")
          .prefetch_related(Prefetch("steps", queryset=HandoffStep.objects.select_related("rule_step"))))
    for handoff in qs.iterator(chunk_size=2000):
        day = timezone.localtime(handoff.discharged_at).date() if handoff.discharged_at else None
        if day is None or not start <= day <= end:
            continue
        if not (handoff.is_covered and handoff.needs_coordination
                and handoff.discharge_destination in COUNTED_DESTINATIONS):
            continue
        is_missed = handoff.reported_afterwards or any(
            _step_late_or_missing(s) for s in handoff.steps.all() if s.rule_step.counts_for_missed)
        key = (handoff.hospital.name, day.replace(day=1))
        counted[key] += 1
        missed[key] += int(is_missed)
    cells = {key: (counted[key], missed[key]) for key in counted}
    return {"cells": cells, "total": (sum(counted.values()), sum(missed.values()))}


def timed(function, *args, runs: int = 3) -> tuple[float, dict]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--handoffs", type=int, default=200_000)
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--hospitals", type=int, default=120)
    parser.add_argument("--offices", type=int, default=400)
    parser.add_argument("--baseline-runs", type=int, default=1, help="the per-handoff baseline is slow: runs")
    args = parser.parse_args(argv)
    vendor = setup_django()
    from renkei.handoff.report_areas import of_prefecture

    built = build(handoffs=args.handoffs, municipalities=args.municipalities, hospitals=args.hospitals,
                  offices=args.offices)
    area = of_prefecture(built["prefecture"])
    report_seconds, report = timed(engine_table, area, built["start"], built["end"])
    baseline_seconds, baseline = timed(baseline_table, area, built["start"], built["end"], runs=args.baseline_runs)
    same = report == baseline
    figures = {
        "benchmark": "handoff_report", "database": vendor, "handoffs": args.handoffs,
        "hospitals": args.hospitals, "months": len({m for _n, m in report["cells"]}),
        "counted_discharges": report["total"][0], "missed": report["total"][1],
        "report_seconds": round(report_seconds, 3), "baseline_seconds": round(baseline_seconds, 3),
        "speedup": round(baseline_seconds / report_seconds, 1) if report_seconds else None,
        "target_seconds": TARGET_SECONDS, "within_target": report_seconds < TARGET_SECONDS,
        "tables_equal": same,
    }
    print(f"report by hospital and month: {report_seconds:.3f} s (target < {TARGET_SECONDS} s); per-handoff "
          f"baseline: {baseline_seconds:.3f} s; ratio {figures['speedup']}×; tables equal: {same}", flush=True)
    print(json.dumps(figures), flush=True)
    if not same:
        raise SystemExit("the report and the per-handoff baseline disagree")
    return figures


if __name__ == "__main__":
    main()
