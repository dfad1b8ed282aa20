import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from renkei.core.models import AuditEntry
from renkei.provision.models import RotaShift, ShiftKind
from renkei.provision.selectors import rota
from renkei.provision.services import rota as services

from .factories import shift

MONDAY = dt.date(2027, 1, 4)


@pytest.mark.django_db
def test_gaps_list_every_needed_night_weekend_and_holiday_day_nobody_covers(world):
    for offset in range(7):
        shift(world.group, MONDAY + dt.timedelta(days=offset), ShiftKind.NIGHT, world.covering)
    found = rota.gaps(world.group, start=MONDAY, days_ahead=8)
    # Saturday and Sunday days, and the next Monday's night.
    assert [(g.date, g.kind) for g in found] == [(dt.date(2027, 1, 9), ShiftKind.WEEKEND_DAY),
                                                 (dt.date(2027, 1, 10), ShiftKind.WEEKEND_DAY),
                                                 (dt.date(2027, 1, 11), ShiftKind.HOLIDAY_DAY),
                                                 (dt.date(2027, 1, 11), ShiftKind.NIGHT)]


@pytest.mark.django_db
def test_a_shift_cleared_of_its_doctor_is_a_gap_again(world):
    services.shift_save(membership=world.attending, group=world.group, date=MONDAY, kind=ShiftKind.NIGHT,
                        covering=world.covering)
    assert rota.gaps(world.group, start=MONDAY, days_ahead=1) == []
    services.shift_save(membership=world.attending, group=world.group, date=MONDAY, kind=ShiftKind.NIGHT,
                        covering=None)
    assert len(rota.gaps(world.group, start=MONDAY, days_ahead=1)) == 1


@pytest.mark.django_db
def test_members_manage_the_rota_and_the_save_is_audited(world):
    saved = services.shift_save(membership=world.backup, group=world.group, date=MONDAY, kind=ShiftKind.NIGHT,
                                covering=world.covering, phone="090-0000-1111")
    assert saved.phone == "090-0000-1111"
    assert AuditEntry.objects.filter(object_type="provision.rotashift", object_id=str(saved.pk)).exists()


@pytest.mark.django_db
def test_someone_outside_the_group_may_not_edit_its_rota_and_the_refusal_is_logged(world):
    with pytest.raises(PermissionDenied):
        services.shift_save(membership=world.outsider, group=world.group, date=MONDAY, kind=ShiftKind.NIGHT,
                            covering=world.covering)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE, permission="provision.manage_rota").exists()
    assert not RotaShift.objects.exists()


@pytest.mark.django_db
def test_only_a_member_of_the_group_may_cover_a_shift(world):
    with pytest.raises(ValidationError):
        services.shift_save(membership=world.attending, group=world.group, date=MONDAY, kind=ShiftKind.NIGHT,
                            covering=world.outsider)


@pytest.mark.django_db
def test_the_month_calendar_marks_holidays_and_weekends_and_starts_on_monday(world):
    cal = rota.month_calendar(world.group, dt.date(2027, 1, 1))
    cells = {c["date"]: c for c in cal["days"]}
    assert cells[dt.date(2027, 1, 1)]["holiday"] == "元日"
    assert cells[dt.date(2027, 1, 11)]["holiday"] == "成人の日"
    assert cells[dt.date(2027, 1, 2)]["weekend"]
    assert cal["weeks"][0][:4] == [None, None, None, None]  # 2027-01-01 is a Friday
    assert cal["month_label"] == "令和9年1月"


@pytest.mark.django_db
def test_a_group_member_adds_a_doctor_of_the_municipality_who_then_sees_the_rota(world, client):
    from renkei.core import policy
    from tests.conftest import client_for

    assert world.outsider in services.member_candidates(world.group)
    response = client_for(world.attending).post(f"/provision/groups/{world.group.pk}/members/",
                                                {"member": world.outsider.pk})
    assert response.status_code == 302
    assert world.group.members.filter(pk=world.outsider.pk).exists()
    assert policy.check(world.outsider, "provision.view_group", world.group)
    assert AuditEntry.objects.filter(object_type="provision.covergroup", object_id=str(world.group.pk),
                                     permission="provision.manage_rota").exists()


@pytest.mark.django_db
def test_someone_outside_the_group_cannot_add_members_and_the_refusal_is_logged(world):
    from tests.conftest import client_for

    before = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count()
    response = client_for(world.outsider).post(f"/provision/groups/{world.group.pk}/members/",
                                               {"member": world.outsider.pk})
    assert response.status_code == 403
    assert not world.group.members.filter(pk=world.outsider.pk).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count() == before + 1


@pytest.mark.django_db
def test_a_professional_of_another_municipality_cannot_join(world):
    from tests.factories import MunicipalityFactory

    from .factories import doctor

    stranger = doctor(MunicipalityFactory())
    assert stranger not in services.member_candidates(world.group)
    with pytest.raises(ValidationError):
        services.group_add_member(membership=world.attending, group=world.group, member=stranger)


@pytest.mark.django_db
def test_the_nursing_stations_rota_takes_only_its_own_staff(world):
    from renkei.core.models import Organization, Profession
    from tests.careteams.factories import professional

    colleague = professional(organization=world.nurse.organization, profession=Profession.VISITING_NURSE)
    other_station = professional(kind=Organization.Kind.VISITING_NURSING_STATION,
                                 municipality=world.patient.municipality, profession=Profession.VISITING_NURSE)
    candidates = list(services.member_candidates(world.station_group))
    assert colleague in candidates and other_station not in candidates
    with pytest.raises(PermissionDenied):
        services.group_add_member(membership=world.attending, group=world.station_group, member=colleague)
