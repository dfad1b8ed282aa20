"""The careteams demo for 福知山市 (after the core's, the directory's and the PDCA's): synthetic patients whose
names say they are invented, their teams across the demo's organizations, consents, a busy timeline (posts with
observations, urgent ones, acknowledgements), emergency sheets in several versions, and a few deaths with their
place and whether it was where they wished.

The demo logins caremanager@, doctor@ and nurse@ are on the teams (the care manager registered every patient);
the other members are people of other organizations not yet on Renkei. One patient has no consent, so only the
care manager's office sees them; another has a consent naming some organizations only.

Rows of the timeline are written directly with the models (the timeline's services are built beside this);
sheets and deaths go through their services, as a team member would write them. Building twice adds nothing.
`build_careteams_demo()` is what provision's demo runs after.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from renkei.core import audit
from renkei.core.models import DailyLivingArea, Membership, Municipality, Organization
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE, SURNAMES

from ..models import (
    Acknowledgement,
    CareTeam,
    CareTeamMember,
    Consent,
    KeyPerson,
    Patient,
    Post,
    TeamRole,
)
from . import demo_content as content
from .deaths import death_record
from .emergency import emergency_sheet_save

SEED = 20261206
DEMO_EMAIL = "{}@demo.renkei.example"
GIVEN = ["一郎", "直子", "浩", "裕子", "修", "明美", "隆", "幸子", "博", "真由美"]
NO_CONSENT, SOME_ORGANIZATIONS, PROXY_CONSENT = 6, 3, 1
WITH_BACKUP_DOCTOR = (0, 2, 4, 7)
# (patient index, place of death, days ago): 架空 次郎 at home as wished, 試作 夏美 in hospital though she wished
# home, 見本 冬子 in her facility with no sheet (wish unknown).
DEATHS = [(4, "home", 20), (7, "hospital", 45), (9, "facility", 70)]


@dataclass
class CareteamsDemoSummary:
    patients: int = 0
    posts: int = 0
    sheets: int = 0
    deaths: int = 0


def careteams_demo_exists(city: Municipality) -> bool:
    return Patient.objects.filter(municipality=city, name=content.PATIENTS[0][0]).exists()


def build_careteams_demo() -> CareteamsDemoSummary | None:
    """Add the patients' demo to the demo municipality. None when it is there already (nothing changes)."""
    city = Municipality.objects.select_related("prefecture").get(code=DEMO_MUNICIPALITY_CODE)
    if careteams_demo_exists(city):
        return None
    builder = _DemoCareteams(city)
    with transaction.atomic(), audit.bind(user_label="system: renkei demo"):
        builder.build()
    from renkei.indicators.services.compute import indicators_compute

    with audit.bind(user_label="system: renkei demo"):
        indicators_compute(municipality=city)  # the patients' indicators of this fiscal year (ZT-C-P07…)
    return builder.summary


def _login(handle: str) -> Membership:
    return (Membership.objects.select_related("user", "organization")
            .filter(user__email=DEMO_EMAIL.format(handle), is_active=True).order_by("pk").first())


class _DemoCareteams:
    def __init__(self, city: Municipality):
        self.city = city
        self.rng = random.Random(SEED)
        self.summary = CareteamsDemoSummary()
        self.today = timezone.localdate()
        orgs = Organization.objects.filter(municipality=city, is_active=True).order_by("pk")
        self.orgs = {kind: [o for o in orgs if o.kind == kind] for kind in Organization.Kind.values}
        self.areas = list(DailyLivingArea.objects.filter(municipality=city).order_by("pk"))
        self.manager = _login("caremanager")
        self.doctor = _login("doctor")
        self.nurse = _login("nurse")

    def _org(self, kind: str, index: int) -> Organization | None:
        found = self.orgs.get(kind) or []
        return found[index % len(found)] if found else None

    def _person(self) -> str:
        return f"{self.rng.choice(SURNAMES)} {self.rng.choice(GIVEN)}"

    def _phone(self) -> str:
        return f"090-0000-{self.rng.randint(1000, 9999)}"  # 090-0000-xxxx: not a number anyone holds

    def build(self) -> None:
        patients = [self.patient(i, spec) for i, spec in enumerate(content.PATIENTS)]
        self.summary.patients = len(patients)
        for i, (patient, members) in enumerate(patients):
            self.consent(i, patient, members)
            self.timeline(i, patient, members)
        for i, (patient, _members) in enumerate(patients):
            if i < len(content.WISH_HISTORY):
                self.sheets(i, patient)
        for (index, place, days_ago), note in zip(DEATHS, content.DEATH_NOTES, strict=True):
            death_record(membership=self.manager, patient=patients[index][0],
                         died_on=self.today - dt.timedelta(days=days_ago), place=place, note=note)
            self.summary.deaths += 1

    def patient(self, i: int, spec) -> tuple[Patient, dict[str, CareTeamMember]]:
        name, kana, born, sex, level, living, area, conditions, allergies = spec
        started = self.today - dt.timedelta(days=400 - i * 25)
        patient = Patient.objects.create(
            registered_by_organization=self.manager.organization, registered_by=self.manager, name=name, kana=kana,
            birth_date=dt.date(*born), sex=sex, care_level=level, living_situation=living,
            municipality=self.city, daily_living_area=self.areas[area % len(self.areas)] if self.areas else None,
            address=f"京都府福知山市見本町{i + 1}-{i + 3}", phone=self._phone(),
            care_insurer_number="262014", care_insured_number=f"{9990000000 + i:010d}",
            main_conditions=conditions, allergies=allergies,
            care_level_valid_from=started, care_level_valid_until=started + dt.timedelta(days=730))
        team = CareTeam.objects.create(patient=patient)
        members = {"care_manager": CareTeamMember.objects.create(
            team=team, role=TeamRole.CARE_MANAGER, membership=self.manager, organization=self.manager.organization,
            started_on=started, added_by=self.manager)}

        def add(key, role, membership=None, kind=None, index=0):
            organization = membership.organization if membership else self._org(kind, index)
            members[key] = CareTeamMember.objects.create(
                team=team, role=role, membership=membership, organization=organization,
                person_name="" if membership else self._person(), phone="" if membership else self._phone(),
                started_on=started + dt.timedelta(days=3), added_by=self.manager)

        kind = Organization.Kind
        if i in (0, 1, 2, 4, 5, 7, 9):
            add("doctor", TeamRole.ATTENDING_DOCTOR, self.doctor)
        else:
            add("doctor", TeamRole.ATTENDING_DOCTOR, kind=kind.CLINIC, index=1 + i)
        if i in (0, 2, 3, 4, 7, 8):
            add("nurse", TeamRole.VISITING_NURSE, self.nurse)
        else:
            add("nurse", TeamRole.VISITING_NURSE, kind=kind.VISITING_NURSING_STATION, index=1 + i)
        add("pharmacist", TeamRole.PHARMACIST, kind=kind.PHARMACY, index=i)
        if i in WITH_BACKUP_DOCTOR:
            add("backup_doctor", TeamRole.BACKUP_DOCTOR, kind=kind.CLINIC, index=2)
        if i % 3 == 0:
            add("helper", TeamRole.HOME_HELPER, kind=kind.OTHER_CARE_PROVIDER, index=i)
        if i % 4 == 1:
            add("dentist", TeamRole.DENTIST, kind=kind.DENTAL_CLINIC, index=i)
        relation_label, relation = content.KEY_PEOPLE[i % len(content.KEY_PEOPLE)]
        surname = name.split()[0]
        KeyPerson.objects.create(patient=patient, name=f"{surname} {self.rng.choice(GIVEN)}", relation=relation,
                                 phone=self._phone(), is_emergency_contact=True, is_decision_maker=True,
                                 note=relation_label)
        if i % 2 == 0:
            KeyPerson.objects.create(patient=patient, name=f"{surname} {self.rng.choice(GIVEN)}",
                                     relation=KeyPerson.Relation.CHILD_IN_LAW, phone=self._phone(),
                                     is_emergency_contact=True, sort_order=1)
        return patient, members

    def consent(self, i: int, patient: Patient, members: dict) -> None:
        if i == NO_CONSENT:
            return  # only the registering office sees this patient: the others wait for the paper
        on = members["care_manager"].started_on + dt.timedelta(days=2)
        consent = Consent.objects.create(
            patient=patient, purposes=["care", "emergency"], consented_on=on, recorded_by=self.manager,
            given_by="proxy" if i == PROXY_CONSENT else "patient",
            proxy_name=f"{patient.name.split()[0]} 一郎" if i == PROXY_CONSENT else "",
            proxy_relation="長男" if i == PROXY_CONSENT else "",
            covers_whole_team=i != SOME_ORGANIZATIONS, paper_reference=f"同意書 第{i + 1:03d}号（事業所保管）")
        if i == SOME_ORGANIZATIONS:
            consent.organizations.set([m.organization for key, m in members.items()
                                       if key in ("care_manager", "doctor") and m.organization_id])

    def timeline(self, i: int, patient: Patient, members: dict) -> None:
        authors = [m for key, m in members.items() if key in ("nurse", "doctor", "care_manager", "pharmacist")]
        readers = [m for m in members.values() if m.membership_id]
        count = 6 + (i * 5) % 9 if i != NO_CONSENT else 3
        now = timezone.now()
        for n in range(count):
            kind, urgency, text, observations = content.POSTS[(n + i) % len(content.POSTS)]
            author = self.rng.choice(authors) if kind != "medication" else members["doctor"]
            post = Post.objects.create(patient=patient, author=author, kind=kind, urgency=urgency, text=text,
                                       observations=observations)
            at = now - dt.timedelta(days=(count - n) * 3, hours=self.rng.randint(0, 10))
            Post.objects.filter(pk=post.pk).update(created_at=at)  # spread over the last weeks
            if kind == "message":
                post.recipients.set([m for m in members.values() if m.pk != author.pk][:2])
            for reader in readers:
                # The newest urgent post waits for someone's "読みました"; the rest are read by most.
                if reader.pk != author.pk and (n < count - 1 or urgency != "urgent") and self.rng.random() < 0.8:
                    Acknowledgement.objects.create(post=post, member=reader)
            self.summary.posts += 1

    def sheets(self, i: int, patient: Patient) -> None:
        history = content.WISH_HISTORY[i]
        attending = self.doctor if i in (0, 1, 2, 4, 5, 7) else self.manager
        hospitals = self.orgs.get(Organization.Kind.HOSPITAL) or [None]
        backup = hospitals[1 + i % 2] if len(hospitals) > 2 else hospitals[0]
        acp_summary, acp_with, acp_where = content.ACP[i % len(content.ACP)]
        for version, (resuscitation, transfer, place) in enumerate(history):
            is_last = version == len(history) - 1
            values = {
                "resuscitation_wish": resuscitation, "transfer_wish": transfer, "place_of_death_wish": place,
                "medications": content.MEDICATIONS[i], "conditions": content.PATIENTS[i][7],
                "after_hours_phone": f"090-0000-{7000 + i:04d}", "backup_hospital": backup,
                "note": "玄関の鍵はキーボックス（番号は家族に確認）。" if i % 2 == 0 else "",
            }
            if version > 0 or len(history) == 1:
                values.update(acp_summary=acp_summary, acp_participants=acp_with, acp_record_location=acp_where,
                              acp_on=self.today - dt.timedelta(days=60 - version * 10))
            if resuscitation == "no" and is_last:
                values.update(doctor_order=content.DOCTOR_ORDER, doctor_order_on=self.today - dt.timedelta(days=30),
                              doctor_order_by=attending.user.display_name if attending == self.doctor else "")
            membership = attending if version % 2 == 0 else self.manager
            emergency_sheet_save(membership=membership, patient=patient, **values)
            self.summary.sheets += 1


def careteams_demo_summary(careteams) -> list[str]:
    """The line `renkei demo` prints about the patients' part."""
    return [f"Patients: {careteams.patients} synthetic patients, {careteams.posts} timeline posts, "
            f"{careteams.sheets} emergency sheet versions, {careteams.deaths} deaths"]
