"""Factories and helpers for the indicators' tests."""

from decimal import Decimal

import factory

from renkei.indicators.areas import Area
from renkei.indicators.models import IndicatorDefinition, Kind, Origin, PeriodType
from renkei.indicators.periods import Period
from renkei.indicators.services.values import ValueInput, values_record


class DefinitionFactory(factory.django.DjangoModelFactory):
    """A municipality-agnostic entered rate (×100) defined for municipalities and prefectures."""

    class Meta:
        model = IndicatorDefinition

    code = factory.Sequence(lambda n: f"TEST-{n:03d}")
    name_ja = factory.Sequence(lambda n: f"テスト指標{n}")
    name_en = factory.Sequence(lambda n: f"Test indicator {n}")
    kind = "process"
    numerator_label = "分子"
    denominator_label = "分母"
    factor = 100
    unit = "%"
    period_type = "fiscal_year"
    area_levels = ["prefecture", "municipality", "daily_living_area", "nation"]
    origin = Origin.ENTERED


def builtin(code: str) -> IndicatorDefinition:
    """A definition of the shipped library (seeded by the indicators' data migration)."""
    return IndicatorDefinition.objects.get(code=code, owner_municipality=None, owner_prefecture=None)


def record(definition, area: Area, period: Period, *, numerator=None, denominator=None, value=None,
           origin=Origin.IMPORTED):
    """Record one value as the system (no member)."""
    return values_record(items=[ValueInput(definition=definition, area=area, period=period,
                                           numerator=None if numerator is None else Decimal(str(numerator)),
                                           denominator=None if denominator is None else Decimal(str(denominator)),
                                           value=None if value is None else Decimal(str(value)))],
                         origin=origin)


class LibraryDefinitionFactory(factory.django.DjangoModelFactory):
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
