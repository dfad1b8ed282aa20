"""The desk world and the desk's rules at their simplest: only the desk's members read its cases."""

from renkei.consult.models import Case, Topic
from renkei.core import policy

from .factories import case_received


def test_the_national_topics_are_seeded(world):
    assert Topic.objects.filter(municipality=None, code="find_home_doctor").exists()


def test_only_the_desks_members_see_its_cases(world):
    case = case_received(world)
    for member in (world.coordinator, world.official):
        assert policy.check(member, "consult.view_cases", case)
        assert list(policy.scope(member, "consult.view_cases", Case.objects.all())) == [case]
    for outsider in (world.other_official, world.other_coordinator, world.care_manager, world.neighbour_coordinator,
                     world.prefecture, world.admin):
        assert not policy.check(outsider, "consult.view_cases", case)
        assert not policy.scope(outsider, "consult.view_cases", Case.objects.all()).exists()


def test_counts_are_for_the_municipality_and_its_prefecture(world):
    for reader in (world.official, world.other_official, world.other_coordinator, world.prefecture, world.admin):
        assert policy.check(reader, "consult.view_reports", world.municipality)
    assert not policy.check(world.care_manager, "consult.view_reports", world.municipality)
    assert not policy.check(world.neighbour_coordinator, "consult.view_reports", world.municipality)
