"""The handoff part of the demo (福知山市): a regional rule, thirty admissions over three months across the demo
hospitals — on time, told late, never contacted, learned of afterwards, two still in hospital — with their steps
and exchanges, so the もれ率 report shows a realistic picture. Names are obviously invented.

Runs after the careteams and provision demos (it uses their patients, care manager and hospital staff). Every
event goes through the services as the person who would do it, at the time it happened. Idempotent.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from renkei.careteams.models import CareTeam, CareTeamMember, Consent, Patient, TeamRole
from renkei.core import audit
from renkei.core.models import Membership, Municipality, Organization, Role, User
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE
from renkei.directory.models import Facility

from ..models import (
    Channel,
    ClosedDay,
    DocumentKind,
    DocumentSending,
    Handoff,
    HandoffDocument,
    HandoffStep,
    RuleSet,
    StepKey,
)
from ..report_areas import of_municipality
from . import conferences as conference_services
from . import documents as document_services
from . import handoffs as services
from .document_timeline import post_document
from .measures import baseline_enter
from .rules import rule_set_create

RULE_NAME = "福知山市 入退院支援ルール（デモ）"
STAFF_DOMAIN = "demo-staff.renkei.example"
SEED = 1106
DAY = dt.timedelta(days=1)

# The thirty stays by month, oldest first: how the coordination went. The rule took hold: 4 of 9 counted
# discharges missed in the first month, 3 of 10 in the second, 1 of 8 in the third (two patients still in hospital).
PLAN = (
    ["on_time"] * 4 + ["conference", "late_notice", "told_on_the_day", "never_told", "afterwards", "died"],
    ["on_time"] * 5 + ["conference"] * 2 + ["late_notice", "never_told", "afterwards"],
    ["on_time"] * 4 + ["conference"] * 3 + ["late_notice"],
)
SUPPORT_PATIENTS = [("見本 要子", "ミホン ヨウコ", dt.date(1944, 6, 9), "female", "support_2"),
                    ("試作 援太", "シサク エンタ", dt.date(1947, 1, 15), "male", "support_1"),
                    ("架空 守江", "カクウ モリエ", dt.date(1938, 9, 30), "female", "care_1")]
WISHES = ["早く家に帰りたい。畑が気になる。", "妻に迷惑をかけたくないが、家で過ごしたい。",
          "最期まで自宅で過ごしたい。", "リハビリを頑張って、また散歩に行きたい。"]
DIAGNOSES = ["誤嚥性肺炎", "心不全増悪", "尿路感染症", "大腿骨頸部骨折", "脱水症"]
DIFFICULTIES = [["emergency_admission", "adl_decline"], ["dementia"], ["lives_alone", "no_key_person"],
                ["medical_procedures"], ["insufficient_care_capacity"], []]


@dataclass
class HandoffDemo:
    rule_sets: int = 0
    handoffs: int = 0
    discharged: int = 0
    missed: int = 0
    open: int = 0
    documents: int = 0
    conferences: int = 0
    outcomes: dict = field(default_factory=dict)


def _member(handle: str) -> Membership | None:
    return (Membership.objects.filter(user__email=f"{handle}@demo.renkei.example", role=Role.PROFESSIONAL,
                                      is_active=True).select_related("organization").order_by("pk").first())


def _staff(handle: str, name: str, organization: Organization, profession: str) -> Membership:
    user = User.objects.filter(email=f"{handle}@{STAFF_DOMAIN}").first() or User.objects.create_user(
        f"{handle}@{STAFF_DOMAIN}", None, display_name=name)
    return (Membership.objects.filter(user=user, organization=organization).first()
            or Membership.objects.create(user=user, organization=organization, role=Role.PROFESSIONAL,
                                         profession=profession))


def _at(days_ago: float, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=int(days_ago))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class _Builder:
    def __init__(self, city: Municipality, manager: Membership, officer: Membership | None):
        self.city = city
        self.manager = manager
        self.officer = officer
        self.rng = random.Random(SEED)
        self.summary = HandoffDemo()
        facilities = list(Facility.objects.filter(municipality=city, kind="hospital", status="open")
                          .select_related("organization").order_by("pk"))
        self.on_renkei = [f for f in facilities if f.organization_id]
        self.paper = [f for f in facilities if not f.organization_id] or facilities[-1:]
        discharge = _member("discharge")
        self.staff = {}
        for i, facility in enumerate(self.on_renkei):
            if discharge is not None and discharge.organization_id == facility.organization_id:
                self.staff[facility.pk] = discharge
            else:
                self.staff[facility.pk] = _staff(f"ward{i + 1}", f"退院支援 {'一二三四五'[i % 5]}子（架空）",
                                                 facility.organization, "discharge_nurse")

    def rule(self) -> None:
        """The city's own rule: tell the care manager 5 working days before discharge (the national default is the
        day before), with the 年末年始 closed days."""
        start = timezone.localdate() - dt.timedelta(days=200)
        steps = [dict(key=StepKey.ADMISSION_INFO, actor="care_manager", anchor="admission", offset_days=2,
                      after_hours_shift=True),
                 dict(key=StepKey.SCREENING, actor="hospital", anchor="admission", offset_days=3),
                 dict(key=StepKey.INTERVIEW, actor="hospital", anchor="admission", offset_days=7),
                 dict(key=StepKey.DISCHARGE_NOTICE, actor="hospital", anchor="planned_discharge", offset_days=-3,
                      day_unit="working", counts_for_missed=True,
                      note="退院日の3営業日前までに担当ケアマネジャーへ連絡する"),
                 dict(key=StepKey.CONFERENCE, actor="hospital", anchor="planned_discharge", offset_days=-1,
                      is_required=False),
                 dict(key=StepKey.DISCHARGE, actor="hospital", anchor="discharge", offset_days=0),
                 dict(key=StepKey.SUMMARIES, actor="hospital", anchor="discharge", offset_days=2)]
        rule_set_create(membership=self.officer, name=RULE_NAME, area_kind=RuleSet.AreaKind.MUNICIPALITY,
                        municipality=self.city, effective_from=start, steps=steps, excluded_planned_stay_days=3,
                        note="福知山市在宅医療・介護連携推進協議会で合意（デモ）。3日程度の予定入院（検査等）は対象外。")
        year = timezone.localdate().year
        for day in [dt.date(year - 1, 12, 29), dt.date(year - 1, 12, 30), dt.date(year - 1, 12, 31),
                    dt.date(year, 1, 2), dt.date(year, 1, 3), dt.date(year, 12, 29), dt.date(year, 12, 30),
                    dt.date(year, 12, 31)]:
            ClosedDay.objects.get_or_create(municipality=self.city, date=day, defaults={"name": "年末年始"})
        self.summary.rule_sets = 1

    def patients(self) -> list[Patient]:
        patients = list(Patient.objects.filter(municipality=self.city, status=Patient.Status.ACTIVE,
                                               care_team__isnull=False).order_by("pk")[:7])
        start = timezone.localdate() - dt.timedelta(days=300)
        centre = Organization.objects.filter(municipality=self.city,
                                             kind=Organization.Kind.COMMUNITY_SUPPORT_CENTER).order_by("pk").first()
        for i, (name, kana, born, sex, level) in enumerate(SUPPORT_PATIENTS):
            planner = self.manager
            if level.startswith("support") and centre is not None:
                planner = _staff(f"houkatsu{i + 1}", f"包括 計画{'一二三'[i]}（架空）", centre, "care_manager")
            patient = Patient.objects.create(
                registered_by=planner, registered_by_organization=planner.organization, municipality=self.city,
                name=name, kana=kana, birth_date=born, sex=sex, care_level=level, living_situation="alone",
                address=f"京都府福知山市見本町{20 + i}-1（架空）", care_insurer_number="262014",
                care_insured_number=f"{9990000100 + i:010d}")
            team = CareTeam.objects.create(patient=patient)
            CareTeamMember.objects.create(team=team, role=TeamRole.CARE_MANAGER, membership=planner,
                                          organization=planner.organization, started_on=start)
            Consent.objects.create(patient=patient, purposes=["care", "handoff"], covers_whole_team=True,
                                   consented_on=start, recorded_by=planner, paper_reference="契約時の同意書（デモ）")
            patients.append(patient)
        for patient in patients[:7]:
            # The care office's contract asks consent to share information with the hospital at admission.
            Consent.objects.create(patient=patient, purposes=["handoff"], covers_whole_team=True,
                                   consented_on=start, recorded_by=patient.registered_by,
                                   paper_reference="入退院時の情報提供に関する同意書（デモ）")
        return patients

    def care_manager_of(self, patient: Patient) -> Membership:
        place = patient.care_team.members.filter(role=TeamRole.CARE_MANAGER).select_related("membership").first()
        return place.membership if place and place.membership_id else self.manager

    def stay(self, k: int, patient: Patient, outcome: str) -> None:
        rng = self.rng
        slot = k // 10
        admitted_days_ago = 95 - slot * 31 - (k % 10) * 1.3
        hospital = (self.paper[k % len(self.paper)] if outcome in ("never_told", "afterwards") or k % 7 == 3
                    else self.on_renkei[k % len(self.on_renkei)])
        staff = self.staff.get(hospital.pk)
        manager = self.care_manager_of(patient)
        if outcome == "open":
            admitted_days_ago = 2 + (k % 3) * 2
        admitted_at = _at(admitted_days_ago, rng.choice([10, 14, 16, 19, 22]), rng.choice([0, 15, 30]))
        length = rng.randint(8, 20)
        discharged_at = admitted_at + dt.timedelta(days=length, hours=-3)
        if outcome == "afterwards":
            handoff = services.discharge_report_afterwards(
                membership=manager, patient=patient, hospital=hospital, admitted_at=admitted_at,
                discharged_at=discharged_at)
            self.count(handoff, outcome)
            return
        handoff = services.handoff_open(membership=manager, patient=patient, hospital=hospital,
                                        admitted_at=admitted_at, admission_kind="emergency" if k % 4 else "planned",
                                        ward=rng.choice(["3階東病棟", "4階西病棟", "地域包括ケア病棟", "整形外科病棟"]))
        steps = {s.key: s for s in handoff.steps.select_related("rule_step", "handoff")}

        def done(key, at, by, channel=Channel.RENKEI):
            step = steps.get(key)
            if step is None or at > timezone.now():
                return
            step.refresh_from_db()
            step.handoff.refresh_from_db()
            services.step_complete(membership=by, step=step, done_at=at, channel=channel)

        hospital_side = staff or manager
        hospital_channel = Channel.RENKEI if staff else Channel.PHONE
        # The care manager's admission information: most on the day or the next, some late.
        if outcome != "never_told" or k % 2:
            delay = rng.choice([0.2, 0.5, 1.0, 1.2]) if k % 9 else 3.5
            sent = admitted_at + dt.timedelta(days=delay)
            done(StepKey.ADMISSION_INFO, sent, manager, Channel.RENKEI if staff else Channel.FAX)
            if sent < timezone.now():
                self.admission_info_sent(handoff, manager, hospital, staff, sent)
        if staff or k % 2:
            screened_at = admitted_at + dt.timedelta(days=rng.choice([1, 1, 2, 4]))
            if screened_at < timezone.now():
                handoff.refresh_from_db()
                if staff:
                    services.screening_record(
                        membership=staff, handoff=handoff, needs_coordination=True,
                        difficulty_factors=DIFFICULTIES[k % len(DIFFICULTIES)], has_key_person=k % 6 != 2,
                        contact_name="", contact_phone=hospital.phone, done_at=screened_at)
                else:
                    done(StepKey.SCREENING, screened_at, manager, Channel.PHONE)
            done(StepKey.INTERVIEW, admitted_at + dt.timedelta(days=rng.choice([3, 5, 6])), hospital_side,
                 hospital_channel)
        if outcome == "open":
            if staff:
                self.coming_conference(handoff, staff, manager)
            self.count(handoff, outcome)
            return
        planned_on = timezone.localtime(discharged_at).date()
        handoff.refresh_from_db()
        if outcome != "never_told":
            services.planned_discharge_set(membership=hospital_side, handoff=handoff, planned_on=planned_on,
                                           tell_care_manager=False)
            notice_days = {"on_time": rng.choice([6, 7, 8, 9]), "conference": rng.choice([8, 9, 10]),
                           "late_notice": rng.choice([1.5, 2]), "told_on_the_day": 0.1, "died": 4}[outcome]
            done(StepKey.DISCHARGE_NOTICE, discharged_at - dt.timedelta(days=notice_days), hospital_side,
                 hospital_channel)
        if outcome == "conference":
            self.conference(handoff, hospital_side, discharged_at - dt.timedelta(days=3, hours=-1))
        if outcome in ("on_time", "conference") and staff:
            sent = discharged_at + dt.timedelta(hours=rng.choice([2, 20, 40]))
            done(StepKey.SUMMARIES, sent, staff)
            if sent < timezone.now():
                handoff.refresh_from_db()
                self.summary_sent(handoff, staff, patient, admitted_at, discharged_at, sent)
        handoff.refresh_from_db()
        services.discharge_record(membership=hospital_side, handoff=handoff, discharged_at=discharged_at,
                                  destination="death" if outcome == "died" else
                                  ("facility" if k % 11 == 5 else "home"))
        self.count(handoff, outcome)

    # ---- forms and conferences (saved through the services; the sendings of past stays carry their own times)
    def admission_info_sent(self, handoff: Handoff, manager: Membership, hospital: Facility,
                            staff: Membership | None, sent: dt.datetime) -> None:
        handoff.refresh_from_db()
        data = document_services.prefill(membership=manager, handoff=handoff, kind=DocumentKind.ADMISSION_INFO).data
        data.update({"patient_wishes": self.rng.choice(WISHES), "family_wishes": "できる限り自宅で介護したい（デモ）",
                     "services_in_use": "訪問介護 週3回、通所介護 週2回、福祉用具貸与（デモ）",
                     "conference_wishes": ["discharge_conference"]})
        document = document_services.document_save(membership=manager, handoff=handoff,
                                                   kind=DocumentKind.ADMISSION_INFO, data=data)
        DocumentSending.objects.create(
            document=document, recipient_organization=hospital.organization, recipient_facility=hospital,
            recipient_name=hospital.name, channel=Channel.RENKEI if staff else Channel.FAX, sent_at=sent,
            sent_by=manager, acknowledged_at=sent + dt.timedelta(hours=3) if staff else None,
            acknowledged_by=staff)
        self.summary.documents += 1

    def conference(self, handoff: Handoff, by: Membership, held: dt.datetime) -> None:
        handoff.refresh_from_db()
        team = {m.role: m for m in handoff.patient.care_team.members.select_related("membership")
                if m.ended_on is None}
        places = [team[role] for role in (TeamRole.CARE_MANAGER, TeamRole.VISITING_NURSE, TeamRole.ATTENDING_DOCTOR)
                  if role in team]
        hour = dt.timedelta(hours=1)
        slots = [(held, held + hour), (held + DAY, held + DAY + hour)]
        conference = conference_services.conference_propose(
            membership=by, handoff=handoff, slots=slots, invitees=[p.pk for p in places],
            place="病院 2階 カンファレンス室", notify=False)
        first, second = list(conference.slots.order_by("starts_at"))
        invitees = list(conference.invitees.select_related("team_member__membership"))
        for invitee in invitees:
            member = invitee.team_member.membership if invitee.team_member_id else None
            if member is None:
                continue
            doctor = invitee.team_member.role == TeamRole.ATTENDING_DOCTOR
            conference_services.slot_answer(membership=member, invitee=invitee, answers={
                first.pk: "maybe" if doctor else "yes", second.pk: "yes" if doctor else "no"})
        conference_services.conference_schedule(membership=by, conference=conference, slot=first, notify=False)
        came = [i.pk for i in invitees if not (i.team_member_id and i.team_member.role == TeamRole.ATTENDING_DOCTOR)]
        conference_services.conference_hold(
            membership=by, conference=conference, held_at=held, attended=came,
            minutes="退院後は訪問看護を週2回に増やし、訪問診療を月2回継続。福祉用具（特殊寝台）を退院前に搬入。（デモ）")
        self.summary.conferences += 1

    def coming_conference(self, handoff: Handoff, staff: Membership, manager: Membership) -> None:
        """A stay still running: discharge planned next week, the care manager told, a conference proposed for
        the coming days that the care manager has answered and the others have not yet (their home pages ask)."""
        handoff.refresh_from_db()
        today = timezone.localdate()
        services.planned_discharge_set(membership=staff, handoff=handoff, planned_on=today + dt.timedelta(days=7))
        team = [m for m in handoff.patient.care_team.members.all() if m.ended_on is None and m.membership_id]
        start = [timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=d), dt.time(14))) for d in (3, 4)]
        handoff.refresh_from_db()
        conference = conference_services.conference_propose(
            membership=staff, handoff=handoff, slots=[(t, t + dt.timedelta(hours=1)) for t in start],
            invitees=[m.pk for m in team], place="病院 2階 カンファレンス室", notify=False)
        mine = conference.invitees.filter(team_member__membership=manager).first()
        if mine is not None:
            slots = list(conference.slots.order_by("starts_at"))
            conference_services.slot_answer(membership=manager, invitee=mine,
                                            answers={slots[0].pk: "yes", slots[1].pk: "maybe"})

    def summary_sent(self, handoff: Handoff, staff: Membership, patient: Patient, admitted_at: dt.datetime,
                     discharged_at: dt.datetime, sent: dt.datetime) -> None:
        diagnosis = self.rng.choice(DIAGNOSES)
        data = {"doctor_name": "病棟 主治医（架空）", "admitted_on": timezone.localtime(admitted_at).date().isoformat(),
                "discharged_on": timezone.localtime(discharged_at).date().isoformat(),
                "admission_reason": f"{diagnosis}のため入院（デモ）", "admission_details": "救急外来より入院。",
                "admission_diagnoses": [{"name": diagnosis, "onset": ""}], "chief_complaint": "発熱、食欲低下",
                "present_illness": "数日前より発熱と食欲低下あり、在宅で経過をみていたが改善せず受診。",
                "past_history": patient.main_conditions, "allergies": patient.allergies,
                "hospital_course": "抗菌薬投与にて解熱。リハビリで歩行器歩行まで回復。嚥下評価の上、きざみ食で退院。",
                "discharge_details": "自宅へ退院。", "discharge_diagnoses": [{"name": diagnosis, "onset": ""}],
                "discharge_medications": [{"name": "アムロジピン錠5mg", "dose": "1錠", "usage": "1日1回 朝食後"}],
                "discharge_plan": "訪問診療で経過観察。発熱時は早めに連絡を。"}
        document = document_services.document_save(membership=staff, handoff=handoff,
                                                   kind=DocumentKind.DISCHARGE_SUMMARY, data=data)
        recipients = [o for o in document_services.renkei_recipients(handoff, exclude=staff.organization)]
        for organization in recipients:
            DocumentSending.objects.create(document=document, recipient_organization=organization,
                                           recipient_name=organization.name, channel=Channel.RENKEI, sent_at=sent,
                                           sent_by=staff)
        if timezone.now() - sent < dt.timedelta(days=14):
            post_document(membership=staff, document=document)  # the latest ones reach the team's timeline
        self.summary.documents += 1

    def baseline(self) -> None:
        baseline_enter(membership=self.officer, area=of_municipality(self.city), measured_in=dt.date(2023, 7, 1),
                       missed_rate="31.0", source="福知山市 入退院支援に関するケアマネジャー調査（デモ・架空の数値）")

    def count(self, handoff: Handoff, outcome: str) -> None:
        handoff.refresh_from_db()
        self.summary.handoffs += 1
        self.summary.outcomes[outcome] = self.summary.outcomes.get(outcome, 0) + 1
        if handoff.status == Handoff.Status.OPEN:
            self.summary.open += 1
        else:
            self.summary.discharged += 1
            self.summary.missed += handoff.is_missed is True


def handoff_demo_exists() -> bool:
    return RuleSet.objects.filter(name=RULE_NAME).exists()


def build_handoff_demo() -> HandoffDemo | None:
    city = Municipality.objects.filter(code=DEMO_MUNICIPALITY_CODE).first()
    manager = _member("caremanager")
    officer = (Membership.objects.filter(organization__municipality=city, role=Role.MUNICIPAL_STAFF, is_active=True)
               .order_by("pk").first()) if city else None
    if city is None or manager is None or officer is None or handoff_demo_exists():
        return None
    with transaction.atomic(), audit.bind(user_label="system: renkei demo"):
        builder = _Builder(city, manager, officer)
        if not builder.on_renkei:
            return None
        builder.rule()
        patients = builder.patients()
        plan = []
        for month in PLAN:
            month = list(month)
            random.Random(SEED + len(plan)).shuffle(month)
            plan += month
        plan += ["open", "open"]  # the last admissions of the last two patients are still running
        for k, outcome in enumerate(plan):
            # The stays still running are of patients with a whole team (a nurse and a doctor to invite).
            builder.stay(k, patients[k % 10 - 8] if outcome == "open" else patients[k % len(patients)], outcome)
        builder.baseline()
        return builder.summary


def handoff_demo_summary(summary: HandoffDemo) -> list[str]:
    rate = 100 * summary.missed / summary.discharged if summary.discharged else 0
    return [f"Handoffs: {summary.handoffs} admissions under the city's rule ({summary.discharged} discharged, "
            f"{summary.missed} missed coordination = {rate:.0f} %, {summary.open} still in hospital), "
            f"{summary.documents} forms, {summary.conferences} conferences"]


__all__ = ["HandoffDocument", "HandoffStep", "build_handoff_demo", "handoff_demo_summary"]
