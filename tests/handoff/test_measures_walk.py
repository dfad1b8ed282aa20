"""Every measures route and API operation, for every person of the handoff world."""

import datetime as dt

import pytest

from renkei.handoff import report_areas
from renkei.handoff.models import Baseline

from .walk import Route, build_world, members_of, walk_api, walk_web

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    world = build_world()
    return world, members_of(world)


def test_every_person_gets_exactly_the_measures_screens_they_should(people):
    world, members = people
    municipality = world.patient.municipality
    area = report_areas.of_municipality(municipality)
    baseline = Baseline.objects.create(municipality=municipality, measured_in=dt.date(2015, 5, 1), missed_rate="31.0",
                                       entered_by=world.municipal)
    code = municipality.code
    routes = [
        Route(f"/handoffs/report/?area={code}", "handoff.view_report", area),
        Route(f"/handoffs/report/download/?area={code}&table=hospital", "handoff.view_report", area),
        Route(f"/handoffs/report/download/?area={code}&table=steps", "handoff.view_report", area),
        Route("/handoffs/report/own/", "handoff.view_own_measures"),
        Route("/handoffs/report/own/?format=csv&table=steps", "handoff.view_own_measures"),
        Route(f"/handoffs/report/census/?area={code}", "handoff.import_census", area),
        Route(f"/handoffs/report/census/?area={code}", "handoff.import_census", area, method="post"),
        Route(f"/handoffs/report/baseline/?area={code}", "handoff.import_census", area),
        Route(f"/handoffs/report/baseline/?area={code}", "handoff.import_census", area, method="post"),
    ]
    outcomes = walk_web(routes, members)
    assert all(outcomes[route.url] == {True, False} for route in routes)
    # The prefecture's report: the municipality's officer is refused, the prefecture's staff is not.
    prefecture = report_areas.of_prefecture(municipality.prefecture)
    walk_web([Route(f"/handoffs/report/?area={municipality.prefecture.code}", "handoff.view_report", prefecture)],
             members)
    from renkei.core import policy

    assert not policy.check(members["municipal"], "handoff.view_report", prefecture)
    assert policy.check(members["prefecture"], "handoff.view_report", prefecture)
    del baseline


def test_a_baseline_is_deleted_by_its_region_only(people):
    from renkei.core import policy
    from renkei.core.models import AuditEntry
    from tests.conftest import client_for

    world, members = people
    municipality = world.patient.municipality
    area = report_areas.of_municipality(municipality)
    baseline = Baseline.objects.create(municipality=municipality, measured_in=dt.date(2015, 5, 1), missed_rate="31.0",
                                       entered_by=world.municipal)
    url = f"/handoffs/report/baseline/{baseline.pk}/delete/"
    for name, membership in members.items():
        if policy.check(membership, "handoff.import_census", area):
            continue
        refusals = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
        assert client_for(membership).post(url).status_code == 403, name
        assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count() > refusals
    assert client_for(members["municipal"]).post(url).status_code == 302
    assert not Baseline.objects.exists()


def test_every_person_gets_exactly_the_measures_api_operations_they_should(people, api_token_for):
    world, members = people
    municipality = world.patient.municipality
    area = report_areas.of_municipality(municipality)
    routes = [
        Route(f"/api/v1/handoffs/report?area={municipality.code}", "handoff.view_report", area),
        Route("/api/v1/handoffs/report/own", "handoff.view_own_measures"),
    ]
    walk_api(routes, members, api_token_for)
