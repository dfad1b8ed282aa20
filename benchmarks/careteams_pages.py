"""A team member's pages and the permission decision, against naive per-object membership checks (issue 10).

Targets: the timeline page and "my patients" in p95 < 150 ms server time on PostgreSQL at 100,000 patients,
20,000 team compositions and 5 million posts (`--scale 1`); the permission decision per request < 2 ms.

The world comes from `generators/careteams.py` (see there what "20,000 teams" means). The member measured is
the visiting nurse with the most patients; the timeline pages are their busiest patient's (0.04 % of all
posts: 2,000 at scale 1) and a typical one of theirs.

1. The permission decision, in-process, with the access cache emptied before each one (as in a new request):
   `policy.check(member, "careteams.view_timeline", patient)` over the member's patients and as many others,
   and `access.visible_patient_ids(member)` (what "my patients" and every list is built from).
   Baseline: `_careteams_naive` — for each patient a query on CareTeamMember and another on Consent; the list
   is the organization's patients, each decided on so. The answers must be the same (checked).
2. `selectors.patients.my_patients(member)` in-process (the list and its read entries), and with the naive
   checks in place.
3. The pages over HTTP: gunicorn on 127.0.0.1 (1 sync worker, DEBUG off), one client, requests one after the
   other, so the time is the server's plus a loopback round trip: "my patients" (/patients/) and the
   timeline (/patients/<id>/timeline/), each page as served; then the same pages from a second gunicorn whose
   access checks are the naive ones (`_careteams_naive_wsgi`). A page whose route does not exist yet is
   skipped and said so. The member's session is made in the database (second factor passed), not by a login.

    python benchmarks/careteams_pages.py                                  # SQLite, scale 0.01, a throw-away dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_careteams python benchmarks/careteams_pages.py \\
        --scale 1 --fresh                                                  # drop and create that database first
    DATABASE_URL=... python benchmarks/careteams_pages.py --reuse         # measure a database generated before

Ratios are naive / Renkei (above 1: Renkei is faster).
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _http import ROOT, Client, Server, summary_ms  # noqa: E402

VIEW_TIMELINE = "careteams.view_timeline"


def timed(function, repeat: int, before=None) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(repeat):
        if before:
            before()
        began = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - began)
    return seconds, result


def line(label: str, fast: list[float], naive: list[float] | None) -> str:
    p50, p95, p99 = summary_ms(fast)
    text = f"{label}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms"
    if naive:
        n50, n95, _ = summary_ms(naive)
        text += f"; naive p50 {n50:.2f} ms, p95 {n95:.2f} ms; ratio {n95 / p95 if p95 else 0:.1f}x (p95)"
    return text


def fresh_database(url: str) -> None:
    parts = urlsplit(url)
    psql = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres", "-d", "postgres", "-q", "-c"]
    database = parts.path.lstrip("/")
    subprocess.run([*psql, f'drop database if exists "{database}" with (force)'], check=True)  # noqa: S603
    subprocess.run([*psql, f'create database "{database}"'], check=True)  # noqa: S603


def measured_member(world):
    from renkei.core.models import Membership

    return Membership.objects.select_related("user", "organization__municipality").get(
        pk=world.member_membership_id)


def permission(world, repeat: int, rng: random.Random) -> dict:
    import _careteams_naive as naive

    from renkei.careteams import access
    from renkei.careteams.models import Patient
    from renkei.core import policy

    member = measured_member(world)
    mine = list(Patient.objects.filter(pk__in=world.member_patient_ids[:100]))
    others = list(Patient.objects.exclude(pk__in=world.member_patient_ids).order_by("?")[:len(mine)])
    patients = mine + others
    picks = [rng.choice(patients) for _ in range(repeat)]
    fast, naive_s, cpu = [], [], []
    for patient in picks:
        access.forget(member)
        began, began_cpu = time.perf_counter(), time.thread_time()
        allowed = policy.check(member, VIEW_TIMELINE, patient)
        fast.append(time.perf_counter() - began)
        cpu.append(time.thread_time() - began_cpu)
        began = time.perf_counter()
        naive_allowed = naive.naive_check(member, patient)
        naive_s.append(time.perf_counter() - began)
        if allowed != naive_allowed:
            raise SystemExit(f"the naive check disagrees on patient {patient.pk}: {naive_allowed} vs {allowed}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    access.forget(member)
    with CaptureQueriesContext(connection) as allowed_queries:
        policy.check(member, VIEW_TIMELINE, mine[0])
    with CaptureQueriesContext(connection) as naive_queries:
        naive.naive_check(member, mine[0])
    print(line(f"permission decision (policy.check {VIEW_TIMELINE}, {len(mine)} of the member's patients and "
               f"{len(others)} others; {len(allowed_queries)} queries, naive {len(naive_queries)})", fast, naive_s),
          flush=True)
    c50, c95, _ = summary_ms(cpu)
    print(f"  of which this process's CPU (Django, the policy; not the database's): p50 {c50:.2f} ms, "
          f"p95 {c95:.2f} ms", flush=True)
    lists, ids = timed(lambda: access.visible_patient_ids(member), max(10, repeat // 10),
                       before=lambda: access.forget(member))
    naive_lists, naive_ids = timed(lambda: naive.naive_visible_patient_ids(member), max(3, repeat // 50))
    if sorted(ids) != sorted(naive_ids):
        raise SystemExit(f"the naive list differs: {len(naive_ids)} patients against {len(ids)}")
    print(line(f"access.visible_patient_ids ({len(ids)} patients)", lists, naive_lists), flush=True)
    return {"check_p95_ms": summary_ms(fast)[1], "visible_p95_ms": summary_ms(lists)[1]}


def my_patients_in_process(world, repeat: int) -> None:
    import _careteams_naive as naive

    from renkei.careteams import access
    from renkei.careteams.selectors.patients import my_patients
    from renkei.core import audit

    member = measured_member(world)
    with audit.bind_membership(member):
        fast, listed = timed(lambda: my_patients(member), repeat, before=lambda: access.forget(member))
        saved = access.visible_patient_ids
        access.visible_patient_ids = naive.naive_visible_patient_ids
        try:
            slow, naive_listed = timed(lambda: my_patients(member), max(3, repeat // 5))
        finally:
            access.visible_patient_ids = saved
    assert [p.pk for p in listed] == [p.pk for p in naive_listed]
    print(line(f"selector my_patients in-process ({len(listed)} patients, read entries written)", fast, slow),
          flush=True)


def session_cookie(world) -> tuple[str, str]:
    """A logged-in session of the measured member, second factor passed (no login form, no TOTP)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from renkei.core.middleware import MembershipMiddleware, TwoFactorMiddleware

    member = measured_member(world)
    session = SessionStore()
    session[SESSION_KEY] = str(member.user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0] if getattr(
        settings, "AUTHENTICATION_BACKENDS", None) else "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.user.get_session_auth_hash()
    session[TwoFactorMiddleware.SESSION_KEY] = True
    session[MembershipMiddleware.KEY] = member.pk
    session.create()
    return settings.SESSION_COOKIE_NAME, session.session_key


def pages(world) -> list[tuple[str, str]]:
    from django.urls import NoReverseMatch, reverse

    wanted = [("my patients", "careteams:my_patients", []),
              ("timeline, busiest patient", "careteams:timeline", [world.busy_patient_id]),
              ("timeline, typical patient", "careteams:timeline", [world.typical_patient_id])]
    found = []
    for label, name, args in wanted:
        try:
            found.append((label, reverse(name, args=args)))
        except NoReverseMatch:
            print(f"{label}: route {name} does not exist in this tree: not measured", flush=True)
    return found


def over_http(world, repeat: int, env: dict[str, str], work: Path) -> dict:
    targets = pages(world)
    if not targets:
        return {}
    cookie = session_cookie(world)
    results: dict[str, dict[str, list[float]]] = {}
    for variant, app in (("renkei", "renkei.wsgi:application"), ("naive", "_careteams_naive_wsgi:application")):
        server_env = {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
        with Server(app, env=server_env, workers=1, log=work / f"gunicorn-{variant}.log") as server:
            client = Client(server.url)
            client.cookies[cookie[0]] = cookie[1]
            for label, path in targets:
                count = repeat if variant == "renkei" else max(5, repeat // 10)  # the naive pages take seconds
                for _ in range(3):  # warm the worker (imports, templates)
                    client.get(path)
                seconds = []
                for _ in range(count):
                    reply = client.get(path)
                    if reply.status != 200:
                        raise SystemExit(f"{variant}: GET {path} answered {reply.status}; see {work}")
                    seconds.append(reply.seconds)
                results.setdefault(label, {})[variant] = seconds
    out = {}
    for label, path in targets:
        print(line(f"page over HTTP: {label} ({path})", results[label]["renkei"], results[label]["naive"]),
              flush=True)
        out[label] = summary_ms(results[label]["renkei"])[1]
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--fresh", action="store_true", help="drop and create the PostgreSQL database first")
    parser.add_argument("--reuse", action="store_true", help="measure the careteams world already in the database")
    parser.add_argument("--no-http", action="store_true", help="in-process measurements only")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)

    work = Path(os.environ.get("RENKEI_DATA_DIR") or tempfile.mkdtemp(prefix="renkei-bench-careteams-"))
    os.environ["RENKEI_DATA_DIR"] = str(work)
    url = os.environ.get("DATABASE_URL", "")
    if url and args.fresh:
        fresh_database(url)
    from _setup import django_with_demo
    from generators.careteams import generate, world_from_database

    began = time.perf_counter()
    if args.reuse:
        from _build import setup_django

        setup_django()
        world = world_from_database()
    else:
        django_with_demo()
        world = generate(scale=args.scale, seed=args.seed)
    from django.db import connection

    print(f"database: {connection.vendor}; {world.patients:,} patients, {world.compositions:,} team compositions, "
          f"{world.posts:,} posts (ready in {time.perf_counter() - began:.0f} s); member {world.member_membership_id} "
          f"sees {len(world.member_patient_ids)} patients", flush=True)
    rng = random.Random(args.seed)
    permission(world, args.repeat, rng)
    my_patients_in_process(world, max(10, args.repeat // 4))
    if not args.no_http:
        env = {"RENKEI_DATA_DIR": str(work), "DJANGO_SETTINGS_MODULE": "renkei.settings.local", "RENKEI_DEBUG": "0"}
        if url:
            env["DATABASE_URL"] = url
        connection.close()
        over_http(world, args.repeat, env, work)
    print("targets: pages p95 < 150 ms (PostgreSQL, scale 1), permission decision < 2 ms", flush=True)


if __name__ == "__main__":
    main()
