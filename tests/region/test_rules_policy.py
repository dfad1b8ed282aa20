"""Who reads the wide-area rules and their measures, who records adoptions and surveys."""

import pytest

from renkei.core import policy
from renkei.handoff.models import RuleSet
from renkei.region.models import CoordinationSurvey, RuleAdoption

from .test_rules_world import ADOPTED, build_rules_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw():
    return build_rules_world()


def test_prefecture_health_center_and_municipal_staff_of_the_prefecture_read_the_wide_rule(rw):
    w = rw.world
    for member in (w.prefecture, w.health_center_staff, w.official, w.coordinator, w.small_town_official):
        assert policy.check(member, "region.view_wide_rules", rw.rule), member
        assert policy.check(member, "region.view_wide_measures", rw.rule), member


def test_another_prefecture_and_professionals_do_not_read_the_wide_rule(rw):
    w = rw.world
    for member in (w.other_prefecture, w.other_official, w.professional):
        assert not policy.check(member, "region.view_wide_rules", rw.rule), member
        assert not policy.check(member, "region.view_wide_measures", rw.rule), member


def test_the_list_scope_holds_only_wide_rules_of_the_viewers_prefecture(rw):
    w = rw.world
    own = RuleSet.objects.create(name="福知山市ルール", area_kind="municipality", municipality=w.fukuchiyama,
                                 effective_from=ADOPTED)
    shiga = RuleSet.objects.create(name="滋賀県ルール", area_kind="prefecture", prefecture=w.shiga,
                                   effective_from=ADOPTED)
    seen = set(policy.scope(w.official, "region.view_wide_rules", RuleSet.objects.all()))
    assert rw.rule in seen and own not in seen and shiga not in seen
    assert set(policy.scope(w.other_prefecture, "region.view_wide_rules", RuleSet.objects.all())) == {shiga}


def test_municipal_staff_record_only_their_own_municipalitys_adoption(rw):
    w = rw.world
    own = RuleAdoption(rule_set=rw.rule, municipality=w.fukuchiyama, adopted_on=ADOPTED)
    neighbour = RuleAdoption(rule_set=rw.rule, municipality=w.maizuru, adopted_on=ADOPTED)
    assert policy.check(w.official, "region.manage_adoptions", own)
    assert not policy.check(w.official, "region.manage_adoptions", neighbour)
    assert not policy.check(w.coordinator, "region.manage_adoptions", own)


def test_prefecture_staff_record_any_adoption_of_their_prefecture_including_hospitals(rw):
    w = rw.world
    hospital = RuleAdoption(rule_set=rw.rule, hospital=rw.hospital, adopted_on=ADOPTED)
    assert policy.check(w.prefecture, "region.manage_adoptions", hospital)
    assert policy.check(w.health_center_staff, "region.manage_adoptions", hospital)
    assert not policy.check(w.other_prefecture, "region.manage_adoptions", hospital)
    assert not policy.check(w.official, "region.manage_adoptions", hospital)


def test_only_the_prefectures_staff_manage_its_coordination_surveys(rw):
    w = rw.world
    survey = CoordinationSurvey(prefecture=w.kyoto, month=ADOPTED, title="調査")
    assert policy.check(w.prefecture, "region.manage_coordination_surveys", survey)
    assert not policy.check(w.official, "region.manage_coordination_surveys", survey)
    assert not policy.check(w.other_prefecture, "region.manage_coordination_surveys", survey)
