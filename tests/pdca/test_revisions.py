"""Logic-model revisions: edits go to a draft, adoption supersedes, two revisions compare by key."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renkei.core.models import AuditEntry
from renkei.pdca.models import LogicModel
from renkei.pdca.selectors.logic_models import logic_model_compare
from renkei.pdca.services import logic_models as lm
from renkei.pdca.services.logic_model_files import logic_model_import


@pytest.fixture
def adopted(staff, municipality, small_file):
    result = logic_model_import(membership=staff, municipality=municipality, data=small_file, file_name="a.csv",
                                fiscal_year=2024)
    return lm.logic_model_adopt(membership=staff, logic_model=result.logic_model)


def test_first_edit_of_an_adopted_revision_starts_the_next_draft(staff, adopted):
    lm.measure_save(membership=staff, plan=adopted.plan, text="新しい施策")
    lm.measure_save(membership=staff, plan=adopted.plan, text="もう一つ")
    assert list(adopted.plan.logic_models.order_by("revision").values_list("revision", "status")) == [
        (1, "adopted"), (2, "draft")]
    assert adopted.measures.count() == 3


def test_adopting_the_draft_supersedes_the_previous(staff, adopted):
    lm.outcome_save(membership=staff, plan=adopted.plan, scene="dementia", text="認知症の人が地域で暮らせる")
    draft = adopted.plan.logic_models.get(revision=2)
    lm.logic_model_adopt(membership=staff, logic_model=draft)
    adopted.refresh_from_db()
    assert adopted.status == LogicModel.Status.SUPERSEDED
    assert "dementia" in adopted.plan.__class__.objects.get(pk=adopted.plan_id).scenes
    with pytest.raises(ValidationError):
        lm.logic_model_adopt(membership=staff, logic_model=adopted)


def test_compare_names_added_removed_and_changed_things(staff, adopted, municipal_office):
    plan = adopted.plan
    measure = adopted.measures.get(text="窓口の明確化")
    lm.measure_save(membership=staff, plan=plan, key=measure.key, text="窓口の一本化", status="in_progress",
                    lead_organizations=[municipal_office])
    lm.measure_remove(membership=staff, plan=plan, key=adopted.measures.get(text="多職種研修の実施").key)
    new_outcome = lm.outcome_save(membership=staff, plan=plan, scene="emergency", text="急変時に支援を受けられる")
    added = lm.measure_save(membership=staff, plan=plan, text="救急隊との連携")
    lm.placement_add(membership=staff, plan=plan, measure_key=added.key, outcome_key=new_outcome.key)
    lm.indicator_save(membership=staff, plan=plan, outcome_key=new_outcome.key, label="多職種連携ケース数")
    comparison = logic_model_compare(adopted, plan.logic_models.get(revision=2))
    assert [c.label for c in comparison.of("measure", "added")] == ["救急隊との連携"]
    assert [c.label for c in comparison.of("measure", "removed")] == ["多職種研修の実施"]
    changed = comparison.of("measure", "changed")[0]
    assert changed.fields["text"] == ("窓口の明確化", "窓口の一本化")
    assert changed.fields["status"] == ("planned", "in_progress")
    assert changed.fields["lead_organizations"] == ("", municipal_office.name)
    assert [c.label for c in comparison.of("outcome", "added")] == ["急変時に支援を受けられる"]
    assert [c.label for c in comparison.of("indicator", "added")] == ["多職種連携ケース数"]
    # The removed measure's two rows are gone; the rows below moved up.
    assert {c.label.split(" ")[1] for c in comparison.of("placement", "removed")} == {"多職種研修の実施",
                                                                                    "多職種研修の実施(※各職種に要相談)"}
    assert any(c.fields.get("number") for c in comparison.of("placement", "changed"))


def test_removing_the_first_listing_makes_the_next_one_the_first(staff, adopted):
    plan = adopted.plan
    lm.placement_remove(membership=staff, plan=plan, number=2)
    draft = plan.logic_models.get(revision=2)
    assert list(draft.placements.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4]
    moved = draft.placements.get(number=3)
    assert moved.measure.text == "多職種研修の実施" and not moved.is_repeat


def test_indicator_links_only_to_definitions_the_municipality_sees(staff, adopted, other_municipality):
    from renkei.indicators.models import IndicatorDefinition

    own = IndicatorDefinition.objects.create(code="X1", name_ja="在宅看取り数", kind="outcome",
                                             owner_municipality=adopted.plan.municipality)
    foreign = IndicatorDefinition.objects.create(code="X2", name_ja="他市の指標", kind="outcome",
                                                 owner_municipality=other_municipality)
    outcome = adopted.outcomes.get(scene="end_of_life")
    row = lm.indicator_save(membership=staff, plan=adopted.plan, outcome_key=outcome.key, label="看取り",
                            definition=own)
    assert row.definition == own
    with pytest.raises(ValidationError):
        lm.indicator_save(membership=staff, plan=adopted.plan, outcome_key=outcome.key, label="x", definition=foreign)


def test_measure_organizations_must_be_the_municipalitys(staff, adopted, other_staff):
    with pytest.raises(ValidationError):
        lm.measure_save(membership=staff, plan=adopted.plan, text="x", lead_organizations=[other_staff.organization])


def test_edits_are_audited_and_refused_to_others(staff, adopted, other_staff, prefecture_staff):
    measure = lm.measure_save(membership=staff, plan=adopted.plan, text="監査される施策")
    assert AuditEntry.objects.filter(action="create", object_id=str(measure.pk),
                                     object_type__icontains="measure").exists()
    for member in (other_staff, prefecture_staff):
        with pytest.raises(PermissionDenied):
            lm.measure_save(membership=member, plan=adopted.plan, text="x")
