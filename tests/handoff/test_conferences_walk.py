"""Every conference route and API operation walked as every person of the handoff world."""

import pytest

from renkei.careteams.models import TeamRole
from renkei.core import policy

from .conference_helpers import add_family, invitee_of, propose
from .factories import open_handoff
from .walk import Route, members_of, walk_api, walk_web

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(world):
    family = add_family(world)
    handoff = open_handoff(world)
    conference = propose(world, handoff, extra=[family], notify=False)
    scheduled = propose(world, handoff, notify=False)
    from renkei.handoff.services import conferences as services

    services.conference_schedule(membership=world.discharge_nurse, conference=scheduled,
                                 slot=scheduled.slots.first(), notify=False)
    cm = invitee_of(conference, world.care_manager)
    family_invitee = conference.invitees.select_related("team_member").get(role=TeamRole.FAMILY)
    return world, handoff, conference, scheduled, cm, family_invitee


def test_every_conference_screen_gives_each_person_exactly_what_the_policy_allows(setting):
    world, handoff, conference, scheduled, cm, family = setting
    c = conference.pk
    routes = [
        Route(f"/handoffs/{handoff.pk}/conferences/", "handoff.view_handoff", handoff),
        Route(f"/handoffs/{handoff.pk}/conferences/new/", "handoff.arrange_conference", handoff),
        Route("/handoffs/conferences/mine/", "handoff.list_handoffs"),
        Route(f"/handoffs/conferences/invitations/{cm.pk}/answer/", "handoff.answer_conference", cm),
        Route(f"/handoffs/conferences/invitations/{family.pk}/answer-for/", "handoff.record_conference_answer",
              family),
        Route(f"/handoffs/conferences/{c}/schedule/", "handoff.arrange_conference", conference),
        Route(f"/handoffs/conferences/{c}/hold/", "handoff.arrange_conference", conference),
        Route(f"/handoffs/conferences/{c}/cancel/", "handoff.arrange_conference", conference),
        Route(f"/handoffs/conferences/{scheduled.pk}/calendar.ics", "handoff.view_handoff", scheduled),
    ]
    outcomes = walk_web(routes, members_of(world))
    assert all(outcome == {True, False} for url, outcome in outcomes.items() if "mine" not in url)


def test_the_walk_gives_the_expected_people_each_conference_rule(setting):
    world, handoff, conference, _scheduled, cm, family = setting
    members = members_of(world)

    def who(action, obj):
        return {n for n, m in members.items() if policy.check(m, action, obj)}

    assert who("handoff.arrange_conference", conference) == {"discharge_nurse", "hospital_colleague"}
    assert who("handoff.answer_conference", cm) == {"care_manager"}
    assert who("handoff.record_conference_answer", family) == {
        "care_manager", "doctor", "nurse", "discharge_nurse", "hospital_colleague"}


def test_every_conference_api_operation_refuses_exactly_whom_the_policy_refuses(setting, api_token_for):
    world, handoff, conference, _scheduled, cm, _family = setting
    only_cm = propose(world, handoff, roles=(TeamRole.CARE_MANAGER,), notify=False)
    cm_only_invitee = invitee_of(only_cm, world.care_manager)
    c = conference.pk
    routes = [
        Route(f"/api/v1/handoffs/{handoff.pk}/conferences", "handoff.view_handoff", handoff),
        Route(f"/api/v1/handoffs/{handoff.pk}/conferences", "handoff.arrange_conference", handoff, "post"),
        Route(f"/api/v1/handoffs/conferences/{only_cm.pk}/answers", "handoff.answer_conference", cm_only_invitee,
              "post"),
        Route(f"/api/v1/handoffs/conferences/{c}/schedule", "handoff.arrange_conference", conference, "post"),
        Route(f"/api/v1/handoffs/conferences/{c}/hold", "handoff.arrange_conference", conference, "post"),
        Route(f"/api/v1/handoffs/conferences/{c}/cancel", "handoff.arrange_conference", conference, "post"),
    ]
    walk_api(routes, members_of(world), api_token_for)
    assert cm.pk  # the fixture's invitation stays untouched by the walk's empty bodies
