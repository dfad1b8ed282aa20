"""Recording and ending adoptions, creating a survey: refusals with clear messages, audit entries."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renkei.core.models import AuditEntry
from renkei.region.models import CoordinationSurvey, RuleAdoption
from renkei.region.services.rules import adoption_end, adoption_record, coordination_survey_create

from .test_rules_world import ADOPTED, RULE_FROM, build_rules_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw():
    return build_rules_world()


def test_a_municipality_records_its_adoption_and_the_write_is_audited(rw):
    adoption = adoption_record(membership=rw.world.official, rule_set=rw.rule, municipality=rw.world.fukuchiyama,
                               adopted_on=ADOPTED)
    assert adoption.recorded_by == rw.world.official
    assert AuditEntry.objects.filter(action="create", object_type__icontains="ruleadoption",
                                     object_id=str(adoption.pk)).exists()


def test_a_municipality_outside_the_area_is_refused_with_its_name(rw):
    with pytest.raises(ValidationError) as error:
        adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, municipality=rw.world.ine,
                        adopted_on=ADOPTED)
    assert "伊根町はこのルールの圏域に含まれません" in " ".join(error.value.messages)
    assert not RuleAdoption.objects.exists()


def test_a_hospital_outside_the_area_is_refused(rw):
    with pytest.raises(ValidationError) as error:
        adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, hospital=rw.ine_hospital,
                        adopted_on=ADOPTED)
    assert "圏域にありません" in " ".join(error.value.messages)


def test_a_second_open_adoption_by_the_same_municipality_is_refused(rw):
    adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, municipality=rw.world.maizuru,
                    adopted_on=ADOPTED)
    with pytest.raises(ValidationError) as error:
        adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, municipality=rw.world.maizuru,
                        adopted_on=ADOPTED + dt.timedelta(days=30))
    assert "すでに記録されています" in " ".join(error.value.messages)
    assert RuleAdoption.objects.count() == 1


def test_an_adoption_before_the_rule_took_effect_is_refused(rw):
    with pytest.raises(ValidationError) as error:
        adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, municipality=rw.world.ayabe,
                        adopted_on=RULE_FROM - dt.timedelta(days=1))
    assert "施行日" in " ".join(error.value.messages)


def test_an_adoption_years_ahead_is_refused(rw):
    with pytest.raises(ValidationError):
        adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, municipality=rw.world.ayabe,
                        adopted_on=dt.date.today() + dt.timedelta(days=800))


def test_choosing_both_a_municipality_and_a_hospital_is_refused(rw):
    with pytest.raises(ValidationError):
        adoption_record(membership=rw.world.prefecture, rule_set=rw.rule, municipality=rw.world.ayabe,
                        hospital=rw.hospital, adopted_on=ADOPTED)


def test_a_municipality_cannot_record_its_neighbours_adoption(rw):
    with pytest.raises(PermissionDenied):
        adoption_record(membership=rw.world.official, rule_set=rw.rule, municipality=rw.world.maizuru,
                        adopted_on=ADOPTED)


def test_ending_an_adoption_before_it_started_is_refused_and_a_proper_end_is_kept(rw):
    adoption = adoption_record(membership=rw.world.official, rule_set=rw.rule, municipality=rw.world.fukuchiyama,
                               adopted_on=ADOPTED)
    with pytest.raises(ValidationError) as error:
        adoption_end(membership=rw.world.official, adoption=adoption, ended_on=ADOPTED - dt.timedelta(days=1))
    assert "採用日以降" in " ".join(error.value.messages)
    adoption_end(membership=rw.world.official, adoption=adoption, ended_on=ADOPTED + dt.timedelta(days=100))
    adoption.refresh_from_db()
    assert adoption.ended_on == ADOPTED + dt.timedelta(days=100)


def test_after_an_adoption_ended_the_municipality_may_adopt_a_new_version(rw):
    from renkei.handoff.services.rules import NATIONAL_STEPS, rule_set_create

    adoption = adoption_record(membership=rw.world.official, rule_set=rw.rule, municipality=rw.world.fukuchiyama,
                               adopted_on=ADOPTED)
    adoption_end(membership=rw.world.official, adoption=adoption, ended_on=ADOPTED + dt.timedelta(days=10))
    version2 = rule_set_create(membership=rw.world.prefecture, name=rw.rule.name, area_kind="area_group",
                               area_group=rw.world.chutan, effective_from=ADOPTED,
                               steps=[dict(s) for s in NATIONAL_STEPS])
    again = adoption_record(membership=rw.world.official, rule_set=version2, municipality=rw.world.fukuchiyama,
                            adopted_on=ADOPTED + dt.timedelta(days=20))
    assert again.rule_set.version == 2


def test_a_survey_is_created_for_the_first_of_its_month(rw):
    survey = coordination_survey_create(membership=rw.world.prefecture, prefecture=rw.world.kyoto,
                                        area_group=rw.world.chutan, month=dt.date(2024, 5, 17), title="中丹 調査")
    assert survey.month == dt.date(2024, 5, 1)


def test_a_survey_for_another_prefectures_area_group_is_refused(rw):
    from tests.factories import AreaGroupFactory

    shiga_group = AreaGroupFactory(name="大津医療圏", prefecture=rw.world.shiga)
    with pytest.raises(ValidationError):
        coordination_survey_create(membership=rw.world.prefecture, prefecture=rw.world.kyoto,
                                   area_group=shiga_group, month=dt.date(2024, 5, 1), title="x")
    assert not CoordinationSurvey.objects.exists()
