"""The provision part of the demo (福知山市): a doctors' cover group of three clinics whose rota has gaps next
week, a visiting nursing station's 24-hour rota, two backup hospitals with enrolments of some demo patients,
and one emergency admission. Names are obviously invented.

Runs after the core demo (places, organizations, people) and after careteams' demo when there is one: it uses
the demo patients that exist, and registers three of its own when there are none. Idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from renkei.careteams.models import CareTeam, CareTeamMember, Consent, Patient, TeamRole
from renkei.core import audit
from renkei.core.models import Membership, Municipality, Organization, Role, User
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE

from .. import days
from ..models import CoverArrangement, CoverGroup, EmergencyAdmission, PatientEnrolment, RotaShift, ShiftKind

GROUP_NAME = "福知山 在宅医 相互支援グループ（デモ）"
STAFF_DOMAIN = "demo-staff.renkei.example"  # people on the rota who do not log in to the demo


@dataclass(frozen=True)
class ProvisionDemo:
    groups: int
    shifts: int
    gaps: int
    enrolments: int
    admissions: int


def _person(handle: str, name: str, organization: Organization, profession: str) -> Membership:
    user = User.objects.filter(email=f"{handle}@{STAFF_DOMAIN}").first()
    if user is None:
        user = User.objects.create_user(f"{handle}@{STAFF_DOMAIN}", None, display_name=name)
    membership = Membership.objects.filter(user=user, organization=organization).first()
    return membership or Membership.objects.create(user=user, organization=organization, role=Role.PROFESSIONAL,
                                                   profession=profession)


def _demo_member(handle: str) -> Membership | None:
    return (Membership.objects.filter(user__email=f"{handle}@demo.renkei.example", role=Role.PROFESSIONAL)
            .select_related("organization").first())


def _own_patients(city, doctors, nurse, care_manager) -> list[Patient]:
    """Three patients with a team (care manager, attending and backup doctor, visiting nurse) and consent."""
    start = timezone.localdate() - dt.timedelta(days=60)
    names = [("見本 春子", "ミホン ハルコ", dt.date(1936, 5, 3)), ("試作 夏夫", "シサク ナツオ", dt.date(1941, 8, 20)),
             ("仮名 秋江", "カメイ アキエ", dt.date(1933, 11, 1))]
    out = []
    for index, (name, kana, born) in enumerate(names):
        patient = Patient.objects.create(
            registered_by=care_manager, registered_by_organization=care_manager.organization, municipality=city,
            name=name, kana=kana, birth_date=born, sex="female" if index != 1 else "male",
            address=f"京都府福知山市見本町{index + 1}-1（架空）")
        team = CareTeam.objects.create(patient=patient)
        attending, backup = doctors[index % 3], doctors[(index + 1) % 3]
        for role, member in ((TeamRole.CARE_MANAGER, care_manager), (TeamRole.ATTENDING_DOCTOR, attending),
                             (TeamRole.BACKUP_DOCTOR, backup), (TeamRole.VISITING_NURSE, nurse)):
            CareTeamMember.objects.create(team=team, role=role, membership=member, organization=member.organization,
                                          started_on=start)
        Consent.objects.create(patient=patient, purposes=["care", "emergency"], covers_whole_team=True,
                               consented_on=start, recorded_by=care_manager, paper_reference="同意書（デモ）")
        out.append(patient)
    return out


def _fill_rota(group: CoverGroup, people: list[Membership], start: dt.date, end: dt.date,
               skip: set[tuple[dt.date, str]]) -> int:
    count = 0
    day = start
    while day <= end:
        for kind in days.needed_shifts(day):
            if (day, kind) in skip:
                continue
            who = people[(day.toordinal() + (kind == ShiftKind.NIGHT)) % len(people)]
            RotaShift.objects.update_or_create(group=group, date=day, kind=kind, defaults={
                "covering": who, "phone": who.organization.phone or "0773-00-0000"})
            count += 1
        day += dt.timedelta(days=1)
    return count


def build_provision_demo() -> ProvisionDemo | None:
    city = Municipality.objects.filter(code=DEMO_MUNICIPALITY_CODE).first()
    if city is None or CoverGroup.objects.filter(name=GROUP_NAME).exists():
        return None
    clinics = list(Organization.objects.filter(municipality=city, kind=Organization.Kind.CLINIC).order_by("pk")[:3])
    hospitals = list(Organization.objects.filter(municipality=city, kind=Organization.Kind.HOSPITAL).order_by("pk")[:2])
    station = Organization.objects.filter(municipality=city, kind=Organization.Kind.VISITING_NURSING_STATION
                                          ).order_by("pk").first()
    doctor, nurse = _demo_member("doctor"), _demo_member("nurse")
    care_manager, discharge = _demo_member("caremanager"), _demo_member("discharge")
    if len(clinics) < 3 or len(hospitals) < 2 or station is None or None in (doctor, nurse, care_manager):
        return None
    with transaction.atomic(), audit.bind(user_label="system: renkei demo"):
        today = timezone.localdate()
        doctors = [doctor if doctor.organization_id == clinics[0].pk else
                   _person("rota-doctor1", "当番 一郎（架空）", clinics[0], "doctor"),
                   _person("rota-doctor2", "当番 二郎（架空）", clinics[1], "doctor"),
                   _person("rota-doctor3", "当番 三子（架空）", clinics[2], "doctor")]
        group = CoverGroup.objects.create(name=GROUP_NAME, kind=CoverGroup.Kind.DOCTORS, municipality=city,
                                          created_by=doctors[0], phone="0773-00-0110")
        group.organizations.set(clinics)
        group.members.set(doctors)
        # Next week (Monday to Sunday): Wednesday's night and Saturday's day are nobody's yet.
        next_monday = today + dt.timedelta(days=7 - today.weekday())
        skip = {(next_monday + dt.timedelta(days=2), ShiftKind.NIGHT),
                (next_monday + dt.timedelta(days=5), ShiftKind.WEEKEND_DAY)}
        shifts = _fill_rota(group, doctors, today - dt.timedelta(days=14), today + dt.timedelta(days=35), skip)

        nurses = [nurse if nurse.organization_id == station.pk else _person("rota-nurse1", "夜間 看子（架空）",
                                                                            station, "visiting_nurse"),
                  _person("rota-nurse2", "夜間 守（架空）", station, "visiting_nurse")]
        station_group = CoverGroup.objects.create(name=f"{station.name} 24時間対応（デモ）",
                                                  kind=CoverGroup.Kind.NURSING_STATION, municipality=city,
                                                  station=station, created_by=nurses[0], phone="0773-00-0247")
        station_group.organizations.set([station])
        station_group.members.set(nurses)
        shifts += _fill_rota(station_group, nurses, today - dt.timedelta(days=14), today + dt.timedelta(days=35),
                             set())

        patients = list(Patient.objects.filter(municipality=city, status=Patient.Status.ACTIVE,
                                               care_team__isnull=False).order_by("pk")[:6])
        if not patients:
            patients = _own_patients(city, doctors, nurse, care_manager)
        for patient in patients:
            CoverArrangement.objects.get_or_create(team=patient.care_team, defaults={
                "group": group, "arranged_by": care_manager})
        hospital_staff = [discharge if discharge and discharge.organization_id == hospitals[0].pk else
                          _person("backup-ward1", "病棟 一美（架空）", hospitals[0], "discharge_nurse"),
                          _person("backup-ward2", "地域 連子（架空）", hospitals[1], "discharge_nurse")]
        plan = [(0, 0, PatientEnrolment.Status.ACTIVE), (1, 1, PatientEnrolment.Status.ACTIVE),
                (2, 0, PatientEnrolment.Status.PROPOSED)]
        enrolments = []
        for patient_index, hospital_index, status in plan:
            if patient_index >= len(patients):
                continue
            patient = patients[patient_index]
            enrolments.append(PatientEnrolment.objects.create(
                patient=patient, hospital=hospitals[hospital_index], status=status,
                starts_on=today - dt.timedelta(days=30 if status == PatientEnrolment.Status.ACTIVE else 0),
                proposed_by=care_manager, proposed_at=timezone.now() - dt.timedelta(days=31),
                enrolled_by=hospital_staff[hospital_index] if status == PatientEnrolment.Status.ACTIVE else None,
                decided_at=timezone.now() - dt.timedelta(days=30) if status == PatientEnrolment.Status.ACTIVE
                else None, note="あんしん病院 事前登録（デモ）"))
        admissions = 0
        if enrolments and enrolments[0].status == PatientEnrolment.Status.ACTIVE:
            EmergencyAdmission.objects.create(
                patient=enrolments[0].patient, hospital=enrolments[0].hospital, enrolment=enrolments[0],
                admitted_at=timezone.now() - dt.timedelta(days=9, hours=5), reason="夜間の発熱・呼吸苦（デモ）",
                recorded_by=hospital_staff[0])
            admissions = 1
    from ..selectors.rota import gaps

    return ProvisionDemo(groups=2, shifts=shifts, gaps=len(gaps(group)), enrolments=len(enrolments),
                         admissions=admissions)


def provision_demo_summary(provision) -> list[str]:
    """The line `renkei demo` prints about on-call cover and backup beds."""
    return [f"On-call cover: {provision.groups} cover groups, {provision.shifts} shifts ({provision.gaps} nights "
            f"uncovered in the next 14 days), {provision.enrolments} backup-hospital enrolments, "
            f"{provision.admissions} emergency admissions"]
