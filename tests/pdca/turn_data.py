"""One municipality's plan with a scene's full turn: goal, logic model, indicator with target and values,
a council meeting with a decision, and actions (one done, one open, one overdue). Shared by the turn's tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from renkei.core.models import Organization, Role, Scene
from renkei.pdca.models import Action

from ..factories import MembershipFactory, OrganizationFactory, UserFactory
from .factories import (
    ActionFactory,
    CouncilFactory,
    DecisionFactory,
    GoalFactory,
    IndicatorDefinitionFactory,
    IndicatorTargetFactory,
    IndicatorTargetYearFactory,
    IndicatorValueFactory,
    LogicModelFactory,
    LogicModelIndicatorFactory,
    MeasurePlacementFactory,
    MeetingFactory,
    OutcomeFactory,
    PlanPeriodFactory,
)

OVERDUE_TITLE = "看取り連携シートの様式を改訂する"


def build_turn(municipality, *, fiscal_year: int = 2024) -> SimpleNamespace:
    """第9期 (FY2024–2026) with the end-of-life scene filled in for `fiscal_year` (today is after its end)."""
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, name="福知山市役所 高齢者福祉課",
                                 municipality=municipality)
    owner = MembershipFactory(role=Role.COORDINATOR, organization=office,
                              user=UserFactory(display_name="連携 花子"))
    plan = PlanPeriodFactory(municipality=municipality)
    goal = GoalFactory(plan=plan, scene=Scene.END_OF_LIFE, text="望む場所で最期まで暮らせる")
    logic_model = LogicModelFactory(plan=plan, revision=1, effective_fiscal_year=2024)
    outcome = OutcomeFactory(logic_model=logic_model, scene=Scene.END_OF_LIFE, text="ACPが地域に広まる")
    placement = MeasurePlacementFactory(logic_model=logic_model, outcome=outcome, number=1,
                                        measure__text="ACP研修会を年2回開催する")
    definition = IndicatorDefinitionFactory(code="EOL01", name_ja="在宅看取り率", unit="%", decimals=1)
    behind_definition = IndicatorDefinitionFactory(code="EOL02", name_ja="ACP研修の受講者数", unit="人", decimals=0)
    no_data_definition = IndicatorDefinitionFactory(code="EOL03", name_ja="看取り加算の算定件数", unit="件")
    indicators = [LogicModelIndicatorFactory(logic_model=logic_model, outcome=outcome, definition=d, sort_order=i)
                  for i, d in enumerate([definition, behind_definition, no_data_definition])]
    target = IndicatorTargetFactory(definition=definition, municipality=municipality, baseline_value=Decimal("20"),
                                    baseline_fiscal_year=2023, final_value=Decimal("26"))
    IndicatorTargetYearFactory(target=target, fiscal_year=2024, value=Decimal("22"))
    IndicatorTargetFactory(definition=behind_definition, municipality=municipality, baseline_value=Decimal("100"),
                           baseline_fiscal_year=2023, final_value=Decimal("160"))
    IndicatorTargetFactory(definition=no_data_definition, municipality=municipality, final_value=Decimal("30"))
    IndicatorValueFactory(definition=definition, municipality=municipality, fiscal_year=2023, value=Decimal("20"))
    IndicatorValueFactory(definition=definition, municipality=municipality, fiscal_year=2024, value=Decimal("23.5"))
    IndicatorValueFactory(definition=behind_definition, municipality=municipality, fiscal_year=2024,
                          value=Decimal("90"))
    council = CouncilFactory(municipality=municipality, name="福知山市在宅医療・介護連携推進協議会")
    meeting = MeetingFactory(council=council, title="第1回 協議会", held_on=dt.date(fiscal_year, 7, 10),
                             scenes=[Scene.END_OF_LIFE])
    decision = DecisionFactory(meeting=meeting, text="看取り連携シートを改訂する")
    done = ActionFactory(municipality=municipality, meeting=meeting, title="ACP研修会の講師を依頼する",
                         due_on=dt.date(fiscal_year, 6, 30), status=Action.Status.DONE,
                         completed_on=dt.date(fiscal_year, 6, 20))
    open_action = ActionFactory(municipality=municipality, title="ACPリーフレットを作る",
                                due_on=dt.date(fiscal_year + 1, 3, 20), scene="",
                                measure_key=placement.measure.key, status=Action.Status.IN_PROGRESS)
    overdue = ActionFactory(municipality=municipality, meeting=meeting, title=OVERDUE_TITLE, owner=owner,
                            due_on=dt.date(fiscal_year, 9, 30))
    return SimpleNamespace(plan=plan, goal=goal, logic_model=logic_model, outcome=outcome, placement=placement,
                           definition=definition, indicators=indicators, target=target, council=council,
                           meeting=meeting, decision=decision, done=done, open_action=open_action,
                           overdue=overdue, owner=owner, office=office, fiscal_year=fiscal_year)
