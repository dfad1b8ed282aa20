"""Opening hours with Japanese public holidays: one facility (is_open_at) and the SQL filter (open_at_q) agree."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.directory.hours import is_open_at, is_public_holiday, open_at_q
from renkei.directory.models import Facility, OpeningHours

from ..factories import FacilityFactory


def period(weekday, opens, closes):
    return SimpleNamespace(weekday=weekday, opens=dt.time(*opens), closes=dt.time(*closes))


WEEKDAY_MORNINGS = [period(d, (9, 0), (12, 0)) for d in range(5)]


def test_a_clinic_is_open_during_its_weekday_hours():
    assert is_open_at(WEEKDAY_MORNINGS, dt.datetime(2026, 11, 24, 10, 0))  # Tuesday


def test_a_clinic_is_closed_at_its_closing_time():
    assert not is_open_at(WEEKDAY_MORNINGS, dt.datetime(2026, 11, 24, 12, 0))


def test_labour_thanksgiving_day_closes_a_clinic_closed_on_holidays():
    # 2026-11-23 勤労感謝の日 is a Monday.
    assert is_public_holiday(dt.date(2026, 11, 23))
    assert not is_open_at(WEEKDAY_MORNINGS, dt.datetime(2026, 11, 23, 10, 0), closed_on_holidays=True)


def test_a_holiday_keeps_weekday_hours_for_a_clinic_not_closed_on_holidays():
    assert is_open_at(WEEKDAY_MORNINGS, dt.datetime(2026, 11, 23, 10, 0), closed_on_holidays=False)


def test_a_substitute_holiday_counts_as_a_holiday():
    # 2026-05-06 (Wednesday) is 振替休日 for 憲法記念日 on Sunday 3 May.
    assert is_public_holiday(dt.date(2026, 5, 6))
    assert not is_open_at(WEEKDAY_MORNINGS, dt.datetime(2026, 5, 6, 10, 0), closed_on_holidays=True)


def test_holiday_rows_replace_the_weekday_hours_on_a_holiday():
    hours = [*WEEKDAY_MORNINGS, period(OpeningHours.HOLIDAY, (13, 0), (15, 0))]
    assert not is_open_at(hours, dt.datetime(2026, 11, 23, 10, 0), closed_on_holidays=True)
    assert is_open_at(hours, dt.datetime(2026, 11, 23, 14, 0), closed_on_holidays=True)


def test_holiday_rows_do_not_apply_on_ordinary_days():
    hours = [period(OpeningHours.HOLIDAY, (13, 0), (15, 0))]
    assert not is_open_at(hours, dt.datetime(2026, 11, 24, 14, 0))


def test_a_night_period_runs_past_midnight_into_the_next_morning():
    night = [period(4, (20, 0), (2, 0))]  # Friday 20:00 – Saturday 02:00
    assert is_open_at(night, dt.datetime(2026, 11, 27, 23, 0))
    assert is_open_at(night, dt.datetime(2026, 11, 28, 1, 30))
    assert not is_open_at(night, dt.datetime(2026, 11, 28, 2, 0))
    assert not is_open_at(night, dt.datetime(2026, 11, 27, 1, 0))


def test_the_new_year_holiday_is_the_only_year_end_closure_assumed():
    # 12-29 … 01-03 are customary closures, not public holidays: only 元日 is.
    assert not is_public_holiday(dt.date(2026, 12, 29))
    assert is_open_at(WEEKDAY_MORNINGS, dt.datetime(2026, 12, 29, 10, 0), closed_on_holidays=True)
    assert not is_open_at(WEEKDAY_MORNINGS, dt.datetime(2027, 1, 1, 10, 0), closed_on_holidays=True)


def test_an_aware_moment_is_read_in_japan_time():
    # 01:00 UTC on Tuesday is 10:00 in Japan.
    assert is_open_at(WEEKDAY_MORNINGS, dt.datetime(2026, 11, 24, 1, 0, tzinfo=dt.UTC))


def test_midnight_to_midnight_means_the_whole_day():
    assert is_open_at([period(5, (0, 0), (0, 0))], dt.datetime(2026, 11, 28, 23, 59))


# --- the SQL filter agrees with is_open_at ----------------------------------------------------------------

HOURS_CASES = [
    ("weekday mornings", [(d, (9, 0), (12, 0)) for d in range(5)], False),
    ("closed on holidays", [(d, (9, 0), (12, 0)) for d in range(5)], True),
    ("holiday afternoons", [(0, (9, 0), (12, 0)), (7, (13, 0), (15, 0))], True),
    ("night shift", [(d, (20, 0), (2, 0)) for d in range(7)], True),
    ("sunday night then holiday", [(6, (22, 0), (3, 0))], True),
    ("all day saturday", [(5, (0, 0), (0, 0))], False),
]


@pytest.fixture
def facilities_with_hours(municipality):
    made = {}
    for name, rows, closed in HOURS_CASES:
        facility = FacilityFactory(municipality=municipality, name=name, closed_on_holidays=closed)
        for weekday, opens, closes in rows:
            OpeningHours.objects.create(facility=facility, weekday=weekday, opens=dt.time(*opens),
                                        closes=dt.time(*closes))
        made[name] = facility
    return made


def _open_in_sql(when):
    return set(Facility.objects.filter(open_at_q(when)).values_list("name", flat=True))


def _open_in_python(when):
    return {f.name for f in Facility.objects.prefetch_related("opening_hours")
            if is_open_at(f.opening_hours.all(), when, f.closed_on_holidays)}


@pytest.mark.parametrize("when", [
    dt.datetime(2026, 11, 23, 10, 0), dt.datetime(2026, 11, 23, 14, 0), dt.datetime(2026, 11, 23, 1, 0),
    dt.datetime(2026, 11, 24, 1, 0), dt.datetime(2026, 5, 6, 10, 0), dt.datetime(2026, 11, 28, 12, 0),
    dt.datetime(2026, 11, 29, 23, 0), dt.datetime(2026, 11, 30, 2, 0),
])
def test_the_sql_filter_agrees_with_is_open_at_on_chosen_moments(facilities_with_hours, when):
    assert _open_in_sql(when) == _open_in_python(when)


def test_the_sql_filter_on_a_holiday_morning_lists_the_expected_facilities(facilities_with_hours):
    assert _open_in_sql(dt.datetime(2026, 11, 23, 10, 0)) == {"weekday mornings"}
    assert _open_in_sql(dt.datetime(2026, 11, 23, 1, 0)) == {"night shift", "sunday night then holiday"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)))
def test_the_sql_filter_agrees_with_is_open_at_at_any_moment(facilities_with_hours, when):
    when = when.replace(second=0, microsecond=0)
    assert _open_in_sql(when) == _open_in_python(when)


def test_the_sql_filter_reads_aware_moments_in_japan_time(facilities_with_hours):
    when = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(dt.UTC)
    assert _open_in_sql(when) == {"weekday mornings", "closed on holidays"}
