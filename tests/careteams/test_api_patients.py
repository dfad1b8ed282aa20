"""The patients API: the same rules and read entries as the screens; FHIR shapes validated by fhir.resources."""

import pytest
from fhir.resources.R4B.bundle import Bundle as FhirBundle
from fhir.resources.R4B.careteam import CareTeam as FhirCareTeam
from fhir.resources.R4B.patient import Patient as FhirPatient

from renkei.careteams import fhir
from renkei.careteams.models import Patient
from renkei.core.models import AuditEntry, Role
from tests.factories import MembershipFactory

from .factories import ConsentFactory, KeyPersonFactory, PatientFactory, professional
from .walk_world import build_world

pytestmark = pytest.mark.django_db


def _bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_my_patients_lists_mine_with_role_and_team_size(client, api_token_for):
    patient = PatientFactory()
    PatientFactory()
    response = client.get("/api/v1/patients/", **_bearer(api_token_for(patient.registered_by)))
    assert response.status_code == 200
    assert [(p["id"], p["team_size"]) for p in response.json()] == [(patient.pk, 1)]
    assert response.json()[0]["my_role"]


def test_registering_through_the_api_puts_the_caller_on_the_team(client, api_token_for):
    me = professional()
    response = client.post("/api/v1/patients/", {"name": "登録 一子", "kana": "トウロク イチコ",
                                                 "birth_date": "1939-01-02", "my_role": "visiting_nurse"},
                           content_type="application/json", **_bearer(api_token_for(me)))
    assert response.status_code == 201, response.content
    patient = Patient.objects.get(pk=response.json()["id"])
    assert patient.care_team.members.get().role == "visiting_nurse"


def test_a_bad_value_is_a_422_not_a_500(client, api_token_for):
    response = client.post("/api/v1/patients/", {"name": "x", "kana": "x", "birth_date": "1939-01-02",
                                                 "care_level": "care_9"},
                           content_type="application/json", **_bearer(api_token_for(professional())))
    assert response.status_code == 422
    assert "care_level" in response.json()["errors"]


def test_reading_a_patient_logs_the_read_and_outsiders_get_403(client, api_token_for):
    world = build_world()
    patient = world.patient
    ok = client.get(f"/api/v1/patients/{patient.pk}", **_bearer(api_token_for(world.members["nurse"])))
    assert ok.status_code == 200
    assert ok.json()["name"] == patient.name
    assert AuditEntry.objects.filter(subject_type="patient", subject_id=patient.pk, action="read",
                                     membership_id_value=world.members["nurse"].pk).exists()
    refused = client.get(f"/api/v1/patients/{patient.pk}", **_bearer(api_token_for(world.members["outsider"])))
    assert refused.status_code == 403
    assert client.get("/api/v1/patients/99999999999999999999",
                      **_bearer(api_token_for(world.members["nurse"]))).status_code in (404, 422)


def test_patch_with_an_old_version_is_a_409_and_changes_nothing(client, api_token_for):
    patient = PatientFactory()
    token = api_token_for(patient.registered_by)
    ok = client.patch(f"/api/v1/patients/{patient.pk}", {"allergies": "卵", "version": patient.version},
                      content_type="application/json", **_bearer(token))
    assert ok.status_code == 200
    stale = client.patch(f"/api/v1/patients/{patient.pk}", {"allergies": "牛乳", "version": patient.version},
                         content_type="application/json", **_bearer(token))
    assert stale.status_code == 409
    patient.refresh_from_db()
    assert patient.allergies == "卵"


def test_patch_can_end_care(client, api_token_for):
    patient = PatientFactory()
    response = client.patch(f"/api/v1/patients/{patient.pk}", {"status": "ended"},
                            content_type="application/json", **_bearer(api_token_for(patient.registered_by)))
    assert response.json()["status"] == "ended"


def test_find_never_reveals_another_teams_patient(client, api_token_for):
    world = build_world()
    number = world.patient.care_insured_number
    mine = client.get("/api/v1/patients/find", {"care_insured_number": number},
                      **_bearer(api_token_for(world.members["care_manager"])))
    assert mine.json() == {"result": "mine", "patient_id": world.patient.pk, "team_id": None}
    other = client.get("/api/v1/patients/find", {"care_insured_number": number},
                       **_bearer(api_token_for(world.members["outsider"])))
    assert other.json() == {"result": "elsewhere", "patient_id": None, "team_id": world.patient.care_team.pk}
    by_name = client.get("/api/v1/patients/find", {"name": world.patient.name, "birth_date": "1938-04-01"},
                         **_bearer(api_token_for(world.members["outsider"])))
    assert by_name.json()["result"] == "elsewhere"
    assert world.patient.name not in other.content.decode()


def test_team_members_are_added_and_ended_through_the_api(client, api_token_for):
    patient = PatientFactory()
    token = api_token_for(patient.registered_by)
    nurse = professional()
    added = client.post(f"/api/v1/patients/{patient.pk}/team/members",
                        {"role": "visiting_nurse", "organization_id": nurse.organization_id,
                         "membership_id": nurse.pk}, content_type="application/json", **_bearer(token))
    assert added.status_code == 201, added.content
    member_id = added.json()["id"]
    team = client.get(f"/api/v1/patients/{patient.pk}/team", **_bearer(token)).json()
    assert member_id in [m["id"] for m in team["current"]]
    ended = client.post(f"/api/v1/patients/{patient.pk}/team/members/{member_id}/end", {},
                        content_type="application/json", **_bearer(token))
    assert ended.status_code == 200
    assert ended.json()["ended_on"]


def test_a_read_only_token_cannot_change_the_team(client):
    from renkei.core.services.accounts import api_token_create

    patient = PatientFactory()
    token = api_token_create(membership=patient.registered_by, name="ro", scope="read_only")[1]
    response = client.post(f"/api/v1/patients/{patient.pk}/team/members",
                           {"role": "visiting_nurse", "organization_id": patient.registered_by_organization_id},
                           content_type="application/json", **_bearer(token))
    assert response.status_code == 403


def test_municipal_staff_get_no_patients(client, api_token_for):
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF)
    assert client.get("/api/v1/patients/", **_bearer(api_token_for(staff))).status_code == 403


def test_the_fhir_patient_is_valid_r4_with_jp_core_identifiers(client, api_token_for):
    patient = PatientFactory(care_insurer_number="262014", medical_insurer_number="39262014",
                             medical_insured_symbol_number="あいう:187", phone="0773-00-0000", postal_code="620-0035")
    KeyPersonFactory(patient=patient)
    response = client.get(f"/api/v1/patients/{patient.pk}/fhir", **_bearer(api_token_for(patient.registered_by)))
    assert response.status_code == 200
    resource = FhirPatient.model_validate(response.json())
    systems = {i.system for i in resource.identifier}
    assert f"{fhir.JP_INSURANCE_MEMBER}/39262014" in systems
    assert resource.birthDate.isoformat() == "1938-04-01"
    assert resource.name[0].text == patient.name
    assert resource.contact[0].name.text == "試験 一郎"


def test_the_fhir_care_team_is_valid_r4(client, api_token_for):
    world = build_world()
    response = client.get(f"/api/v1/patients/{world.patient.pk}/team/fhir",
                          **_bearer(api_token_for(world.members["care_manager"])))
    resource = FhirCareTeam.model_validate(response.json())
    assert resource.subject.reference == f"Patient/{world.patient.pk}"
    assert len(resource.participant) == 5
    assert any(p.period.end for p in resource.participant)


def test_the_fhir_consents_are_a_valid_r4_bundle(client, api_token_for):
    world = build_world()
    ConsentFactory(patient=world.patient, given_by="proxy", proxy_name="試験 一郎", proxy_relation="長男")
    response = client.get(f"/api/v1/patients/{world.patient.pk}/consents/fhir",
                          **_bearer(api_token_for(world.members["care_manager"])))
    bundle = FhirBundle.model_validate(response.json())
    statuses = sorted(e.resource.status for e in bundle.entry)
    assert statuses == ["active", "active", "inactive"]


@pytest.mark.django_db
def test_a_text_sent_as_null_is_stored_empty_and_a_null_name_is_refused(client, api_token_for):
    from tests.careteams.factories import PatientFactory

    patient = PatientFactory(allergies="卵")
    token = api_token_for(patient.registered_by)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}
    response = client.patch(f"/api/v1/patients/{patient.pk}", data={"allergies": None}, **auth)
    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.allergies == ""
    response = client.patch(f"/api/v1/patients/{patient.pk}", data={"name": None}, **auth)
    assert response.status_code in (400, 422)
    patient.refresh_from_db()
    assert patient.name
