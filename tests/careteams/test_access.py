"""The access facts and rules the whole patient capability stands on."""

import datetime as dt

from django.utils import timezone

from renkei.careteams import access
from renkei.core import policy
from renkei.core.models import Organization, Role
from tests.factories import MembershipFactory

from .factories import ConsentFactory, PatientFactory, professional, team_with


def test_the_registering_care_manager_sees_the_patient_without_a_consent(db):
    patient = PatientFactory()
    assert policy.check(patient.registered_by, "careteams.view_patient", patient)


def test_a_nurse_of_another_organization_needs_a_consent(db):
    patient = PatientFactory()
    nurse = professional(kind=Organization.Kind.VISITING_NURSING_STATION)
    team_with(patient, nurse)
    assert not policy.check(nurse, "careteams.view_patient", patient)
    ConsentFactory(patient=patient)
    access.forget(nurse)
    assert policy.check(nurse, "careteams.view_patient", patient)


def test_a_withdrawn_consent_ends_access_at_once(db):
    patient = PatientFactory()
    nurse = professional(kind=Organization.Kind.VISITING_NURSING_STATION)
    team_with(patient, nurse)
    consent = ConsentFactory(patient=patient)
    assert policy.check(nurse, "careteams.view_patient", patient)
    consent.withdrawn_at = timezone.now()
    consent.save()
    access.forget(nurse)
    assert not policy.check(nurse, "careteams.view_patient", patient)
    assert access.visible_patient_ids(nurse) == []


def test_a_former_team_member_is_refused(db):
    patient = PatientFactory()
    ConsentFactory(patient=patient)
    nurse = professional(kind=Organization.Kind.VISITING_NURSING_STATION)
    team_with(patient, nurse, ended_on=timezone.localdate() - dt.timedelta(days=1))
    assert not policy.check(nurse, "careteams.view_patient", patient)


def test_a_consent_for_named_organizations_covers_only_them(db):
    patient = PatientFactory()
    nurse = professional(kind=Organization.Kind.VISITING_NURSING_STATION)
    pharmacist = professional(kind=Organization.Kind.PHARMACY)
    team_with(patient, nurse)
    team_with(patient, pharmacist, role="pharmacist")
    consent = ConsentFactory(patient=patient, covers_whole_team=False)
    consent.organizations.add(nurse.organization)
    assert policy.check(nurse, "careteams.view_patient", patient)
    assert not policy.check(pharmacist, "careteams.view_patient", patient)
    assert access.visible_patient_ids(pharmacist) == []


def test_municipal_staff_see_counts_not_patients(db):
    patient = PatientFactory()
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=patient.registered_by_organization)
    assert not policy.check(staff, "careteams.view_patient", patient)
    assert policy.check(staff, "careteams.view_counts")


def test_a_no_patient_data_token_is_refused_even_on_the_team(db):
    patient = PatientFactory()
    member = patient.registered_by
    member.api_scope = "no_patient_data"
    assert not policy.check(member, "careteams.view_patient", patient)
    assert not policy.scope(member, "careteams.list_patients", type(patient).objects.all()).exists()
