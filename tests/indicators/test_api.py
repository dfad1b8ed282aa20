"""The indicators' API: definitions and values in the caller's reach; the anonymous (public) reach."""

import pytest

from renkei.indicators.areas import Area
from renkei.indicators.models import IndicatorPublication
from renkei.indicators.periods import fiscal_year
from renkei.indicators.services.values import value_enter
from renkei.indicators.suppression import suppressed

from .factories import LibraryDefinitionFactory


def _bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def data(places):
    builtin = LibraryDefinitionFactory(code="EOL01", scenes=["end_of_life"], kind="outcome")
    private = LibraryDefinitionFactory(code="H01", owner_municipality=places.home, scenes=["daily_care"],
                                       kind="process")
    city = places.members.city
    for year, deaths in ((2022, 3), (2023, 12), (2024, 15)):
        value_enter(membership=city, definition=builtin, area=Area.of_municipality(places.home),
                    period=fiscal_year(year), numerator=deaths, denominator=100, source_note="人口動態")
    value_enter(membership=city, definition=builtin, area=Area.of_prefecture(places.kyoto),
                period=fiscal_year(2024), numerator=200, denominator=1000)
    value_enter(membership=places.members.other_prefecture, definition=builtin,
                area=Area.of_prefecture(places.tokyo), period=fiscal_year(2024), numerator=5, denominator=100)
    return builtin, private


def test_members_list_the_definitions_they_may_use_filtered(client, places, data, api_token_for):
    token = api_token_for(places.members.city)
    codes = [d["code"] for d in client.get("/api/v1/indicators", **_bearer(token)).json()]
    assert codes == ["EOL01", "H01"]
    by_scene = client.get("/api/v1/indicators", {"scene": "daily_care"}, **_bearer(token)).json()
    assert [(d["code"], d["owner"]) for d in by_scene] == [("H01", "M262013")]
    other = client.get("/api/v1/indicators", **_bearer(api_token_for(places.members.other_city))).json()
    assert [d["code"] for d in other] == ["EOL01"]


def test_an_unknown_scene_is_a_422(client, places, data, api_token_for):
    response = client.get("/api/v1/indicators", {"scene": "moon"}, **_bearer(api_token_for(places.members.city)))
    assert response.status_code == 422 and "scene" in response.json()["errors"]


def test_values_come_with_period_labels_area_origin_and_source(client, places, data, api_token_for):
    response = client.get("/api/v1/indicators/EOL01/values", {"area": "262013", "from": "FY2023", "to": "令和6年度"},
                          **_bearer(api_token_for(places.members.doctor)))
    assert response.status_code == 200
    rows = response.json()
    assert [(r["period"], r["label"], r["area"], r["numerator"], r["value"]) for r in rows] == [
        ("FY2023", "令和5年度", "M262013", 12.0, 12.0), ("FY2024", "令和6年度", "M262013", 15.0, 15.0)]
    assert rows[0]["origin"] == "entered" and rows[0]["source"] == "人口動態" and rows[0]["area_name"] == "福知山市"


def test_values_of_another_prefecture_are_not_returned(client, places, data, api_token_for):
    rows = client.get("/api/v1/indicators/EOL01/values", **_bearer(api_token_for(places.members.city))).json()
    assert {r["area"] for r in rows} == {"M262013", "P26"}
    tokyo = client.get("/api/v1/indicators/EOL01/values", **_bearer(api_token_for(places.members.other_prefecture)))
    assert {r["area"] for r in tokyo.json()} == {"P13"}


def test_another_municipalitys_private_code_is_a_404(client, places, data, api_token_for):
    token = api_token_for(places.members.other_city)
    assert client.get("/api/v1/indicators/H01/values", **_bearer(token)).status_code == 404
    assert client.get("/api/v1/indicators/H01/values",
                      **_bearer(api_token_for(places.members.city))).status_code == 200


@pytest.mark.parametrize("query", [{"area": "X1"}, {"area": "M999999"}, {"from": "2024-05"}, {"to": "いつか"},
                                   {"from": "FY2024", "to": "FY2022"}, {"format": "xml"}])
def test_bad_parameters_are_422_with_a_reason(client, places, data, api_token_for, query):
    response = client.get("/api/v1/indicators/EOL01/values", query, **_bearer(api_token_for(places.members.city)))
    assert response.status_code == 422 and response.json()["errors"]


def test_values_download_as_csv(client, places, data, api_token_for):
    response = client.get("/api/v1/indicators/EOL01/values", {"area": "M262013", "format": "csv"},
                          **_bearer(api_token_for(places.members.city)))
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("period,label,area")
    assert lines[1].startswith("FY2022,令和4年度,M262013,福知山市,3.0,100.0,3.0")


def test_anonymous_callers_see_nothing_until_a_municipality_publishes(client, places, data):
    assert client.get("/api/v1/indicators").json() == []
    assert client.get("/api/v1/indicators/EOL01/values").status_code == 404


def test_anonymous_callers_see_published_values_with_small_counts_suppressed(client, places, data):
    IndicatorPublication.objects.create(municipality=places.home, definition=data[0])
    assert [d["code"] for d in client.get("/api/v1/indicators").json()] == ["EOL01"]
    rows = client.get("/api/v1/indicators/EOL01/values").json()
    assert [(r["period"], r["area"], r["numerator"], r["value"]) for r in rows] == [
        ("FY2022", "M262013", "<10", "<10"), ("FY2023", "M262013", 12.0, 12.0), ("FY2024", "M262013", 15.0, 15.0)]
    csv = client.get("/api/v1/indicators/EOL01/values", {"format": "csv"}).content.decode("utf-8-sig")
    assert "FY2022,令和4年度,M262013,福知山市,<10,100.0,<10" in csv


def test_members_see_small_counts_unsuppressed(client, places, data, api_token_for):
    IndicatorPublication.objects.create(municipality=places.home, definition=data[0])
    rows = client.get("/api/v1/indicators/EOL01/values", {"to": "FY2022"},
                      **_bearer(api_token_for(places.members.city))).json()
    assert rows[0]["numerator"] == 3.0


def test_the_suppression_helper_hides_small_counts_and_rates_built_on_them():
    rate = LibraryDefinitionFactory.build(suppression_threshold=10, denominator_label="死亡数")
    count = LibraryDefinitionFactory.build(suppression_threshold=10, denominator_label="")
    never = LibraryDefinitionFactory.build(suppression_threshold=0, denominator_label="")
    assert suppressed({"numerator": 3, "denominator": 100, "value": 3}, rate) == "<10"
    assert suppressed({"numerator": 3, "denominator": 100}, rate, "denominator") == 100
    assert suppressed({"numerator": 10, "value": 10}, rate) == 10
    assert suppressed({"numerator": 0, "value": 0}, rate) == 0
    assert suppressed({"numerator": None, "value": 4}, count) == "<10"
    assert suppressed({"numerator": None, "value": 4}, rate) == 4  # a rate without its count cannot point at anyone
    assert suppressed({"numerator": 2, "value": 2}, never) == 2


def test_an_anonymous_bad_bearer_is_refused(client, places, data):
    assert client.get("/api/v1/indicators", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


@pytest.mark.parametrize("path", ["/api/v1/indicators", "/api/v1/indicators/{code}/values"])
def test_no_generated_indicator_request_answers_with_a_server_error(fuzz_schema, places, data, api_token_for, path):
    from hypothesis import HealthCheck, given, settings

    headers = {"Authorization": f"Bearer {api_token_for(places.members.city)}"}
    operation = fuzz_schema[path]["GET"]
    statuses: list[int] = []

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(case=operation.as_strategy())
    def call(case):
        if "code" in (case.path_parameters or {}):
            case.path_parameters["code"] = "EOL01"  # a real indicator, so that the parameters are what varies
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{case.formatted_path} {case.query}: {response.text}"

    call()
    assert 200 in statuses and 401 not in statuses
