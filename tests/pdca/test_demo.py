"""The PDCA and indicators part of `renkei demo`: 福知山市's plan, councils and indicator values."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import AuditEntry, Membership, Municipality
from renkei.core.services.demo import build_demo
from renkei.directory.models import AreaShape
from renkei.directory.services.demo import build_directory_demo
from renkei.indicators.models import IndicatorPublication, IndicatorTarget, IndicatorValue
from renkei.indicators.status import BEHIND, ON_TRACK, status_of
from renkei.pdca.models import (
    Action,
    Council,
    Goal,
    Issue,
    LogicModel,
    LogicModelIndicator,
    Measure,
    Meeting,
    PdcaCycle,
    PlanPeriod,
)
from renkei.pdca.services import demo_content
from renkei.pdca.services.demo import build_pdca_demo

pytestmark = pytest.mark.django_db

CITY = "M262013"


def _counts() -> dict:
    return {model.__name__: model.objects.count() for model in (
        PlanPeriod, Goal, LogicModel, Measure, Council, Meeting, Issue, Action, PdcaCycle, IndicatorValue,
        IndicatorTarget, IndicatorPublication, AreaShape)}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_demo()
        build_directory_demo()
        first = build_pdca_demo()
        counts = _counts()
        second = build_pdca_demo()
    yield {"first": first, "second": second, "counts": counts}
    with django_db_blocker.unblock():
        from tests.browser.conftest import _flush_keeping_migration_state

        _flush_keeping_migration_state()


def _membership(handle: str, role: str | None = None) -> Membership:
    memberships = Membership.objects.filter(user__email=f"{handle}@demo.renkei.example")
    return (memberships.filter(role=role) if role else memberships).order_by("pk").first()


def test_building_the_pdca_demo_twice_adds_nothing(demo):
    assert demo["first"] is not None and demo["first"].values > 400
    assert demo["second"] is None
    assert _counts() == demo["counts"]


def test_the_demo_plan_is_9th_term_with_an_overall_goal_and_one_per_scene(demo):
    plan = PlanPeriod.objects.get(municipality__code="262013")
    assert (plan.term_number, plan.start_fiscal_year, plan.end_fiscal_year) == (9, 2024, 2026)
    current = dict(plan.goals.filter(is_current=True).values_list("scene", "text"))
    assert set(current) == {"", "daily_care", "admission_discharge", "emergency", "end_of_life",
                            "infection_disaster", "collaboration_system"}
    assert all(text.startswith("市民") for text in current.values())  # 主語は市民


def test_the_end_of_life_goal_keeps_its_earlier_wording(demo):
    revisions = list(Goal.objects.filter(scene="end_of_life").order_by("revision")
                     .values_list("revision", "is_current", "text"))
    assert revisions == [(1, False, demo_content.END_OF_LIFE_GOAL_REV1),
                         (2, True, demo_content.SCENE_GOALS["end_of_life"])]


def test_the_logic_model_lists_shared_measures_again_as_the_same_measure(demo):
    rev1 = LogicModel.objects.get(revision=1)
    assert 25 <= rev1.measures.count() <= 35
    repeats = rev1.placements.filter(is_repeat=True).select_related("measure", "outcome")
    assert repeats.count() >= 4
    for placement in repeats:
        first = placement.measure.placements.get(is_repeat=False)
        assert first.number < placement.number and first.outcome.scene != placement.outcome.scene
    assert list(rev1.placements.values_list("number", flat=True)) == list(range(1, rev1.placements.count() + 1))


def test_the_draft_revision_differs_from_the_adopted_one(demo):
    rev1, rev2 = LogicModel.objects.get(revision=1), LogicModel.objects.get(revision=2)
    assert (rev1.status, rev2.status, rev2.based_on) == ("adopted", "draft", rev1)
    keys1 = set(rev1.measures.values_list("key", flat=True))
    keys2 = set(rev2.measures.values_list("key", flat=True))
    assert len(keys2 - keys1) == 1 and len(keys1 - keys2) == 1
    changed = {m.key for m in rev2.measures.all()} & keys1
    texts1 = dict(rev1.measures.values_list("key", "text"))
    assert sum(texts1[m.key] != m.text for m in rev2.measures.filter(key__in=changed)) == 2
    assert rev2.indicators.count() == rev1.indicators.count() + 1


def test_measures_are_led_by_the_demo_associations(demo):
    leads = set(Measure.objects.filter(logic_model__revision=1).values_list("lead_organizations__kind", flat=True))
    assert {"medical_association", "dental_association", "pharmacists_association", "community_support_center",
            "municipality_office"} <= leads


def test_an_overdue_action_is_owned_by_the_coordinator_and_one_by_municipal_staff(demo):
    today = timezone.localdate()
    overdue = Action.objects.filter(status__in=["open", "in_progress"], due_on__lt=today)
    owners = set(overdue.values_list("owner__user__email", "owner__role"))
    assert ("coordinator@demo.renkei.example", "coordinator") in owners
    assert ("city@demo.renkei.example", "municipal_staff") in owners
    assert Action.objects.filter(status="done").exists() and Action.objects.filter(due_on__gt=today).exists()
    for action in Action.objects.select_related("meeting"):
        assert action.meeting.held_on <= today and action.measure_key


def test_a_professional_demo_login_sees_their_working_group_only(demo):
    doctor = _membership("doctor")
    visible = set(policy.scope(doctor, "pdca.view_council", Council.objects.all()).values_list("name", flat=True))
    assert "看取り・ACP WG" in visible and "入退院支援WG" not in visible
    discharge = _membership("discharge")
    assert "入退院支援WG" in set(policy.scope(discharge, "pdca.view_council", Council.objects.all())
                              .values_list("name", flat=True))


def test_meetings_span_two_years_with_minutes_and_decisions(demo):
    today = timezone.localdate()
    held = Meeting.objects.filter(status="held")
    assert held.order_by("held_on").first().held_on < today - dt.timedelta(days=600)
    assert all(m.minutes and m.agenda and m.decisions.exists() and m.attendees.exists() for m in held)
    assert Meeting.objects.filter(status="planned", held_on__gt=today).count() == 3


def test_issues_name_a_scene_and_indicators(demo):
    for issue in Issue.objects.all():
        assert issue.scene and issue.indicators.exists()


def test_a_scene_indicator_has_three_years_of_values_and_targets(demo):
    indicator = LogicModelIndicator.objects.get(logic_model__revision=1, label="自宅での死亡の割合")
    definition = indicator.definition
    values = list(IndicatorValue.objects.filter(definition=definition, area_key=CITY, is_current=True))
    assert {v.period_start.year for v in values} == {2022, 2023, 2024}
    assert all(v.origin == "imported" and "デモ用に生成" in v.source_note and v.vintage for v in values)
    target = IndicatorTarget.objects.get(definition=definition, municipality__code="262013")
    assert (target.baseline_fiscal_year, target.start_fiscal_year, target.end_fiscal_year) == (2023, 2024, 2026)
    assert list(target.years.values_list("fiscal_year", flat=True)) == [2024, 2025]
    assert target.final_value > target.baseline_value


def test_targets_show_indicators_on_track_and_behind(demo):
    statuses = set()
    for target in IndicatorTarget.objects.select_related("definition"):
        values = list(IndicatorValue.objects.filter(definition=target.definition, area_key=CITY))
        statuses.add(status_of(target, values, target.definition.higher_is_better).code)
    assert {ON_TRACK, BEHIND} <= statuses


def test_values_come_computed_imported_and_entered(demo):
    origins = set(IndicatorValue.objects.filter(area_key=CITY).values_list("origin", flat=True))
    assert origins == {"computed", "imported", "entered"}
    assert IndicatorValue.objects.filter(area_level="daily_living_area").exists()


def test_every_municipality_of_kyoto_the_prefecture_and_the_nation_have_values(demo):
    definition = LogicModelIndicator.objects.get(logic_model__revision=1, label="自宅での死亡の割合").definition
    keys = set(IndicatorValue.objects.filter(definition=definition, period_start=dt.date(2024, 4, 1))
               .values_list("area_key", flat=True))
    assert {"N", "P26", "M262021", "M262030"} <= keys  # 舞鶴市, 綾部市
    assert {f"M{code}" for code in demo_content.MUNICIPALITIES} <= keys


def test_every_value_was_audited_as_values_record_does(demo):
    assert AuditEntry.objects.filter(object_type="indicators.indicatorvalue").count() == \
        IndicatorValue.objects.count()


def test_the_neighbours_have_outlines_that_do_not_overlap(demo):
    from shapely.geometry import shape

    outlines = {s.municipality.code: shape(s.geometry) for s in AreaShape.objects.filter(
        daily_living_area=None).select_related("municipality")}
    assert set(demo_content.MUNICIPALITIES) <= set(outlines)
    maizuru, ayabe, fukuchiyama = outlines["262021"], outlines["262030"], outlines["262013"]
    assert maizuru.is_valid and maizuru.area > ayabe.intersection(maizuru).area * 100
    assert fukuchiyama.intersection(ayabe).area < 1e-6
    kyoto = Municipality.objects.get(code="261009")
    assert outlines["261009"].contains(outlines["261009"].representative_point()) and kyoto.name == "京都市"


def test_some_indicators_are_public(demo):
    assert IndicatorPublication.objects.filter(municipality__code="262013").count() == \
        len(demo_content.PUBLIC_CONCEPTS)


def test_pdca_turns_fy2024_complete_and_fy2025_in_check(demo):
    turns = PdcaCycle.objects.all()
    scenes = len(demo_content.PLAN_SCENES)
    assert turns.filter(fiscal_year=2024, stage="done").exclude(check_assessment="").count() == scenes
    assert turns.filter(fiscal_year=2025, stage="check").count() == scenes
    assert turns.filter(fiscal_year=2024, next_logic_model__revision=2).count() == scenes


def test_the_audit_log_verifies_after_the_pdca_demo(demo, capsys):
    from django.core.management import call_command

    call_command("audit", "verify")
    assert "audit log intact" in capsys.readouterr().out


def test_renkei_demo_prints_what_the_pdca_demo_built(demo):
    import io

    from renkei.core import demo_steps
    from renkei.core.management.commands.demo import Command

    step = next(s for s in demo_steps.steps() if s.key == "pdca")
    out = io.StringIO()
    command = Command(stdout=out)
    command.print_summary([], [(step, demo["first"])], "127.0.0.1", 8000)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("PDCA:"))
    assert f"{demo['first'].measures} measures" in line and f"({demo['first'].overdue} overdue)" in line
    command.print_summary([], [(step, None)], "127.0.0.1", 8000)  # built before: nothing to say
    assert out.getvalue().count("PDCA:") == 1
