"""The consent, break-glass and history operations of the API: the same rules as the screens."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.careteams.models import BreakGlassAccess, Consent
from renkei.core.models import AuditEntry, Organization

from .factories import ConsentFactory, PatientFactory, professional, team_with

Kind = Organization.Kind


def _call(client, method, path, token, **kwargs):
    return getattr(client, method)(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {token}",
                                   content_type="application/json", **kwargs)


@pytest.fixture
def patient(db):
    return PatientFactory()


def test_the_team_lists_records_and_withdraws_consents(client, patient, api_token_for):
    token = api_token_for(patient.registered_by)
    nurse = professional(kind=Kind.VISITING_NURSING_STATION)
    team_with(patient, nurse)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    created = _call(client, "post", f"/patients/{patient.pk}/consents", token,
                    data={"purposes": ["care"], "covers_whole_team": False,
                          "organizations": [nurse.organization_id], "consented_on": yesterday})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["organizations"] == [nurse.organization_id] and body["is_current"]
    listed = _call(client, "get", f"/patients/{patient.pk}/consents", token).json()
    assert [c["id"] for c in listed] == [body["id"]]
    withdrawn = _call(client, "post", f"/patients/{patient.pk}/consents/{body['id']}/withdraw", token,
                      data={"note": "本人の申し出"})
    assert withdrawn.status_code == 200 and withdrawn.json()["is_current"] is False
    assert Consent.objects.get(pk=body["id"]).withdrawn_by == patient.registered_by


def test_bad_consent_input_is_a_400_not_a_500(client, patient, api_token_for):
    token = api_token_for(patient.registered_by)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = _call(client, "post", f"/patients/{patient.pk}/consents", token,
                     data={"purposes": ["care"], "consented_on": future})
    assert response.status_code == 400
    unknown = _call(client, "post", f"/patients/{patient.pk}/consents", token,
                    data={"purposes": ["care"], "covers_whole_team": False, "organizations": [2**62],
                          "consented_on": "2026-01-01"})
    assert unknown.status_code == 400
    assert _call(client, "get", f"/patients/{2**70}/consents", token).status_code in (404, 422)


def test_an_outsider_is_refused_the_consents_and_the_history(client, patient, api_token_for):
    ConsentFactory(patient=patient)
    token = api_token_for(professional())
    assert _call(client, "get", f"/patients/{patient.pk}/consents", token).status_code == 403
    assert _call(client, "get", f"/patients/{patient.pk}/history", token).status_code == 403
    assert AuditEntry.objects.filter(action="refuse", subject_id=patient.pk).count() == 2


def test_break_glass_through_the_api_then_the_history_shows_the_reason(client, patient, api_token_for):
    doctor = professional(kind=Kind.HOSPITAL, municipality=patient.municipality)
    response = _call(client, "post", f"/patients/{patient.pk}/break-glass", api_token_for(doctor),
                     data={"reason": "救急外来で確認", "minutes": 20})
    assert response.status_code == 201
    assert BreakGlassAccess.objects.get(membership=doctor).reason == "救急外来で確認"
    too_long = _call(client, "post", f"/patients/{patient.pk}/break-glass", api_token_for(doctor),
                     data={"reason": "x", "minutes": 500})
    assert too_long.status_code == 400
    history = _call(client, "get", f"/patients/{patient.pk}/history", api_token_for(patient.registered_by))
    assert history.status_code == 200
    assert any(row["why"] == "救急外来で確認" for row in history.json())


OPERATIONS = [("/patients/{patient_id}/consents", "GET"), ("/patients/{patient_id}/consents", "POST"),
              ("/patients/{patient_id}/consents/{consent_id}/withdraw", "POST"),
              ("/patients/{patient_id}/break-glass", "POST"), ("/patients/{patient_id}/history", "GET")]


@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_consent_operation_answers_with_a_server_error(fuzz_schema, patient, api_token_for, path, method):
    from hypothesis import HealthCheck, given, settings

    ConsentFactory(patient=patient)
    headers = {"Authorization": f"Bearer {api_token_for(patient.registered_by)}"}
    operation = fuzz_schema["/api/v1" + path][method]

    @settings(max_examples=20, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(case=operation.as_strategy())
    def call(case):
        if isinstance(case.path_parameters.get("patient_id"), int) and case.path_parameters["patient_id"] % 2:
            case.path_parameters["patient_id"] = patient.pk  # half the cases reach the real patient
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.body}: {response.text}"

    call()
