"""Saving the emergency sheet through the API: the same rule as the screen, a new version each time."""

import pytest
from django.test import Client

from renkei.careteams.models import EmergencySheet
from renkei.core.models import APIToken, AuditEntry, Organization
from tests.factories import OrganizationFactory

from .factories import EmergencySheetFactory, PatientFactory, professional

pytestmark = pytest.mark.django_db


def _post(token, patient, data):
    return Client().post(f"/api/v1/patients/{patient.pk}/emergency-sheet", data=data,
                         content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_team_member_saves_a_new_version_and_the_rest_is_carried_over(api_token_for):
    patient = PatientFactory()
    EmergencySheetFactory(patient=patient, number=1, created_by=patient.registered_by, medications="薬A")
    hospital = OrganizationFactory(kind=Organization.Kind.HOSPITAL)
    response = _post(api_token_for(patient.registered_by), patient,
                     {"resuscitation_wish": "no", "backup_hospital_id": hospital.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sheet"]["version"] == 2 and body["sheet"]["resuscitation_wish"] == "no"
    assert body["sheet"]["medications"] == "薬A" and body["sheet"]["backup_hospital"] == hospital.name
    assert EmergencySheet.objects.filter(patient=patient).count() == 2
    assert AuditEntry.objects.filter(object_type="careteams.emergencysheet", action="create",
                                     subject_type="patient", subject_id=str(patient.pk)).count() == 2  # v1 and v2


def test_someone_off_the_team_is_refused_and_nothing_is_saved(api_token_for):
    patient = PatientFactory()
    before = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
    response = _post(api_token_for(professional()), patient, {"resuscitation_wish": "no"})
    assert response.status_code == 403
    assert not EmergencySheet.objects.filter(patient=patient).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count() == before + 1


def test_a_read_only_token_cannot_save(api_token_for):
    patient = PatientFactory()
    token = api_token_for(patient.registered_by)
    APIToken.objects.filter(membership=patient.registered_by).update(scope=APIToken.Scope.READ_ONLY)
    assert _post(token, patient, {"resuscitation_wish": "no"}).status_code == 403


@pytest.mark.parametrize("data", [{"resuscitation_wish": "maybe"}, {"place_of_death_wish": "moon"},
                                  {"backup_hospital_id": 99999999}])
def test_impossible_values_are_refused_with_reasons(api_token_for, data):
    patient = PatientFactory()
    response = _post(api_token_for(patient.registered_by), patient, data)
    assert response.status_code == 422
    assert not EmergencySheet.objects.filter(patient=patient).exists()


def test_a_clinic_is_not_a_backup_hospital(api_token_for):
    patient = PatientFactory()
    clinic = OrganizationFactory(kind=Organization.Kind.CLINIC)
    response = _post(api_token_for(patient.registered_by), patient, {"backup_hospital_id": clinic.pk})
    assert response.status_code == 422 and "backup_hospital" in response.json()["errors"]


def test_a_wish_sent_as_null_is_recorded_as_not_decided(api_token_for):
    patient = PatientFactory()
    response = _post(api_token_for(patient.registered_by), patient,
                     {"resuscitation_wish": None, "place_of_death_wish": None})
    assert response.status_code == 200, response.content
    sheet = EmergencySheet.objects.get(patient=patient)
    assert (sheet.resuscitation_wish, sheet.place_of_death_wish) == ("undecided", "undecided")
