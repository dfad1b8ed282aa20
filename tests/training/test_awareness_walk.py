"""Every person of the training world on every awareness route: allowed gets 200/302, refused 403 with the refusal
logged, anonymous goes to the login page; the public pages answer everyone."""

import pytest
from django.test import Client
from django.urls import reverse

from renkei.training.services import awareness as services
from tests.conftest import client_for
from tests.handoff.walk import Route, walk_web

from .awareness_helpers import activity_in, data_dir, days, pdf  # noqa: F401 (data_dir: a fixture)

VIEW, MANAGE = "training.view_awareness", "training.manage_awareness"


def _people(world) -> dict:
    return {"official": world.official, "coordinator": world.coordinator, "neighbour": world.neighbour_official,
            "prefecture": world.prefecture, "other_prefecture": world.other_prefecture,
            "professional": world.professional, "admin": world.admin}


@pytest.mark.usefixtures("data_dir")
def test_every_person_gets_what_the_policy_allows_on_the_staff_routes(world):
    activity = activity_in(world, date=days(-1))
    material = services.material_add(membership=world.official, activity=activity, title="資料", is_public=False,
                                     upload=pdf())
    link = services.survey_link_issue(membership=world.official, activity=activity).link
    code = world.municipality.code
    routes = [
        Route(reverse("training:awareness_list"), VIEW),
        Route(reverse("training:awareness_export") + f"?municipality={code}", VIEW),
        Route(reverse("training:awareness_create") + f"?municipality={code}", MANAGE, world.municipality),
        Route(reverse("training:awareness_reach") + f"?municipality={code}", VIEW, world.municipality),
        Route(reverse("training:awareness_detail", args=[activity.pk]), VIEW, activity),
        Route(reverse("training:awareness_edit", args=[activity.pk]), MANAGE, activity),
        Route(reverse("training:awareness_material_upload", args=[activity.pk]), MANAGE, activity),
        Route(reverse("training:awareness_material_download", args=[material.pk]), VIEW, material),
        Route(reverse("training:awareness_material_delete", args=[material.pk]), MANAGE, material),
        Route(reverse("training:awareness_survey", args=[activity.pk]), MANAGE, activity),
        Route(reverse("training:awareness_survey_deactivate", args=[link.pk]), MANAGE, link),
        Route(reverse("training:awareness_responses_enter", args=[activity.pk]), MANAGE, activity),
    ]
    outcomes = walk_web(routes, _people(world))
    assert all(outcome == {True, False} for outcome in outcomes.values())


@pytest.mark.usefixtures("data_dir")
def test_the_public_pages_answer_everyone_including_staff(world):
    activity = activity_in(world)
    material = services.material_add(membership=world.official, activity=activity, title="チラシ", is_public=True,
                                     upload=pdf())
    token = services.survey_link_issue(membership=world.official, activity=activity).token
    code = world.municipality.code
    urls = [reverse("events:calendar", args=[code]), reverse("events:calendar_ics", args=[code]),
            reverse("events:awareness_material", args=[material.pk]),
            reverse("events:awareness_answer", args=[token]), f"/api/v1/events?municipality={code}"]
    for client in [Client(), *(client_for(m) for m in _people(world).values())]:
        for url in urls:
            assert client.get(url).status_code == 200, url


def test_the_list_and_calendar_selectors_make_few_queries(world, django_assert_max_num_queries):
    from renkei.training.selectors import awareness as selectors

    for n in range(12):
        activity_in(world, title=f"講座{n}", date=days(n + 1), daily_living_area=world.areas[n % 3])
    with django_assert_max_num_queries(3):
        rows = list(selectors.activities_for_year(world.official, fiscal_year=selectors.fiscal_year_of(days(1)),
                                                  municipality=world.municipality))
        [row.daily_living_area for row in rows]
    with django_assert_max_num_queries(3):
        upcoming, past = selectors.calendar_split(world.municipality)
        [selectors.public_fields(a) for a in upcoming]
    with django_assert_max_num_queries(2):
        selectors.reach_by_area(world.municipality, first_year=2024, last_year=2026)


def test_the_calendar_page_and_feed_cost_the_same_few_queries_for_many_activities(world,
                                                                                 django_assert_max_num_queries):
    for n in range(15):
        activity_in(world, title=f"講座{n}", date=days(n + 1))
    with django_assert_max_num_queries(8):
        assert Client().get(reverse("events:calendar", args=[world.municipality.code])).status_code == 200
    with django_assert_max_num_queries(8):
        assert Client().get("/api/v1/events", {"municipality": world.municipality.code}).status_code == 200
