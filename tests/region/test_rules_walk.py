"""Every screen and API operation of the wide-area rules part, walked by every role of the region world: the
status matches the policy's answer (tests/core/test_policy.py leaves region/ routes to the region's walks)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import get_resolver

from renkei.core import policy
from renkei.region.models import CoordinationSurvey
from renkei.region.services.rules import adoption_record
from tests.conftest import client_for
from tests.core.test_policy import walk_url_patterns

from .test_rules_world import ADOPTED, build_rules_world

pytestmark = pytest.mark.django_db
ROLES = ("official", "coordinator", "neighbour_official", "small_town_official", "prefecture", "health_center_staff",
         "other_prefecture", "other_official", "professional", "admin")


@pytest.fixture
def rw():
    rw = build_rules_world()
    rw.adoption = adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, municipality=rw.world.maizuru,
                                  adopted_on=ADOPTED)
    rw.survey = CoordinationSurvey.objects.create(prefecture=rw.world.kyoto, area_group=rw.world.chutan,
                                                  month=dt.date(2024, 5, 1), title="調査")
    return rw


def _routes(rw):
    values = {"rule_set_id": rw.rule.pk, "adoption_id": rw.adoption.pk, "survey_id": rw.survey.pk}
    for route, name, view in walk_url_patterns():
        if not route.startswith("region/rules/"):
            continue
        url = "/" + route
        for key, value in values.items():
            url = url.replace(f"<int:{key}>", str(value))
        assert "<" not in url, route
        yield url, name, view


def test_anonymous_callers_are_sent_to_login(rw):
    for url, _name, _view in _routes(rw):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_each_role_gets_exactly_what_the_policy_allows_on_every_screen(rw):
    factory = RequestFactory()
    outcomes = {}
    for url, name, view in _routes(rw):
        match = get_resolver().resolve(url)
        for role in ROLES:
            membership = getattr(rw.world, role)
            request = factory.get(url)
            request.membership = membership
            try:
                obj = view.policy_get_object(request, **match.kwargs) if view.policy_get_object else None
            except PermissionDenied:  # the loader asks the policy itself (wide_rule_for, survey_for): refused
                obj = None
                allowed = False
            else:
                allowed = policy.check(membership, view.policy_action, obj)
            status = client_for(membership).get(url).status_code
            assert (status == 403) == (not allowed), f"{role} {url} ({view.policy_action}): {status}"
            outcomes.setdefault(name, set()).add(allowed)
    for name in ("region:adoption_add", "region:adoption_end", "region:coordination_survey_new",
                 "region:wide_rule_detail", "region:wide_rules"):
        assert outcomes[name] == {True, False}, name


def test_each_role_gets_what_the_policy_allows_from_the_api(rw, api_token_for):
    for role in ROLES:
        membership = getattr(rw.world, role)
        token = api_token_for(membership)
        for url, action, obj in (("/api/v1/region/rules", "region.view_wide_rules", None),
                                 (f"/api/v1/region/rules/{rw.rule.pk}/measures", "region.view_wide_measures",
                                  rw.rule)):
            status = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code
            assert status == (200 if policy.check(membership, action, obj) else 403), f"{role} {url}: {status}"
