"""The handoff routes' walk: every person of the world gets exactly what the policy allows (403 otherwise, and
the refusal logged), anonymous callers go to the login page (the API answers 401).

Each part's `test_<part>_walk.py` lists its routes as `Route(url, action, obj)` and calls `walk_web` / `walk_api`.
The people: the patient's care manager, attending doctor and visiting nurse (home side); the admitting hospital's
discharge nurse and a colleague (hospital side); another hospital's nurse, a care manager on no team, municipal
staff, a coordinator, prefecture staff and a system administrator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import Client

from renkei.core import policy
from renkei.core.models import AuditEntry, Organization, Role
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory

from .factories import World, build_world


@dataclass(frozen=True)
class Route:
    url: str
    action: str
    obj: Any = None
    method: str = "get"


def members_of(world: World) -> dict:
    municipality = world.patient.municipality
    coordinator = MembershipFactory(role=Role.COORDINATOR, organization=OrganizationFactory(
        kind=Organization.Kind.MEDICAL_ASSOCIATION, municipality=municipality))
    prefecture = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=municipality.prefecture))
    admin = MembershipFactory(role=Role.SYSTEM_ADMIN, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality))
    return {"care_manager": world.care_manager, "doctor": world.doctor, "nurse": world.nurse,
            "discharge_nurse": world.discharge_nurse, "hospital_colleague": world.hospital_colleague,
            "other_hospital": world.other_hospital_staff, "outsider": world.outsider, "municipal": world.municipal,
            "coordinator": coordinator, "prefecture": prefecture, "admin": admin}


def walk_web(routes: list[Route], members: dict) -> dict[str, set[bool]]:
    """GET (or POST nothing to) each route as each person; returns {url: {allowed…}} so a test can assert that a
    route refuses somebody."""
    outcomes: dict[str, set[bool]] = {}
    for route in routes:
        response = getattr(Client(), route.method)(route.url)
        assert response.status_code == 302 and "/login/" in response["Location"], f"anonymous {route.url}"
        for name, membership in members.items():
            allowed = policy.check(membership, route.action, route.obj)
            refusals = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
            status = getattr(client_for(membership), route.method)(route.url).status_code
            if allowed:
                assert status in (200, 302), f"{name} should reach {route.url} ({route.action}), got {status}"
            else:
                assert status == 403, f"{name} must be refused {route.url} ({route.action}), got {status}"
                assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count() > refusals, \
                    f"{name} {route.url}: refusal not logged"
            outcomes.setdefault(route.url, set()).add(allowed)
    return outcomes


def walk_api(routes: list[Route], members: dict, token_for) -> None:
    """Each API route: 401 without a token; for each person 403 exactly when the policy refuses (a GET answers
    200 when allowed; a POST of an empty body may answer 422 when allowed, never 403)."""
    for route in routes:
        method = route.method.upper()
        body = {} if method == "GET" else {"data": "{}", "content_type": "application/json"}
        assert Client().generic(method, route.url, **body).status_code == 401, f"anonymous {route.url}"
        for name, membership in members.items():
            allowed = policy.check(membership, route.action, route.obj)
            status = Client().generic(method, route.url, HTTP_AUTHORIZATION=f"Bearer {token_for(membership)}",
                                      **body).status_code
            if allowed:
                assert status != 403 and status < 500, f"{name} {method} {route.url}: {status}"
                if method == "GET":
                    assert status == 200, f"{name} GET {route.url}: {status}"
            else:
                assert status in (403, 404), f"{name} must be refused {method} {route.url}, got {status}"


__all__ = ["Route", "build_world", "members_of", "walk_api", "walk_web"]
