"""The JSON API: schema, authentication, the policy on each operation, and a schema-driven fuzz."""

import pytest
from hypothesis import HealthCheck, given, settings

from renkei.api import api
from renkei.core.models import AuditEntry, Organization, Role

from ..factories import DailyLivingAreaFactory, MunicipalityFactory, OrganizationFactory

OPENAPI = api.get_openapi_schema(path_prefix="/api/v1/")
GET_PATHS = sorted(path for path, operations in OPENAPI["paths"].items() if "get" in operations)


def _bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def professional(make_membership):
    return make_membership(Role.PROFESSIONAL, profession="doctor")


@pytest.fixture
def admin(make_membership, municipal_office):
    return make_membership(Role.SYSTEM_ADMIN, organization=municipal_office)


def test_the_openapi_schema_is_served_and_lists_core_operations(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/v1/me", "/api/v1/prefectures", "/api/v1/municipalities", "/api/v1/municipalities/{code}",
                 "/api/v1/organizations", "/api/v1/audit"]:
        assert "get" in paths[path]
    assert set(response.json()["components"]["securitySchemes"]) == {"SessionWithTwoFactor", "BearerToken"}


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/municipalities", "/api/v1/organizations", "/api/v1/audit"])
def test_anonymous_calls_are_refused_with_401(client, db, path):
    assert client.get(path).status_code == 401


def test_an_unknown_bearer_token_is_refused_with_401(client, db):
    assert client.get("/api/v1/me", **_bearer("rk_nothing")).status_code == 401


def test_a_bearer_token_acts_for_its_membership(client, professional, api_token_for):
    response = client.get("/api/v1/me", **_bearer(api_token_for(professional)))
    assert response.status_code == 200
    assert response.json() == {
        "email": professional.user.email,
        "display_name": professional.user.display_name,
        "membership": {"id": professional.pk, "organization_id": professional.organization_id,
                       "organization_name": professional.organization.name, "role": "professional",
                       "profession": "doctor"},
    }


def test_a_token_of_an_ended_membership_is_refused(client, professional, api_token_for):
    token = api_token_for(professional)
    professional.is_active = False
    professional.save()
    assert client.get("/api/v1/me", **_bearer(token)).status_code == 401


def test_a_logged_in_session_without_its_second_factor_is_refused(client, professional):
    client.force_login(professional.user)
    assert client.get("/api/v1/me").status_code == 401


def test_a_logged_in_session_with_its_second_factor_is_accepted(professional, login_as):
    response = login_as(professional).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["membership"]["id"] == professional.pk


def test_the_audit_log_is_forbidden_to_a_professional(client, professional, api_token_for):
    response = client.get("/api/v1/audit", **_bearer(api_token_for(professional)))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE, permission="core.view_audit",
                                     membership_id_value=professional.pk).exists()


def test_the_audit_log_is_open_to_a_system_admin(client, admin, api_token_for):
    token = api_token_for(admin)
    response = client.get("/api/v1/audit", **_bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == AuditEntry.objects.count() > 0
    assert [item["seq"] for item in body["items"]] == sorted((item["seq"] for item in body["items"]), reverse=True)


@pytest.mark.parametrize("query", ["ふくちやま", "フクチヤマ", "ﾌｸﾁﾔﾏ", "福知山", "26201", "262013"])
def test_municipalities_are_found_by_kana_in_either_script_by_name_and_by_code(
        client, professional, api_token_for, municipality, other_municipality, query):
    response = client.get("/api/v1/municipalities", {"q": query}, **_bearer(api_token_for(professional)))
    assert response.status_code == 200
    assert [m["code"] for m in response.json()["items"]] == ["262013"]


def test_a_municipality_is_returned_by_its_six_or_five_digit_code(client, professional, api_token_for, municipality):
    token = api_token_for(professional)
    by_six = client.get("/api/v1/municipalities/262013", **_bearer(token)).json()
    by_five = client.get("/api/v1/municipalities/26201", **_bearer(token)).json()
    assert by_six == by_five
    assert (by_six["name"], by_six["prefecture_code"], by_six["parent_code"]) == ("福知山市", "26", None)


def test_an_unknown_municipality_code_is_a_404(client, professional, api_token_for, db):
    assert client.get("/api/v1/municipalities/999999", **_bearer(api_token_for(professional))).status_code == 404


def test_organizations_are_filtered_by_municipality(client, professional, api_token_for, municipality,
                                                    other_municipality, municipal_office):
    OrganizationFactory(name="舞鶴診療所", municipality=other_municipality)
    response = client.get("/api/v1/organizations", {"municipality": "262013", "kind": "municipality_office"},
                          **_bearer(api_token_for(professional)))
    assert [o["name"] for o in response.json()["items"]] == ["福知山市役所"]


# --- property-based fuzz over every GET operation ---------------------------------------------------



@pytest.fixture
def fuzz_data(municipality, other_municipality, municipal_office):
    """A little of everything so that generated requests reach real rows, not only empty lists."""
    ward_city = MunicipalityFactory(jis_code="26100", name="京都市", kana="キョウトシ", kind="designated_city")
    MunicipalityFactory(jis_code="26101", name="京都市北区", kana="キョウトシキタク", kind="ward", parent=ward_city)
    DailyLivingAreaFactory(municipality=municipality, name="中央圏域", kana="ちゅうおう")
    for kind in Organization.Kind.values:
        OrganizationFactory(kind=kind, municipality=municipality)


@pytest.mark.parametrize("path", GET_PATHS)
def test_no_get_operation_answers_with_a_server_error(fuzz_schema, fuzz_data, admin, api_token_for, path):
    headers = {"Authorization": f"Bearer {api_token_for(admin)}"}
    operation = fuzz_schema[path]["GET"]
    statuses: list[int] = []

    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(case=operation.as_strategy())
    def call(case):
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.text}"

    call()
    # The token was accepted on every generated request: the fuzz reached the operations themselves.
    assert statuses
    assert 401 not in statuses


@pytest.mark.parametrize("query", [{"limit": 2**63}, {"offset": 2**63}, {"limit": 0}, {"offset": -1}])
def test_out_of_range_paging_is_a_422_not_a_server_error(client, professional, api_token_for, query):
    response = client.get("/api/v1/municipalities", query, **_bearer(api_token_for(professional)))
    assert response.status_code == 422


def test_organizations_are_found_by_kana_as_typed_in_katakana(client, professional, api_token_for, municipality):
    OrganizationFactory(name="大江記念病院", kana="オオエキネンビョウイン", municipality=municipality)
    response = client.get("/api/v1/organizations", {"q": "オオエ"}, **_bearer(api_token_for(professional)))
    assert [o["name"] for o in response.json()["items"]] == ["大江記念病院"]


@pytest.mark.django_db
def test_api_errors_explain_themselves_in_japanese_by_default(client, professional, api_token_for):
    anonymous = client.get("/api/v1/me")
    assert anonymous.status_code == 401
    assert "ログイン" in anonymous.json()["detail"]
    invalid = client.get("/api/v1/municipalities", {"limit": 0}, **_bearer(api_token_for(professional)))
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["loc"][-1] == "limit"
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"].startswith("Log in")
