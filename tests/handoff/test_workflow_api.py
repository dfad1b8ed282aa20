import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from renkei.core.models import AuditEntry
from renkei.handoff.models import Handoff, HandoffStep, StepKey

from .factories import open_handoff

pytestmark = pytest.mark.django_db


def _api(token, method, path, body=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=body, content_type="application/json")
    return getattr(Client(), method)(f"/api/v1{path}", **kwargs)


def test_opening_an_admission_returns_the_steps_with_their_due_times(world, api_token_for):
    token = api_token_for(world.care_manager)
    reply = _api(token, "post", "/handoffs", {
        "patient_id": world.patient.pk, "facility_id": world.hospital.pk,
        "admitted_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(), "kind": "planned", "ward": "5階西"})
    assert reply.status_code == 201, reply.content
    data = reply.json()
    assert data["hospital_name"] == "試験市民病院" and data["is_hospital_on_renkei"] is True
    assert data["ward"] == "5階西" and data["admission_kind"] == "planned"
    assert [s["key"] for s in data["steps"]][0] == "admission_info"
    assert data["steps"][0]["due_at"] is not None


def test_bad_input_gets_422_with_a_message_per_field(world, api_token_for):
    token = api_token_for(world.care_manager)
    reply = _api(token, "post", "/handoffs", {"patient_id": world.patient.pk, "facility_id": 999999,
                                              "kind": "sometimes"})
    assert reply.status_code == 422
    errors = reply.json()["errors"]
    assert set(errors) == {"facility_id", "admitted_at", "kind"}
    handoff = open_handoff(world)
    reply = _api(token, "post", f"/handoffs/{handoff.pk}/exchanges", {"direction": "sideways", "channel": "fax"})
    assert reply.status_code == 422 and set(reply.json()["errors"]) == {"occurred_at", "direction"}
    reply = _api(api_token_for(world.discharge_nurse), "post", f"/handoffs/{handoff.pk}/screening",
                 {"needs_coordination": True, "difficulty_factors": ["homeless?"]})
    assert reply.status_code == 422 and "difficulty_factors" in reply.json()["errors"]


def test_a_step_completed_through_the_api_says_how(world, api_token_for):
    handoff = open_handoff(world)
    reply = _api(api_token_for(world.care_manager), "post", f"/handoffs/{handoff.pk}/steps/admission_info/complete",
                 {"channel": "fax", "note": "送付済み"})
    assert reply.status_code == 200
    step = next(s for s in reply.json()["steps"] if s["key"] == "admission_info")
    assert step["status"] == "done" and step["channel"] == "fax"
    again = _api(api_token_for(world.care_manager), "post",
                 f"/handoffs/{handoff.pk}/steps/admission_info/complete", {})
    assert again.status_code == 422
    unknown = _api(api_token_for(world.care_manager), "post", f"/handoffs/{handoff.pk}/steps/nonsense/complete", {})
    assert unknown.status_code == 422


def test_the_hospital_screens_plans_and_discharges_through_the_api(world, api_token_for):
    handoff = open_handoff(world, days_ago=6)
    token = api_token_for(world.discharge_nurse)
    screened = _api(token, "post", f"/handoffs/{handoff.pk}/screening", {
        "needs_coordination": True, "difficulty_factors": ["no_key_person"], "has_key_person": False})
    assert screened.status_code == 200
    planned = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    reply = _api(token, "post", f"/handoffs/{handoff.pk}/planned-discharge", {"planned_on": planned})
    assert reply.status_code == 200 and reply.json()["planned_discharge_on"] == planned
    reply = _api(token, "post", f"/handoffs/{handoff.pk}/exchanges", {
        "occurred_at": timezone.now().isoformat(), "direction": "both", "channel": "conference",
        "professions": ["care_manager", "discharge_nurse"]})
    assert reply.status_code == 201 and reply.json()["conferences_before_discharge"] == 1
    reply = _api(token, "post", f"/handoffs/{handoff.pk}/discharge", {
        "discharged_at": (timezone.now() + dt.timedelta(minutes=1)).isoformat(), "destination": "home"})
    assert reply.status_code == 200 and reply.json()["status"] == "discharged"
    assert reply.json()["exchanges_before_discharge"] == 2


def test_the_due_list_is_the_callers_and_each_handoff_read_is_logged(world, api_token_for):
    handoff = open_handoff(world, days_ago=8)
    before = AuditEntry.objects.filter(action=AuditEntry.Action.READ).count()
    reply = _api(api_token_for(world.care_manager), "get", "/handoffs/due")
    assert reply.status_code == 200
    rows = reply.json()
    assert [r["key"] for r in rows] == ["admission_info"] and rows[0]["is_overdue"] is True
    assert rows[0]["handoff_id"] == handoff.pk
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ).count() == before + 1
    hospital_rows = _api(api_token_for(world.discharge_nurse), "get", "/handoffs/due").json()
    assert {r["key"] for r in hospital_rows} == {"screening", "interview"}
    assert _api(api_token_for(world.outsider), "get", "/handoffs/due").json() == []


def test_the_list_filters_by_status(world, api_token_for):
    from renkei.handoff.services import handoffs as services

    old = open_handoff(world, days_ago=20)
    services.discharge_record(membership=world.care_manager, handoff=old,
                              discharged_at=timezone.now() - dt.timedelta(days=10))
    current = open_handoff(world, days_ago=2)
    token = api_token_for(world.care_manager)
    assert [r["id"] for r in _api(token, "get", "/handoffs?status=open").json()] == [current.pk]
    assert [r["id"] for r in _api(token, "get", "/handoffs?status=discharged").json()] == [old.pk]
    assert len(_api(token, "get", "/handoffs").json()) == 2
    assert _api(token, "get", "/handoffs?status=maybe").status_code == 422


def test_a_cancelled_handoff_is_gone_from_the_api(world, api_token_for):
    from renkei.handoff.services import handoffs as services

    handoff = open_handoff(world)
    services.handoff_cancel(membership=world.care_manager, handoff=handoff, reason="誤登録")
    token = api_token_for(world.care_manager)
    assert _api(token, "get", "/handoffs").json() == []
    assert _api(token, "get", f"/handoffs/{handoff.pk}").status_code == 403
    assert Handoff.objects.get().status == "cancelled"
    assert HandoffStep.objects.filter(key=StepKey.ADMISSION_INFO).exists()
