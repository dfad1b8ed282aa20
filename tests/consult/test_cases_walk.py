"""The case routes' walk: the desk's coordinator and official reach every route; everybody else of the world
(the municipality's other official and coordinator, a care manager, the neighbouring desk's coordinator, the
prefecture's staff, a system administrator) is refused with a logged refusal; anonymous callers go to login."""

from __future__ import annotations

from django.urls import reverse

from tests.handoff.walk import Route, walk_web

from .case_helpers import recorded


def people(world) -> dict:
    return {"coordinator": world.coordinator, "official": world.official, "other_official": world.other_official,
            "other_coordinator": world.other_coordinator, "care_manager": world.care_manager,
            "neighbour_coordinator": world.neighbour_coordinator, "prefecture": world.prefecture,
            "admin": world.admin}


def test_every_case_route_admits_the_desk_and_refuses_everybody_else(world):
    case = recorded(world)
    desk = world.desk
    routes = [
        Route(reverse("consult:case_list", args=[desk.pk]), "consult.view_cases", desk),
        Route(reverse("consult:case_create", args=[desk.pk]), "consult.record_case", desk),
        Route(reverse("consult:case_facility_search", args=[desk.pk]) + "?q=クリニック", "consult.record_case", desk),
        Route(reverse("consult:case_detail", args=[case.pk]), "consult.view_cases", case),
        Route(reverse("consult:case_edit", args=[case.pk]), "consult.record_case", case),
        Route(reverse("consult:case_action", args=[case.pk]), "consult.record_case", case),
        Route(reverse("consult:case_resources", args=[case.pk]), "consult.record_case", case),
        Route(reverse("consult:case_facility_search_for_case", args=[case.pk]) + "?q=a", "consult.record_case",
              case),
        Route(reverse("consult:case_close", args=[case.pk]), "consult.record_case", case),
        Route(reverse("consult:case_reopen", args=[case.pk]), "consult.record_case", case),
        Route(reverse("consult:case_patient", args=[case.pk]), "consult.record_case", case),
        Route(reverse("consult:case_raise_issue", args=[case.pk]), "consult.record_case", case),
    ]
    outcomes = walk_web(routes, people(world))
    assert all(seen == {True, False} for seen in outcomes.values())


def test_the_other_desks_coordinator_is_refused_the_neighbours_case_in_both_directions(world, login_as):
    case = recorded(world)
    response = login_as(world.neighbour_coordinator).get(reverse("consult:case_detail", args=[case.pk]))
    assert response.status_code == 403


def test_a_missing_case_is_404_not_500(world, login_as):
    client = login_as(world.coordinator)
    assert client.get("/desk/cases/999999/").status_code == 404
    assert client.get("/desk/cases/99999999999999999999/").status_code == 404
    assert client.get("/desk/999999/cases/").status_code == 404


def test_a_lapsed_desk_member_is_refused_every_case_route_with_a_logged_refusal(world, login_as):
    from renkei.core.models import AuditEntry

    case = recorded(world)
    world.coordinator.is_active = False
    world.coordinator.save()
    client = login_as(world.coordinator)
    urls = [reverse("consult:case_list", args=[world.desk.pk]), reverse("consult:case_create", args=[world.desk.pk]),
            reverse("consult:case_detail", args=[case.pk]), reverse("consult:case_close", args=[case.pk])]
    before = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
    assert [client.get(url).status_code for url in urls] == [403] * len(urls)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count() == before + len(urls)


def test_anonymous_posts_go_to_login(world):
    from django.test import Client

    case = recorded(world)
    response = Client().post(reverse("consult:case_close", args=[case.pk]), {"outcome": "resolved"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_case_pages_offer_no_link_that_answers_403_or_500(world, login_as):
    import re

    case = recorded(world)
    from renkei.consult.services import cases as services

    services.case_resources_suggest(membership=world.coordinator, case=case, facility_ids=[world.clinic_a.pk])
    services.case_issue_raise(membership=world.coordinator, case=case, title="課題", description="",
                              scene="daily_care", expected_version=case.version)
    for member in (world.coordinator, world.official):
        client = login_as(member)
        for page in (reverse("consult:case_list", args=[world.desk.pk]),
                     reverse("consult:case_detail", args=[case.pk])):
            html = client.get(page).content.decode()
            links = {h for h in re.findall(r'href="(/[^"]*)"', html)
                     if not h.startswith(("/static/", "/logout/", "/api/")) and "/break-glass/" not in h}
            for link in links:
                status = client.get(link).status_code
                assert status not in (403, 500), f"{page} links {link}: {status}"
