"""Review: the desk lists and the report page take as many queries with 30 rows as with 3."""

from __future__ import annotations

from renkei.consult.models import DeskMember
from tests.query_counts import queries_of

from .factories import DeskFactory, case_received


def _desks(world, n):
    for _ in range(n):
        desk = DeskFactory(municipality=world.municipality)
        DeskMember.objects.create(desk=desk, membership=world.official)
        case_received(world, days_ago=3)


def _cases(world, n):
    for i in range(n):
        case_received(world, days_ago=i % 40, closed_after_days=(i % 3) * 10 if i % 2 else None)


def test_the_desks_index_does_not_ask_once_per_desk(world, login_as, django_assert_max_num_queries):
    client = login_as(world.official)
    _desks(world, 3)
    few = queries_of(lambda: client.get("/desk/"))
    _desks(world, 27)
    with django_assert_max_num_queries(few):
        assert client.get("/desk/").status_code == 200


def test_the_report_page_and_api_do_not_ask_once_per_case(world, login_as, api_token_for,
                                                          django_assert_max_num_queries):
    client = login_as(world.official)
    token = api_token_for(world.official)
    code = world.municipality.code
    urls = [f"/desk/report/?municipality={code}", f"/api/v1/desk/counts?municipality={code}",
            f"/desk/{world.desk.pk}/members/"]
    _cases(world, 3)
    few = [queries_of(lambda url=url: client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")) for url in urls]
    _cases(world, 27)
    for url, budget in zip(urls, few, strict=True):
        with django_assert_max_num_queries(budget):
            assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
