"""Access to a joint project's series, campaign and desk follows membership of the project."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.consult.models import Desk
from renkei.core import policy
from renkei.region.services.joint import joint_project_end
from renkei.training.models import AwarenessActivity, TrainingSeries
from tests.consult.factories import CaseFactory, DeskFactory, desk_member
from tests.training.factories import ActivityFactory, SeriesFactory

from .joint_factories import build_joint


@pytest.fixture
def joint(world):
    return build_joint(world)


@pytest.fixture
def series(world, joint):
    return SeriesFactory(municipality=world.fukuchiyama, joint_project=joint.project)


@pytest.fixture
def activity(world, joint):
    return ActivityFactory(municipality=world.fukuchiyama, joint_project=joint.project)


def _end(world, joint):
    joint_project_end(membership=world.official, project=joint.project,
                      ended_on=timezone.localdate() - dt.timedelta(days=1))


def test_a_partner_municipalitys_staff_run_the_joint_series(world, series):
    assert policy.check(world.neighbour_official, "training.manage_series", series)


def test_the_contractors_coordinator_runs_the_joint_series(joint, series):
    assert policy.check(joint.contractor_coordinator, "training.manage_series", series)


def test_the_contractor_no_longer_runs_the_series_after_the_project_ended(world, joint, series):
    _end(world, joint)
    series = TrainingSeries.objects.select_related("joint_project").get(pk=series.pk)
    assert not policy.check(joint.contractor_coordinator, "training.manage_series", series)
    assert not policy.check(joint.contractor_coordinator, "training.view_series", series)


def test_a_municipality_outside_the_project_does_not_run_the_series(world, series):
    assert not policy.check(world.small_town_official, "training.manage_series", series)


def test_the_partners_series_list_holds_the_joint_series(world, series):
    assert series in policy.scope(world.neighbour_official, "training.view_series", TrainingSeries.objects.all())
    assert series not in policy.scope(world.small_town_official, "training.view_series",
                                      TrainingSeries.objects.all())


def test_the_contractors_list_loses_the_series_after_the_project_ended(world, joint, series):
    assert series in policy.scope(joint.contractor_coordinator, "training.view_series",
                                  TrainingSeries.objects.all())
    _end(world, joint)
    assert series not in policy.scope(joint.contractor_coordinator, "training.view_series",
                                      TrainingSeries.objects.all())


def test_a_partner_municipalitys_staff_run_the_joint_campaign(world, activity):
    assert policy.check(world.neighbour_official, "training.manage_awareness", activity)
    assert activity in policy.scope(world.neighbour_official, "training.manage_awareness",
                                    AwarenessActivity.objects.all())


def test_the_contractor_runs_the_campaign_only_while_the_project_is_active(world, joint, activity):
    assert policy.check(joint.contractor_coordinator, "training.manage_awareness", activity)
    _end(world, joint)
    activity = AwarenessActivity.objects.select_related("joint_project").get(pk=activity.pk)
    assert not policy.check(joint.contractor_coordinator, "training.manage_awareness", activity)


def test_a_partner_municipalitys_staff_set_up_the_joint_desk(world, joint):
    desk = DeskFactory(municipality=world.fukuchiyama, joint_project=joint.project)
    assert policy.check(world.neighbour_official, "consult.manage_desk", desk)
    assert desk in policy.scope(world.neighbour_official, "consult.view_desk", Desk.objects.all())


def test_a_partner_municipality_does_not_read_the_joint_desks_cases_without_a_seat(world, joint):
    desk = DeskFactory(municipality=world.fukuchiyama, joint_project=joint.project)
    case = CaseFactory(desk=desk)
    assert not policy.check(world.neighbour_official, "consult.view_cases", case)
    desk_member(desk, world.neighbour_official)
    assert policy.check(world.neighbour_official, "consult.view_cases", case)


def test_the_contractor_does_not_set_up_the_joint_desk(world, joint):
    desk = DeskFactory(municipality=world.fukuchiyama, joint_project=joint.project)
    assert not policy.check(joint.contractor_coordinator, "consult.manage_desk", desk)


def test_the_partners_training_page_lists_the_joint_series(world, series):
    from renkei.training.selectors.series import year_series

    assert series in year_series(world.neighbour_official, world.maizuru, series.fiscal_year)


def test_the_partners_awareness_list_holds_the_joint_activity(world, activity):
    from renkei.training.selectors.awareness import activities_for_year

    day = activity.date
    rows = activities_for_year(world.neighbour_official, fiscal_year=day.year if day.month >= 4 else day.year - 1,
                               municipality=world.maizuru)
    assert activity in rows
