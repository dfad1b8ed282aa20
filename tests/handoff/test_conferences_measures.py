import pytest

from renkei.careteams.models import TeamRole
from renkei.handoff.models import Handoff
from renkei.handoff.selectors import conferences as selectors
from renkei.handoff.services import conferences as services

from .conference_helpers import add_family, invitee_of, propose
from .factories import build_world, open_handoff

pytestmark = pytest.mark.django_db


def _held(world, *, roles, came, extra=()):
    handoff = open_handoff(world, days_ago=5)
    conference = propose(world, handoff, roles=roles, days=(-1,), extra=extra)
    services.conference_hold(membership=world.discharge_nurse, conference=conference,
                             attended=[i.pk for i in conference.invitees.all() if i.role in came])
    return handoff, conference


def test_participation_counts_invited_and_attended_people_by_profession(world):
    family = add_family(world)
    _held(world, roles=(TeamRole.CARE_MANAGER, TeamRole.VISITING_NURSE, TeamRole.ATTENDING_DOCTOR),
          came={TeamRole.CARE_MANAGER, TeamRole.VISITING_NURSE, TeamRole.FAMILY}, extra=[family])
    result = selectors.participation_by_profession(Handoff.objects.all())
    assert result == {"care_manager": {"invited": 1, "attended": 1}, "visiting_nurse": {"invited": 1, "attended": 1},
                      "doctor": {"invited": 1, "attended": 0}, "family": {"invited": 1, "attended": 1}}


def test_a_cancelled_conference_counts_nowhere_and_a_planned_one_counts_as_invited_only(world):
    handoff = open_handoff(world)
    cancelled = propose(world, handoff)
    services.conference_cancel(membership=world.discharge_nurse, conference=cancelled, notify=False)
    propose(world, handoff, roles=(TeamRole.CARE_MANAGER,))
    assert selectors.participation_by_profession(Handoff.objects.all()) == {
        "care_manager": {"invited": 1, "attended": 0}}
    assert selectors.conferences_without_care_manager(Handoff.objects.all()) == 0


def test_conferences_without_the_care_manager_are_counted(world):
    _held(world, roles=(TeamRole.VISITING_NURSE,), came={TeamRole.VISITING_NURSE})
    assert selectors.conferences_without_care_manager(Handoff.objects.all()) == 1


def test_per_conference_the_care_manager_was_invited_and_attended_or_not(world):
    handoff, conference = _held(world, roles=(TeamRole.CARE_MANAGER, TeamRole.VISITING_NURSE),
                                came={TeamRole.VISITING_NURSE})
    rows = selectors.care_manager_participation(Handoff.objects.all())
    assert rows == [{"conference_id": conference.pk, "handoff_id": handoff.pk, "status": "held", "invited": True,
                     "attended": False}]


def test_the_measures_are_a_few_queries_whatever_the_number_of_handoffs(db, django_assert_max_num_queries):
    for _ in range(3):
        world = build_world()
        handoff = open_handoff(world)
        conference = propose(world, handoff)
        services.slot_answer(membership=world.care_manager, invitee=invitee_of(conference, world.care_manager),
                             answers={conference.slots.first().pk: "yes"})
    handoffs = Handoff.objects.all()
    with django_assert_max_num_queries(3):
        selectors.participation_by_profession(handoffs)
        selectors.conferences_without_care_manager(handoffs)
        selectors.care_manager_participation(handoffs)


def test_a_handoffs_conferences_for_its_page_are_three_queries(world, django_assert_max_num_queries):
    handoff = open_handoff(world)
    for _ in range(4):
        conference = propose(world, handoff)
        services.slot_answer(membership=world.nurse, invitee=invitee_of(conference, world.nurse),
                             answers={s.pk: "maybe" for s in conference.slots.all()})
    with django_assert_max_num_queries(4):
        shown = selectors.conferences_of(handoff)
    assert len(shown) == 4 and all(item["answered"] == 1 and item["invited"] == 3 for item in shown)
    assert shown[0]["slots"][0]["counts"] == {"yes": 0, "maybe": 1, "no": 0}
