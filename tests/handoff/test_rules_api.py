"""The rules API: applicable first, the applicable rule for a code and a day, writing a version, closed days."""

import datetime as dt
import json

import pytest
from django.test import Client

from renkei.handoff.models import ClosedDay, RuleSet

from .rules_helpers import municipal_rule

pytestmark = pytest.mark.django_db


def api(token, method, url, body=None):
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return Client().generic(method, f"/api/v1{url}", **kwargs)


def test_the_list_starts_with_the_rule_that_applies_to_the_caller(world, api_token_for):
    rule = municipal_rule(world.municipal, world.patient.municipality, effective_from=dt.date(2024, 4, 1))
    rows = api(api_token_for(world.care_manager), "GET", "/handoffs/rules").json()
    assert rows[0]["id"] == rule.pk and rows[0]["applies_to_me"] is True
    assert rows[0]["steps"][1]["sentence_ja"].startswith("病院が、退院予定日の7日前まで")
    assert rows[-1]["area_kind"] == "national"


def test_the_applicable_rule_for_a_code_respects_the_effective_date(world, api_token_for):
    municipality = world.patient.municipality
    municipal_rule(world.municipal, municipality, effective_from=dt.date(2027, 4, 1))
    token = api_token_for(world.care_manager)
    before = api(token, "GET", f"/handoffs/rules/applicable?municipality={municipality.code}&on=2027-03-31").json()
    after = api(token, "GET", f"/handoffs/rules/applicable?municipality={municipality.code}&on=2027-04-01").json()
    assert (before["area_kind"], after["area_kind"]) == ("national", "municipality")
    assert api(token, "GET", "/handoffs/rules/applicable?municipality=999999").status_code == 404


def test_municipal_staff_post_a_new_version_and_bad_steps_answer_422(world, api_token_for):
    first = municipal_rule(world.municipal, world.patient.municipality)
    token = api_token_for(world.municipal)
    step = {"key": "discharge_notice", "actor": "hospital", "anchor": "planned_discharge", "offset_days": -3,
            "counts_for_missed": True}
    created = api(token, "POST", "/handoffs/rules", {"previous": first.pk, "name": "v2",
                                                     "effective_from": "2026-04-01", "steps": [step]})
    assert created.status_code == 201, created.content
    assert created.json()["version"] == 2
    bad = api(token, "POST", "/handoffs/rules", {"previous": first.pk, "name": "v3", "effective_from": "2026-04-01",
                                                 "steps": [{**step, "anchor": "discharge", "offset_days": 1}]})
    assert bad.status_code == 422 and "steps" in bad.json()["errors"]
    assert RuleSet.objects.filter(municipality=world.patient.municipality).count() == 2


def test_closed_days_through_the_api(world, api_token_for):
    municipality = world.patient.municipality
    token = api_token_for(world.municipal)
    added = api(token, "POST", "/handoffs/closed-days", {"date": "2027-12-29", "last": "2027-12-31",
                                                         "name": "年末年始"})
    assert added.status_code == 201 and len(added.json()) == 3
    listed = api(api_token_for(world.care_manager), "GET",
                 f"/handoffs/closed-days?municipality={municipality.code}&since=2027-01-01").json()
    assert [d["date"] for d in listed] == ["2027-12-29", "2027-12-30", "2027-12-31"]
    refused = api(api_token_for(world.care_manager), "POST", "/handoffs/closed-days", {"date": "2027-05-01"})
    assert refused.status_code == 403
    assert ClosedDay.objects.filter(municipality=municipality).count() == 3
