"""The desk's report and indicators over a prefecture's three years of cases, and a large training's effect table
(issue 12), each against a naive baseline measured in the same run.

    python benchmarks/desk_training.py                        # SQLite, scale 1, a throw-away directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_desk python benchmarks/desk_training.py --scale 4 --fresh
    python benchmarks/desk_training.py --scale 0.05 --participants 60 --no-http   # the smoke test's size

The world: the demo (its places master holds every municipality), then for each top-level municipality of 京都府
a desk and, for three fiscal years, 100–1,000 × scale cases a year (the prefecture's seat city ten times as many:
a designated city with wards), with one or two topics each, 85 % closed (most within 30 days), all through
bulk_create; and a prefecture-wide e-learning series with `--participants` registrations, pre and post answers to
the built-in instrument's nine items for 80 % of them (and one phase only for 10 %).

Timed (median of three runs, in process):
  report       `consult.selectors.reports.desk_report` for the busiest municipality over a fiscal year (two
               queries, then Python over the facts) against the baseline: one COUNT per month and figure and one per
               breakdown value (what a report built cell by cell does); the figures are compared.
  indicators   the seven consult providers for the whole prefecture and a fiscal year against one query per
               municipality and provider (values compared).
  effect       `training.selectors.surveys.effect_table` against the baseline: each registration's responses and
               answers read one by one, pairs built and `paired_effect` run per item (pairs and p values compared).
Over HTTP (gunicorn, one sync worker, DEBUG off, the busiest municipality's desk official; `--no-http` skips):
  the report page and `GET /api/v1/desk/counts` for the fiscal year, p50 / p95 of 30 requests each.

Ratios are baseline / Renkei (above 1: Renkei is faster). One JSON line at the end carries every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _http import ROOT, Client, Server, summary_ms  # noqa: E402

SEED = 20261207
PREFECTURE = "26"
YEARS = 3


def timed(function, repeat: int = 3):
    seconds, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), result


# --- the world ------------------------------------------------------------------------------------------------

def build_cases(scale: float, rng: random.Random):
    from django.utils import timezone

    from renkei.consult.models import Case, Desk, DeskMember, Topic
    from renkei.core.models import Membership, Municipality, Organization, Role
    from renkei.core.models.program import FOUR_SCENES

    municipalities = list(Municipality.objects.filter(prefecture__code=PREFECTURE, parent__isnull=True,
                                                      abolished_on__isnull=True).order_by("code"))
    wards_of = {}
    for ward in Municipality.objects.filter(prefecture__code=PREFECTURE, parent__isnull=False):
        wards_of.setdefault(ward.parent_id, []).append(ward)
    desks = {m.pk: Desk.objects.get_or_create(municipality=m, name=f"{m.name}在宅医療・介護連携相談窓口")[0]
             for m in municipalities}
    for ward_list in wards_of.values():
        for ward in ward_list:
            desks[ward.pk] = Desk.objects.get_or_create(municipality=ward, name=f"{ward.name}相談窓口")[0]
    topics = list(Topic.objects.filter(municipality=None))
    today = timezone.localdate()
    this_fy = today.year if today.month >= 4 else today.year - 1
    first_day = dt.date(this_fy - YEARS + 1, 4, 1)
    span_days = (today - first_day).days
    tz = timezone.get_current_timezone()
    kinds = ["care_manager"] * 5 + ["hospital", "clinic", "visiting_nursing", "family", "resident",
                                    "community_support_center"]
    channels = ["phone"] * 6 + ["visit", "email", "fax"]
    scenes = [s.value for s in FOUR_SCENES] + [""]
    outcomes = ["resolved", "resolved", "referred", "meeting", "continuing"]
    cases, busiest, busiest_count = [], None, 0
    for municipality in municipalities:
        yearly = rng.randint(100, 1000) * scale * (10 if wards_of.get(municipality.pk) else 1)
        targets = wards_of.get(municipality.pk) or [municipality]
        count = max(1, int(yearly * span_days / 365))
        if count > busiest_count:
            busiest, busiest_count = municipality, count
        for n in range(count):
            target = targets[n % len(targets)]
            received = first_day + dt.timedelta(days=rng.randrange(span_days))
            received_at = dt.datetime.combine(received, dt.time(9 + rng.randrange(8), rng.randrange(60)), tzinfo=tz)
            closed_on = None
            if rng.random() < 0.85 or (today - received).days > 120:
                closed_on = min(today, received + dt.timedelta(days=int(rng.expovariate(1 / 12))))
            cases.append(Case(desk=desks[target.pk], municipality=target, number=f"B{target.pk}-{n}",
                              received_at=received_at, channel=rng.choice(channels),
                              requester_kind=rng.choice(kinds), scene=rng.choice(scenes),
                              question="（ベンチマーク）", status="closed" if closed_on else "open",
                              outcome=rng.choice(outcomes) if closed_on else "", closed_on=closed_on))
    created = Case.objects.bulk_create(cases, batch_size=5000)
    through = Case.topics.through
    links = []
    for case in created:
        for topic in rng.sample(topics, rng.choice((1, 1, 2))):
            links.append(through(case_id=case.pk, topic_id=topic.pk))
    through.objects.bulk_create(links, batch_size=10000)
    office = Organization.objects.filter(municipality=busiest, kind=Organization.Kind.MUNICIPALITY_OFFICE).first() \
        or Organization.objects.create(municipality=busiest, prefecture=busiest.prefecture, name=f"{busiest.name}役所",
                                       kind=Organization.Kind.MUNICIPALITY_OFFICE)
    from renkei.core.models import User

    user = User.objects.create_user(f"bench-desk-{rng.randrange(10**9)}@example.jp", "bench-password-Aa1!")
    official = Membership.objects.create(user=user, organization=office, role=Role.MUNICIPAL_STAFF)
    DeskMember.objects.create(desk=desks[busiest.pk], membership=official)
    return municipalities, busiest, official, len(created), first_day


def build_series(participants: int, rng: random.Random):
    from django.utils import timezone

    from renkei.core.models import Municipality, Profession
    from renkei.training.models import Instrument, Registration, SurveyAnswer, SurveyResponse, TrainingSeries

    municipality = Municipality.objects.filter(prefecture__code=PREFECTURE, parent__isnull=True).first()
    instrument = Instrument.objects.get(municipality=None, code="renkei-collaboration-short")
    items = list(instrument.items.filter(kind="likert").order_by("order"))
    series = TrainingSeries.objects.create(municipality=municipality, title="ベンチマーク e ラーニング",
                                           fiscal_year=timezone.localdate().year, instrument=instrument)
    professions = [p.value for p in Profession][:10]
    registrations = Registration.objects.bulk_create(
        [Registration(series=series, name=f"参加者{n}", profession=rng.choice(professions))
         for n in range(participants)], batch_size=5000)
    now = timezone.now()
    responses, plans = [], []
    for registration in registrations:
        draw = rng.random()
        phases = ("pre", "post") if draw < 0.8 else ("pre",) if draw < 0.85 else ("post",) if draw < 0.9 else ()
        for phase in phases:
            responses.append(SurveyResponse(registration=registration, phase=phase, submitted_at=now))
    responses = SurveyResponse.objects.bulk_create(responses, batch_size=5000)
    answers = []
    for response in responses:
        for position, item in enumerate(items):
            lift = 1 if response.phase == "post" and position % 2 == 0 and rng.random() < 0.5 else 0
            answers.append(SurveyAnswer(response=response, item=item, value=min(4, rng.randint(1, 3) + lift)))
    SurveyAnswer.objects.bulk_create(answers, batch_size=10000)
    del plans
    return series, len(answers)


# --- baselines ------------------------------------------------------------------------------------------------

def baseline_report(municipality, start: dt.date, end: dt.date) -> dict:
    from django.db.models import Q

    from renkei.consult.models import Case, Channel, RequesterKind
    from renkei.consult.selectors.reports import month_end, months_between

    cases = Case.objects.filter(Q(municipality=municipality) | Q(municipality__parent=municipality))
    out = {"received": [], "closed": [], "kinds": {}, "channels": {}}
    for month in months_between(start, end):
        last = month_end(month)
        out["received"].append(cases.filter(received_at__date__gte=month, received_at__date__lte=last).count())
        out["closed"].append(cases.filter(closed_on__gte=month, closed_on__lte=last).count())
    in_span = cases.filter(received_at__date__gte=start, received_at__date__lte=end)
    for value, _ in RequesterKind.choices:
        n = in_span.filter(requester_kind=value).count()
        if n:
            out["kinds"][value] = n
    for value, _ in Channel.choices:
        n = in_span.filter(channel=value).count()
        if n:
            out["channels"][value] = n
    return out


def report_figures(report) -> dict:
    return {"received": [m.received for m in report.months], "closed": [m.closed for m in report.months],
            "kinds": {v: n for v, _, n in report.breakdown("requester_kind").rows},
            "channels": {v: n for v, _, n in report.breakdown("channel").rows}}


def baseline_providers(municipalities, period, keys) -> dict:
    from renkei.indicators.registry import provider

    out = {}
    for key in keys:
        for municipality in municipalities:
            for computed in provider(key)([municipality], period):
                out[(key, computed.area.key)] = (computed.numerator, computed.denominator)
    return out


def renkei_providers(municipalities, period, keys) -> dict:
    from renkei.indicators.registry import provider

    out = {}
    for key in keys:
        for computed in provider(key)(municipalities, period):
            out[(key, computed.area.key)] = (computed.numerator, computed.denominator)
    return out


def baseline_effect(series) -> dict:
    from renkei.training.effect import paired_effect

    items = list(series.instrument.items.filter(kind="likert").order_by("order"))
    pairs = {item.pk: [] for item in items}
    for registration in series.registrations.all():
        by_phase = {}
        for response in registration.survey_responses.all():
            by_phase[response.phase] = {a.item_id: a.value for a in response.answers.all()}
        if len(by_phase) == 2:
            for item in items:
                before, after = by_phase["pre"].get(item.pk), by_phase["post"].get(item.pk)
                if before is not None and after is not None:
                    pairs[item.pk].append((before, after))
    return {pk: (effect.pairs, effect.p_value) for pk, effect in
            ((pk, paired_effect(values)) for pk, values in pairs.items())}


def renkei_effect(series) -> dict:
    from renkei.training.selectors.surveys import effect_table

    table = effect_table(series)
    return {row.item_id: (row.effect.pairs, row.effect.p_value) for row in table.rows if row.item_id is not None}


# --- main -----------------------------------------------------------------------------------------------------

def over_http(official, code: str, start: str, end: str, work: Path, env: dict) -> dict:
    from careteams_pages import session_cookie

    class Measured:
        member_membership_id = official.pk

    cookie = session_cookie(Measured)
    out = {}
    server_env = {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), str(HERE)])}
    with Server("renkei.wsgi:application", env=server_env, workers=1, log=work / "gunicorn-desk.log") as server:
        client = Client(server.url)
        client.cookies[cookie[0]] = cookie[1]
        for label, path in (("report page", f"/desk/report/?municipality={code}&from={start}&to={end}"),
                            ("counts API", f"/api/v1/desk/counts?municipality={code}&from={start}&to={end}")):
            for _ in range(3):
                client.get(path)
            seconds = []
            for _ in range(30):
                reply = client.get(path)
                if reply.status != 200:
                    raise SystemExit(f"GET {path} answered {reply.status}; see {work}")
                seconds.append(reply.seconds)
            p50, p95, _ = summary_ms(seconds)
            print(f"over HTTP: {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
            out[label] = {"p50_ms": round(p50, 1), "p95_ms": round(p95, 1)}
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--fresh", action="store_true", help="drop and create the PostgreSQL database first")
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args(argv)

    work = Path(os.environ.get("RENKEI_DATA_DIR") or tempfile.mkdtemp(prefix="renkei-bench-desk-"))
    os.environ["RENKEI_DATA_DIR"] = str(work)
    url = os.environ.get("DATABASE_URL", "")
    if url and args.fresh:
        from careteams_pages import fresh_database

        fresh_database(url)
    from _setup import django_with_demo

    began = time.perf_counter()
    django_with_demo()
    rng = random.Random(SEED)
    municipalities, busiest, official, cases, first_day = build_cases(args.scale, rng)
    series, answers = build_series(args.participants, rng)
    print(f"world: {cases:,} cases in {len(municipalities)} municipalities over {YEARS} fiscal years "
          f"(busiest {busiest.name}), a series of {args.participants:,} participants with {answers:,} answers, "
          f"built in {time.perf_counter() - began:.0f} s", flush=True)

    from renkei.consult.selectors.reports import desk_report
    from renkei.indicators.periods import parse_period

    today = dt.date.today()
    fy = today.year - 1 if today.month < 4 else today.year
    fy -= 1  # the last full fiscal year
    start, end = dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)
    figures = {"cases": cases, "participants": args.participants, "database": "postgresql" if url else "sqlite"}

    fast, report = timed(lambda: desk_report(busiest, start, end, suppress=False))
    slow, expected = timed(lambda: baseline_report(busiest, start, end))
    if report_figures(report) != expected:
        raise SystemExit(f"the report disagrees with the baseline:\n{report_figures(report)}\n{expected}")
    print(f"report ({report.total_received:,} cases received in FY{fy}): {fast * 1000:.1f} ms against "
          f"{slow * 1000:.1f} ms ({slow / fast:.1f}×)", flush=True)
    figures["report"] = {"ms": round(fast * 1000, 1), "baseline_ms": round(slow * 1000, 1),
                         "ratio": round(slow / fast, 1)}

    keys = ["consult.cases_received", "consult.closed_within_30_days_share", "consult.mean_days_to_close",
            "consult.cases_daily_care", "consult.cases_admission_discharge", "consult.cases_emergency",
            "consult.cases_end_of_life"]
    period = parse_period(f"FY{fy}")
    fast, values = timed(lambda: renkei_providers(municipalities, period, keys))
    slow, expected = timed(lambda: baseline_providers(municipalities, period, keys))
    if values != expected:
        raise SystemExit("the providers disagree with the per-municipality baseline")
    print(f"indicators ({len(values)} values for {len(municipalities)} municipalities): {fast * 1000:.1f} ms "
          f"against {slow * 1000:.1f} ms ({slow / fast:.1f}×)", flush=True)
    figures["indicators"] = {"ms": round(fast * 1000, 1), "baseline_ms": round(slow * 1000, 1),
                             "ratio": round(slow / fast, 1)}

    fast, effect = timed(lambda: renkei_effect(series))
    slow, expected = timed(lambda: baseline_effect(series), repeat=1)
    if effect != expected:
        raise SystemExit(f"the effect table disagrees with the baseline:\n{effect}\n{expected}")
    print(f"effect table ({args.participants:,} participants): {fast * 1000:.1f} ms against {slow * 1000:.1f} ms "
          f"({slow / fast:.1f}×)", flush=True)
    figures["effect"] = {"ms": round(fast * 1000, 1), "baseline_ms": round(slow * 1000, 1),
                         "ratio": round(slow / fast, 1)}

    if not args.no_http:
        env = {"DJANGO_SETTINGS_MODULE": "renkei.settings.local", "RENKEI_DEBUG": "0", "RENKEI_DATA_DIR": str(work)}
        if url:
            env["DATABASE_URL"] = url
        figures["http"] = over_http(official, busiest.code, f"{fy}-04", f"{fy + 1}-03", work, env)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
