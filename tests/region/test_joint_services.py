import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry, JointProject, Organization
from renkei.region.services.joint import joint_project_create, joint_project_end, joint_project_save
from tests.factories import OrganizationFactory

from .joint_factories import build_joint

TODAY = timezone.localdate()


def _create(world, **overrides):
    kwargs = {"membership": world.official, "name": "共同研修", "lead_municipality": world.fukuchiyama,
              "municipalities": [world.fukuchiyama, world.maizuru], "started_on": TODAY}
    kwargs.update(overrides)
    return joint_project_create(**kwargs)


def test_a_lead_municipality_creates_a_project_of_its_prefecture(world):
    project = _create(world)
    assert project.prefecture == world.kyoto
    assert set(project.municipalities.values_list("code", flat=True)) == {world.fukuchiyama.code,
                                                                         world.maizuru.code}


def test_creating_a_project_records_its_municipalities_in_the_audit_log(world):
    project = _create(world)
    entries = AuditEntry.objects.filter(object_id=str(project.pk), object_type__icontains="jointproject")
    assert any("municipalities" in (e.changes or {}) for e in entries)


def test_a_municipality_of_another_prefecture_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _create(world, municipalities=[world.fukuchiyama, world.otsu])
    assert "municipalities" in error.value.message_dict


def test_the_lead_must_be_one_of_the_municipalities(world):
    with pytest.raises(ValidationError) as error:
        _create(world, municipalities=[world.maizuru, world.ayabe])
    assert "lead_municipality" in error.value.message_dict


def test_a_contractor_of_another_prefecture_is_refused(world):
    shiga_association = OrganizationFactory(kind=Organization.Kind.MEDICAL_ASSOCIATION, municipality=world.otsu)
    with pytest.raises(ValidationError) as error:
        _create(world, contractor=shiga_association)
    assert "contractor" in error.value.message_dict


def test_staff_of_a_partner_municipality_cannot_create_a_project_led_by_another(world):
    with pytest.raises(PermissionDenied):
        _create(world, membership=world.neighbour_official)


def test_prefecture_staff_create_a_project_for_their_municipalities(world):
    project = _create(world, membership=world.prefecture, lead_municipality=world.maizuru)
    assert project.lead_municipality == world.maizuru


def test_other_prefecture_staff_cannot_create_one_here(world):
    with pytest.raises(PermissionDenied):
        _create(world, membership=world.other_prefecture)


def test_saving_with_an_old_version_raises_a_stale_edit(world):
    project = _create(world)
    old_version = project.version
    fresh = JointProject.objects.get(pk=project.pk)
    fresh.note = "先に保存"
    joint_project_save(membership=world.official, project=fresh, municipalities=[world.fukuchiyama, world.maizuru],
                       expected_version=old_version)
    stale = JointProject.objects.get(pk=project.pk)
    stale.name = "後から保存"
    with pytest.raises(StaleEdit):
        joint_project_save(membership=world.official, project=stale, municipalities=[world.fukuchiyama, world.maizuru],
                           expected_version=old_version)
    assert JointProject.objects.get(pk=project.pk).name == "共同研修"


def test_saving_changes_the_municipalities(world):
    project = _create(world)
    project.name = "共同研修（3市）"
    joint_project_save(membership=world.official, project=project,
                       municipalities=[world.fukuchiyama, world.maizuru, world.ayabe],
                       expected_version=project.version)
    assert JointProject.objects.get(pk=project.pk).municipalities.count() == 3


def test_ending_a_project_sets_its_end_date(world):
    joint = build_joint(world)
    ended = joint_project_end(membership=world.official, project=joint.project, ended_on=TODAY)
    assert ended.ended_on == TODAY


def test_a_project_cannot_end_before_it_started(world):
    joint = build_joint(world)
    with pytest.raises(ValidationError):
        joint_project_end(membership=world.official, project=joint.project,
                          ended_on=joint.project.started_on - dt.timedelta(days=1))
