"""The consent part's screens walked as every person of the access-walk world: exactly who gets what."""

import pytest

from renkei.core import policy
from tests.conftest import client_for

from .walk_world import build_world


@pytest.fixture
def world(db):
    return build_world()


def _routes(world):
    p, consent, glass = world.patient.pk, world.consent.pk, world.break_glass.pk
    return [
        (f"/patients/{p}/consents/", "careteams.view_patient", world.patient),
        (f"/patients/{p}/consents/new/", "careteams.manage_consent", world.patient),
        (f"/patients/{p}/consents/{consent}/withdraw/", "careteams.manage_consent", world.patient),
        (f"/patients/{p}/history/", "careteams.view_access_history", world.patient),
        (f"/patients/{p}/history/pdf/", "careteams.view_access_history", world.patient),
        (f"/patients/{p}/break-glass/", "careteams.break_glass", world.patient),
        ("/patients/break-glass/", "careteams.break_glass", None),
        ("/patients/break-glass/review/", "careteams.review_break_glass", None),
        (f"/patients/break-glass/{glass}/end/", "careteams.end_break_glass", world.break_glass),
    ]


def test_every_consent_screen_gives_each_person_exactly_what_the_policy_allows(world):
    for name, membership in world.members.items():
        client = client_for(membership)
        for url, action, obj in _routes(world):
            allowed = policy.check(membership, action, obj)
            status = client.get(url).status_code
            if allowed:
                assert status in (200, 302), f"{name} should reach {url} but got {status}"
            else:
                assert status == 403, f"{name} must be refused {url} but got {status}"


def test_the_walk_gives_the_expected_people_the_consent_screens(world):
    manage = {n for n, m in world.members.items() if policy.check(m, "careteams.manage_consent", world.patient)}
    breakers = {n for n, m in world.members.items() if policy.check(m, "careteams.break_glass", world.patient)}
    reviewers = {n for n, m in world.members.items() if policy.check(m, "careteams.review_break_glass")}
    assert manage == {"care_manager", "nurse", "doctor"}
    assert {"outsider", "break_glass", "nurse"} <= breakers and not {"city", "coordinator", "admin"} & breakers
    assert reviewers == {"responsible"}


def test_anonymous_people_are_sent_to_log_in(world, client):
    for url, _action, _obj in _routes(world):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
