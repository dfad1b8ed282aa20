"""Every series route and API operation, walked as every person of the training world: the municipality's
official, coordinator and an administrator run it; the prefecture's staff read it; a neighbour's official, another
prefecture's staff and a care manager are refused (logged); anonymous callers go to the login page."""

import pytest

from tests.handoff.walk import Route, walk_api, walk_web

from .factories import RegistrationFactory, attended

pytestmark = pytest.mark.django_db

VIEW, MANAGE, PARTICIPANTS = "training.view_series", "training.manage_series", "training.view_participants"


def members(world) -> dict:
    return {"official": world.official, "coordinator": world.coordinator, "admin": world.admin,
            "prefecture": world.prefecture, "neighbour_official": world.neighbour_official,
            "other_prefecture": world.other_prefecture, "professional": world.professional}


def test_every_person_gets_exactly_the_series_screens_they_should(world):
    series, held, later = world.series, world.first_session, world.second_session
    registration = RegistrationFactory(series=series)
    attended(registration, held)
    code = world.municipality.code
    routes = [
        Route("/training/", VIEW),
        Route(f"/training/?municipality={code}", VIEW, world.municipality),
        Route(f"/training/?municipality={code}&fy=2025", VIEW, world.municipality),
        Route(f"/training/series/new/?municipality={code}", MANAGE, world.municipality),
        Route(f"/training/series/{series.pk}/", VIEW, series),
        Route(f"/training/series/{series.pk}/edit/", MANAGE, series),
        Route(f"/training/series/{series.pk}/sessions/new/", MANAGE, series),
        Route(f"/training/sessions/{later.pk}/edit/", MANAGE, later),
        Route(f"/training/sessions/{later.pk}/cancel/", MANAGE, later),
        Route(f"/training/series/{series.pk}/participants/", PARTICIPANTS, series),
        Route(f"/training/series/{series.pk}/participants/facilities/?q=クリニック", MANAGE, series),
        Route(f"/training/sessions/{held.pk}/attendance/", MANAGE, held),
        Route(f"/training/registrations/{registration.pk}/certificate/", PARTICIPANTS, registration),
        Route(f"/training/series/{series.pk}/certificates/", PARTICIPANTS, series),
        Route(f"/training/reach/?municipality={code}", VIEW, world.municipality),
        Route(f"/training/export/?municipality={code}&fy=2026", VIEW, world.municipality),
    ]
    outcomes = walk_web(routes, members(world))
    assert outcomes[f"/training/series/{series.pk}/"] == {True, False}
    assert outcomes[f"/training/series/{series.pk}/participants/"] == {True, False}
    assert later.__class__.objects.get(pk=later.pk).status == "scheduled"  # the walk only looks


def test_the_prefectures_staff_read_the_series_but_never_see_participants(world):
    from renkei.core import policy

    assert policy.check(world.prefecture, VIEW, world.series)
    assert not policy.check(world.prefecture, MANAGE, world.series)
    assert not policy.check(world.prefecture, PARTICIPANTS, world.series)


def test_every_person_gets_exactly_the_series_api_they_should(world, api_token_for):
    code = world.municipality.code
    walk_api([Route(f"/api/v1/training/series?municipality={code}&fiscal_year=2026", VIEW, world.municipality)],
             members(world), api_token_for)
