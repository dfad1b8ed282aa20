"""The PDCA API: plans, goals with history, logic models; refused to those who may not see the plan."""

import pytest

from renkei.pdca.services.logic_model_files import logic_model_import
from renkei.pdca.services.plans import goal_revise


@pytest.fixture
def imported(staff, municipality, small_file):
    result = logic_model_import(membership=staff, municipality=municipality, data=small_file, file_name="a.csv",
                                fiscal_year=2024)
    goal_revise(membership=staff, plan=result.plan, scene="", text="新しい全体の姿", reason="見直し")
    return result


def _get(client, url, token):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_plans_of_a_municipality(client, api_token_for, staff, imported, municipality):
    response = _get(client, f"/api/v1/plans?municipality={municipality.code}", api_token_for(staff))
    assert response.status_code == 200
    assert [(p["id"], p["term_number"], p["start_fiscal_year"]) for p in response.json()] == [
        (imported.plan.pk, 9, 2024)]


def test_plan_has_current_goals_and_history(client, api_token_for, staff, imported):
    data = _get(client, f"/api/v1/plans/{imported.plan.pk}", api_token_for(staff)).json()
    assert [g["text"] for g in data["goals"]] == ["新しい全体の姿"]
    assert [g["text"] for g in data["goal_history"]] == ["全ての市民が安心して暮らす"]
    assert data["logic_model_revisions"] == [1]


def test_logic_model_has_outcomes_measures_placements_and_indicators(client, api_token_for, staff, imported):
    data = _get(client, f"/api/v1/plans/{imported.plan.pk}/logic-model?revision=1", api_token_for(staff)).json()
    assert len(data["outcomes"]) == 3 and len(data["measures"]) == 3 and len(data["indicators"]) == 4
    repeat = [p for p in data["placements"] if p["is_repeat"]]
    assert [p["number"] for p in repeat] == [4, 5]
    assert repeat[0]["text"] == "多職種研修の実施(※各職種に要相談)"
    assert _get(client, f"/api/v1/plans/{imported.plan.pk}/logic-model?revision=9",
                api_token_for(staff)).status_code == 404


def test_prefecture_staff_read_plans_of_their_municipalities(client, api_token_for, prefecture_staff, imported):
    assert _get(client, f"/api/v1/plans/{imported.plan.pk}", api_token_for(prefecture_staff)).status_code == 200


@pytest.mark.parametrize("who, status", [("other_staff", 403), ("other_prefecture_staff", 403),
                                         ("professional", 403)])
def test_outsiders_are_refused(request, client, api_token_for, imported, who, status):
    token = api_token_for(request.getfixturevalue(who))
    assert _get(client, f"/api/v1/plans/{imported.plan.pk}/logic-model", token).status_code == status
    listed = _get(client, "/api/v1/plans", token)
    assert listed.status_code == 403 or listed.json() == []


def test_missing_plan_is_404_and_anonymous_is_401(client, api_token_for, staff):
    assert _get(client, "/api/v1/plans/999999", api_token_for(staff)).status_code == 404
    assert client.get("/api/v1/plans").status_code == 401
