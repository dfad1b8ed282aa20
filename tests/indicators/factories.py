"""Factories for the indicators' tests."""

import factory

from renkei.indicators.models import IndicatorDefinition, Kind, Origin, PeriodType


class DefinitionFactory(factory.django.DjangoModelFactory):
    """A built-in rate per 100,000 by fiscal year, entered by staff (give owner_municipality for an own one)."""

    class Meta:
        model = IndicatorDefinition

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name_ja = factory.Sequence(lambda n: f"テスト指標{n}")
    name_en = factory.Sequence(lambda n: f"Test indicator {n}")
    kind = Kind.OUTCOME
    scenes = factory.LazyFunction(lambda: ["end_of_life"])
    program_items = factory.LazyFunction(lambda: ["b"])
    numerator_label = "在宅死亡数"
    denominator_label = "死亡数"
    factor = IndicatorDefinition.Factor.HUNDRED
    unit = "%"
    higher_is_better = True
    period_type = PeriodType.FISCAL_YEAR
    origin = Origin.ENTERED
    suppression_threshold = 10
    is_builtin = factory.LazyAttribute(lambda o: o.owner_municipality is None and o.owner_prefecture is None)
    owner_municipality = None
    owner_prefecture = None
