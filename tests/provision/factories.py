"""A small provision world: a patient whose team has an attending and a backup doctor and a visiting nurse, a
doctors' cover group, a nursing station's rota, an enrolled, a non-enrolled and a formerly enrolled hospital."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from renkei.careteams.models import Patient, TeamRole
from renkei.core.models import Membership, Organization, Profession
from renkei.provision.models import CoverArrangement, CoverGroup, PatientEnrolment, RotaShift
from tests.careteams.factories import ConsentFactory, PatientFactory, professional, team_with
from tests.factories import OrganizationFactory


def doctor(municipality, **kwargs) -> Membership:
    return professional(kind=Organization.Kind.CLINIC, municipality=municipality, profession=Profession.DOCTOR,
                        **kwargs)


def hospital_member(municipality, **kwargs) -> Membership:
    return professional(kind=Organization.Kind.HOSPITAL, municipality=municipality,
                        profession=Profession.DISCHARGE_NURSE, **kwargs)


def cover_group(members: list[Membership], *, municipality=None, **kwargs) -> CoverGroup:
    group = CoverGroup.objects.create(name=kwargs.pop("name", "試験 連携グループ"),
                                      municipality=municipality or members[0].organization.municipality, **kwargs)
    group.members.set(members)
    group.organizations.set({m.organization for m in members})
    return group


def enrol(patient, hospital, *, status=PatientEnrolment.Status.ACTIVE, days_ago=10, ends_on=None):
    return PatientEnrolment.objects.create(patient=patient, hospital=hospital, status=status,
                                           starts_on=timezone.localdate() - dt.timedelta(days=days_ago),
                                           ends_on=ends_on, proposed_by=patient.registered_by,
                                           decided_at=timezone.now() if status != "proposed" else None)


@dataclass
class World:
    patient: Patient
    care_manager: Membership
    attending: Membership
    backup: Membership
    covering: Membership
    nurse: Membership
    group: CoverGroup
    station_group: CoverGroup
    enrolled: Membership
    not_enrolled: Membership
    ended: Membership
    outsider: Membership


def build_world() -> World:
    patient = PatientFactory()
    ConsentFactory(patient=patient)
    city = patient.municipality
    attending, backup, covering = doctor(city), doctor(city), doctor(city)
    nurse = professional(kind=Organization.Kind.VISITING_NURSING_STATION, municipality=city,
                         profession=Profession.VISITING_NURSE)
    nurse.organization.phone = "0773-11-1111"
    nurse.organization.save()
    team_with(patient, attending, TeamRole.ATTENDING_DOCTOR, phone="0773-22-2222")
    team_with(patient, backup, TeamRole.BACKUP_DOCTOR, phone="0773-33-3333")
    team_with(patient, nurse, TeamRole.VISITING_NURSE)
    group = cover_group([attending, backup, covering])
    CoverArrangement.objects.create(team=patient.care_team, group=group, arranged_by=patient.registered_by)
    night_nurse = professional(organization=nurse.organization, profession=Profession.VISITING_NURSE)
    station_group = cover_group([nurse, night_nurse], kind=CoverGroup.Kind.NURSING_STATION,
                                station=nurse.organization, name="試験 訪問看護 24時間")
    enrolled, not_enrolled, ended = hospital_member(city), hospital_member(city), hospital_member(city)
    enrol(patient, enrolled.organization)
    enrol(patient, ended.organization, status=PatientEnrolment.Status.ENDED, days_ago=60,
          ends_on=timezone.localdate() - dt.timedelta(days=1))
    return World(patient=patient, care_manager=patient.registered_by, attending=attending, backup=backup,
                 covering=covering, nurse=nurse, group=group, station_group=station_group, enrolled=enrolled,
                 not_enrolled=not_enrolled, ended=ended, outsider=doctor(city))


def shift(group, day, kind, who, phone=""):
    return RotaShift.objects.create(group=group, date=day, kind=kind, covering=who, phone=phone)


__all__ = ["OrganizationFactory", "World", "build_world", "cover_group", "doctor", "enrol", "hospital_member",
           "shift"]
