"""The people and objects of the patient access walk: one patient, and every kind of person who may or may not
see them, so a test can ask each route "exactly who gets what".

Who is who (all professionals unless said):
- `care_manager` registered the patient (their office needs no consent) and is on the team;
- `nurse` and `doctor` are on the team, covered by a consent naming their organizations;
- `withdrawn` is on the team, but the consent naming their organization was withdrawn;
- `former` was on the team until yesterday (their organization is still in the consent);
- `colleague` works in the care manager's office but is not on the team;
- `outsider` is a professional of another clinic, not on the team;
- `break_glass` is not on the team and has an active break-glass access (read only);
- `responsible` is the care manager's office's responsible person for personal data (not on the team);
- `enrolled_hospital` / `other_hospital`: a hospital professional where the patient is / is not enrolled
  (provision adds the enrolment when that app is installed);
- `city`, `coordinator`, `prefecture`, `admin`: the municipality's staff, its coordinator, the prefecture,
  the system administrator; `other_city`: another municipality's staff.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from renkei.careteams.models import BreakGlassAccess, Consent, TeamRole
from renkei.core.models import Organization, Profession, Role
from tests.factories import MembershipFactory, MunicipalityFactory, OrganizationFactory, PrefectureFactory

from .factories import EmergencySheetFactory, KeyPersonFactory, PatientFactory, PostFactory, team_with

Kind = Organization.Kind

READERS = {"care_manager", "nurse", "doctor", "break_glass"}
WRITERS = {"care_manager", "nurse", "doctor"}
SHEET_READERS = READERS | {"enrolled_hospital"}
HISTORY_READERS = WRITERS | {"responsible"}


def build_world() -> SimpleNamespace:
    kyoto = PrefectureFactory(code="26", name="京都府")
    home = MunicipalityFactory(jis_code="26201", name="福知山市", prefecture=kyoto)
    other = MunicipalityFactory(jis_code="26202", name="舞鶴市", prefecture=kyoto)

    def org(kind, municipality=home, **kwargs):
        return OrganizationFactory(kind=kind, municipality=municipality, prefecture=kyoto, **kwargs)

    def pro(organization, profession, **kwargs):
        return MembershipFactory(role=Role.PROFESSIONAL, organization=organization, profession=profession, **kwargs)

    office = org(Kind.CARE_MANAGEMENT_OFFICE)
    nursing = org(Kind.VISITING_NURSING_STATION)
    clinic = org(Kind.CLINIC)
    dental = org(Kind.DENTAL_CLINIC)
    pharmacy = org(Kind.PHARMACY)
    other_clinic = org(Kind.CLINIC)
    enrolled_hospital = org(Kind.HOSPITAL)
    other_hospital = org(Kind.HOSPITAL)
    city_office = org(Kind.MUNICIPALITY_OFFICE)
    other_city_office = org(Kind.MUNICIPALITY_OFFICE, municipality=other)
    pref_office = org(Kind.PREFECTURE_OFFICE, municipality=None)

    m = {
        "care_manager": pro(office, Profession.CARE_MANAGER),
        "nurse": pro(nursing, Profession.VISITING_NURSE),
        "doctor": pro(clinic, Profession.DOCTOR),
        "withdrawn": pro(dental, Profession.DENTIST),
        "former": pro(pharmacy, Profession.PHARMACIST),
        "colleague": pro(office, Profession.CARE_MANAGER),
        "outsider": pro(other_clinic, Profession.DOCTOR),
        "break_glass": pro(other_clinic, Profession.DOCTOR),
        "responsible": pro(office, Profession.CARE_MANAGER, is_responsible_person=True),
        "enrolled_hospital": pro(enrolled_hospital, Profession.DISCHARGE_NURSE),
        "other_hospital": pro(other_hospital, Profession.DISCHARGE_NURSE),
        "city": MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=city_office),
        "coordinator": MembershipFactory(role=Role.COORDINATOR, organization=city_office),
        "prefecture": MembershipFactory(role=Role.PREFECTURE_STAFF, organization=pref_office),
        "admin": MembershipFactory(role=Role.SYSTEM_ADMIN, organization=city_office),
        "other_city": MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=other_city_office),
    }
    patient = PatientFactory(registered_by=m["care_manager"], municipality=home)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    members = {
        "care_manager": patient.care_team.members.get(),
        "nurse": team_with(patient, m["nurse"], TeamRole.VISITING_NURSE),
        "doctor": team_with(patient, m["doctor"], TeamRole.ATTENDING_DOCTOR),
        "withdrawn": team_with(patient, m["withdrawn"], TeamRole.DENTIST),
        "former": team_with(patient, m["former"], TeamRole.PHARMACIST, ended_on=yesterday),
    }
    consent = Consent.objects.create(patient=patient, purposes=["care", "emergency"], covers_whole_team=False,
                                     consented_on=yesterday, recorded_by=m["care_manager"])
    consent.organizations.set([nursing, clinic, pharmacy])
    withdrawn = Consent.objects.create(patient=patient, purposes=["care"], covers_whole_team=False,
                                       consented_on=yesterday, recorded_by=m["care_manager"],
                                       withdrawn_at=timezone.now(), withdrawn_by=m["care_manager"])
    withdrawn.organizations.set([dental])
    glass = BreakGlassAccess.objects.create(patient=patient, membership=m["break_glass"], reason="救急搬送時の確認",
                                            expires_at=timezone.now() + dt.timedelta(minutes=30))
    post = PostFactory(patient=patient, author=members["nurse"])
    sheet = EmergencySheetFactory(patient=patient, number=1, created_by=m["doctor"],
                                  backup_hospital=enrolled_hospital)
    key_person = KeyPersonFactory(patient=patient)
    return SimpleNamespace(
        prefecture=kyoto, municipality=home, other_municipality=other, patient=patient, members=m,
        team_members=members, consent=consent, withdrawn_consent=withdrawn, break_glass=glass, post=post,
        sheet=sheet, key_person=key_person, organizations=SimpleNamespace(
            office=office, nursing=nursing, clinic=clinic, dental=dental, pharmacy=pharmacy,
            enrolled_hospital=enrolled_hospital, other_hospital=other_hospital),
    )
