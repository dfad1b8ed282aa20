"""factory_boy factories for every PDCA model (and the indicator rows a turn reads), shared by the PDCA tests.

A plan period defaults to 第9期 (FY2024–2026) of a test municipality with the four scenes. Objects below a
plan (goals, logic models, outcomes, measures…) follow their parent's municipality, so
`ActionFactory(municipality=m)` and `PdcaCycleFactory(plan=plan)` stay inside one municipality.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from renkei.core.models import FOUR_SCENES, Scene
from renkei.indicators.models import (
    IndicatorDefinition,
    IndicatorTarget,
    IndicatorTargetYear,
    IndicatorValue,
    Kind,
    Origin,
    PeriodType,
)
from renkei.pdca.models import (
    Action,
    Council,
    CouncilMember,
    Decision,
    Goal,
    Issue,
    LogicModel,
    LogicModelIndicator,
    Measure,
    MeasurePlacement,
    Meeting,
    Outcome,
    PdcaCycle,
    PlanPeriod,
)

from ..factories import MembershipFactory, MunicipalityFactory


class PlanPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanPeriod

    municipality = factory.SubFactory(MunicipalityFactory)
    term_number = 9
    start_fiscal_year = 2024
    end_fiscal_year = 2026
    scenes = factory.LazyFunction(lambda: [str(scene) for scene in FOUR_SCENES])


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanPeriodFactory)
    scene = Scene.END_OF_LIFE
    text = factory.Sequence(lambda n: f"住み慣れた場所で望む最期を迎えられる（目指す姿{n}）")


class LogicModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogicModel

    plan = factory.SubFactory(PlanPeriodFactory)
    revision = factory.Sequence(lambda n: n + 1)
    status = LogicModel.Status.ADOPTED
    effective_fiscal_year = factory.LazyAttribute(lambda o: o.plan.start_fiscal_year)


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    logic_model = factory.SubFactory(LogicModelFactory)
    scene = Scene.END_OF_LIFE
    text = factory.Sequence(lambda n: f"本人の意思に沿った看取りができる（中間アウトカム{n}）")
    sort_order = factory.Sequence(lambda n: n)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    logic_model = factory.SubFactory(LogicModelFactory)
    text = factory.Sequence(lambda n: f"ACP研修会の開催（施策{n}）")
    lead_note = "医師会"
    status = Measure.Status.IN_PROGRESS


class MeasurePlacementFactory(factory.django.DjangoModelFactory):
    """A measure under an outcome block; the measure and outcome share the placement's logic model."""

    class Meta:
        model = MeasurePlacement

    logic_model = factory.SubFactory(LogicModelFactory)
    outcome = factory.SubFactory(OutcomeFactory, logic_model=factory.SelfAttribute("..logic_model"))
    measure = factory.SubFactory(MeasureFactory, logic_model=factory.SelfAttribute("..logic_model"))
    number = factory.Sequence(lambda n: n + 1)


class IndicatorDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorDefinition

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name_ja = factory.Sequence(lambda n: f"在宅看取り率{n}")
    name_en = factory.Sequence(lambda n: f"Deaths at home {n}")
    kind = Kind.OUTCOME
    scenes = factory.LazyFunction(lambda: [str(Scene.END_OF_LIFE)])
    unit = "%"
    higher_is_better = True
    period_type = PeriodType.FISCAL_YEAR
    origin = Origin.ENTERED
    is_builtin = True


class LogicModelIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogicModelIndicator

    logic_model = factory.SubFactory(LogicModelFactory)
    outcome = factory.SubFactory(OutcomeFactory, logic_model=factory.SelfAttribute("..logic_model"))
    label = factory.LazyAttribute(lambda o: o.definition.name_ja if o.definition else "成果指標")
    definition = factory.SubFactory(IndicatorDefinitionFactory)
    level = LogicModelIndicator.Level.OUTCOME
    sort_order = factory.Sequence(lambda n: n)


class IndicatorTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTarget

    definition = factory.SubFactory(IndicatorDefinitionFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    start_fiscal_year = 2024
    end_fiscal_year = 2026
    baseline_value = Decimal("20")
    baseline_fiscal_year = 2023
    final_value = Decimal("26")


class IndicatorTargetYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorTargetYear

    target = factory.SubFactory(IndicatorTargetFactory)
    fiscal_year = 2024
    value = Decimal("22")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """A municipality's current value for a fiscal year (`fiscal_year` sets `period_start`)."""

    class Meta:
        model = IndicatorValue
        exclude = ("fiscal_year",)

    fiscal_year = 2024
    definition = factory.SubFactory(IndicatorDefinitionFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    prefecture = factory.LazyAttribute(lambda o: o.municipality.prefecture)
    area_level = "municipality"
    area_key = factory.LazyAttribute(lambda o: f"M{o.municipality.code}")
    period_type = PeriodType.FISCAL_YEAR
    period_start = factory.LazyAttribute(lambda o: dt.date(o.fiscal_year, 4, 1))
    value = Decimal("21")
    origin = Origin.ENTERED


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Council.Kind.COUNCIL
    name = factory.Sequence(lambda n: f"在宅医療・介護連携推進協議会{n}")
    scenes = factory.LazyFunction(lambda: [str(scene) for scene in FOUR_SCENES])


class CouncilMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMember

    council = factory.SubFactory(CouncilFactory)
    membership = factory.SubFactory(MembershipFactory)
    organization = factory.LazyAttribute(lambda o: o.membership.organization if o.membership else None)
    person_name = factory.Sequence(lambda n: f"委員{n}")
    position = CouncilMember.Position.MEMBER


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    council = factory.SubFactory(CouncilFactory)
    title = factory.Sequence(lambda n: f"第{n + 1}回 協議会")
    held_on = dt.date(2024, 7, 10)
    status = Meeting.Status.HELD
    scenes = factory.LazyFunction(lambda: [str(Scene.END_OF_LIFE)])


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"ACPの普及啓発を進める（決定事項{n}）")


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"看取りの意向が共有されていない（課題{n}）")
    scene = Scene.END_OF_LIFE


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    municipality = factory.SubFactory(MunicipalityFactory)
    scene = Scene.END_OF_LIFE
    title = factory.Sequence(lambda n: f"ACPリーフレットを配布する（対応{n}）")
    due_on = dt.date(2024, 10, 31)
    status = Action.Status.OPEN


class PdcaCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PdcaCycle

    plan = factory.SubFactory(PlanPeriodFactory)
    scene = Scene.END_OF_LIFE
    fiscal_year = 2024
    stage = PdcaCycle.Stage.PLAN
