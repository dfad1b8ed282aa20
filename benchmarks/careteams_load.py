"""50 team members posting and reading timelines at once on a real server, then a count of every post (issue 10).

The careteams world (`generators/careteams.py`, default scale 0.01: 1,000 patients, 50,000 posts) is served by
gunicorn on 127.0.0.1 (sync workers, DEBUG off). Each simulated user is a professional of the world with an API
token (Bearer: the API's own authentication) and loops without pause over their own patients:

    read   50   GET  /api/v1/patients/<id>/timeline              the newest page of a patient's timeline
    post   40   POST /api/v1/patients/<id>/timeline              JSON {"text": "負荷試験 <user>-<n>", "client_key"}
    resend 10   POST the last post again with the same client_key (a phone that lost the answer): must answer
                200 with the stored post, never make a second one

Every post carries a unique tag in its text and a fresh client_key. Afterwards, in the database: every
acknowledged post (201) is there exactly once, no tag is stored twice (resends included), and posts that were
not acknowledged are counted if they were stored anyway. Then `renkei audit verify` must pass (every post
wrote its audit entry in the same transaction; every read wrote a read entry).

Baseline in the same run: the same server's /health/ (Django plus one `select 1`) at the same concurrency,
measured just before; the mix's throughput is reported as a share of it.

    python benchmarks/careteams_load.py                                # SQLite, 50 users, 25 s
    python benchmarks/careteams_load.py --database postgres            # a throw-away PostgreSQL database
    python benchmarks/careteams_load.py --users 5 --seconds 3 --scale 0.002   # a smoke run

PostgreSQL: `--pg-url` (default postgres://postgres@127.0.0.1:5432/bench_careteams_load) is dropped and created.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _http import ROOT, Client, Recorder, Sample, Server, error_tag, run_users, summary_ms  # noqa: E402

HERE = Path(__file__).resolve().parent
TAG = "負荷試験 "
WEIGHTS = {"read": 50, "post": 40, "resend": 10}


@dataclass
class SentPost:
    tag: str
    client_key: str
    outcome: str  # "ack" (201), "resent" (200: the stored one again), "refused" (4xx), "error" (5xx, no answer)
    status: int = 0
    resend: bool = False  # the same tag and client key sent again after an acknowledged post


def check_posts(sent: list[SentPost], stored: list[tuple[str, str]]) -> dict:
    """Every acknowledged post stored exactly once; resends made nothing new. stored: (text, client_key) rows."""
    by_tag = collections.Counter(text for text, _ in stored)
    first = {s.tag: s for s in sent if not s.resend}
    acknowledged = [s for s in first.values() if s.outcome == "ack"]
    keys = {s.tag: s.client_key for s in first.values()}
    return {
        "sent": len(first),
        "acknowledged": len(acknowledged),
        "resends": sum(1 for s in sent if s.resend),
        "resends_answered": sum(1 for s in sent if s.resend and s.outcome == "resent"),
        "missing": [s.tag for s in acknowledged if by_tag[s.tag] == 0],
        "duplicated": sorted(tag for tag, n in by_tag.items() if n > 1),
        "wrong_key": sorted(text for text, key in stored if text in keys and keys[text] != key),
        "stored_unacknowledged": sum(1 for s in first.values() if s.outcome != "ack" and by_tag[s.tag]),
        "errors": sum(1 for s in sent if s.outcome == "error"),
    }


# --- preparing and checking, in a process with Django ---------------------------------------------------------

def prepare(plan_path: Path, args) -> None:
    from _setup import django_with_demo
    from generators.careteams import generate

    django_with_demo()
    world = generate(scale=args.scale, seed=args.seed)
    from django.db.models import Max

    from renkei.careteams import access
    from renkei.core.models import AuditEntry, Membership
    from renkei.core.services.accounts import api_token_create

    rng = random.Random(args.seed)
    chosen = sorted(world.people, key=lambda pk: (-len(world.people[pk]), pk))[:args.users]
    users = []
    for membership in Membership.objects.filter(pk__in=chosen).select_related("user", "organization"):
        visible = access.visible_patient_ids(membership)
        if not visible:
            continue
        _, raw = api_token_create(membership=membership, name="負荷試験", days=1)
        patients = rng.sample(visible, min(20, len(visible)))
        users.append({"membership": membership.pk, "token": raw, "patients": patients})
    plan = {"users": users, "audit_seq": AuditEntry.objects.aggregate(m=Max("seq"))["m"] or 0,
            "patients": world.patients, "posts": world.posts}
    plan_path.write_text(json.dumps(plan))
    print(f"prepared: {world.patients:,} patients, {world.posts:,} posts, {len(users)} members with tokens", flush=True)


def check(results_path: Path) -> None:
    from _build import setup_django

    setup_django()
    from renkei.careteams.models import Post

    results = json.loads(results_path.read_text())
    sent = [SentPost(**s) for s in results["sent"]]
    stored = [(text, str(key)) for text, key in
              Post.objects.filter(text__startswith=TAG).values_list("text", "client_key")]
    print(json.dumps(check_posts(sent, stored)))


# --- the users ------------------------------------------------------------------------------------------------

class Workload:
    def __init__(self, url: str, plan: dict, seed: int):
        self.url, self.plan, self.seed = url, plan, seed
        self.recorder = Recorder()
        self.sent: list[SentPost] = []
        self.lock = threading.Lock()

    def request(self, client: Client, kind: str, method: str, path: str, token: str, body=None):
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body, ensure_ascii=False).encode()
        try:
            response = client.request_raw(method, path, data, headers)
        except OSError as error:
            self.recorder.add(Sample(kind, 0, 0.0, 0, type(error).__name__))
            return None
        self.recorder.add(Sample(kind, response.status, response.seconds, len(response.body), error_tag(response)))
        return response

    def user_loop(self, index: int, stop_at: float) -> None:
        rng = random.Random(self.seed * 1000 + index)
        user = self.plan["users"][index % len(self.plan["users"])]
        client = RawClient(self.url)
        kinds, weights = zip(*WEIGHTS.items(), strict=True)
        last: tuple[str, str, int] | None = None  # the last acknowledged post: tag, client key, patient
        n = 0
        while time.monotonic() < stop_at:
            kind = rng.choices(kinds, weights)[0]
            patient = rng.choice(user["patients"])
            if kind == "read":
                self.request(client, "read", "GET", f"/api/v1/patients/{patient}/timeline", user["token"])
                continue
            if kind == "resend" and last is not None:
                tag, key, patient = last
            else:
                kind, n = "post", n + 1
                tag, key = f"{TAG}u{index}-{n}", str(uuid.uuid4())
            response = self.request(client, kind, "POST", f"/api/v1/patients/{patient}/timeline", user["token"],
                                    {"text": tag, "client_key": key})
            status = response.status if response is not None else 0
            failed = "error" if status == 0 or status >= 500 else "refused"
            if kind == "resend":
                outcome = "resent" if status == 200 else failed
            else:
                outcome = "ack" if status == 201 else failed
                if outcome == "ack":
                    last = (tag, key, patient)
            with self.lock:
                self.sent.append(SentPost(tag, key, outcome, status, resend=kind == "resend"))


class RawClient(Client):
    """The benchmarks' client with a raw body (JSON) instead of a form."""

    def request_raw(self, method: str, path: str, body: bytes | None, headers: dict[str, str]):
        import http.client

        from _http import Response

        send = {"User-Agent": "renkei-benchmark", **headers}
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=send)
            reply = connection.getresponse()
            payload = reply.read()
            return Response(reply.status, payload, {k.lower(): v for k, v in reply.getheaders()},
                            time.perf_counter() - began)
        finally:
            connection.close()


def health_throughput(url: str, users: int, seconds: float) -> tuple[float, list[float]]:
    counts, times = [0] * users, []
    lock = threading.Lock()

    def loop(index: int, stop_at: float) -> None:
        client = Client(url)
        while time.monotonic() < stop_at:
            reply = client.get("/health/")
            if reply.status == 200:
                counts[index] += 1
                with lock:
                    times.append(reply.seconds)

    wall = run_users(users, seconds, loop)
    return sum(counts) / wall, times


# --- the run -------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("--baseline-seconds", type=float, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/bench_careteams_load")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--check", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.prepare, args)
        return 0
    if args.check:
        check(args.check)
        return 0

    work = Path(tempfile.mkdtemp(prefix="renkei-careteams-load-"))
    env = {"RENKEI_DATA_DIR": str(work), "DJANGO_SETTINGS_MODULE": "renkei.settings.local", "RENKEI_DEBUG": "0",
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    if args.database == "postgres":
        env["DATABASE_URL"] = args.pg_url
        parts = urlsplit(args.pg_url)
        psql = ["psql", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
                "-U", parts.username or "postgres", "-d", "postgres", "-q", "-c"]
        database = parts.path.lstrip("/")
        subprocess.run([*psql, f'drop database if exists "{database}" with (force)'], check=True)  # noqa: S603
        subprocess.run([*psql, f'create database "{database}"'], check=True)  # noqa: S603
    child_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    plan_path = work / "plan.json"
    began = time.perf_counter()
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--prepare", str(plan_path),  # noqa: S603
                    "--scale", str(args.scale), "--users", str(args.users), "--seed", str(args.seed)],
                   check=True, env=child_env)
    print(f"database: {args.database}; built in {time.perf_counter() - began:.0f} s", flush=True)
    plan = json.loads(plan_path.read_text())
    log = work / "gunicorn.log"
    with Server("renkei.wsgi:application", env=env, workers=args.workers, log=log) as server:
        workload = Workload(server.url, plan, args.seed)
        warm = RawClient(server.url)
        for user in plan["users"][:args.workers * 2]:
            workload.request(warm, "warm", "GET", f"/api/v1/patients/{user['patients'][0]}/timeline", user["token"])
        health_rate, health_times = health_throughput(server.url, args.users, args.baseline_seconds)
        workload.recorder = Recorder()
        wall = run_users(args.users, args.seconds, workload.user_loop)
    samples = workload.recorder.samples
    rate = len(samples) / wall
    h50, h95, _ = summary_ms(health_times)
    print(f"{args.users} users, {wall:.0f} s, {args.workers} gunicorn workers: {len(samples)} requests = "
          f"{rate:.1f} req/s; /health/ alone at {args.users} users: {health_rate:.0f} req/s (p50 {h50:.0f} ms, "
          f"p95 {h95:.0f} ms) -> the mix reaches {rate / health_rate if health_rate else 0:.1%} of it")
    by_kind = collections.defaultdict(list)
    for sample in samples:
        by_kind[sample.kind].append(sample)
    print(f"  {'kind':8} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} ms   statuses")
    for kind, group in sorted(by_kind.items()):
        p50, p95, p99 = summary_ms([s.seconds for s in group if s.status])
        statuses = collections.Counter(s.status for s in group)
        print(f"  {kind:8} {len(group):6d} {p50:8.0f} {p95:8.0f} {p99:8.0f}      "
              + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items())))
    results_path = work / "results.json"
    results_path.write_text(json.dumps({"sent": [asdict(s) for s in workload.sent]}))
    checked = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--check", str(results_path)],  # noqa: S603
                             check=True, env=child_env, capture_output=True, text=True)
    outcome = json.loads(checked.stdout.strip().splitlines()[-1])
    verify = subprocess.run([sys.executable, "-m", "renkei", "audit", "verify"], env=child_env,  # noqa: S603
                            capture_output=True, text=True, cwd=ROOT)
    said = (verify.stdout or verify.stderr).strip().splitlines()
    errors = sum(1 for s in samples if s.status == 0 or s.status >= 500)
    lost = len(outcome["missing"]) + len(outcome["duplicated"]) + len(outcome["wrong_key"])
    print(f"posts: {outcome['sent']} sent, {outcome['acknowledged']} acknowledged, {outcome['resends']} resends "
          f"({outcome['resends_answered']} answered 200 with the stored post);\n"
          f"  missing {len(outcome['missing'])}, stored more than once "
          f"{len(outcome['duplicated'])}, stored under another key {len(outcome['wrong_key'])}, stored though not "
          f"acknowledged {outcome['stored_unacknowledged']}; errors (5xx or no answer): {errors}")
    print(f"renkei audit verify: {'passed' if verify.returncode == 0 else 'FAILED'} ({said[-1] if said else ''})")
    met = errors == 0 and lost == 0 and verify.returncode == 0 and outcome["acknowledged"] > 0
    print(f"target (no lost or duplicated post, no error, audit verify passes): {'met' if met else 'NOT met'} "
          f"(server log: {log})")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
