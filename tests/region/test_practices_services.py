"""practice_save / publish / withdraw / copy: versions, offers of the author's own, and 横展開 of each kind."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry
from renkei.handoff.models import RuleSet
from renkei.pdca.models import LogicModel, LogicModelTemplate
from renkei.region.models import Practice, PracticeCopy, SourceKind
from renkei.region.services.practices import (
    PracticeError,
    practice_copy,
    practice_publish,
    practice_save,
    practice_withdraw,
)
from tests.pdca.factories import PlanPeriodFactory

from .practices_helpers import logic_model_of, offer, practice, rule_of, template_of


def entries_for(obj) -> int:
    return AuditEntry.objects.filter(object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
                                     object_id=str(obj.pk)).count()


def test_a_new_practice_is_a_draft_written_by_the_member(world):
    written = practice(world.official)
    assert written.status == Practice.Status.DRAFT
    assert written.written_by == world.official
    assert written.prefecture == world.kyoto


def test_publishing_sets_the_status_and_the_date(world):
    published = practice(world.official, status="published")
    assert published.status == Practice.Status.PUBLISHED
    assert published.published_at is not None


def test_withdrawing_keeps_the_practice_but_marks_it(world):
    published = practice(world.official, status="published")
    withdrawn = practice_withdraw(membership=world.official, practice=published)
    assert Practice.objects.get(pk=withdrawn.pk).status == Practice.Status.WITHDRAWN


def test_a_stale_edit_is_refused(world):
    written = practice(world.official)
    stale = Practice.objects.get(pk=written.pk)
    written.title = "新しい題名"
    practice_save(membership=world.official, practice=written, expected_version=written.version)
    stale.title = "古い題名からの変更"
    with pytest.raises(StaleEdit):
        practice_save(membership=world.official, practice=stale, expected_version=1)
    assert Practice.objects.get(pk=written.pk).title == "新しい題名"


def test_a_practice_without_title_or_with_an_unknown_item_is_refused_in_both_languages(world):
    with pytest.raises(PracticeError) as error:
        practice(world.official, title=" ", items=("z",))
    assert "題名を入力してください。 / Write a title." in error.value.messages
    assert any("unknown program items" in message for message in error.value.messages)


def test_another_municipalitys_staff_cannot_edit_a_practice(world):
    written = practice(world.official)
    written.title = "乗っ取り"
    with pytest.raises(PermissionDenied):
        practice_save(membership=world.neighbour_official, practice=written)


def test_only_the_authors_own_objects_can_be_offered(world):
    maizuru_model = logic_model_of(world.maizuru)
    with pytest.raises(PracticeError) as error:
        practice(world.official, offer=offer(SourceKind.LOGIC_MODEL, maizuru_model))
    assert any("author's own" in message for message in error.value.messages)


def test_copying_a_logic_model_makes_a_draft_revision_of_the_copiers_plan_and_keeps_the_source(world):
    source = logic_model_of(world.fukuchiyama)
    shared = practice(world.official, status="published", offer=offer(SourceKind.LOGIC_MODEL, source))
    plan = PlanPeriodFactory(municipality=world.maizuru, start_fiscal_year=2024, end_fiscal_year=2029)
    before = (source.measures.count(), source.outcomes.count(), entries_for(source))
    copy = practice_copy(membership=world.neighbour_official, practice=shared)
    made = LogicModel.objects.get(pk=copy.copy_id)
    assert made.plan == plan and made.status == LogicModel.Status.DRAFT
    assert [m.text for m in made.measures.all()] == [m.text for m in source.measures.all()]
    assert (source.measures.count(), source.outcomes.count(), entries_for(source)) == before
    assert (copy.source_kind, copy.source_id, copy.municipality, copy.copied_by) == (
        SourceKind.LOGIC_MODEL, source.pk, world.maizuru, world.neighbour_official)
    assert entries_for(copy) == 1


def test_a_logic_model_copied_without_a_plan_becomes_a_template_of_the_municipality(world):
    source = logic_model_of(world.fukuchiyama)
    shared = practice(world.official, status="published", offer=offer(SourceKind.LOGIC_MODEL, source))
    copy = practice_copy(membership=world.neighbour_official, practice=shared)
    template = LogicModelTemplate.objects.get(pk=copy.copy_id)
    assert copy.kind_of_copy == SourceKind.FORM_TEMPLATE
    assert template.municipality == world.maizuru
    assert len(template.content["measures"]) == 1


def test_copying_a_rule_makes_a_new_rule_of_the_copier_with_the_same_steps(world):
    source = rule_of(world.official, world.fukuchiyama)
    shared = practice(world.official, status="published", offer=offer(SourceKind.RULE_SET, source))
    copy = practice_copy(membership=world.neighbour_official, practice=shared)
    made = RuleSet.objects.get(pk=copy.copy_id)
    assert made.municipality == world.maizuru and made.area_kind == RuleSet.AreaKind.MUNICIPALITY
    assert [(s.key, s.offset_days) for s in made.steps.all()] == [(s.key, s.offset_days) for s in source.steps.all()]
    assert "福知山市" in made.note
    assert RuleSet.objects.get(pk=source.pk).steps.count() == 2
    assert entries_for(source) == 1  # its creation only


def test_copying_a_prefecture_template_gives_the_municipality_its_own_template(world):
    source = template_of(world.prefecture, logic_model_of(world.fukuchiyama), prefecture=world.kyoto)
    shared = practice(world.prefecture, status="published", offer=offer(SourceKind.FORM_TEMPLATE, source))
    copy = practice_copy(membership=world.small_town_official, practice=shared)
    made = LogicModelTemplate.objects.get(pk=copy.copy_id)
    assert made.municipality == world.ine and made.content == source.content
    assert LogicModelTemplate.objects.get(pk=source.pk).municipality is None


def test_copying_into_another_municipality_is_refused(world):
    source = rule_of(world.official, world.fukuchiyama)
    shared = practice(world.official, status="published", offer=offer(SourceKind.RULE_SET, source))
    with pytest.raises(PermissionDenied):
        practice_copy(membership=world.neighbour_official, practice=shared, municipality=world.ayabe)
    assert not PracticeCopy.objects.exists()


def test_a_draft_cannot_be_copied(world):
    source = rule_of(world.official, world.fukuchiyama)
    draft = practice(world.official, offer=offer(SourceKind.RULE_SET, source))
    with pytest.raises(PermissionDenied):
        practice_copy(membership=world.neighbour_official, practice=draft)


def test_another_prefectures_staff_cannot_copy(world):
    source = rule_of(world.official, world.fukuchiyama)
    shared = practice(world.official, status="published", offer=offer(SourceKind.RULE_SET, source))
    with pytest.raises(PermissionDenied):
        practice_copy(membership=world.other_official, practice=shared)


def test_publishing_checks_again_that_the_offer_exists(world):
    source = logic_model_of(world.fukuchiyama)
    written = practice(world.official, offer=offer(SourceKind.LOGIC_MODEL, source))
    source.delete()
    with pytest.raises(PracticeError):
        practice_publish(membership=world.official, practice=written)
