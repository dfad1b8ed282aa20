import pytest
from django.test import Client

from renkei.provision.models import EmergencyAdmission, PatientEnrolment, RotaShift


def _get(token, url):
    return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(token, url, data):
    return Client().post(url, data, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_a_member_reads_and_writes_the_rota(world, api_token_for):
    token = api_token_for(world.backup)
    url = f"/api/v1/provision/groups/{world.group.pk}/shifts"
    response = _post(token, url, {"date": "2027-01-11", "kind": "holiday_day", "covering_id": world.covering.pk,
                                  "phone": "090-1"})
    assert response.status_code == 200, response.content
    assert response.json()["holiday"] == "成人の日"
    listed = _get(token, f"{url}?start=2027-01-01&days_ahead=31").json()
    assert [(s["date"], s["kind"], s["phone"]) for s in listed] == [("2027-01-11", "holiday_day", "090-1")]


@pytest.mark.django_db
def test_the_rota_refuses_outsiders_and_nonsense(world, api_token_for):
    url = f"/api/v1/provision/groups/{world.group.pk}/shifts"
    assert _get(api_token_for(world.outsider), url).status_code == 403
    token = api_token_for(world.backup)
    assert _post(token, url, {"date": "2027-01-12", "kind": "holiday_day"}).status_code == 422
    assert _post(token, url, {"date": "2027-01-12", "kind": "night", "covering_id": 10**30}).status_code == 422
    assert _post(token, url, {"date": "2027-01-12", "kind": "night",
                              "covering_id": world.outsider.pk}).status_code == 422
    assert _get(token, "/api/v1/provision/groups/99999999999999999999/shifts").status_code == 404
    assert not RotaShift.objects.exists()


@pytest.mark.django_db
def test_who_to_call_for_a_patient_at_three_on_a_saturday(world, api_token_for):
    url = f"/api/v1/provision/patients/{world.patient.pk}/who-to-call?at=2027-01-16T03:00:00%2B09:00"
    data = _get(api_token_for(world.nurse), url).json()
    assert data["office_hours"] is False
    assert data["doctor"]["name"] == world.backup.user.display_name
    assert data["enrolled_hospitals"] == [world.enrolled.organization.name]
    assert _get(api_token_for(world.enrolled), url).status_code == 403
    assert _get(api_token_for(world.outsider), url).status_code == 403


@pytest.mark.django_db
def test_enrolment_propose_accept_and_list_through_the_api(world, api_token_for):
    proposed = _post(api_token_for(world.care_manager), "/api/v1/provision/enrolments",
                     {"patient_id": world.patient.pk, "hospital_id": world.not_enrolled.organization_id})
    assert proposed.status_code == 200, proposed.content
    enrolment_id = proposed.json()["id"]
    hospital = api_token_for(world.not_enrolled)
    assert [e["id"] for e in _get(hospital, "/api/v1/provision/enrolments").json()] == [enrolment_id]
    decided = _post(hospital, f"/api/v1/provision/enrolments/{enrolment_id}/decision", {"accept": True})
    assert decided.json()["is_current"] is True
    assert _get(api_token_for(world.attending), "/api/v1/provision/enrolments").status_code == 403
    ended = _post(api_token_for(world.care_manager), f"/api/v1/provision/enrolments/{enrolment_id}/end", {})
    assert ended.json()["status"] == PatientEnrolment.Status.ENDED


@pytest.mark.django_db
def test_admissions_recorded_by_the_enrolled_hospital_and_read_by_the_team(world, api_token_for):
    url = f"/api/v1/provision/patients/{world.patient.pk}/admissions"
    body = {"admitted_at": "2026-11-01T02:00:00+09:00", "reason": "発熱"}
    assert _post(api_token_for(world.not_enrolled), url, body).status_code == 403
    assert _post(api_token_for(world.ended), url, body).status_code == 403
    assert _post(api_token_for(world.enrolled), url, body).status_code == 200
    assert _post(api_token_for(world.enrolled), url, {**body, "reason": ""}).status_code == 422
    assert [a["reason"] for a in _get(api_token_for(world.nurse), url).json()] == ["発熱"]
    assert EmergencyAdmission.objects.count() == 1
