"""The national implementation survey report over 1,741 municipalities × 2 fiscal years (< 1 s), against a naive
baseline measured in the same run.

    python benchmarks/implementation_report.py                                  # SQLite, a throw-away file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_survey python benchmarks/implementation_report.py
    python benchmarks/implementation_report.py --municipalities 40 --prefectures 3   # the smoke test's size

The world (synthesised here, not timed): 47 prefectures and 1,741 municipalities, for each of two fiscal years a
confirmed sheet per municipality with its eight items (statuses, the (イ) stage, the prefecture's support, (カ)
contents, Q.40/Q.42): the first year through bulk_create, the second imported from a generated long answer CSV by
`services.implementation_import` (its time is printed: the issue asks for seconds); and the population of every
municipality for both years recorded through `services.population.population_record` (the indicators engine: its
time is printed too).

Timed (median of three runs):
  report    `selectors.report.survey_report` for the later year over every sheet, then the Markdown and CSV writers;
  screen    GET /region/report/?year= as a system administrator through Django's test client (in process: the
            whole view with the template and the chart data, no network);
  baseline  the item table built the naive way: one query per municipality and item (13,928 queries), tallied in
            Python; compared with the report's item table (they must be equal).
Over HTTP (gunicorn, three sync workers, DEBUG off; `--no-http` skips): four users at once for `--seconds` each,
a closed loop over the national report screen (an administrator), a prefecture's report screen and workspace home
(its 在宅医療 officer), `GET /api/v1/implementation` for that prefecture and `GET /api/v1/implementation/report`
for the nation; p50 / p95 per kind.
Prints one line and one JSON line with the figures.

Measured 2026-12-07 on a quiet 2-core machine (median of three in process; HTTP: four users for 20 s):
  SQLite      report 0.066 s (target < 1 s) against the baseline's 5.82 s (89×), tables equal; screen 0.067 s;
              import of the national answer file (1,741 × 13 rows) 1.91 s; population_record of 3,482 rows 0.96 s;
              over HTTP p50 / p95: national report screen 143 / 310 ms, national report API 133 / 306 ms,
              a prefecture's report screen 59 / 102 ms, its workspace home 86 / 136 ms, implementation API 61 / 134 ms.
  PostgreSQL  report 0.053 s against 11.8 s (221×); screen 0.179 s; import 2.58 s; population 1.30 s; over HTTP
              national report screen 157 / 375 ms, API 128 / 321 ms, prefecture report 70 / 127 ms, workspace home
              104 / 234 ms, implementation API 75 / 204 ms.
(Earlier the same day, under a load average of 10: report 0.48 s, screen 1.36 s, import 15.2 s.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

SEED = 20261207
TARGET_SECONDS = 1.0
YEARS = (2024, 2025)


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
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    return connection.vendor


def build(*, municipalities: int = 1741, prefectures: int = 47, log=print) -> dict:
    """The synthetic nation's two years of answers and population. Not timed (population_record is measured)."""
    from django.utils import timezone

    from renkei.core.models import Municipality, Prefecture
    from renkei.core.services.places import local_government_code
    from renkei.region.models import Implementation, ItemImplementation
    from renkei.region.services.implementation_import import implementation_import
    from renkei.region.services.population import PopulationRow, population_record

    rng = random.Random(SEED)
    began = time.perf_counter()
    found = []
    for p in range(1, prefectures + 1):
        code = f"{p:02d}"
        found.append(Prefecture.objects.get_or_create(code=code, defaults={
            "name": f"ベンチ{code}県", "kana": "ベンチケン",
            "local_government_code": local_government_code(code + "000")})[0])
    Municipality.objects.bulk_create(
        Municipality(code=local_government_code(f"{found[n % prefectures].code}{201 + n // prefectures:03d}"),
                     jis_code=f"{found[n % prefectures].code}{201 + n // prefectures:03d}",
                     prefecture=found[n % prefectures], name=f"ベンチ市{n}", kind=Municipality.Kind.CITY)
        for n in range(municipalities))
    places = list(Municipality.objects.filter(name__startswith="ベンチ市").order_by("pk"))
    now = timezone.now()
    first = YEARS[0]
    Implementation.objects.bulk_create(
        Implementation(municipality=m, fiscal_year=first, source="import", confirmed_at=now,
                       training_contents=rng.sample(["multi_professional", "care_for_medical",
                                                     "medical_for_care"], rng.randint(0, 3)),
                       difficulties=[f"q40_{rng.randint(1, 15):02d}"],
                       support_wishes=[f"q42_{rng.randint(1, 10):02d}"],
                       answered_questions=rng.random() < 0.4) for m in places)
    sheets = list(Implementation.objects.filter(municipality__in=places))
    statuses = ("implemented", "planned", "not_implemented")
    ItemImplementation.objects.bulk_create(
        (ItemImplementation(implementation=s, item=item, status=rng.choice(statuses),
                            stage=rng.choice(("assessing", "concrete", "evaluating")) if item == "b" else "",
                            prefecture_supported=rng.random() < 0.5)
         for s in sheets for item in "abcdefgh"), batch_size=5000)
    built_seconds = time.perf_counter() - began
    began = time.perf_counter()
    report = implementation_import(data=answer_file(places, rng), fiscal_year=YEARS[-1])
    import_seconds = time.perf_counter() - began
    assert report.ok and len(report.created) == len(places), report.errors[:3]
    began = time.perf_counter()
    population_record([PopulationRow(m, year, rng.choice((3_000, 15_000, 40_000, 80_000, 150_000, 300_000, 700_000)),
                                     None) for m in places for year in YEARS], source_note="bench")
    population_seconds = time.perf_counter() - began
    log(f"built {len(places)} municipalities' first year in {built_seconds:.1f} s; import of the second year's "
        f"answer file ({len(places)} × 8 items and more): {import_seconds:.2f} s; population_record of "
        f"{len(places) * len(YEARS)} rows: {population_seconds:.2f} s", flush=True)
    return {"municipalities": len(places), "population_seconds": population_seconds, "import_seconds": import_seconds}


def answer_file(places, rng) -> bytes:
    """The long answer CSV of every municipality (statuses, stage, support, contents, Q.40/Q.42)."""
    phrases = ("実施している", "実施していないが年度内に実施予定", "実施していない")
    lines = ["市区町村コード,取組,回答"]
    for m in places:
        lines += [f"{m.code},{kana},{rng.choice(phrases)}" for kana in "アイウエオカキク"]
        lines += [f"{m.code},イ段階,{rng.randint(1, 3)}", f"{m.code},ア支援,{rng.choice(('はい', 'いいえ'))}",
                  f"{m.code},カ内容,{rng.randint(1, 3)}", f"{m.code},問40,{rng.randint(1, 15)}",
                  f"{m.code},問42,{rng.randint(1, 10)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def engine(year: int) -> tuple[dict, int]:
    from renkei.region.report_formats import to_csv, to_markdown
    from renkei.region.selectors.report import report_scope, survey_report

    report = survey_report(report_scope(None), fiscal_year=year)
    size = len(to_markdown(report)) + len(to_csv(report))
    return {row.key: [c.count for c in row.cells] for row in report.table("items").rows}, size


def baseline(year: int) -> dict:
    """One query per municipality and item: the item table as a report built cell by cell would."""
    from renkei.core.models import Municipality
    from renkei.region.models import ItemImplementation

    counts = {item: Counter() for item in "abcdefgh"}
    for municipality in Municipality.objects.filter(abolished_on__isnull=True):
        for item in "abcdefgh":
            status = ItemImplementation.objects.filter(
                implementation__municipality=municipality, implementation__fiscal_year=year, item=item,
                implementation__confirmed_at__isnull=False).values_list("status", flat=True).first()
            if status:
                counts[item][status] += 1
    return {item: [c["implemented"], c["planned"], c["not_implemented"]] for item, c in counts.items()}


def screen_client():
    from django.test import Client

    from renkei.core import second_factor
    from renkei.core.middleware import MembershipMiddleware, TwoFactorMiddleware
    from renkei.core.models import Membership, Organization, Prefecture, Role, User

    organization = Organization.objects.create(kind=Organization.Kind.PREFECTURE_OFFICE, name="ベンチ県庁",
                                               prefecture=Prefecture.objects.order_by("code").first())
    user = User.objects.create(email="bench-survey@example.org", display_name="ベンチ")
    membership = Membership.objects.create(user=user, organization=organization, role=Role.SYSTEM_ADMIN)
    client = Client()
    client.force_login(user)
    session = client.session
    session[MembershipMiddleware.KEY] = membership.pk
    session[TwoFactorMiddleware.SESSION_KEY] = True
    session[second_factor.SESSION_KEY] = int(time.time())
    session.save()
    return client


def session_for(email: str, role: str, *, prefecture=None, kind: str = "prefecture_office") -> tuple[str, str]:
    """A logged-in session (second factor passed) of a new member with `role` in an organization of `prefecture`."""
    from careteams_pages import session_cookie

    from renkei.core.models import Membership, Organization, Prefecture, User

    prefecture = prefecture or Prefecture.objects.order_by("code").first()
    organization = Organization.objects.create(kind=kind, name=f"{prefecture.name}庁 ({email})", prefecture=prefecture)
    user = User.objects.create(email=email, display_name=email.split("@")[0])
    membership = Membership.objects.create(user=user, organization=organization, role=role)

    class Measured:
        member_membership_id = membership.pk

    return session_cookie(Measured)


def over_http(year: int, *, seconds: float, users: int = 4) -> dict:
    """Closed-loop load over gunicorn: `users` threads, each cycling through the pages of its role."""
    from _http import Client, Recorder, Sample, Server, error_tag, run_users, summary_ms

    from renkei.core.models import Prefecture, Role

    prefecture = Prefecture.objects.order_by("code").first()
    admin = session_for("bench-http-admin@example.org", Role.SYSTEM_ADMIN)
    officer = session_for("bench-http-pref@example.org", Role.PREFECTURE_STAFF, prefecture=prefecture)
    loops = [
        (admin, [("national report screen", f"/region/report/?year={year}"),
                 ("national report API", f"/api/v1/implementation/report?year={year}")]),
        (officer, [("prefecture report screen", f"/region/report/?year={year}&prefecture={prefecture.code}"),
                   ("prefecture workspace home", f"/region/?year={year}"),
                   ("implementation API", f"/api/v1/implementation?year={year}&prefecture={prefecture.code}")]),
    ]
    env = {"DJANGO_SETTINGS_MODULE": "renkei.settings.local", "RENKEI_DEBUG": "0",
           "RENKEI_DATA_DIR": os.environ["RENKEI_DATA_DIR"],
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    recorder = Recorder()
    work = Path(os.environ["RENKEI_DATA_DIR"])
    with Server("renkei.wsgi:application", env=env, workers=3, log=work / "gunicorn-survey.log") as server:
        for cookie, pages in loops:  # warm every worker's caches once
            client = Client(server.url)
            client.cookies[cookie[0]] = cookie[1]
            for _label, path in pages:
                for _ in range(3):
                    reply = client.get(path)
                    if reply.status != 200:
                        raise SystemExit(f"GET {path} answered {reply.status}; see {work}")

        def user_loop(index: int, stop_at: float) -> None:
            cookie, pages = loops[index % len(loops)]
            client = Client(server.url)
            client.cookies[cookie[0]] = cookie[1]
            turn = index
            while time.monotonic() < stop_at:
                label, path = pages[turn % len(pages)]
                turn += 1
                try:
                    reply = client.get(path)
                except OSError as error:
                    recorder.add(Sample(label, 0, 0.0, error=type(error).__name__))
                    continue
                recorder.add(Sample(label, reply.status, reply.seconds, len(reply.body), error_tag(reply)))

        wall = run_users(users, seconds, user_loop)
    out = {"users": users, "workers": 3, "seconds": round(wall, 1), "requests": len(recorder.samples),
           "failures": sum(1 for s in recorder.samples if s.status != 200), "pages": {}}
    for label in dict.fromkeys(s.kind for s in recorder.samples):
        times = [s.seconds for s in recorder.samples if s.kind == label and s.status == 200]
        p50, p95, _p99 = summary_ms(times)
        out["pages"][label] = {"n": len(times), "p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}
        print(f"over HTTP ({users} users, 3 workers): {label}: n={len(times)}, p50 {p50:.0f} ms, p95 {p95:.0f} ms",
              flush=True)
    if out["failures"]:
        print(f"over HTTP: {out['failures']} requests did not answer 200", flush=True)
    return out


def timed(function, *args, runs: int = 3):
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--municipalities", type=int, default=1741)
    parser.add_argument("--prefectures", type=int, default=47)
    parser.add_argument("--no-screen", action="store_true", help="skip the screen's timing")
    parser.add_argument("--no-http", action="store_true", help="skip the measures over gunicorn")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the HTTP users run")
    args = parser.parse_args(argv)
    vendor = setup_django()
    built = build(municipalities=args.municipalities, prefectures=args.prefectures)
    year = YEARS[-1]
    report_seconds, (table, size) = timed(engine, year)
    baseline_seconds, naive = timed(baseline, year, runs=1)
    same = table == naive
    screen_seconds = None
    if not args.no_screen:
        client = screen_client()

        def screen():
            response = client.get(f"/region/report/?year={year}")
            assert response.status_code == 200, response.status_code
            return len(response.content)

        screen_seconds, _size = timed(screen)
    http = None if args.no_http else over_http(year, seconds=args.seconds)
    figures = {
        "benchmark": "implementation_report", "database": vendor, "municipalities": built["municipalities"],
        "years": len(YEARS), "report_seconds": round(report_seconds, 3), "output_chars": size,
        "screen_seconds": None if screen_seconds is None else round(screen_seconds, 3),
        "baseline_seconds": round(baseline_seconds, 3),
        "speedup": round(baseline_seconds / report_seconds, 1) if report_seconds else None,
        "population_record_seconds": round(built["population_seconds"], 2),
        "import_seconds": round(built["import_seconds"], 2),
        "target_seconds": TARGET_SECONDS, "within_target": report_seconds < TARGET_SECONDS, "tables_equal": same,
        "http": http,
    }
    print(f"survey report (selector + md + csv): {report_seconds:.3f} s (target < {TARGET_SECONDS} s); screen: "
          f"{figures['screen_seconds']} s; one-query-per-cell baseline: {baseline_seconds:.3f} s; ratio "
          f"{figures['speedup']}×; item tables equal: {same}", flush=True)
    print(json.dumps(figures), flush=True)
    if not same:
        raise SystemExit("the report and the baseline disagree")
    return figures


if __name__ == "__main__":
    main()
