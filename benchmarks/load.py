"""A realistic mix of users at 10, 25 and 50 at once, on PostgreSQL and on SQLite, then a check of every write.

Renkei (the demo plus the generator's MHLW files, default scale 0.1 ≈ 24,500 facilities to keep the run
short; `--scale 1` for national size, or `--files DIR`) is served by gunicorn on 127.0.0.1 (3 sync workers,
DEBUG off). Each simulated user loops without pause, choosing an action by weight:

    portal search 30   resident portal page, near a place (16 km) or by name, /resources/<code>/?…
    API search    20   /api/v1/facilities?lat=…&lon=…&radius_km=16 or ?q=…, anonymous
    facility page 15   staff, /directory/facilities/<id>/
    map feed      10   staff, /directory/facilities.geojson?lat=…&lon=…&radius_km=16
    survey answer 10   a facility opens its survey link and sends the form back (one link, one answer)
    staff edit    15   staff open a facility's edit form, wait a moment (--edit-think), send it back with
                       a unique token in the description; up to 20 facilities of the demo municipality
                       (12 at scale 0.1; --edit-facilities) share all edits, so forms overlap

Forms go back as served (every hidden input, so a version field added for optimistic locking is sent back
untouched). Staff log in through the login form as the demo's municipal staff (no second factor for that
role), one session per user. Each request comes from its own address (X-Forwarded-For, trusted for the run)
so the survey-link throttle counts per facility, as in the field.

Reported per level: throughput, p50/p95/p99 per request kind, errors by kind (status codes; "database is
locked" and deadlocks counted in the server log), and the same server's /health/ throughput at the same
concurrency (Django plus one `select 1`), measured just before, as the in-run baseline: the mix's
throughput as a share of it. Afterwards: every acknowledged write is in the database exactly once (edits:
one audit entry writing the token; survey answers: one stored response with the token), no acknowledged
edit was overwritten by a form opened before it without that user seeing a conflict (the final value's
chain of edits, and each audit entry's "before" against the value the form showed), and
`renkei audit verify` passes. An edit answered with 409 or with the form again counts as seen, not lost.

    python benchmarks/load.py                                  # SQLite and PostgreSQL, 10/25/50 users, 25 s each
    python benchmarks/load.py --databases sqlite --users 10 --seconds 20
    python benchmarks/load.py --scale 1 --seconds 30           # national size (the build takes minutes)
    python benchmarks/load.py --databases postgres --users 50 --think 2   # people who read before clicking

Without --think every user asks again the moment an answer arrives (a closed loop), so once the server is
saturated the mean wait is simply users / throughput (Little's law): at 50 such users a p95 under 300 ms
needs about 170 req/s. --think gives each user a pause (uniform, mean as given) after every request.

PostgreSQL: a throw-away database (`--pg-url`, default postgres://postgres@127.0.0.1:5432/bench_load) is
dropped and created with psql.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _http import (  # noqa: E402
    ROOT,
    Client,
    Recorder,
    Sample,
    Server,
    error_tag,
    find_form,
    login,
    run_users,
    summary_ms,
)

HERE = Path(__file__).resolve().parent
WEIGHTS = {"portal": 30, "api": 20, "page": 15, "map": 10, "survey": 10, "edit": 15}
LOG_PATTERNS = {"database is locked": "database is locked", "deadlock detected": "deadlock",
                "could not serialize": "serialization failure", "Internal Server Error": "logged 500",
                "WORKER TIMEOUT": "worker timeout"}


# --- the checks (pure: tested in tests/test_benchmark_load.py) ---------------------------------------------------

@dataclass
class Edit:
    facility_id: int
    base: str  # the description the form showed
    token: str  # the description sent back
    outcome: str  # "ack" (saved), "conflict" (409), "form" (the form again: seen), "error"
    status: int = 0


@dataclass
class SurveyAnswer:
    invitation: str
    token: str
    outcome: str  # "ack" (thanks page), "refused" (form again or link refused), "error"
    status: int = 0


def check_edits(edits: list[Edit], final_values: dict[int, str],
                audit_writes: list[tuple[int, str, str]]) -> dict:
    """What happened to the acknowledged edits.

    final_values: facility id → description at the end. audit_writes: (facility id, before, after) of every
    audit entry that changed a description during the run.
    - not_once: acknowledged tokens written by no audit entry, or by more than one;
    - overwritten: acknowledged edits missing from the chain that leads to the final value (walking from the
      final value back through each edit's base): someone saved over them without having seen them;
    - blind_writes: acknowledged edits whose audit "before" is not what their form showed (they replaced a
      value their user never saw).
    """
    by_token = {e.token: e for e in edits}
    acknowledged = [e for e in edits if e.outcome == "ack"]
    written = collections.Counter(after for _, _, after in audit_writes)
    before_of = {after: before for _, before, after in audit_writes}
    on_chain: set[str] = set()
    for value in final_values.values():
        seen: set[str] = set()
        while value in by_token and value not in seen:
            seen.add(value)
            on_chain.add(value)
            value = by_token[value].base
    return {
        "attempted": len(edits),
        "acknowledged": len(acknowledged),
        "conflicts_seen": sum(1 for e in edits if e.outcome in ("conflict", "form")),
        "errors": sum(1 for e in edits if e.outcome == "error"),
        "not_once": [e.token for e in acknowledged if written[e.token] != 1],
        "overwritten": [e.token for e in acknowledged if e.token not in on_chain],
        "blind_writes": [e.token for e in acknowledged if e.token in before_of and before_of[e.token] != e.base],
    }


def check_survey_answers(answers: list[SurveyAnswer], stored_tokens: list[str]) -> dict:
    """Every acknowledged answer stored exactly once (stored_tokens: the token of each stored response)."""
    stored = collections.Counter(stored_tokens)
    acknowledged = [a for a in answers if a.outcome == "ack"]
    return {
        "attempted": len(answers),
        "acknowledged": len(acknowledged),
        "missing": [a.token for a in acknowledged if stored[a.token] == 0],
        "duplicated": [t for t, n in stored.items() if n > 1],
        "stored_unacknowledged": sum(1 for a in answers if a.outcome != "ack" and stored[a.token]),
    }


def log_errors(text: str) -> dict[str, int]:
    return {label: text.count(needle) for needle, label in LOG_PATTERNS.items() if needle in text}


# --- preparing and checking, in a process with Django ---------------------------------------------------------

def prepare(plan_path: Path, args) -> None:
    from _build import build, setup_django

    setup_django()
    build(args.files, args.scale, plan_path.parent)
    from django.db.models import Max
    from search_http import make_queries

    from renkei.core.models import AuditEntry, Membership, Municipality
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE, DEMO_PASSWORD
    from renkei.directory.models import Facility
    from renkei.directory.services.surveys import survey_round_create

    rng = random.Random(args.seed)
    staff = Membership.objects.select_related("user").get(user__email="city@demo.renkei.example",
                                                          role="municipal_staff")
    city = Municipality.objects.get(code=DEMO_MUNICIPALITY_CODE)
    local = list(Facility.objects.filter(municipality=city, status=Facility.Status.OPEN).order_by("pk"))
    rounds = min(200, -(-args.survey_links // len(local)))  # a round asks each facility once
    links = []
    for n in range(rounds):
        _, issued = survey_round_create(municipality=city, title=f"負荷試験 {n + 1}", due_on=None, facilities=local,
                                        membership=staff, send_email=False)
        links += [item.link for item in issued]
    rng.shuffle(links)
    edit_ids = [f.pk for f in rng.sample(local, min(args.edit_facilities, len(local)))]
    _, names = make_queries(rng, 2, 50)
    placed = list(Facility.objects.filter(status=Facility.Status.OPEN, latitude__isnull=False)
                  .values_list("pk", "municipality__code", "latitude", "longitude"))
    plan = {
        "staff": {"email": staff.user.email, "password": DEMO_PASSWORD},
        "survey_links": links,
        "edit_ids": edit_ids,
        "page_ids": [row[0] for row in rng.sample(placed, min(3000, len(placed)))],
        # Near a facility of the municipality whose portal is asked (towns and cities alike).
        "centres": [list(row[1:]) for row in rng.sample(placed, min(300, len(placed)))],
        "names": names,
        "audit_seq": AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0,
        "facilities": Facility.objects.count(),
    }
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    print(f"prepared: {plan['facilities']} facilities, {len(links)} survey links over {len(local)} facilities of "
          f"{city.name}, {len(edit_ids)} facilities to edit", flush=True)


def check(plan_path: Path, results_path: Path) -> None:
    from _build import setup_django

    setup_django()
    from renkei.core.models import AuditEntry
    from renkei.directory.models import Facility, SurveyResponse

    plan = json.loads(plan_path.read_text())
    results = json.loads(results_path.read_text())
    edits = [Edit(**e) for e in results["edits"]]
    answers = [SurveyAnswer(**a) for a in results["survey_answers"]]
    ids = plan["edit_ids"]
    final_values = dict(Facility.objects.filter(pk__in=ids).values_list("pk", "description"))
    writes = []
    for object_id, changes in (AuditEntry.objects.filter(seq__gt=plan["audit_seq"], object_id__in=[str(i) for i in ids],
                                                         action=AuditEntry.Action.UPDATE)
                               .values_list("object_id", "changes")):
        change = (changes or {}).get("description")
        if isinstance(change, list) and len(change) == 2:
            writes.append((int(object_id), change[0] or "", change[1] or ""))
    tokens = {a.token for a in answers}
    stored = [c for c in SurveyResponse.objects.filter(comment__startswith="bench-").values_list("comment", flat=True)
              if c in tokens]
    out = {"edits": check_edits(edits, final_values, writes), "surveys": check_survey_answers(answers, stored)}
    print(json.dumps(out))


# --- the users ------------------------------------------------------------------------------------------------

class Workload:
    def __init__(self, url: str, plan: dict, staff_clients: list[Client], args):
        self.url, self.plan, self.staff_clients, self.args = url, plan, staff_clients, args
        self.links: queue.SimpleQueue = queue.SimpleQueue()
        for link in plan["survey_links"]:
            self.links.put(link)
        self.edits: list[Edit] = []
        self.answers: list[SurveyAnswer] = []
        self.lock = threading.Lock()
        self.address = 0
        self.recorder = Recorder()

    def next_address(self) -> str:
        with self.lock:
            self.address += 1
            n = self.address
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def timed(self, client: Client, kind: str, method: str, path: str, data=None):
        try:
            response = client.request(method, path, data=data)
        except OSError as error:
            self.recorder.add(Sample(kind, 0, 0.0, 0, type(error).__name__))
            return None
        self.recorder.add(Sample(kind, response.status, response.seconds, len(response.body), error_tag(response)))
        return response

    def centre_query(self, rng: random.Random) -> tuple[str, dict]:
        code, lat, lon = rng.choice(self.plan["centres"])
        if rng.random() < 0.7:
            return code, {"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "radius_km": 16}
        return code, {"q": rng.choice(self.plan["names"])}

    def portal(self, rng, anonymous: Client) -> None:
        code, query = self.centre_query(rng)
        self.timed(anonymous, "portal search", "GET", f"/resources/{code}/?{urlencode(query)}")

    def api(self, rng, anonymous: Client) -> None:
        _, query = self.centre_query(rng)
        self.timed(anonymous, "API search", "GET", f"/api/v1/facilities?{urlencode(query)}")

    def page(self, rng, staff: Client) -> None:
        self.timed(staff, "facility page", "GET", f"/directory/facilities/{rng.choice(self.plan['page_ids'])}/")

    def map(self, rng, staff: Client) -> None:
        _, lat, lon = rng.choice(self.plan["centres"])
        query = urlencode({"lat": f"{lat:.6f}", "lon": f"{lon:.6f}", "radius_km": 16})
        self.timed(staff, "map feed", "GET", f"/directory/facilities.geojson?{query}")

    def survey(self, rng, _staff: Client) -> None:
        try:
            link = self.links.get_nowait()
        except queue.Empty:
            return self.portal(rng, Client(self.url))
        client = Client(self.url, forwarded_for=self.next_address())
        page = self.timed(client, "survey form", "GET", link)
        form = find_form(page.text, having="respondent_name") if page is not None and page.status == 200 else None
        if form is None:
            return
        token = f"bench-{uuid.uuid4().hex}"
        reply = self.timed(client, "survey answer", "POST", form.action or link,
                           form.with_values(respondent_name="負荷 試験", respondent_role="事務長", comment=token))
        outcome = ("error" if reply is None or reply.status >= 500 or reply.status == 0 else
                   "ack" if reply.status in (302, 303) and "thanks" in reply.headers.get("location", "") else "refused")
        with self.lock:
            self.answers.append(SurveyAnswer(link, token, outcome, reply.status if reply else 0))

    def edit(self, rng, staff: Client) -> None:
        facility_id = rng.choice(self.plan["edit_ids"])
        path = f"/directory/facilities/{facility_id}/edit/"
        page = self.timed(staff, "edit form", "GET", path)
        form = find_form(page.text, having="description") if page is not None and page.status == 200 else None
        if form is None:
            return
        base = form.values().get("description", "")
        if self.args.edit_think:
            time.sleep(rng.uniform(0, self.args.edit_think))
        token = f"bench-{uuid.uuid4().hex}"
        reply = self.timed(staff, "edit save", "POST", form.action or path, form.with_values(description=token))
        if reply is None or reply.status == 0 or reply.status >= 500:
            outcome = "error"
        elif reply.status in (302, 303) and "/edit/" not in reply.headers.get("location", ""):
            outcome = "ack"
        elif reply.status == 409 or reply.status in (302, 303):  # 409, or sent back to the form: seen
            outcome = "conflict"
        elif reply.status in (200, 400):
            outcome = "form"
        else:
            outcome = "error"
        with self.lock:
            self.edits.append(Edit(facility_id, base, token, outcome, reply.status if reply else 0))

    def user_loop(self, index: int, stop_at: float) -> None:
        rng = random.Random(index * 7919 + int(time.time()))
        staff = self.staff_clients[index]
        anonymous = Client(self.url, forwarded_for=self.next_address())
        actions = list(WEIGHTS)
        weights = [WEIGHTS[a] for a in actions]
        while time.monotonic() < stop_at:
            action = rng.choices(actions, weights)[0]
            client = anonymous if action in ("portal", "api") else staff
            getattr(self, action)(rng, client)
            if self.args.think:  # a person reads the page before the next click
                time.sleep(rng.uniform(0, 2 * self.args.think))


def health_throughput(url: str, users: int, seconds: float) -> float:
    counts = [0] * users

    def loop(index: int, stop_at: float) -> None:
        client = Client(url)
        while time.monotonic() < stop_at:
            if client.get("/health/").status == 200:
                counts[index] += 1

    wall = run_users(users, seconds, loop)
    return sum(counts) / wall


# --- the run -------------------------------------------------------------------------------------------------

def report_level(users: int, wall: float, samples: list[Sample], health_rate: float, log_counts: dict) -> dict:
    ok = [s for s in samples if 0 < s.status < 500]
    rate = len(samples) / wall
    print(f"\n  {users} users, {wall:.0f} s: {len(samples)} requests = {rate:.1f} req/s "
          f"({len(ok) / wall:.1f} req/s answered below 500); /health/ alone at {users} users: "
          f"{health_rate:.0f} req/s -> the mix reaches {rate / health_rate:.1%} of it")
    by_kind = collections.defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    print(f"    {'kind':15} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} ms   statuses / errors")
    for kind, group in sorted(by_kind.items()):
        p50, p95, p99 = summary_ms([s.seconds for s in group if s.status])
        statuses = collections.Counter(s.status for s in group)
        errors = collections.Counter(s.error for s in group if s.error)
        print(f"    {kind:15} {len(group):6d} {p50:8.0f} {p95:8.0f} {p99:8.0f}      "
              + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items()))
              + ("; " + ", ".join(f"{e}: {n}" for e, n in errors.items()) if errors else ""))
    reads = [s.seconds for s in samples if s.kind in ("portal search", "API search", "facility page", "map feed")
             and s.status]
    p95_reads = summary_ms(reads)[1]
    errors = sum(1 for s in samples if s.status == 0 or s.status >= 500)
    print(f"    searches and pages p95 {p95_reads:.0f} ms; errors (5xx or no answer): {errors}; "
          f"server log: {log_counts or 'nothing'}")
    return {"users": users, "rps": rate, "errors": errors, "p95_reads_ms": p95_reads, "health_rps": health_rate}


def run_database(name: str, database_url: str | None, args) -> None:
    work = Path(tempfile.mkdtemp(prefix=f"renkei-load-{name}-"))
    env = {"RENKEI_DATA_DIR": str(work), "DJANGO_SETTINGS_MODULE": "renkei.settings.local", "RENKEI_DEBUG": "0",
           "PYTHONPATH": str(ROOT)}
    if database_url:
        env["DATABASE_URL"] = database_url
        parts = urlsplit(database_url)
        database = parts.path.lstrip("/")
        psql = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
                "-U", parts.username or "postgres", "-d", "postgres", "-q", "-c"]
        subprocess.run([*psql, f'drop database if exists "{database}" with (force)'], check=True)  # noqa: S603
        subprocess.run([*psql, f'create database "{database}"'], check=True)  # noqa: S603
    else:
        os.environ.pop("DATABASE_URL", None)
    child_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    print(f"\n=== {name} ({database_url or work / 'renkei.sqlite3'}) ===", flush=True)
    plan_path = work / "plan.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--prepare", str(plan_path), "--scale", str(args.scale),
               "--survey-links", str(args.survey_links), "--edit-facilities", str(args.edit_facilities)]
    if args.files:
        command += ["--files", str(args.files)]
    began = time.perf_counter()
    subprocess.run(command, check=True, env=child_env)  # noqa: S603
    print(f"built in {time.perf_counter() - began:.0f} s", flush=True)
    plan = json.loads(plan_path.read_text())

    log = work / "gunicorn.log"
    levels = []
    server_env = {**env, "RENKEI_TRUST_X_FORWARDED_FOR": "1"}
    with Server("renkei.wsgi:application", env=server_env, workers=args.workers, log=log) as server:
        staff_clients = []
        for i in range(max(args.users)):
            client = Client(server.url, forwarded_for=f"10.255.{i // 256}.{i % 256}")
            if not login(client, plan["staff"]["email"], plan["staff"]["password"]):
                raise SystemExit(f"staff login failed; see {log}")
            staff_clients.append(client)
        workload = Workload(server.url, plan, staff_clients, args)
        warm = Client(server.url)
        for _ in range(args.workers * 3):  # every worker loads what it keeps before the clock starts
            centre = plan["centres"][0]
            warm.get(f"/api/v1/facilities?lat={centre[1]}&lon={centre[2]}&radius_km=16")
            staff_clients[0].get(f"/directory/facilities/{plan['page_ids'][0]}/")
        for users in args.users:
            health_rate = health_throughput(server.url, users, args.baseline_seconds)
            workload.recorder = Recorder()
            offset = log.stat().st_size
            wall = run_users(users, args.seconds, workload.user_loop)
            with log.open("rb") as handle:
                handle.seek(offset)
                log_counts = log_errors(handle.read().decode("utf-8", "replace"))
            levels.append(report_level(users, wall, workload.recorder.samples, health_rate, log_counts))

    results_path = work / "results.json"
    results_path.write_text(json.dumps({"edits": [asdict(e) for e in workload.edits],
                                        "survey_answers": [asdict(a) for a in workload.answers]}))
    checked = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--check", str(plan_path),  # noqa: S603
                              str(results_path)], check=True, env=child_env, capture_output=True, text=True)
    outcome = json.loads(checked.stdout.strip().splitlines()[-1])
    verify = subprocess.run([sys.executable, "-m", "renkei", "audit", "verify"], env=child_env,  # noqa: S603
                            capture_output=True, text=True, cwd=ROOT)
    edits, surveys = outcome["edits"], outcome["surveys"]
    print(f"\n  {name} writes over all levels:")
    print(f"    staff edits: {edits['attempted']} sent, {edits['acknowledged']} acknowledged, "
          f"{edits['conflicts_seen']} answered with a conflict or the form again (seen), {edits['errors']} errors")
    print(f"    acknowledged edits not written exactly once: {len(edits['not_once'])}; overwritten unseen: "
          f"{len(edits['overwritten'])} ({len(edits['overwritten']) / max(1, edits['acknowledged']):.0%}); "
          f"saved over a value their form did not show: {len(edits['blind_writes'])}")
    print(f"    survey answers: {surveys['attempted']} sent, {surveys['acknowledged']} acknowledged, "
          f"missing {len(surveys['missing'])}, stored more than once {len(surveys['duplicated'])}, "
          f"stored though not acknowledged {surveys['stored_unacknowledged']}")
    print(f"    renkei audit verify: {'passed' if verify.returncode == 0 else 'FAILED'} "
          f"({(verify.stdout or verify.stderr).strip().splitlines()[-1] if (verify.stdout or verify.stderr) else ''})")
    print(f"  {name} summary: " + "; ".join(
        f"{lv['users']} users {lv['rps']:.1f} req/s ({lv['rps'] / 14.5:.1f}x the 14.5 req/s of issue 8), "
        f"searches/pages p95 {lv['p95_reads_ms']:.0f} ms, {lv['errors']} errors" for lv in levels))
    target = next((lv for lv in levels if lv["users"] == (50 if name == "postgres" else 10)), None)
    if target is not None:  # the targets of issue 8
        lost = len(edits["overwritten"]) + len(edits["not_once"]) + len(surveys["missing"]) + len(surveys["duplicated"])
        if name == "postgres":
            met = (target["errors"] == 0 and target["p95_reads_ms"] < 300 and target["rps"] >= 5 * 14.5
                   and lost == 0 and verify.returncode == 0)
            wanted = "50 users: 0 errors, searches/pages p95 < 300 ms, >= 72.5 req/s, no write lost"
        else:
            met = target["errors"] == 0 and lost == 0 and verify.returncode == 0
            wanted = "10 users: 0 errors, no write lost"
        print(f"  target ({wanted}): {'met' if met else 'NOT met'}")
    print(f"  (server log: {log})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=0.1, help="generator scale (1 = national; default 0.1)")
    parser.add_argument("--files", type=Path, help="import these MHLW files instead of generating them")
    parser.add_argument("--users", type=lambda text: [int(n) for n in text.split(",")], default=[10, 25, 50])
    parser.add_argument("--seconds", type=float, default=25, help="duration of each level")
    parser.add_argument("--baseline-seconds", type=float, default=5, help="/health/ measured before each level")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/bench_load")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--edit-think", type=float, default=0.3, help="at most this long between opening and saving")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause between a user's requests (default 0: each user asks again at once)")
    parser.add_argument("--edit-facilities", type=int, default=20)
    parser.add_argument("--survey-links", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--check", type=Path, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return prepare(args.prepare, args)
    if args.check:
        return check(*args.check)
    for name in args.databases.split(","):
        run_database(name, args.pg_url if name == "postgres" else None, args)


if __name__ == "__main__":
    main()
