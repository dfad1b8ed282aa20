import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from renkei.provision.models import ShiftKind
from renkei.provision.selectors.contacts import who_to_call_now

from .factories import shift

TOKYO = ZoneInfo("Asia/Tokyo")
SATURDAY_3AM = dt.datetime(2027, 1, 16, 3, 0, tzinfo=TOKYO)
FRIDAY = dt.date(2027, 1, 15)


@pytest.mark.django_db
def test_at_three_on_a_saturday_morning_the_doctor_covering_fridays_night_is_called_on_the_shift_phone(world):
    shift(world.group, FRIDAY, ShiftKind.NIGHT, world.covering, phone="090-1234-0000")
    plan = who_to_call_now(world.patient, SATURDAY_3AM)
    assert not plan.office_hours
    assert plan.doctor.name == world.covering.user.display_name
    assert plan.doctor.phone == "090-1234-0000"
    assert plan.backup.name == world.backup.user.display_name


@pytest.mark.django_db
def test_without_a_shift_that_night_the_backup_doctor_is_called(world):
    plan = who_to_call_now(world.patient, SATURDAY_3AM)
    assert plan.doctor.name == world.backup.user.display_name
    assert plan.doctor.phone == "0773-33-3333"


@pytest.mark.django_db
def test_in_office_hours_the_attending_doctor_is_called(world):
    shift(world.group, dt.date(2027, 1, 12), ShiftKind.NIGHT, world.covering)
    plan = who_to_call_now(world.patient, dt.datetime(2027, 1, 12, 10, 30, tzinfo=TOKYO))
    assert plan.office_hours
    assert plan.doctor.name == world.attending.user.display_name
    assert plan.doctor.phone == "0773-22-2222"


@pytest.mark.django_db
def test_the_visiting_nursing_stations_on_call_nurse_is_shown_after_hours(world):
    on_call = world.station_group.members.exclude(pk=world.nurse.pk).get()
    shift(world.station_group, FRIDAY, ShiftKind.NIGHT, on_call, phone="080-2470-2470")
    plan = who_to_call_now(world.patient, SATURDAY_3AM)
    assert [(n.name, n.phone) for n in plan.nurses] == [(on_call.user.display_name, "080-2470-2470")]


@pytest.mark.django_db
def test_the_plan_names_the_enrolled_hospital_only_while_the_enrolment_is_current(world):
    plan = who_to_call_now(world.patient, SATURDAY_3AM)
    assert [e.hospital_id for e in plan.hospitals] == [world.enrolled.organization_id]
