"""The surveys routes walked by every person of the training world: allowed gets 200/302, refused 403 (logged),
anonymous goes to the login page; the API answers 401 without a token."""

from __future__ import annotations

from django.test import Client

from renkei.core import policy
from renkei.core.models import AuditEntry
from renkei.training.models import Instrument
from tests.conftest import client_for

from .factories import builtin_instrument


def members(world) -> dict:
    return {"official": world.official, "coordinator": world.coordinator, "neighbour": world.neighbour_official,
            "prefecture": world.prefecture, "other_prefecture": world.other_prefecture,
            "professional": world.professional, "admin": world.admin}


def routes(world) -> list[tuple[str, str, object]]:
    own = Instrument.objects.create(municipality=world.municipality, code="own-1", name="独自の尺度")
    series = world.series
    return [
        ("/training/instruments/", "training.view_instruments", None),
        (f"/training/instruments/{builtin_instrument().pk}/", "training.view_instruments", builtin_instrument()),
        (f"/training/instruments/{own.pk}/", "training.view_instruments", own),
        (f"/training/series/{series.pk}/surveys/", "training.view_participants", series),
        (f"/training/series/{series.pk}/surveys/enter/", "training.manage_series", series),
        (f"/training/series/{series.pk}/effect/", "training.view_series", series),
    ]


def test_every_person_gets_what_the_policy_allows_on_the_survey_screens(world):
    outcomes = {}
    for url, action, obj in routes(world):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
        for name, membership in members(world).items():
            allowed = policy.check(membership, action, obj)
            refusals = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
            status = client_for(membership).get(url).status_code
            if allowed:
                assert status == 200, f"{name} should reach {url}, got {status}"
            else:
                assert status == 403, f"{name} must be refused {url}, got {status}"
                assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count() > refusals
            outcomes.setdefault(url, set()).add(allowed)
    assert all(seen == {True, False} for seen in outcomes.values())


def test_the_effect_api_follows_the_same_rule(world, api_token_for):
    url = f"/api/v1/training/series/{world.series.pk}/effect"
    assert Client().get(url).status_code == 401
    for name, membership in members(world).items():
        status = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {api_token_for(membership)}").status_code
        expected = 200 if policy.check(membership, "training.view_series", world.series) else 403
        assert status == expected, name
    assert Client().get(url.replace(str(world.series.pk), "999999"),
                        HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.official)}").status_code == 404


def test_the_links_page_logs_the_read_of_participant_names(world):
    from .factories import RegistrationFactory

    RegistrationFactory(series=world.series, name="佐藤一郎")
    response = client_for(world.coordinator).get(f"/training/series/{world.series.pk}/surveys/")
    assert "佐藤一郎" in response.content.decode()
    entry = AuditEntry.objects.filter(action="read").latest("pk")
    assert entry.permission == "training.view_participants"


def test_a_member_of_another_municipality_cannot_issue_links(world):
    response = client_for(world.neighbour_official).post(f"/training/series/{world.series.pk}/surveys/",
                                                         {"phase": "post"})
    assert response.status_code == 403
