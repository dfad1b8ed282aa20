"""A care manager's "due now" list over a prefecture's year of admissions (issue 11), against a per-handoff loop.

Target: p95 < 150 ms over HTTP on PostgreSQL at 200,000 admissions with their steps (`--scale 1`).

The world: `generators/careteams.py` writes the patients, their teams (a care manager on each) and consents at
the same scale (100,000 patients at scale 1, no posts); then this script writes 200,000 × scale admissions over
the last 365 days at 60 hospitals (two in three on Renkei), each with the 7 steps of the national rule and
their due times (calendar days; the working-day calendar is not what is measured). A stay lasts 2–40 days;
stays that ended are discharged with their steps done (one in six late); the others are open, their admission
information done in three cases of four. Rows go in with COPY on PostgreSQL. The measured member is the care
manager with the most patients.

1. In-process: `selectors.workflow.due_steps(care_manager)` (the access cache emptied before each call, as in a
   new request), against the baseline: the handoffs of the member's visible patients loaded one by one, the
   policy asked on each, their steps read and filtered in Python (what a loop over "my handoffs" does). The
   answers must be equal (checked).
2. Over HTTP: gunicorn on 127.0.0.1 (1 sync worker, DEBUG off), one client: the list page `/handoffs/` and the
   API `GET /api/v1/handoffs/due`, each as served (read entries written).

    python benchmarks/handoff_due.py                                   # SQLite, scale 0.01, a throw-away dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_handoff python benchmarks/handoff_due.py --scale 1 --fresh
    DATABASE_URL=... python benchmarks/handoff_due.py --reuse          # measure a database generated before

Ratios are baseline / Renkei (above 1: Renkei is faster).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _http import ROOT, Client, Server, summary_ms  # noqa: E402

FULL_ADMISSIONS = 200_000
HOSPITALS = 60
SEED = 20261206


def line(label: str, fast: list[float], slow: list[float] | None) -> str:
    p50, p95, p99 = summary_ms(fast)
    text = f"{label}: p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms"
    if slow:
        n50, n95, _ = summary_ms(slow)
        text += f"; baseline p50 {n50:.2f} ms, p95 {n95:.2f} ms; ratio {n95 / p95 if p95 else 0:.1f}x (p95)"
    return text


def generate_admissions(*, scale: float, seed: int = SEED, log=print) -> dict:
    """Hospitals, admissions and their steps over the patients already in the database."""
    from django.db import connection, transaction
    from django.utils import timezone
    from generators.careteams import Writer, _next_id, _reset_sequences

    from renkei.careteams.models import CareTeamMember, Patient
    from renkei.core.models import Organization
    from renkei.directory.models import Facility
    from renkei.handoff.models import Handoff, HandoffStep
    from renkei.handoff.services.rules import national_defaults

    began = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    rule = national_defaults()
    rule_steps = list(rule.steps.order_by("order"))
    patients = list(Patient.objects.values_list("pk", "municipality_id", "municipality__prefecture_id",
                                                "registered_by_id"))
    care_manager_of = dict(CareTeamMember.objects.filter(role="care_manager", ended_on__isnull=True)
                           .values_list("team__patient_id", "membership_id"))
    office_of = dict(CareTeamMember.objects.filter(role="care_manager", ended_on__isnull=True)
                     .values_list("team__patient_id", "organization_id"))
    home = patients[0]
    with transaction.atomic():
        organizations = Organization.objects.bulk_create([Organization(
            kind="hospital", name=f"試験病院{n}", kana=f"シケンビョウイン{n}", prefecture_id=home[2],
            municipality_id=home[1]) for n in range(HOSPITALS * 2 // 3)])
        hospitals = Facility.objects.bulk_create([Facility(
            kind="hospital", name=f"試験病院{n}", kana=f"シケンビョウイン{n}", prefecture_id=home[2],
            municipality_id=home[1], organization=organizations[n] if n < len(organizations) else None)
            for n in range(HOSPITALS)])
    n_admissions = max(20, round(FULL_ADMISSIONS * scale))
    handoff_id, step_id = _next_id(Handoff), _next_id(HandoffStep)
    end_of_day = dt.time(23, 59, 59)

    def due(anchor: dt.datetime | None, offset: int) -> dt.datetime | None:
        if anchor is None:
            return None
        day = timezone.localtime(anchor).date() + dt.timedelta(days=offset)
        return timezone.make_aware(dt.datetime.combine(day, end_of_day))

    with transaction.atomic():
        handoff_w = Writer(Handoff, [
            "id", "patient_id", "hospital_id", "hospital_organization_id", "admitted_at", "admission_kind",
            "rule_set_id", "care_office_id", "care_manager_id", "opened_by_id", "status", "planned_discharge_on",
            "discharged_at", "discharged_on", "discharge_destination", "municipality_id", "is_missed"], now)
        step_w = Writer(HandoffStep, ["id", "handoff_id", "rule_step_id", "key", "order", "actor", "due_at",
                                      "status", "done_at", "done_by_id", "channel"], now)
        with handoff_w, step_w:
            for n in range(n_admissions):
                pid, municipality_id, _prefecture, registered_by = patients[rng.randrange(len(patients))]
                hospital = hospitals[rng.randrange(len(hospitals))]
                admitted = now - dt.timedelta(seconds=rng.randrange(365 * 86400))
                stay = dt.timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 8))
                discharged = admitted + stay if admitted + stay < now else None
                planned = (timezone.localtime(admitted + stay).date()
                           if discharged or rng.random() < 0.5 else None)
                cm = care_manager_of.get(pid)
                hid = handoff_id + n
                handoff_w.write((
                    hid, pid, hospital.pk, hospital.organization_id, admitted, rng.choice(("planned", "emergency")),
                    rule.pk, office_of.get(pid), cm, cm or registered_by, "discharged" if discharged else "open",
                    planned, discharged, timezone.localtime(discharged).date() if discharged else None,
                    "home" if discharged else "", municipality_id, (rng.random() < 0.2) if discharged else None))
                for rs in rule_steps:
                    anchor = {"admission": admitted, "discharge": discharged,
                              "planned_discharge": (timezone.make_aware(dt.datetime.combine(planned, end_of_day))
                                                    if planned else None)}[rs.anchor]
                    due_at = due(anchor, rs.offset_days)
                    if discharged:
                        done = due_at - dt.timedelta(hours=rng.randint(-30, 20)) if due_at else None
                        status, done_at = "done", done
                    elif rs.key == "admission_info" and rng.random() < 0.75:
                        status, done_at = "done", admitted + dt.timedelta(hours=rng.randint(1, 40))
                    elif rs.key == "screening" and due_at and due_at < now and rng.random() < 0.8:
                        status, done_at = "done", due_at - dt.timedelta(hours=5)
                    else:
                        status, done_at = "pending", None
                    step_w.write((step_id, hid, rs.pk, rs.key, rs.order, rs.actor, due_at, status, done_at,
                                  None, "renkei" if done_at else ""))
                    step_id += 1
    _reset_sequences([Handoff, HandoffStep])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seconds = time.perf_counter() - began
    log(f"  {handoff_w.count:,} admissions, {step_w.count:,} steps at {HOSPITALS} hospitals in {seconds:.1f} s")
    return {"admissions": handoff_w.count, "steps": step_w.count}


def measured_care_manager():
    from django.db.models import Count

    from renkei.careteams.models import CareTeamMember
    from renkei.core.models import Membership

    busiest = (CareTeamMember.objects.filter(role="care_manager", ended_on__isnull=True, membership__isnull=False)
               .values("membership").annotate(n=Count("id")).order_by("-n", "membership").first())
    return Membership.objects.select_related("user", "organization").get(pk=busiest["membership"])


def baseline_due_steps(membership) -> list[int]:
    """The loop a first version would write: each visible handoff loaded, asked, its steps filtered in Python."""
    from renkei.careteams import access as careteams_access
    from renkei.careteams.models import CareTeamMember
    from renkei.core import policy
    from renkei.handoff.models import Handoff

    visible = careteams_access.visible_patient_ids(membership)
    as_cm = set(CareTeamMember.objects.filter(membership=membership, role="care_manager")
                .values_list("team__patient_id", flat=True))
    found = []
    for handoff in Handoff.objects.filter(patient_id__in=visible).exclude(status="cancelled"):
        if not policy.check(membership, "handoff.view_handoff", handoff):
            continue
        if handoff.care_manager_id != membership.pk and handoff.patient_id not in as_cm:
            continue
        for step in handoff.steps.all():
            if step.status != "pending" or step.due_at is None:
                continue
            if step.actor == "care_manager" or handoff.hospital_organization_id is None:
                found.append((step.due_at, step.pk))
    return [pk for _due, pk in sorted(found)]


def in_process(member, repeat: int) -> list[int]:
    from renkei.careteams import access as careteams_access
    from renkei.handoff import access
    from renkei.handoff.selectors.workflow import due_steps

    def forget():
        careteams_access.forget(member)
        access.forget(member)

    fast, slow, result, expected = [], [], [], []
    for _ in range(repeat):
        forget()
        began = time.perf_counter()
        result = [s.pk for s in due_steps(member, limit=None)]
        fast.append(time.perf_counter() - began)
    for _ in range(max(3, repeat // 10)):
        forget()
        began = time.perf_counter()
        expected = baseline_due_steps(member)
        slow.append(time.perf_counter() - began)
    if sorted(result) != sorted(expected):
        raise SystemExit(f"the baseline disagrees: {len(expected)} steps against {len(result)}")
    print(line(f"due_steps in-process ({len(result)} steps due from the care manager)", fast, slow), flush=True)
    return result


def over_http(member, repeat: int, env: dict[str, str], work: Path) -> dict:
    from careteams_pages import session_cookie

    class Measured:
        member_membership_id = member.pk

    cookie = session_cookie(Measured)
    out = {}
    server_env = {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    with Server("renkei.wsgi:application", env=server_env, workers=1, log=work / "gunicorn-handoff.log") as server:
        client = Client(server.url)
        client.cookies[cookie[0]] = cookie[1]
        for label, path in (("list page", "/handoffs/"), ("API due list", "/api/v1/handoffs/due")):
            for _ in range(3):
                client.get(path)
            seconds = []
            for _ in range(repeat):
                reply = client.get(path)
                if reply.status != 200:
                    raise SystemExit(f"GET {path} answered {reply.status}; see {work}")
                seconds.append(reply.seconds)
            print(line(f"over HTTP: {label} ({path})", seconds, None), flush=True)
            out[label] = summary_ms(seconds)[1]
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--fresh", action="store_true", help="drop and create the PostgreSQL database first")
    parser.add_argument("--no-http", action="store_true", help="in-process measurements only")
    parser.add_argument("--reuse", action="store_true", help="measure the world already in the database")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    work = Path(os.environ.get("RENKEI_DATA_DIR") or tempfile.mkdtemp(prefix="renkei-bench-handoff-"))
    os.environ["RENKEI_DATA_DIR"] = str(work)
    url = os.environ.get("DATABASE_URL", "")
    if url and args.fresh:
        from careteams_pages import fresh_database

        fresh_database(url)
    from _setup import django_with_demo
    from generators.careteams import generate

    began = time.perf_counter()
    if args.reuse:
        from _build import setup_django

        setup_django()
        from renkei.careteams.models import Patient
        from renkei.handoff.models import Handoff, HandoffStep

        patients = Patient.objects.count()
        counts = {"admissions": Handoff.objects.count(), "steps": HandoffStep.objects.count()}
    else:
        django_with_demo()
        patients = generate(scale=args.scale / 2 if args.scale >= 0.02 else args.scale, posts=0, seed=args.seed,
                            log=lambda *a: None).patients
        counts = generate_admissions(scale=args.scale, seed=args.seed)
    from django.db import connection

    member = measured_care_manager()
    from renkei.careteams import access as careteams_access

    print(f"database: {connection.vendor}; {patients:,} patients, {counts['admissions']:,} admissions, "
          f"{counts['steps']:,} steps (ready in {time.perf_counter() - began:.0f} s); care manager {member.pk} "
          f"sees {len(careteams_access.visible_patient_ids(member))} patients", flush=True)
    from renkei.core import audit

    with audit.bind_membership(member):
        in_process(member, args.repeat)
    if not args.no_http:
        env = {"RENKEI_DATA_DIR": str(work), "DJANGO_SETTINGS_MODULE": "renkei.settings.local", "RENKEI_DEBUG": "0"}
        if url:
            env["DATABASE_URL"] = url
        connection.close()
        over_http(member, args.repeat, env, work)
    print("target: the care manager's due-now list p95 < 150 ms over HTTP (PostgreSQL, scale 1)", flush=True)


if __name__ == "__main__":
    main()
