from decimal import Decimal

from django.utils import timezone

from renkei.indicators.areas import Area
from renkei.indicators.library import POPULATION_65_PLUS
from renkei.indicators.models import PeriodType
from renkei.indicators.periods import period_of
from renkei.indicators.registry import is_provider_input, provider
from renkei.indicators.services.compute import indicators_compute
from renkei.training import awareness_indicators as providers
from tests.indicators.factories import builtin, record
from tests.training.factories import ActivityFactory

from .awareness_helpers import activity_in, answers, days


def this_year():
    return period_of(timezone.localdate(), PeriodType.FISCAL_YEAR)


def _held(world):
    """Two held lectures (40 + 20 people) in areas 1 and 2, an article (copies, no attendance), a cancelled one."""
    activity_in(world, daily_living_area=world.areas[0], date=days(-10), attendance=40)
    activity_in(world, daily_living_area=world.areas[1], date=days(-5), attendance=20, kind="outreach_lecture")
    activity_in(world, kind="article", date=days(-3), attendance=None, copies=5000)
    activity_in(world, daily_living_area=world.areas[2], date=days(-2), attendance=99, is_cancelled=True)


def _one(values, municipality):
    [value] = [v for v in values if v.area.municipality == municipality]
    return value


def test_the_four_providers_are_registered_and_the_reach_reads_the_population_65_plus():
    for key in ("training.awareness_reach_per_1000_65plus", "training.awareness_activities",
                "training.awareness_areas_reached_share", "training.acp_intention_share"):
        assert provider(key) is providers.PROVIDERS[key][0]
    assert is_provider_input(POPULATION_65_PLUS)


def test_activities_count_held_not_cancelled_ones_of_the_year(world):
    _held(world)
    value = _one(providers.awareness_activities([world.municipality], this_year()), world.municipality)
    assert value.numerator == 3


def test_a_municipality_that_records_nothing_has_no_value_not_zero(world):
    assert providers.awareness_activities([world.municipality], this_year()) == []


def test_attendance_per_1000_65_plus_divides_by_the_imported_population(world):
    _held(world)
    assert providers.awareness_reach_per_1000_65plus([world.municipality], this_year()) == []  # no population
    record(builtin(POPULATION_65_PLUS), Area.of_municipality(world.municipality), this_year(), numerator=12000)
    value = _one(providers.awareness_reach_per_1000_65plus([world.municipality], this_year()), world.municipality)
    assert (value.numerator, Decimal(value.denominator)) == (60, Decimal(12000))


def test_the_share_of_areas_reached_leaves_out_cancelled_activities(world):
    _held(world)
    value = _one(providers.awareness_areas_reached_share([world.municipality], this_year()), world.municipality)
    assert (value.numerator, value.denominator) == (2, 3)


def test_the_acp_share_counts_those_who_answered_the_question(world):
    activity = activity_in(world, date=days(-1))
    answers(activity, [(1, 2, "will_talk", "", ""), (1, 2, "already", "", ""), (1, 2, "not_now", "", ""),
                       (1, 2, "", "", "")])
    value = _one(providers.acp_intention_share([world.municipality], this_year()), world.municipality)
    assert (value.numerator, value.denominator) == (2, 3)


def test_a_wards_activities_count_for_its_city(world):
    from tests.factories import MunicipalityFactory

    ward = MunicipalityFactory(prefecture=world.municipality.prefecture, parent=world.municipality)
    ActivityFactory(municipality=ward, date=days(-3), attendance=10)
    value = _one(providers.awareness_activities([world.municipality, ward], this_year()), world.municipality)
    assert value.numerator == 1


def test_the_engine_computes_the_awareness_indicators(world):
    from renkei.indicators.models import IndicatorValue

    _held(world)
    indicators_compute(municipality=world.municipality, period=this_year())
    value = IndicatorValue.objects.get(definition=builtin("ZT-C-P16"), area_key=f"M{world.municipality.code}",
                                       is_current=True)
    assert value.value == 3
    share = IndicatorValue.objects.get(definition=builtin("ZT-C-P17"), area_key=f"M{world.municipality.code}",
                                       is_current=True)
    assert round(share.value, 1) == Decimal("66.7")
