"""Every rules route and API operation, walked as every person of the world (403 exactly where the policy
refuses, logged; anonymous to the login page or 401)."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.handoff.models import ClosedDay
from renkei.handoff.services import rules as services

from .rules_helpers import municipal_rule
from .walk import Route, members_of, walk_api, walk_web

pytestmark = pytest.mark.django_db

VIEW, MANAGE, CLOSED = "handoff.view_rules", "handoff.manage_rules", "handoff.manage_closed_days"


def _things(world):
    municipality = world.patient.municipality
    rule = municipal_rule(world.municipal, municipality)
    national = services.national_defaults()
    future = ClosedDay.objects.create(municipality=municipality, date=timezone.localdate() + dt.timedelta(days=40),
                                      name="創立記念日")
    return municipality, rule, national, future


def test_every_person_gets_exactly_the_rules_screens_they_should(world):
    municipality, rule, national, future = _things(world)
    routes = [
        Route("/handoffs/rules/", VIEW),
        Route(f"/handoffs/rules/{rule.pk}/", VIEW, rule),
        Route(f"/handoffs/rules/{rule.pk}/?admitted_at=2026-12-25T19:00&planned_discharge_on=2027-01-10", VIEW,
              rule),
        Route(f"/handoffs/rules/{national.pk}/", VIEW, national),
        Route("/handoffs/rules/new/", MANAGE),
        Route("/handoffs/rules/new/?template=fukui", MANAGE),
        Route(f"/handoffs/rules/{rule.pk}/new-version/", MANAGE, rule),
        Route(f"/handoffs/rules/{national.pk}/new-version/", MANAGE, national),
        Route("/handoffs/rules/closed-days/", VIEW),
        Route(f"/handoffs/rules/closed-days/?municipality={municipality.pk}", VIEW),
        Route(f"/handoffs/rules/closed-days/{municipality.pk}/add/", CLOSED, municipality),
        Route(f"/handoffs/rules/closed-days/day/{future.pk}/remove/", CLOSED, future),
    ]
    outcomes = walk_web(routes, members_of(world))
    assert outcomes[f"/handoffs/rules/{rule.pk}/new-version/"] == {True, False}
    assert outcomes[f"/handoffs/rules/closed-days/{municipality.pk}/add/"] == {True, False}
    assert outcomes["/handoffs/rules/"] == {True}
    assert ClosedDay.objects.filter(pk=future.pk).exists()  # the walk only looks (GET)


def test_every_person_gets_exactly_the_rules_api_operations_they_should(world, api_token_for):
    municipality, rule, national, future = _things(world)
    routes = [
        Route("/api/v1/handoffs/rules", VIEW),
        Route(f"/api/v1/handoffs/rules/{rule.pk}", VIEW, rule),
        Route(f"/api/v1/handoffs/rules/applicable?municipality={municipality.code}&on=2026-12-01", VIEW),
        Route("/api/v1/handoffs/rules", MANAGE, None, "post"),
        Route(f"/api/v1/handoffs/closed-days?municipality={municipality.code}", VIEW),
        Route("/api/v1/handoffs/closed-days", CLOSED, municipality, "post"),
    ]
    walk_api(routes, members_of(world), api_token_for)
