"""The series, activity and desk forms offer only the joint projects the member belongs to."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from renkei.consult.desk_forms import DeskForm
from renkei.consult.models import Desk
from renkei.core.models import Organization
from renkei.region.services.joint import joint_project_create
from renkei.training.models import AwarenessActivity, TrainingSeries
from renkei.training.services.series import series_save
from renkei.training.views._awareness_forms import ActivityForm
from renkei.training.views._series_forms import SeriesForm

from .joint_factories import build_joint


@pytest.fixture
def joint(world):
    return build_joint(world)


@pytest.fixture
def foreign(world):
    """A project of 綾部市 and 伊根町 that 福知山市 is not part of."""
    return joint_project_create(membership=world.prefecture, name="別の共同事業", lead_municipality=world.ayabe,
                                municipalities=[world.ayabe, world.ine], started_on=dt.date(2024, 4, 1))


def test_the_series_form_offers_the_members_projects_only(world, joint, foreign):
    form = SeriesForm(instance=TrainingSeries(municipality=world.fukuchiyama), membership=world.official)
    assert list(form.fields["joint_project"].queryset) == [joint.project]


def test_the_series_form_refuses_a_project_the_member_does_not_belong_to(world, joint, foreign):
    form = SeriesForm({"kind": "lecture", "title": "研修", "fiscal_year": 2025, "joint_project": foreign.pk},
                      instance=TrainingSeries(municipality=world.fukuchiyama), membership=world.official)
    assert not form.is_valid()
    assert "joint_project" in form.errors


def test_the_activity_form_refuses_a_project_the_member_does_not_belong_to(world, joint, foreign):
    form = ActivityForm({"kind": "public_lecture", "title": "講座", "date": "2025-10-01",
                         "joint_project": foreign.pk},
                        instance=AwarenessActivity(municipality=world.fukuchiyama), municipality=world.fukuchiyama,
                        membership=world.official)
    assert not form.is_valid()
    assert "joint_project" in form.errors


def test_the_activity_form_accepts_the_members_project(world, joint):
    form = ActivityForm({"kind": "public_lecture", "title": "講座", "date": "2025-10-01",
                         "joint_project": joint.project.pk},
                        instance=AwarenessActivity(municipality=world.fukuchiyama), municipality=world.fukuchiyama,
                        membership=world.neighbour_official)
    assert "joint_project" not in form.errors


def test_the_desk_form_refuses_a_project_the_member_does_not_belong_to(world, joint, foreign):
    operators = Organization.objects.filter(municipality=world.fukuchiyama)
    form = DeskForm({"name": "相談窓口", "joint_project": foreign.pk}, instance=Desk(municipality=world.fukuchiyama),
                    operators=operators, membership=world.official)
    assert not form.is_valid()
    assert "joint_project" in form.errors


def test_the_series_service_refuses_a_project_the_member_does_not_belong_to(world, joint, foreign):
    series = TrainingSeries(municipality=world.fukuchiyama, kind="lecture", title="研修", fiscal_year=2025,
                            joint_project=foreign)
    with pytest.raises(ValidationError):
        series_save(membership=world.official, series=series)
