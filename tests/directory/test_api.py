"""GET /api/v1/facilities and /api/v1/facilities/{id}: residents, professionals, sorting, errors, fuzz."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings

from renkei.api import api
from renkei.core import policy
from renkei.core.models import Role
from renkei.directory.models import CollaborationAttribute, OpeningHours

from ..factories import FacilityFactory, set_details

OPENAPI = api.get_openapi_schema(path_prefix="/api/v1/")
FACILITY_PATHS = ["/api/v1/facilities", "/api/v1/facilities/{facility_id}"]



@pytest.fixture
def professional(make_membership):
    return make_membership(Role.PROFESSIONAL, profession="doctor")


@pytest.fixture
def professional_attribute(db):
    return CollaborationAttribute.objects.filter(visibility="professional", value_type="yes_no").first()


@pytest.fixture
def clinic(municipality, professional_attribute):
    facility = FacilityFactory(municipality=municipality, name="福知山医院", kana="フクチヤマイイン",
                               departments="|内科|")
    OpeningHours.objects.create(facility=facility, weekday=0, opens=dt.time(9), closes=dt.time(12))
    set_details(facility, scheduled_home_visit=True, **{professional_attribute.code: True})
    return facility


def _bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _detail_codes(item):
    return {d["code"] for c in item["collaboration"] for d in c["details"]}


def test_an_anonymous_resident_gets_public_fields_without_professional_details(client, clinic,
                                                                              professional_attribute):
    response = client.get("/api/v1/facilities", {"q": "ふくちやま"})
    assert response.status_code == 200
    item = response.json()["items"][0]
    assert (item["name"], item["departments"], item["hours"]) == (
        "福知山医院", ["内科"], [{"weekday": 0, "opens": "09:00", "closes": "12:00"}])
    assert _detail_codes(item) == {"scheduled_home_visit"}


def test_a_professional_with_a_token_also_gets_professional_details(client, clinic, professional,
                                                                   professional_attribute, api_token_for):
    response = client.get("/api/v1/facilities", {"q": "fukuchiyama"}, **_bearer(api_token_for(professional)))
    assert response.status_code == 200
    assert _detail_codes(response.json()["items"][0]) == {"scheduled_home_visit", professional_attribute.code}


def test_a_session_without_its_second_factor_is_served_as_a_resident(client, clinic, professional,
                                                                    professional_attribute):
    client.force_login(professional.user)
    response = client.get(f"/api/v1/facilities/{clinic.pk}")
    assert response.status_code == 200
    assert professional_attribute.code not in _detail_codes(response.json())


def test_a_logged_in_session_gets_professional_details(clinic, professional, professional_attribute, login_as):
    response = login_as(professional).get(f"/api/v1/facilities/{clinic.pk}")
    assert professional_attribute.code in _detail_codes(response.json())


def test_an_unknown_bearer_token_is_refused_rather_than_served_as_anonymous(client, clinic):
    assert client.get("/api/v1/facilities", **_bearer("rk_nothing")).status_code == 401


def test_results_around_a_point_are_sorted_by_distance(client, municipality):
    FacilityFactory(municipality=municipality, name="遠い", latitude=35.35, longitude=135.1264)
    FacilityFactory(municipality=municipality, name="近い", latitude=35.30, longitude=135.1264)
    FacilityFactory(municipality=municipality, name="圏外", latitude=35.60, longitude=135.1264)
    body = client.get("/api/v1/facilities", {"lat": "35.2966", "lon": "135.1264", "radius_km": "16"}).json()
    assert [i["name"] for i in body["items"]] == ["近い", "遠い"]
    assert [i["distance_km"] for i in body["items"]] == sorted(i["distance_km"] for i in body["items"])
    assert body["count"] == 2 and body["center"]["quality"] == "point"


def test_a_resident_cannot_filter_by_a_professional_only_attribute(client, clinic, professional_attribute):
    response = client.get("/api/v1/facilities", {"capability": professional_attribute.code})
    assert response.status_code == 422
    assert "専門職" in response.json()["errors"]["capability"]


def test_a_professional_can_filter_by_a_professional_only_attribute(client, clinic, professional,
                                                                   professional_attribute, api_token_for):
    response = client.get("/api/v1/facilities", {"capability": professional_attribute.code},
                          **_bearer(api_token_for(professional)))
    assert [i["name"] for i in response.json()["items"]] == ["福知山医院"]


@pytest.mark.parametrize(("query", "field", "english"), [
    ({"radius_km": "500", "lat": "35.3", "lon": "135.1"}, "radius_km", "at most 100 km"),
    ({"kind": "castle"}, "kind", "Unknown kind"),
    ({"open_at": "soon"}, "open_at", "ISO date"),
    ({"lat": "60", "lon": "135"}, "lat", "in Japan"),
    ({"limit": "1000"}, "limit", "whole number"),
])
def test_a_bad_parameter_is_a_422_with_japanese_and_english(client, db, query, field, english):
    response = client.get("/api/v1/facilities", query)
    assert response.status_code == 422
    message = response.json()["errors"][field]
    japanese, _, in_english = message.partition(" / ")
    assert japanese and english in in_english


def test_an_address_that_places_nowhere_is_a_422_with_a_clear_message(client, municipality):
    response = client.get("/api/v1/facilities", {"near": "架空の町"})
    assert response.status_code == 422
    assert response.json()["errors"]["near"].startswith("住所から位置を特定できませんでした")


def test_a_closed_facility_is_returned_with_its_status(client, municipality):
    facility = FacilityFactory(municipality=municipality, status="closed")
    response = client.get(f"/api/v1/facilities/{facility.pk}")
    assert response.status_code == 200
    assert response.json()["status"] == "closed" and response.json()["is_open"] is None


@pytest.mark.parametrize("facility_id", ["999999", str(2**63), "0"])
def test_a_missing_facility_is_a_404(client, db, facility_id):
    assert client.get(f"/api/v1/facilities/{facility_id}").status_code == 404


def test_is_open_follows_open_at(client, clinic):
    monday = client.get("/api/v1/facilities", {"open_at": "2026-11-30T10:00"}).json()["items"]
    assert [i["is_open"] for i in monday] == [True]
    evening = client.get("/api/v1/facilities", {"q": "福知山"}).json()["items"][0]
    assert evening["is_open"] in (True, False)


def test_the_facility_operations_ask_the_policy_and_are_marked_public():
    from renkei.directory.api import get_facility, list_facilities

    for view in (list_facilities, get_facility):
        assert view.policy_action == "directory.view" and view.policy_public is True


def test_api_public_lets_anonymous_callers_through_but_asks_the_policy_for_members(professional, monkeypatch):
    monkeypatch.setitem(policy._rules, "test.directory_api_never",
                        policy.Rule("test.directory_api_never", lambda membership, obj: False))

    @policy.api_public("test.directory_api_never")
    def operation(request):
        return "done"

    request = RequestFactory().get("/")
    request.membership = None
    assert operation(request) == "done"
    request.membership = professional
    with pytest.raises(PermissionDenied):
        operation(request)


# --- fuzz --------------------------------------------------------------------------------------------------



@pytest.mark.parametrize("path", FACILITY_PATHS)
def test_no_generated_facility_request_answers_with_a_server_error(fuzz_schema, clinic, path):
    operation = fuzz_schema[path]["GET"]
    statuses: list[int] = []

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(case=operation.as_strategy())
    def call(case):
        response = case.call()
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{case.formatted_path} {case.query}: {response.text}"

    call()
    # Generated Authorization headers are refused (401); requests without one reach the operation.
    assert any(status != 401 for status in statuses)


def test_residents_see_when_a_detail_was_confirmed_but_not_by_whom(client, clinic, professional, api_token_for):
    def confirmers(response):
        return {d["confirmed_by"] for c in response.json()["collaboration"] for d in c["details"]}

    assert confirmers(client.get(f"/api/v1/facilities/{clinic.pk}")) == {""}
    staff_view = client.get(f"/api/v1/facilities/{clinic.pk}", **_bearer(api_token_for(professional)))
    assert "" not in confirmers(staff_view)


def test_japanese_is_sent_as_utf8_not_as_escapes(client, clinic):
    response = client.get("/api/v1/facilities", {"q": "ふくちやま"})
    assert response["Content-Type"].startswith("application/json")
    assert "福知山医院".encode() in response.content
    assert b"\\u" not in response.content


def test_the_list_is_rendered_in_the_declared_shape_and_agrees_with_the_facility_operation(
        client, clinic, professional, api_token_for):
    from renkei.directory.api import FacilityListOut

    for headers in ({}, _bearer(api_token_for(professional))):
        listed = client.get("/api/v1/facilities", {"q": "福知山"}, **headers).json()
        assert FacilityListOut.model_validate(listed).model_dump(mode="json") == listed
        single = client.get(f"/api/v1/facilities/{clinic.pk}", **headers).json()
        assert listed["items"] == [single]
    assert OPENAPI["paths"]["/api/v1/facilities"]["get"]["responses"][200]["content"]["application/json"][
        "schema"]["$ref"].endswith("/FacilityListOut")


def test_a_page_of_the_list_takes_a_bounded_number_of_queries(client, municipality, django_assert_max_num_queries):
    for n in range(30):
        facility = FacilityFactory(municipality=municipality, name=f"福知山第{n}医院", kana=f"フクチヤマダイ{n}イイン")
        OpeningHours.objects.create(facility=facility, weekday=0, opens=dt.time(9), closes=dt.time(12))
    client.get("/api/v1/facilities", {"q": "福知山"})
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/facilities", {"q": "福知山"})
    assert response.json()["count"] == 30 and all(item["hours"] for item in response.json()["items"])
