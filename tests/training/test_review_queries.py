"""Review: the training lists take as many queries with 30 rows as with 3 (no query per row)."""

from __future__ import annotations

import pytest

from renkei.training.models import Phase
from tests.query_counts import queries_of

from .factories import RegistrationFactory, SeriesFactory, SessionFactory, answer, attended, builtin_instrument


def _series(world, n):
    for _ in range(n):
        series = SeriesFactory(municipality=world.municipality, fiscal_year=world.series.fiscal_year,
                               instrument=builtin_instrument())
        SessionFactory(series=series, starts_at=world.first_session.starts_at, status="held")
        SessionFactory(series=series)


def _people(world, n):
    for _ in range(n):
        registration = RegistrationFactory(series=world.series, facility=world.clinic)
        attended(registration, world.first_session)
        answer(registration, Phase.PRE, [2] * 9, text="不安")
        answer(registration, Phase.POST, [3] * 9, text="わかった")


def _assert_flat(world, django_assert_max_num_queries, grow, call):
    grow(world, 3)
    few = queries_of(call)
    grow(world, 27)
    with django_assert_max_num_queries(few):
        assert call().status_code == 200


@pytest.mark.parametrize("path", ["/training/?fy={fy}", "/api/v1/training/series?fiscal_year={fy}"])
def test_the_series_lists_do_not_ask_once_per_series(world, login_as, api_token_for, path,
                                                     django_assert_max_num_queries):
    client = login_as(world.official)
    token = api_token_for(world.official)
    url = path.format(fy=world.series.fiscal_year)
    _assert_flat(world, django_assert_max_num_queries, _series,
                 lambda: client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}"))


@pytest.mark.parametrize("path", ["/training/series/{series}/participants/", "/training/sessions/{session}/attendance/",
                                  "/training/series/{series}/effect/", "/training/series/{series}/surveys/",
                                  "/training/series/{series}/", "/training/reach/?from={fy}&to={fy}"])
def test_the_people_lists_do_not_ask_once_per_participant(world, login_as, path, django_assert_max_num_queries):
    client = login_as(world.official)
    url = path.format(series=world.series.pk, session=world.first_session.pk, fy=world.series.fiscal_year)
    _assert_flat(world, django_assert_max_num_queries, _people, lambda: client.get(url))
