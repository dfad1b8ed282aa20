import datetime as dt

from django.utils import timezone

from renkei.handoff.days import Calendar


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


def test_weekends_holidays_and_closed_days_are_not_working_days():
    calendar = Calendar([dt.date(2026, 12, 29)])
    assert calendar.is_working_day(dt.date(2026, 12, 28))  # Monday
    assert not calendar.is_working_day(dt.date(2026, 12, 29))  # the municipality's own closed day
    assert not calendar.is_working_day(dt.date(2026, 12, 26))  # Saturday
    assert not calendar.is_working_day(dt.date(2027, 1, 1))  # 元日


def test_working_days_skip_days_off_both_ways():
    calendar = Calendar()
    assert calendar.add_working_days(dt.date(2026, 12, 4), 1) == dt.date(2026, 12, 7)  # Friday → Monday
    assert calendar.add_working_days(dt.date(2026, 12, 7), -3) == dt.date(2026, 12, 2)


def test_admission_information_deadline_is_two_days_after_admission():
    due = Calendar().deadline(at(2026, 12, 1, 10, 0), offset_days=2, working=False, after_hours_shift=True)
    assert timezone.localtime(due).date() == dt.date(2026, 12, 3)


def test_admission_after_hours_counts_from_the_next_day():
    # Friday 20:00: Saturday is day 0, Monday the deadline (入院時情報連携加算 II, 3日目が営業日でない場合は翌日).
    due = Calendar().deadline(at(2026, 12, 4, 20, 0), offset_days=2, working=False, after_hours_shift=True)
    assert timezone.localtime(due).date() == dt.date(2026, 12, 7)


def test_a_deadline_on_a_day_off_moves_to_the_next_working_day():
    # Thursday + 3 calendar days = Sunday → Monday (入退院支援加算: the weekend rule for screening).
    due = Calendar().deadline(at(2026, 12, 3, 10, 0), offset_days=3, working=False)
    assert timezone.localtime(due).date() == dt.date(2026, 12, 7)


def test_working_day_deadlines_before_an_event():
    due = Calendar([dt.date(2026, 12, 9)]).deadline(dt.date(2026, 12, 10), offset_days=-3, working=True)
    assert timezone.localtime(due).date() == dt.date(2026, 12, 4)  # skips the closed Wednesday and the weekend
