import datetime as dt

import pytest
from django.utils import timezone

from renkei.core import policy
from renkei.core.joint_projects import in_joint_project
from renkei.core.models import JointProject
from renkei.region.services.joint import joint_project_end

from .joint_factories import build_joint

VIEW, MANAGE = "region.view_joint_projects", "region.manage_joint_projects"


@pytest.fixture
def joint(world):
    return build_joint(world)


@pytest.mark.parametrize("who", ["official", "neighbour_official", "coordinator", "prefecture",
                                 "health_center_staff", "admin"])
def test_project_members_and_the_prefecture_read_the_project(world, joint, who):
    assert policy.check(getattr(world, who), VIEW, joint.project)


@pytest.mark.parametrize("who", ["small_town_official", "other_prefecture", "other_official", "professional"])
def test_outsiders_do_not_read_the_project(world, joint, who):
    assert not policy.check(getattr(world, who), VIEW, joint.project)


def test_the_contractors_coordinator_reads_the_project_while_it_is_active(world, joint):
    assert policy.check(joint.contractor_coordinator, VIEW, joint.project)


def test_the_contractors_coordinator_no_longer_belongs_after_the_project_ended(world, joint):
    joint_project_end(membership=world.official, project=joint.project,
                      ended_on=timezone.localdate() - dt.timedelta(days=1))
    joint.project.refresh_from_db()
    assert not in_joint_project(joint.contractor_coordinator, joint.project)


@pytest.mark.parametrize("who, allowed", [("official", True), ("neighbour_official", False), ("coordinator", False),
                                          ("prefecture", True), ("other_prefecture", False), ("admin", True)])
def test_the_lead_municipalitys_staff_and_the_prefecture_manage_the_project(world, joint, who, allowed):
    assert policy.check(getattr(world, who), MANAGE, joint.project) is allowed


def test_the_list_holds_only_projects_the_member_belongs_to(world, joint):
    scoped = policy.scope(world.small_town_official, VIEW, JointProject.objects.all())
    assert list(scoped) == []
    assert list(policy.scope(world.neighbour_official, VIEW, JointProject.objects.all())) == [joint.project]
    assert list(policy.scope(joint.contractor_coordinator, VIEW, JointProject.objects.all())) == [joint.project]
    assert list(policy.scope(world.other_prefecture, VIEW, JointProject.objects.all())) == []
