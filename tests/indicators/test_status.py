"""Targets and status: the straight line from the baseline, yearly overrides, the good direction."""

import datetime as dt
from decimal import Decimal

import pytest

from renkei.indicators.models import IndicatorTarget, IndicatorTargetYear, IndicatorValue
from renkei.indicators.status import BEHIND, NO_DATA, NO_TARGET, ON_TRACK, status_of, target_for_year

from .factories import DefinitionFactory


@pytest.fixture
def target(municipality):
    """第9期 (FY2024–FY2026): from 10 % in FY2023 to 16 % at the end."""
    return IndicatorTarget.objects.create(definition=DefinitionFactory(), municipality=municipality,
                                          start_fiscal_year=2024, end_fiscal_year=2026, baseline_value=Decimal(10),
                                          baseline_fiscal_year=2023, final_value=Decimal(16))


def value(target, fiscal_year, number, *, month=4, is_current=True):
    return IndicatorValue(definition=target.definition, area_level="municipality", area_key="M262013",
                          period_type="fiscal_year", period_start=dt.date(fiscal_year, month, 1),
                          value=None if number is None else Decimal(str(number)), origin="entered",
                          is_current=is_current)


def test_the_target_of_a_year_lies_on_the_line_from_the_baseline_to_the_end(target):
    assert [target_for_year(target, year) for year in (2023, 2024, 2025, 2026, 2027)] == [
        Decimal(10), Decimal(12), Decimal(14), Decimal(16), Decimal(16)]
    assert target_for_year(target, 2022) is None  # before the baseline


def test_a_yearly_target_overrides_the_line(target):
    IndicatorTargetYear.objects.create(target=target, fiscal_year=2025, value=Decimal("13.5"))
    assert target_for_year(target, 2025) == Decimal("13.5")
    assert target_for_year(target, 2024) == Decimal(12)
    assert target_for_year(target, 2025, yearly={}) == Decimal(14)  # prefetched: no yearly targets given


def test_without_a_baseline_every_year_aims_at_the_end_of_period_target(target):
    target.baseline_value = target.baseline_fiscal_year = None
    assert target_for_year(target, 2024) == Decimal(16)
    target.final_value = None
    assert target_for_year(target, 2024) is None


def test_at_or_beyond_the_target_is_on_track_below_is_behind(target):
    assert status_of(target, [value(target, 2024, 12)], True).code == ON_TRACK
    behind = status_of(target, [value(target, 2024, 13), value(target, 2025, "13.9")], True)
    assert (behind.code, behind.target, behind.fiscal_year) == (BEHIND, Decimal(14), 2025)
    assert behind.value.value == Decimal("13.9")


def test_the_latest_current_value_in_the_plan_period_decides(target):
    values = [value(target, 2025, 15), value(target, 2026, 10, is_current=False), value(target, 2027, 1),
              value(target, 2024, 1)]
    status = status_of(target, values, True)
    assert (status.code, status.fiscal_year) == (ON_TRACK, 2025)


def test_a_monthly_value_of_january_belongs_to_the_previous_fiscal_year(target):
    status = status_of(target, [value(target, 2025, 12, month=1)], True)
    assert (status.fiscal_year, status.target, status.code) == (2024, Decimal(12), ON_TRACK)


def test_lower_is_better_reverses_the_comparison(target):
    target.baseline_value, target.final_value = Decimal(30), Decimal(24)  # e.g. share beyond 16 km
    assert target_for_year(target, 2024) == Decimal(28)
    assert status_of(target, [value(target, 2024, 27)], False).code == ON_TRACK
    assert status_of(target, [value(target, 2024, 29)], False).code == BEHIND


def test_no_value_in_the_plan_period_is_no_data(target):
    assert status_of(target, [], True).code == NO_DATA
    assert status_of(target, [value(target, 2023, 50), value(target, 2024, None)], True).code == NO_DATA


def test_no_target_or_no_good_direction_is_no_target(target):
    assert status_of(None, [value(target, 2024, 12)], True).code == NO_TARGET
    neither = status_of(target, [value(target, 2024, 12)], None)
    assert neither.code == NO_TARGET and neither.target == Decimal(12)
    assert str(neither.label)
