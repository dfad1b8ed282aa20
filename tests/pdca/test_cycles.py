"""The PDCA turn's services and what a turn gathers: notes, stages, the act as the next logic-model version."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry, Role, Scene
from renkei.pdca.models import LogicModel, PdcaCycle
from renkei.pdca.selectors.turn import logic_model_in_effect, scene_turn, scene_turns
from renkei.pdca.services import cycles

from ..factories import OrganizationFactory
from .factories import PdcaCycleFactory
from .turn_data import OVERDUE_TITLE, build_turn

EOL = Scene.END_OF_LIFE


@pytest.fixture
def data(municipality):
    return build_turn(municipality)


@pytest.fixture
def staff(make_membership, data):
    return make_membership(Role.MUNICIPAL_STAFF, organization=data.office)


def _entries(cycle, action=AuditEntry.Action.UPDATE):
    return AuditEntry.objects.filter(object_type="pdca.pdcacycle", object_id=str(cycle.pk), action=action)


def test_a_turn_gathers_goal_targets_measures_actions_meetings_and_checks(data):
    turn = scene_turns(data.plan, 2024, today=dt.date(2025, 1, 15))[3]
    assert turn.scene == EOL and turn.goal == data.goal
    assert [m.key for m in turn.measures] == [data.placement.measure.key]
    assert {row.action.title: row.state for row in turn.actions} == {
        "ACP研修会の講師を依頼する": "done", "ACPリーフレットを作る": "open", OVERDUE_TITLE: "overdue"}
    assert [m.pk for m in turn.meetings] == [data.meeting.pk]
    assert [d.text for d in turn.decisions] == ["看取り連携シートを改訂する"]
    assert turn.status_counts == {"on_track": 1, "behind": 1, "no_data": 1, "no_target": 0}
    first = turn.checks[0]
    assert (first.definition.code, str(first.value.value), first.target_value) == ("EOL01", "23.500000", 22)
    assert [(p.fiscal_year, p.value) for p in first.series][:2] == [(2023, 20), (2024, 23.5)]


def test_other_scenes_gather_nothing_of_the_end_of_life_scene(data):
    daily = scene_turn(data.plan, Scene.DAILY_CARE, 2024)
    assert daily.checks == [] and daily.actions == [] and daily.measures == []


def test_a_later_years_values_do_not_count_in_an_earlier_years_check(data, municipality):
    from .factories import IndicatorValueFactory

    IndicatorValueFactory(definition=data.definition, municipality=municipality, fiscal_year=2025, value=1)
    check = scene_turn(data.plan, EOL, 2024).checks[0]
    assert check.status.code == "on_track" and check.series[2].value is None


def test_notes_are_saved_and_audited_with_before_and_after(data, staff):
    cycle = cycles.cycle_open(plan=data.plan, scene=EOL, fiscal_year=2024, membership=staff)
    cycles.cycle_notes_save(cycle=cycle, membership=staff, expected_version=cycle.version,
                            check_assessment="partly", check_note="看取り率は目標を上回ったが研修は遅れた")
    cycle.refresh_from_db()
    assert (cycle.check_assessment, cycle.updated_by) == ("partly", staff.user)
    entry = _entries(cycle).latest("seq")
    assert entry.changes["check_assessment"] == ["", "partly"]


def test_a_stale_version_saves_nothing(data, staff):
    cycle = cycles.cycle_open(plan=data.plan, scene=EOL, fiscal_year=2024, membership=staff)
    opened = cycle.version
    cycles.cycle_notes_save(cycle=cycle, membership=staff, expected_version=opened, plan_note="一人目")
    with pytest.raises(StaleEdit):
        cycles.cycle_notes_save(cycle=PdcaCycle.objects.get(pk=cycle.pk), membership=staff,
                                expected_version=opened, plan_note="二人目")
    assert PdcaCycle.objects.get(pk=cycle.pk).plan_note == "一人目"


def test_the_stage_moves_one_step_forward_and_back_and_each_move_is_audited(data, staff):
    cycle = cycles.cycle_open(plan=data.plan, scene=EOL, fiscal_year=2024, membership=staff)
    cycle = cycles.cycle_stage_set(cycle=cycle, stage="do", membership=staff)
    cycle = cycles.cycle_stage_set(cycle=cycle, stage="plan", membership=staff)
    assert cycle.stage == "plan"
    assert [e.changes["stage"] for e in _entries(cycle).order_by("seq")] == [["plan", "do"], ["do", "plan"]]
    with pytest.raises(ValidationError):
        cycles.cycle_stage_set(cycle=cycle, stage="check", membership=staff)


def test_the_act_needs_the_written_assessment(data, staff):
    cycle = PdcaCycleFactory(plan=data.plan, scene=EOL, fiscal_year=2024, stage="check")
    with pytest.raises(ValidationError):
        cycles.cycle_stage_set(cycle=cycle, stage="act", membership=staff)
    cycles.cycle_notes_save(cycle=cycle, membership=staff, check_assessment="achieved")
    assert cycles.cycle_stage_set(cycle=cycle, stage="act", membership=staff).stage == "act"


def test_the_act_is_recorded_as_the_next_logic_model_version(data, staff):
    cycle = PdcaCycleFactory(plan=data.plan, scene=EOL, fiscal_year=2024, stage="act",
                             act_note="ACP研修を圏域ごとに開く")
    revision = cycles.cycle_next_version_record(cycle=cycle, membership=staff)
    cycle.refresh_from_db()
    assert cycle.next_logic_model == revision
    assert (revision.revision, revision.effective_fiscal_year, revision.based_on) == (2, 2025, data.logic_model)
    assert "ACP研修を圏域ごとに開く" in revision.change_summary
    assert revision.measures.get().key == data.placement.measure.key  # a full copy
    # FY2024 keeps the model in effect then; FY2025 reads the new revision.
    assert logic_model_in_effect(data.plan, 2024) == data.logic_model
    assert logic_model_in_effect(data.plan, 2025) == revision
    assert AuditEntry.objects.filter(object_type="pdca.logicmodel", object_id=str(revision.pk),
                                     action=AuditEntry.Action.CREATE).exists()
    with pytest.raises(ValidationError):  # once per turn
        cycles.cycle_next_version_record(cycle=cycle, membership=staff)


def test_two_scenes_acts_share_one_next_version(data, staff):
    first = PdcaCycleFactory(plan=data.plan, scene=EOL, fiscal_year=2024, act_note="看取りの変更")
    second = PdcaCycleFactory(plan=data.plan, scene=Scene.DAILY_CARE, fiscal_year=2024, act_note="日常の変更")
    one = cycles.cycle_next_version_record(cycle=first, membership=staff)
    two = cycles.cycle_next_version_record(cycle=second, membership=staff)
    assert one.pk == two.pk and LogicModel.objects.filter(plan=data.plan).count() == 2
    two.refresh_from_db()
    assert "看取りの変更" in two.change_summary and "日常の変更" in two.change_summary


def test_the_act_without_a_note_records_nothing(data, staff):
    cycle = PdcaCycleFactory(plan=data.plan, scene=EOL, fiscal_year=2024)
    with pytest.raises(ValidationError):
        cycles.cycle_next_version_record(cycle=cycle, membership=staff)
    assert LogicModel.objects.filter(plan=data.plan).count() == 1


@pytest.mark.parametrize("role", [Role.PREFECTURE_STAFF, Role.PROFESSIONAL])
def test_only_the_municipalitys_staff_write_the_turn(data, make_membership, role, municipality):
    organization = OrganizationFactory(municipality=None if role == Role.PREFECTURE_STAFF else municipality,
                                       prefecture=municipality.prefecture)
    member = make_membership(role, organization=organization)
    with pytest.raises(PermissionDenied):
        cycles.cycle_open(plan=data.plan, scene=EOL, fiscal_year=2024, membership=member)
    assert not PdcaCycle.objects.exists()


def test_staff_of_another_municipality_cannot_write_the_turn(data, make_membership, other_municipality):
    member = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    cycle = PdcaCycleFactory(plan=data.plan, scene=EOL, fiscal_year=2024)
    with pytest.raises(PermissionDenied):
        cycles.cycle_notes_save(cycle=cycle, membership=member, plan_note="x")


def test_a_scene_or_year_outside_the_plan_is_refused(data, staff):
    with pytest.raises(ValidationError):
        cycles.cycle_open(plan=data.plan, scene=EOL, fiscal_year=2030, membership=staff)
    data.plan.scenes = [Scene.DAILY_CARE]
    data.plan.save()
    with pytest.raises(ValidationError):
        cycles.cycle_open(plan=data.plan, scene=EOL, fiscal_year=2024, membership=staff)


def test_the_audit_log_says_where_the_turn_went(data, staff):
    from django.utils import translation

    cycle = cycles.cycle_open(plan=data.plan, scene=EOL, fiscal_year=2024, membership=staff)
    cycles.cycle_stage_set(cycle=cycle, stage="do", membership=staff)
    with translation.override("en"):
        assert _entries(cycle).latest("seq").summary.startswith("Moved the PDCA turn to the do")
