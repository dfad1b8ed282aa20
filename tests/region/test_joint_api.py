import datetime as dt

from django.test import Client

from renkei.region.selectors.joint import visible_projects
from renkei.region.services.joint import joint_project_create

from .joint_factories import build_joint


def _get(token):
    return Client().get("/api/v1/region/joint-projects", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_lists_the_projects_of_a_partner(world, api_token_for):
    joint = build_joint(world)
    response = _get(api_token_for(world.neighbour_official))
    assert response.status_code == 200
    [row] = response.json()
    assert row["id"] == joint.project.pk
    assert row["municipalities"] == [world.fukuchiyama.code, world.maizuru.code]
    assert row["is_active"] is True


def test_the_api_lists_nothing_for_another_prefecture(world, api_token_for):
    build_joint(world)
    response = _get(api_token_for(world.other_prefecture))
    assert response.status_code == 200
    assert response.json() == []


def test_the_list_selector_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    build_joint(world)
    joint_project_create(membership=world.prefecture, name="別の共同事業", lead_municipality=world.ayabe,
                         municipalities=[world.ayabe, world.ine], started_on=dt.date(2024, 4, 1))
    with django_assert_max_num_queries(3):
        rows = list(visible_projects(world.prefecture))
        assert sum(len(p.municipalities.all()) for p in rows) == 4
