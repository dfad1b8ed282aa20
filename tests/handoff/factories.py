"""A small handoff world: a patient with a care manager, an attending doctor and a visiting nurse on the team,
a consent for care and handoffs, a hospital on Renkei (with a discharge nurse) and one that is not.

`open_handoff(world, …)` opens a handoff through the service, as the care manager.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from renkei.careteams.models import Patient, TeamRole
from renkei.core.models import Membership, Organization, Profession, Role
from renkei.directory.models import Facility
from renkei.handoff.models import Handoff
from renkei.handoff.services import handoffs as services
from tests.careteams.factories import ConsentFactory, PatientFactory, professional, team_with
from tests.factories import FacilityFactory, MembershipFactory, OrganizationFactory


@dataclass
class World:
    patient: Patient
    care_manager: Membership
    doctor: Membership
    nurse: Membership
    hospital: Facility  # on Renkei
    discharge_nurse: Membership
    hospital_colleague: Membership  # another professional of the same hospital
    paper_hospital: Facility  # not on Renkei
    other_hospital_staff: Membership  # a professional of another hospital on Renkei
    outsider: Membership  # a professional on no team
    municipal: Membership


def build_world(*, consent_purposes=("care", "emergency", "handoff")) -> World:
    patient = PatientFactory()
    municipality = patient.municipality
    care_manager = patient.registered_by
    doctor = professional(kind=Organization.Kind.CLINIC, municipality=municipality, profession=Profession.DOCTOR)
    nurse = professional(kind=Organization.Kind.VISITING_NURSING_STATION, municipality=municipality,
                         profession=Profession.VISITING_NURSE)
    team_with(patient, doctor, TeamRole.ATTENDING_DOCTOR)
    team_with(patient, nurse, TeamRole.VISITING_NURSE)
    ConsentFactory(patient=patient, purposes=list(consent_purposes))
    hospital_org = OrganizationFactory(kind=Organization.Kind.HOSPITAL, municipality=municipality,
                                       name="試験市民病院")
    hospital = FacilityFactory(kind="hospital", name="試験市民病院", municipality=municipality,
                               organization=hospital_org, fax="0773-22-9999")
    discharge_nurse = professional(organization=hospital_org, profession=Profession.DISCHARGE_NURSE)
    colleague = professional(organization=hospital_org, profession=Profession.MEDICAL_SOCIAL_WORKER)
    paper_hospital = FacilityFactory(kind="hospital", name="試験紙病院", municipality=municipality,
                                     fax="0773-23-0000")
    other = professional(kind=Organization.Kind.HOSPITAL, municipality=municipality,
                         profession=Profession.DISCHARGE_NURSE)
    outsider = professional(kind=Organization.Kind.CARE_MANAGEMENT_OFFICE, municipality=municipality)
    municipal = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality))
    return World(patient, care_manager, doctor, nurse, hospital, discharge_nurse, colleague, paper_hospital, other,
                 outsider, municipal)


def open_handoff(world: World, *, hospital: Facility | None = None, days_ago: float = 1,
                 admitted_at: dt.datetime | None = None, **kwargs) -> Handoff:
    admitted_at = admitted_at or timezone.now() - dt.timedelta(days=days_ago)
    return services.handoff_open(membership=world.care_manager, patient=world.patient,
                                 hospital=hospital or world.hospital, admitted_at=admitted_at, **kwargs)
