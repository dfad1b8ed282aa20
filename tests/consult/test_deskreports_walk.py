"""Every desk set-up and report route, for every person of the desk world: allowed gets its page (or a redirect,
or a 400 for an empty form), refused gets 403 with the refusal logged, anonymous goes to the login page; the API
answers 401 without a token and 403 exactly when the policy refuses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from renkei.core import policy
from renkei.core.models import AuditEntry, Role
from tests.conftest import client_for
from tests.factories import MembershipFactory

from .factories import desk_member


@dataclass(frozen=True)
class Route:
    url: str
    action: str
    obj: Any = None
    method: str = "get"


def people(world) -> dict:
    return {"coordinator": world.coordinator, "official": world.official, "other_official": world.other_official,
            "other_coordinator": world.other_coordinator, "care_manager": world.care_manager,
            "neighbour_coordinator": world.neighbour_coordinator, "prefecture": world.prefecture,
            "admin": world.admin}


def walk(routes: list[Route], members: dict) -> dict[str, set[bool]]:
    outcomes: dict[str, set[bool]] = {}
    for route in routes:
        response = getattr(Client(), route.method)(route.url)
        assert response.status_code == 302 and "/login/" in response["Location"], f"anonymous {route.url}"
        for name, membership in members.items():
            allowed = policy.check(membership, route.action, route.obj)
            refusals = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
            status = getattr(client_for(membership), route.method)(route.url).status_code
            if allowed:
                expected = (200, 302, 400) if route.method == "post" else (200, 302)
                assert status in expected, f"{name} should reach {route.method} {route.url}, got {status}"
            else:
                assert status == 403, f"{name} must be refused {route.method} {route.url}, got {status}"
                assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count() > refusals, \
                    f"{name} {route.url}: refusal not logged"
            outcomes.setdefault(route.url, set()).add(allowed)
    return outcomes


def test_every_person_gets_exactly_the_desk_screens_they_should(world):
    desk, code = world.desk, world.municipality.code
    spare = MembershipFactory(role=Role.COORDINATOR, organization=world.coordinator.organization)
    seat = desk_member(desk, spare)
    routes = [
        Route("/desk/", "core.use_app"),
        Route(f"/desk/new/?municipality={code}", "consult.manage_desk", world.municipality),
        Route(f"/desk/new/?municipality={code}", "consult.manage_desk", world.municipality, method="post"),
        Route(f"/desk/{desk.pk}/", "consult.view_desk", desk),
        Route(f"/desk/{desk.pk}/edit/", "consult.manage_desk", desk),
        Route(f"/desk/{desk.pk}/edit/", "consult.manage_desk", desk, method="post"),
        Route(f"/desk/{desk.pk}/members/", "consult.manage_desk", desk),
        Route(f"/desk/{desk.pk}/members/", "consult.manage_desk", desk, method="post"),
        Route(f"/desk/{desk.pk}/members/{seat.pk}/end/", "consult.manage_desk", desk, method="post"),
        Route(f"/desk/topics/?municipality={code}", "consult.manage_topics", world.municipality),
        Route(f"/desk/topics/?municipality={code}", "consult.manage_topics", world.municipality, method="post"),
        Route(f"/desk/report/?municipality={code}", "consult.view_reports", world.municipality),
        Route(f"/desk/report/export/?municipality={code}&format=xlsx", "consult.view_reports", world.municipality),
        Route(f"/desk/report/export/?municipality={code}&format=csv", "consult.view_reports", world.municipality),
        Route(f"/desk/{desk.pk}/cases/export.xlsx", "consult.export_cases", desk),
    ]
    outcomes = walk(routes, people(world))
    assert all(outcomes[r.url] == {True, False} for r in routes if r.action != "core.use_app")


def test_the_api_refuses_exactly_whom_the_policy_refuses(world, api_token_for):
    url = f"/api/v1/desk/counts?municipality={world.municipality.code}"
    assert Client().get(url).status_code == 401
    for name, membership in people(world).items():
        allowed = policy.check(membership, "consult.view_reports", world.municipality)
        status = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {api_token_for(membership)}").status_code
        assert status == (200 if allowed else 403), name


@pytest.mark.parametrize("name", ["coordinator", "official", "prefecture", "other_official"])
def test_the_landing_page_never_shows_a_case(world, name):
    from .factories import case_received

    case_received(world, number="R7-0042", question="秘密の相談内容", requester_name="山田花子")
    page = client_for(people(world)[name]).get("/desk/").content.decode()
    assert "R7-0042" not in page and "秘密の相談内容" not in page and "山田花子" not in page


def test_without_a_municipality_the_set_up_screens_ask_to_choose_one(world):
    admin_elsewhere = world.admin
    admin_elsewhere.organization.municipality = None
    admin_elsewhere.organization.save()
    for url in ("/desk/new/", "/desk/topics/"):
        response = client_for(admin_elsewhere).get(url)
        assert response.status_code == 400 and "市区町村を選んでください" in response.content.decode()
    assert client_for(world.prefecture).get("/desk/new/").status_code == 403


def test_a_lapsed_membership_is_refused_not_sent_to_a_404(world):
    lapsed = world.other_official
    lapsed.is_active = False
    lapsed.save()
    for url in ("/desk/new/", "/desk/topics/", "/desk/report/", f"/desk/{world.desk.pk}/"):
        assert client_for(lapsed).get(url).status_code == 403, url
