import datetime as dt
from zoneinfo import ZoneInfo

from renkei.provision import days
from renkei.provision.models import ShiftKind

TOKYO = ZoneInfo("Asia/Tokyo")


def test_new_years_day_2027_is_a_holiday_that_needs_a_weekend_day_shift_on_a_friday():
    day = dt.date(2027, 1, 1)  # a Friday
    assert days.holiday_name(day) == "元日"
    assert days.needed_shifts(day) == [ShiftKind.HOLIDAY_DAY, ShiftKind.NIGHT]


def test_coming_of_age_day_2027_is_flagged_as_a_holiday():
    day = dt.date(2027, 1, 11)  # 成人の日, second Monday of January
    assert days.holiday_name(day) == "成人の日"
    assert days.day_shift_kind(day) == ShiftKind.HOLIDAY_DAY


def test_an_ordinary_weekday_needs_only_a_night_and_a_saturday_a_weekend_day_too():
    assert days.needed_shifts(dt.date(2027, 1, 12)) == [ShiftKind.NIGHT]
    assert days.needed_shifts(dt.date(2027, 1, 16)) == [ShiftKind.WEEKEND_DAY, ShiftKind.NIGHT]


def test_three_in_the_morning_on_saturday_belongs_to_fridays_night_shift():
    at = dt.datetime(2027, 1, 16, 3, 0, tzinfo=TOKYO)
    assert days.shift_at(at) == (dt.date(2027, 1, 15), ShiftKind.NIGHT)
    assert not days.is_office_hours(at)


def test_office_hours_are_weekdays_nine_to_six_but_not_holidays():
    assert days.is_office_hours(dt.datetime(2027, 1, 12, 9, 0, tzinfo=TOKYO))
    assert not days.is_office_hours(dt.datetime(2027, 1, 12, 18, 0, tzinfo=TOKYO))
    assert not days.is_office_hours(dt.datetime(2027, 1, 11, 10, 0, tzinfo=TOKYO))
    assert days.shift_at(dt.datetime(2027, 1, 11, 10, 0, tzinfo=TOKYO)) == (dt.date(2027, 1, 11),
                                                                           ShiftKind.HOLIDAY_DAY)
