"""Patients, care teams, consents and timeline posts at any scale, written fast (COPY on PostgreSQL).

Scale 1 (issue 10's figures): 100,000 patients, 20,000 teams, 5,000,000 timeline posts.

"20,000 teams": the model has one `CareTeam` per patient (OneToOne), so 100,000 patients have 100,000 team
rows. The 20,000 are read as 20,000 distinct team *compositions*: sets of members (a care manager, an
attending doctor, a visiting nurse, and one or two of a pharmacist, a home helper, a therapist, a dentist)
from different organizations, each composition caring for 5 patients, as a care manager's office, a clinic
and a nursing station share their patients in a town. Each member is on many compositions, so a member has
tens of patients (a care manager about 35, a visiting nurse about 40, a doctor about 60), a few more than
others by chance; the busiest member's list is the one measured.

Organizations and people are spread over the municipalities of 京都府 (the demo's prefecture; the demo must be
built first: `renkei.core.services.demo.build_demo`). Consents: 90 % of patients have a current consent for
the whole team, 4 % one limited to the registering organization and the nursing station, 3 % a withdrawn one,
3 % none (only the registering organization sees them). Posts: spread over the patients unevenly (an
exponential share each; one patient of the measured member is made busy: 0.04 % of all posts, 2,000 at scale
1), over the last two years, by a member of the patient's team; one in five is a structured observation.
Names are obviously invented (試験 太郎123).

Rows get explicit ids (sequences are moved past them afterwards) and go in with COPY on PostgreSQL, with
`executemany` of the values as Django prepares them on SQLite (fine up to scale ~0.05). No audit entries are
written: the data is taken as already there.

    python benchmarks/generators/careteams.py --scale 0.01          # a throw-away SQLite database
    DATABASE_URL=postgres://... python benchmarks/generators/careteams.py --scale 0.1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

FULL_PATIENTS = 100_000
FULL_POSTS = 5_000_000
PATIENTS_PER_COMPOSITION = 5
SEED = 20261206
PASSWORD = "bench-careteams-2026"  # every generated person's password (benchmarks log in with sessions or tokens)

# (pool, organization kind, profession, team role, patients per person at scale, people per organization)
POOLS = [
    ("care_manager", "care_management_office", "care_manager", "care_manager", 35, 5),
    ("doctor", "clinic", "doctor", "attending_doctor", 60, 2),
    ("nurse", "visiting_nursing_station", "visiting_nurse", "visiting_nurse", 40, 6),
    ("pharmacist", "pharmacy", "pharmacist", "pharmacist", 80, 3),
    ("helper", "other_care_provider", "home_helper", "home_helper", 50, 8),
    ("therapist", "visiting_nursing_station", "physical_therapist", "rehabilitation", 60, 3),
    ("dentist", "dental_clinic", "dentist", "dentist", 80, 2),
]
EXTRA_POOLS = ["pharmacist", "helper", "therapist", "dentist"]  # one or two of these join the core three


@dataclass
class World:
    patients: int = 0
    compositions: int = 0
    members: int = 0
    consents: int = 0
    posts: int = 0
    organizations: int = 0
    memberships: int = 0
    seconds: float = 0.0
    # The member whose pages are measured (the visiting nurse with the most patients), and patients of theirs.
    member_membership_id: int = 0
    member_patient_ids: list[int] = field(default_factory=list)
    busy_patient_id: int = 0
    typical_patient_id: int = 0
    # Other professionals (membership ids) of compositions, for load tests: membership id → its patient ids.
    people: dict[int, list[int]] = field(default_factory=dict)


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _columns(model, given: list[str], now) -> tuple[list[str], tuple]:
    """The model's columns: `given` first, then every other concrete column with its default (constant)."""
    from django.db.models.fields import NOT_PROVIDED

    names, tail = list(given), []
    for f in model._meta.concrete_fields:
        if f.attname in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.default is not NOT_PROVIDED:
            value = f.get_default()
        elif f.null:
            value = None
        else:
            value = ""  # blank=True text fields without a default
        names.append(f.attname)
        tail.append(value)
    return names, tuple(tail)


class Writer:
    """Rows into one table: COPY on PostgreSQL, executemany on SQLite (values prepared by Django's fields)."""

    def __init__(self, model, given: list[str], now):
        from django.db import connection

        self.model, self.connection = model, connection
        self.columns, self.tail = _columns(model, given, now)
        self.fields = [model._meta.get_field(name) for name in self.columns]  # attnames are looked up too
        self.table = model._meta.db_table
        self.count = 0
        self.postgres = connection.vendor == "postgresql"
        self._buffer: list[tuple] = []

    def __enter__(self):
        return self

    def write(self, row: tuple) -> None:
        self._buffer.append(row + self.tail)
        self.count += 1
        if len(self._buffer) >= (100_000 if self.postgres else 5000):
            self._flush()

    def _flush(self) -> None:
        """One COPY (or executemany) per batch: writers of several tables may interleave on one connection."""
        if not self._buffer:
            return
        c = self.connection
        cols = ", ".join(f'"{x}"' for x in self.columns)
        with c.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                    for row in self._buffer:
                        copy.write_row([json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else
                                        str(v) if isinstance(v, uuid.UUID) else v for v in row])
            else:
                prepared = [[f.get_db_prep_save(v, c) for f, v in zip(self.fields, row, strict=True)]
                            for row in self._buffer]
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f'INSERT INTO "{self.table}" ({cols}) VALUES ({marks})', prepared)  # noqa: S608 (our table names)
        self._buffer = []

    def __exit__(self, *exc):
        if exc[0] is None:
            self._flush()


def _reset_sequences(models) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            sql = f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"  # noqa: S608 (our own table names)
            cursor.execute(sql)


def generate(*, scale: float = 1.0, patients: int | None = None, posts: int | None = None, seed: int = SEED,
             municipality=None, log=print) -> World:
    """Write the world into the current database (migrated, with the demo). Returns what was written.

    `municipality`: the home town (default: the demo's); the others are its prefecture's."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from renkei.careteams.models import CareTeam, CareTeamMember, Consent, Patient, Post
    from renkei.core.models import Membership, Municipality, Organization, Role, User
    from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE

    began = time.perf_counter()
    rng = random.Random(seed)
    n_patients = patients if patients is not None else max(10, round(FULL_PATIENTS * scale))
    n_posts = posts if posts is not None else round(FULL_POSTS * scale)
    n_compositions = max(2, n_patients // PATIENTS_PER_COMPOSITION)
    now = timezone.now()
    today = timezone.localdate()
    world = World(patients=n_patients, compositions=n_compositions)

    home = municipality or Municipality.objects.select_related("prefecture").get(code=DEMO_MUNICIPALITY_CODE)
    places = list(Municipality.objects.filter(prefecture=home.prefecture, abolished_on__isnull=True)
                  .order_by("code"))
    places = [home] * 3 + places  # the demo town holds more of them

    # --- organizations, people, memberships (thousands: the ORM is fast enough) -------------------------------
    password = make_password(PASSWORD)
    pools: dict[str, list[Membership]] = {}
    tag = f"{seed % 100000:05d}"
    with transaction.atomic():
        for pool, kind, profession, _role, per_person, per_org in POOLS:
            people = max(2, round(n_patients / per_person * (1 if pool in ("care_manager", "doctor", "nurse")
                                                              else 0.5)))
            orgs = Organization.objects.bulk_create([Organization(
                kind=kind, name=f"試験{pool}事業所{n}", kana=f"シケン{n}", prefecture=home.prefecture,
                municipality=(place := rng.choice(places)), address=f"{place.name}試験町{n}")
                for n in range(-(-people // per_org))])
            users = User.objects.bulk_create([User(
                email=f"bench-{tag}-{pool}-{n}@careteams.bench.example", display_name=f"試験 {pool}{n}",
                password=password) for n in range(people)])
            memberships = Membership.objects.bulk_create([Membership(
                user=user, organization=orgs[n // per_org], role=Role.PROFESSIONAL,
                profession=profession, is_responsible_person=n % per_org == 0)
                for n, user in enumerate(users)])
            pools[pool] = memberships
            world.organizations += len(orgs)
            world.memberships += len(memberships)
    role_of = {pool: role for pool, _k, _p, role, _n, _o in POOLS}

    # --- compositions: who cares for 5 patients together ---------------------------------------------------
    compositions = []
    for _ in range(n_compositions):
        chosen = [("care_manager", rng.choice(pools["care_manager"])), ("doctor", rng.choice(pools["doctor"])),
                  ("nurse", rng.choice(pools["nurse"]))]
        for pool in rng.sample(EXTRA_POOLS, rng.choice((1, 1, 2))):
            chosen.append((pool, rng.choice(pools[pool])))
        compositions.append(chosen)

    # --- patients, teams, members, consents ----------------------------------------------------------------
    patient_id, team_id, member_id = _next_id(Patient), _next_id(CareTeam), _next_id(CareTeamMember)
    consent_id = _next_id(Consent)
    members_of: dict[int, list[tuple[int, int]]] = {}  # patient id → [(member id, membership id)]
    patients_of: dict[int, list[int]] = {}  # membership id → patient ids
    started = today - dt.timedelta(days=400)
    with transaction.atomic():
        patient_w = Writer(Patient, ["id", "registered_by_organization_id", "registered_by_id", "name", "kana",
                                     "birth_date", "sex", "address", "municipality_id", "care_insured_number",
                                     "care_level", "living_situation", "status"], now)
        team_w = Writer(CareTeam, ["id", "patient_id"], now)
        member_w = Writer(CareTeamMember, ["id", "team_id", "role", "membership_id", "organization_id",
                                           "started_on", "ended_on"], now)
        consent_w = Writer(Consent, ["id", "patient_id", "purposes", "covers_whole_team", "roles", "consented_on",
                                     "recorded_by_id", "withdrawn_at", "withdrawn_by_id"], now)
        limited = []  # (consent id, organization id) for consents limited to organizations
        care_levels = ["support_1", "support_2", "care_1", "care_2", "care_3", "care_4", "care_5"]
        with patient_w, team_w, member_w, consent_w:
            for n in range(n_patients):
                composition = compositions[n % n_compositions]
                cm = composition[0][1]
                pid = patient_id + n
                patient_w.write((pid, cm.organization_id, cm.pk, f"試験 太郎{pid}", f"シケン タロウ{pid:07d}",
                                 dt.date(1925 + rng.randrange(50), rng.randrange(1, 13), rng.randrange(1, 29)),
                                 rng.choice(("female", "male")), f"試験町{pid}番地",
                                 cm.organization.municipality_id, f"{8000000000 + pid:010d}",
                                 rng.choice(care_levels), rng.choice(("alone", "elderly_only", "with_family")),
                                 "active"))
                team_w.write((team_id + n, pid))
                members_of[pid] = []
                for pool, membership in composition:
                    ended = today - dt.timedelta(days=5) if rng.random() < 0.03 else None  # a former member
                    member_w.write((member_id, team_id + n, role_of[pool], membership.pk, membership.organization_id,
                                    started, ended))
                    members_of[pid].append((member_id, membership.pk))
                    if ended is None:
                        patients_of.setdefault(membership.pk, []).append(pid)
                    member_id += 1
                draw = rng.random()
                if draw < 0.97:
                    whole = draw < 0.90
                    withdrawn = draw >= 0.94
                    consent_w.write((consent_id, pid, ["care", "emergency"], whole,
                                     [] if whole else ["care_manager"], started, cm.pk,
                                     now - dt.timedelta(days=3) if withdrawn else None, cm.pk if withdrawn else None))
                    if not whole and not withdrawn:
                        limited.append((consent_id, cm.organization_id))
                        limited.append((consent_id, composition[2][1].organization_id))
                    consent_id += 1
        if limited:
            through = Consent.organizations.through
            through.objects.bulk_create([through(consent_id=c, organization_id=o) for c, o in limited],
                                        batch_size=5000)
        world.members, world.consents = member_w.count, consent_w.count
    log(f"  {n_patients:,} patients, {n_compositions:,} team compositions, {world.members:,} team members, "
        f"{world.consents:,} consents, {world.memberships:,} people in {world.organizations:,} organizations "
        f"({time.perf_counter() - began:.1f} s)")

    # --- the member measured: the visiting nurse with the most patients; their busiest patient --------------
    from renkei.careteams import access

    nurse_ids = {m.pk for m in pools["nurse"]}
    measured_id = max(nurse_ids, key=lambda pk: (len(patients_of.get(pk, [])), -pk))
    measured = Membership.objects.select_related("user", "organization").get(pk=measured_id)
    visible = access.visible_patient_ids(measured)
    world.member_membership_id = measured_id
    world.member_patient_ids = visible
    world.busy_patient_id = visible[0]
    world.typical_patient_id = visible[len(visible) // 2]
    world.people = {pk: pids for pk, pids in patients_of.items()}

    # --- posts ---------------------------------------------------------------------------------------------
    post_began = time.perf_counter()
    ids = list(members_of)
    busy = min(n_posts, max(1, round(n_posts * 0.0004)))
    weights = [rng.expovariate(1.0) for _ in ids]
    total = sum(weights)
    counts = [int(w / total * (n_posts - busy)) for w in weights]
    short = n_posts - busy - sum(counts)
    for i in rng.sample(range(len(ids)), min(short, len(ids))):
        counts[i] += 1
    counts[ids.index(world.busy_patient_id)] += busy
    two_years = 2 * 365 * 86400
    texts = ["訪問しました。変わりありません。", "食事量が少し減っています。", "服薬の変更がありました。",
             "入浴介助を行いました。", "夜間によく眠れていないとのことです。", "ご家族から相談がありました。"]
    kinds = ["note", "note", "note", "observation", "medication"]
    post_id = _next_id(Post)
    with transaction.atomic():
        post_w = Writer(Post, ["id", "patient_id", "author_id", "kind", "urgency", "text", "observations",
                               "client_key", "created_at"], now)
        with post_w:
            for pid, count in zip(ids, counts, strict=True):
                team = members_of[pid]
                for _ in range(count):
                    kind = kinds[post_id % 5]
                    obs = ({"temperature": round(36 + rng.random() * 2, 1), "pulse": rng.randrange(55, 100),
                            "spo2": rng.randrange(90, 100)} if kind == "observation" else {})
                    post_w.write((post_id, pid, team[post_id % len(team)][0], kind,
                                  "urgent" if post_id % 97 == 0 else "normal", texts[post_id % len(texts)], obs,
                                  uuid.UUID(int=(seed << 64) + post_id, version=4),
                                  now - dt.timedelta(seconds=rng.randrange(two_years))))
                    post_id += 1
                    if post_w.count % 1_000_000 == 0:
                        log(f"  {post_w.count:,} posts ({time.perf_counter() - post_began:.0f} s)")
        world.posts = post_w.count
    _reset_sequences([Patient, CareTeam, CareTeamMember, Consent, Post])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    world.seconds = time.perf_counter() - began
    log(f"  {world.posts:,} posts in {time.perf_counter() - post_began:.1f} s; generated in {world.seconds:.1f} s")
    return world


def world_from_database() -> World:
    """The world a previous `generate` wrote (the same measured member and patients), read back."""
    from django.db.models import Count

    from renkei.careteams import access
    from renkei.careteams.models import CareTeamMember, Consent, Patient, Post
    from renkei.core.models import Membership

    current = CareTeamMember.objects.filter(ended_on__isnull=True, membership__isnull=False)
    busiest = (current.filter(role="visiting_nurse").values("membership").annotate(n=Count("id"))
               .order_by("-n", "membership").first())
    if busiest is None:
        raise SystemExit("no generated care teams in this database: run without --reuse first")
    measured = Membership.objects.select_related("user", "organization").get(pk=busiest["membership"])
    visible = access.visible_patient_ids(measured)
    patients = Patient.objects.count()
    world = World(patients=patients, compositions=patients // PATIENTS_PER_COMPOSITION, members=current.count(),
                  consents=Consent.objects.count(), posts=Post.objects.count(),
                  member_membership_id=measured.pk, member_patient_ids=visible, busy_patient_id=visible[0],
                  typical_patient_id=visible[len(visible) // 2])
    for membership_id, patient_id in current.values_list("membership_id", "team__patient_id"):
        world.people.setdefault(membership_id, []).append(patient_id)
    return world


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from _setup import django_with_demo

    django_with_demo()
    world = generate(scale=args.scale, seed=args.seed)
    print(f"measured member: membership {world.member_membership_id} with {len(world.member_patient_ids)} "
          f"patients; busy patient {world.busy_patient_id}")


if __name__ == "__main__":
    main()
