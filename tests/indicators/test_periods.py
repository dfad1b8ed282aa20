"""Periods: keys round-trip, labels in 和暦, fiscal years from April."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.indicators.models import PeriodType
from renkei.indicators.periods import Period, PeriodError, fiscal_year, parse_period, period_of, periods_between

days = st.dates(min_value=dt.date(1900, 4, 1), max_value=dt.date(2200, 3, 31))
types = st.sampled_from(PeriodType.values)


@given(days, types)
def test_a_periods_key_reads_back_as_the_same_period(day, period_type):
    period = period_of(day, period_type)
    assert parse_period(period.key) == period
    assert parse_period(period.key, period_type) == period
    assert parse_period(period.key).key == period.key


@given(days, types)
def test_the_period_of_a_day_contains_it_and_the_next_period_starts_the_day_after(day, period_type):
    period = period_of(day, period_type)
    assert period.contains(day) and period.start.day == 1
    following = period_of(period.end + dt.timedelta(days=1), period_type)
    assert following.start == period.end + dt.timedelta(days=1) and following > period


@given(st.integers(min_value=1989, max_value=2200))
def test_a_fiscal_years_wareki_label_reads_back_as_that_year(year):
    period = fiscal_year(year)
    assert parse_period(period.label) == period
    assert period.label.endswith("年度")


@given(days)
def test_a_day_belongs_to_the_fiscal_year_that_began_the_last_april(day):
    period = period_of(day, PeriodType.FISCAL_YEAR)
    assert period.start == dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)
    assert period.end == dt.date(period.start.year + 1, 3, 31)


def test_fiscal_2019_is_reiwa_gannen_though_april_2019_was_still_heisei():
    assert fiscal_year(2019).label == "令和元年度"
    assert parse_period("令和元年度") == parse_period("R1") == parse_period("平成31年度") == fiscal_year(2019)
    assert fiscal_year(2018).label == "平成30年度" and fiscal_year(2024).label == "令和6年度"


def test_quarters_and_months_are_labelled_as_officials_write_them():
    assert parse_period("2024Q1").label == "令和6年度 第1四半期"
    q4 = parse_period("2024Q4")
    assert (q4.start, q4.end, q4.key, q4.fiscal_year) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31), "2024Q4", 2024)
    assert parse_period("2024年5月").label == "2024年5月" and parse_period("2024/5").key == "2024-05"


@pytest.mark.parametrize("text", ["FY2024", "2024", "2024年度", "R6", "令和6年度", "令和６年度",
                                  "ＦＹ２０２４", " FY2024 ", "令和 6 年度"])
def test_a_fiscal_year_can_be_written_many_ways(text):
    assert parse_period(text) == fiscal_year(2024)


@pytest.mark.parametrize("text", ["", "FY20x4", "2024-13", "R0", "令和0年度", "2024Q5", "1800", "昭和60年度", "abc"])
def test_unreadable_periods_say_so_in_japanese_and_english(text):
    with pytest.raises(PeriodError) as refused:
        parse_period(text)
    assert "読めません" in refused.value.ja and "Cannot read" in refused.value.en


def test_a_period_of_another_type_than_the_indicators_is_refused():
    with pytest.raises(PeriodError) as refused:
        parse_period("2024-05", PeriodType.FISCAL_YEAR)
    assert "合いません" in refused.value.ja


def test_periods_between_lists_every_period_inclusive():
    months = periods_between(parse_period("2024-11"), parse_period("2025-02"))
    assert [p.key for p in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert periods_between(fiscal_year(2025), fiscal_year(2024)) == []
    assert isinstance(months[0], Period)
