import json

import pytest
from django.test import Client
from django.utils import timezone

from renkei.careteams.models import TeamRole
from renkei.handoff.models import Conference, HandoffStep, StepKey

from .conference_helpers import invitee_of, propose, slots, team_place
from .factories import open_handoff

pytestmark = pytest.mark.django_db


def call(token, method, url, body=None):
    response = Client().generic(method, url, data=json.dumps(body or {}), content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {token}")
    return response.status_code, (response.json() if response.content else None)


def test_the_whole_conference_through_the_api(world, api_token_for):
    handoff = open_handoff(world, days_ago=5)
    hospital, cm_token = api_token_for(world.discharge_nurse), api_token_for(world.care_manager)
    times = [{"starts_at": s.isoformat(), "ends_at": e.isoformat()} for s, e in slots((2, 3))]
    status, body = call(hospital, "POST", f"/api/v1/handoffs/{handoff.pk}/conferences", {
        "slots": times, "invitees": [team_place(world, TeamRole.CARE_MANAGER).pk,
                                     team_place(world, TeamRole.VISITING_NURSE).pk],
        "hospital_invitees": [world.discharge_nurse.pk], "place": "面談室"})
    assert status == 201 and body["status"] == "proposed" and body["warnings"] == []
    assert len(body["slots"]) == 2 and len(body["invitees"]) == 3
    cid, second = body["id"], body["slots"][1]["id"]

    status, body = call(cm_token, "POST", f"/api/v1/handoffs/conferences/{cid}/answers",
                        {"answers": {str(second): "yes"}})
    assert status == 200 and body["suggested_slot_id"] == second
    cm_row = next(i for i in body["invitees"] if i["role"] == "care_manager")
    assert cm_row["answers"] == {str(second): "yes"} and cm_row["answered_at"]

    status, body = call(hospital, "POST", f"/api/v1/handoffs/conferences/{cid}/schedule", {"slot_id": second})
    assert status == 200 and body["status"] == "scheduled" and body["chosen_slot_id"] == second

    status, listed = call(cm_token, "GET", f"/api/v1/handoffs/{handoff.pk}/conferences")
    assert status == 200 and [c["id"] for c in listed] == [cid]

    cm_invitee = cm_row["id"]
    status, body = call(hospital, "POST", f"/api/v1/handoffs/conferences/{cid}/hold", {
        "held_at": timezone.now().isoformat(), "attended": [cm_invitee], "minutes": "退院日確定"})
    assert status == 200 and body["status"] == "held" and body["minutes"] == "退院日確定"
    assert handoff.steps.get(key=StepKey.CONFERENCE).status == HandoffStep.Status.DONE


def test_a_proposal_without_the_care_manager_answers_with_a_warning(world, api_token_for):
    handoff = open_handoff(world)
    times = [{"starts_at": s.isoformat(), "ends_at": e.isoformat()} for s, e in slots((2,))]
    status, body = call(api_token_for(world.discharge_nurse), "POST", f"/api/v1/handoffs/{handoff.pk}/conferences",
                        {"slots": times, "invitees": [team_place(world, TeamRole.VISITING_NURSE).pk]})
    assert status == 201 and body["warnings"] == ["care_manager_not_invited"]
    assert body["invites_care_manager"] is False


def test_bad_input_answers_400_with_the_reason(world, api_token_for):
    handoff = open_handoff(world)
    token = api_token_for(world.discharge_nurse)
    status, body = call(token, "POST", f"/api/v1/handoffs/{handoff.pk}/conferences", {"slots": []})
    assert status == 400 and "候補日時" in body["detail"]
    conference = propose(world, handoff, notify=False)
    status, _ = call(token, "POST", f"/api/v1/handoffs/conferences/{conference.pk}/schedule", {"slot_id": 999999})
    assert status == 400
    status, _ = call(token, "POST", f"/api/v1/handoffs/conferences/{conference.pk}/hold", {"attended": []})
    assert status == 400


def test_someone_not_invited_cannot_answer(world, api_token_for):
    handoff = open_handoff(world)
    conference = propose(world, handoff, roles=(TeamRole.CARE_MANAGER,), notify=False)
    status, _ = call(api_token_for(world.doctor), "POST", f"/api/v1/handoffs/conferences/{conference.pk}/answers",
                     {"answers": {str(conference.slots.first().pk): "yes"}})
    assert status == 403
    cm = invitee_of(conference, world.care_manager)
    status, _ = call(api_token_for(world.doctor), "POST", f"/api/v1/handoffs/conferences/{conference.pk}/answers",
                     {"invitee_id": cm.pk, "answers": {str(conference.slots.first().pk): "yes"}})
    assert status == 403
    assert not cm.answers.exists()


def test_cancelling_through_the_api(world, api_token_for):
    conference = propose(world, open_handoff(world), notify=False)
    status, body = call(api_token_for(world.hospital_colleague), "POST",
                        f"/api/v1/handoffs/conferences/{conference.pk}/cancel")
    assert status == 200 and body["status"] == Conference.Status.CANCELLED
