"""Every workflow route and API operation, walked by every person of the handoff world."""

import pytest

from renkei.handoff.models import StepKey

from .factories import open_handoff
from .walk import Route, members_of, walk_api, walk_web

pytestmark = pytest.mark.django_db


def _routes(world):
    handoff = open_handoff(world)
    patient = world.patient
    h = handoff.pk
    info = handoff.steps.get(key=StepKey.ADMISSION_INFO)
    screening = handoff.steps.get(key=StepKey.SCREENING)
    conference = handoff.steps.get(key=StepKey.CONFERENCE)
    web = [
        Route("/handoffs/", "handoff.list_handoffs"),
        Route("/handoffs/?status=open", "handoff.list_handoffs"),
        Route(f"/handoffs/patients/{patient.pk}/", "careteams.view_patient", patient),
        Route(f"/handoffs/new/{patient.pk}/", "handoff.open_handoff", patient),
        Route(f"/handoffs/afterwards/{patient.pk}/", "handoff.open_handoff", patient),
        Route(f"/handoffs/{h}/", "handoff.view_handoff", handoff),
        Route(f"/handoffs/{h}/steps/admission_info/done/", "handoff.do_step", info),
        Route(f"/handoffs/{h}/steps/screening/done/", "handoff.do_step", screening),
        Route(f"/handoffs/{h}/steps/conference/not-needed/", "handoff.do_step", conference),
        Route(f"/handoffs/{h}/screening/", "handoff.do_step", handoff),
        Route(f"/handoffs/{h}/planned-discharge/", "handoff.do_step", handoff),
        Route(f"/handoffs/{h}/exchanges/new/", "handoff.record_exchange", handoff),
        Route(f"/handoffs/{h}/discharge/", "handoff.record_discharge", handoff),
        Route(f"/handoffs/{h}/cancel/", "handoff.act_as_home", handoff),
    ]
    api = [
        Route("/api/v1/handoffs", "handoff.list_handoffs"),
        Route("/api/v1/handoffs/due", "handoff.list_handoffs"),
        Route(f"/api/v1/handoffs/{h}", "handoff.view_handoff", handoff),
        # An empty body names no patient: professionals learn what is missing (422), others are refused.
        Route("/api/v1/handoffs", "handoff.list_handoffs", method="post"),
        Route(f"/api/v1/handoffs/{h}/steps/admission_info/complete", "handoff.do_step", info, method="post"),
        Route(f"/api/v1/handoffs/{h}/screening", "handoff.do_step", handoff, method="post"),
        Route(f"/api/v1/handoffs/{h}/planned-discharge", "handoff.do_step", handoff, method="post"),
        Route(f"/api/v1/handoffs/{h}/discharge", "handoff.record_discharge", handoff, method="post"),
        Route(f"/api/v1/handoffs/{h}/exchanges", "handoff.record_exchange", handoff, method="post"),
    ]
    return web, api


def test_every_workflow_screen_lets_in_exactly_whom_the_policy_allows(world):
    web, _api = _routes(world)
    outcomes = walk_web(web, members_of(world))
    # Each patient route refuses somebody (the other hospital, the outsider at least).
    for url, allowed in outcomes.items():
        if "/handoffs/?" not in url and url != "/handoffs/":
            assert False in allowed, url


def test_every_workflow_api_operation_lets_in_exactly_whom_the_policy_allows(world, api_token_for):
    _web, api = _routes(world)
    walk_api(api, members_of(world), api_token_for)


def test_the_hospital_colleague_reaches_the_hospital_steps_and_not_the_care_managers(world):
    from renkei.core import policy

    handoff = open_handoff(world)
    info = handoff.steps.get(key=StepKey.ADMISSION_INFO)
    screening = handoff.steps.get(key=StepKey.SCREENING)
    assert policy.check(world.hospital_colleague, "handoff.do_step", screening)
    assert not policy.check(world.hospital_colleague, "handoff.do_step", info)
    assert policy.check(world.care_manager, "handoff.do_step", screening)  # records what the hospital did


def test_opening_an_admission_through_the_api_is_for_the_patients_team_only(world, api_token_for):
    from django.test import Client

    from renkei.core import policy

    body = {"patient_id": world.patient.pk, "facility_id": world.paper_hospital.pk,
            "admitted_at": "2026-01-05T10:00:00+09:00", "kind": "emergency"}
    opened = 0
    for name, membership in members_of(world).items():
        allowed = policy.check(membership, "handoff.open_handoff", world.patient)
        reply = Client().post("/api/v1/handoffs", body, content_type="application/json",
                              HTTP_AUTHORIZATION=f"Bearer {api_token_for(membership)}")
        if allowed:
            assert reply.status_code in (201, 422), (name, reply.status_code)
            opened += reply.status_code == 201
        else:
            assert reply.status_code in (403, 404), (name, reply.status_code)
    assert opened == 1  # the first of the team opens it; the others are told the patient is already in hospital
