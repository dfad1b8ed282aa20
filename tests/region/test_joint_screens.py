import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.core.models import JointProject
from renkei.region.demo import joint as joint_demo
from renkei.training.models import Attendance, TrainingSeries
from tests.conftest import client_for
from tests.training.factories import SeriesFactory

from .joint_factories import build_joint


@pytest.fixture
def joint(world):
    return build_joint(world)


def test_the_list_shows_the_members_projects(world, joint):
    response = client_for(world.neighbour_official).get(reverse("region:joint_list"))
    assert response.status_code == 200
    assert joint.project.name in response.content.decode()


def test_the_list_does_not_show_a_project_to_an_outsider(world, joint):
    response = client_for(world.small_town_official).get(reverse("region:joint_list"))
    assert response.status_code == 200
    assert joint.project.name not in response.content.decode()


def test_the_detail_links_the_joint_series_for_a_partner(world, joint):
    series = SeriesFactory(municipality=world.fukuchiyama, joint_project=joint.project)
    response = client_for(world.neighbour_official).get(reverse("region:joint_detail", args=[joint.project.pk]))
    assert response.status_code == 200
    assert reverse("training:series_detail", args=[series.pk]) in response.content.decode()


def test_the_detail_is_refused_to_an_outsider(world, joint):
    response = client_for(world.other_official).get(reverse("region:joint_detail", args=[joint.project.pk]))
    assert response.status_code == 403


def test_the_lead_creates_a_project_on_the_screen(world):
    response = client_for(world.official).post(reverse("region:joint_new"), {
        "name": "共同の相談窓口", "lead_municipality": world.fukuchiyama.pk,
        "municipalities": [world.fukuchiyama.pk, world.ayabe.pk], "started_on": timezone.localdate().isoformat()})
    project = JointProject.objects.get(name="共同の相談窓口")
    assert response.status_code == 302
    assert project.municipalities.count() == 2


def test_an_edit_from_an_old_version_gets_the_conflict_screen(world, joint):
    url = reverse("region:joint_edit", args=[joint.project.pk])
    data = {"name": "改名", "lead_municipality": world.fukuchiyama.pk,
            "municipalities": [world.fukuchiyama.pk, world.maizuru.pk],
            "started_on": joint.project.started_on.isoformat(), "version": joint.project.version}
    client = client_for(world.official)
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "name": "二度目"})
    assert response.status_code == 409
    assert JointProject.objects.get(pk=joint.project.pk).name == "改名"


def test_a_partner_cannot_end_the_project(world, joint):
    response = client_for(world.neighbour_official).post(reverse("region:joint_end", args=[joint.project.pk]),
                                                         {"ended_on": timezone.localdate().isoformat()})
    assert response.status_code == 403
    assert JointProject.objects.get(pk=joint.project.pk).ended_on is None


def test_the_demo_builds_one_joint_series_of_three_cities_once(world):
    assert joint_demo.build(world.fukuchiyama)
    project = JointProject.objects.get(name=joint_demo.PROJECT_NAME)
    assert project.municipalities.count() == 3
    series = TrainingSeries.objects.get(joint_project=project)
    assert Attendance.objects.filter(session__series=series).exists()
    assert joint_demo.build(world.fukuchiyama) == []
