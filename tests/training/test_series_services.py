"""The series services: series and sessions, registrations (one, a list, capacity), attendance, and their audit
entries (a participant's name never reaches the log)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renkei.core import audit
from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry, Profession
from renkei.training.models import Attendance, Registration, TrainingSeries, TrainingSession
from renkei.training.services import series as services

from .factories import RegistrationFactory, SessionFactory, attended

pytestmark = pytest.mark.django_db


def _entries(model: str, action: str | None = None):
    queryset = AuditEntry.objects.filter(object_type=f"training.{model}")
    return queryset.filter(action=action) if action else queryset


def test_an_official_creates_a_series_and_a_stale_edit_is_refused(world):
    series = TrainingSeries(municipality=world.municipality, kind="case_conference", title="事例検討会 看取り編",
                            fiscal_year=2026, target_professions=["nurse", "doctor", "nurse"])
    with audit.bind_membership(world.official):
        services.series_save(membership=world.official, series=series)
    assert series.created_by == world.official and series.target_professions == ["doctor", "nurse"]
    assert _entries("trainingseries", AuditEntry.Action.CREATE).filter(object_id=str(series.pk)).exists()
    stale = TrainingSeries.objects.get(pk=series.pk)
    series.title = "事例検討会 看取り編（改）"
    services.series_save(membership=world.official, series=series, expected_version=1)
    stale.title = "別の題"
    with pytest.raises(StaleEdit):
        services.series_save(membership=world.coordinator, series=stale, expected_version=1)
    assert TrainingSeries.objects.get(pk=series.pk).title == "事例検討会 看取り編（改）"


def test_a_neighbours_official_and_the_prefecture_cannot_write_a_series(world):
    for member in (world.neighbour_official, world.prefecture):
        world.series.title = "書き換え"
        with pytest.raises(PermissionDenied):
            services.series_save(membership=member, series=world.series, expected_version=world.series.version)


def test_a_session_that_ends_before_it_starts_or_has_no_place_is_refused(world):
    start = timezone.now() + dt.timedelta(days=3)
    session = TrainingSession(series=world.series, starts_at=start, ends_at=start - dt.timedelta(hours=1),
                              place="会議室")
    with pytest.raises(ValidationError) as error:
        services.session_save(membership=world.official, session=session)
    assert "ends_at" in error.value.message_dict
    session = TrainingSession(series=world.series, starts_at=start)
    with pytest.raises(ValidationError) as error:
        services.session_save(membership=world.official, session=session)
    assert "place" in error.value.message_dict


def test_a_session_smaller_than_the_registrations_saves_with_a_warning(world):
    for _ in range(3):
        RegistrationFactory(series=world.series)
    session = TrainingSession(series=world.series, starts_at=timezone.now() + dt.timedelta(days=30),
                              video_url="https://meet.example.jp/abc", capacity=2)
    warnings = services.session_save(membership=world.official, session=session)
    assert session.pk and len(warnings) == 1 and "3" in warnings[0] and "2" in warnings[0]


def test_a_cancelled_session_stays_marked_cancelled(world):
    services.session_cancel(membership=world.official, session=world.second_session)
    world.second_session.refresh_from_db()
    assert world.second_session.status == "cancelled"


def test_a_member_is_registered_with_the_name_profession_and_facility_of_their_account(world):
    world.clinic.organization = world.professional.organization
    world.clinic.save()
    with audit.bind_membership(world.official):
        registration = services.registration_add(membership=world.official, series=world.series,
                                                 member=world.professional)
    assert registration.membership == world.professional
    assert registration.profession == Profession.CARE_MANAGER
    assert registration.facility == world.clinic and registration.organization_name == ""
    entry = _entries("registration", AuditEntry.Action.CREATE).get(object_id=str(registration.pk))
    assert registration.name not in str(entry.changes) and registration.name not in entry.object_label
    with pytest.raises(ValidationError):
        services.registration_add(membership=world.official, series=world.series, member=world.professional)


def test_registration_beyond_the_capacity_is_refused_unless_the_staff_confirm(world):
    TrainingSession.objects.filter(series=world.series).update(capacity=1)
    services.registration_add(membership=world.official, series=world.series, name="山田 花子",
                              profession="nurse", facility=world.hospital)
    with pytest.raises(services.OverCapacity):
        services.registration_add(membership=world.official, series=world.series, name="佐藤 一郎",
                                  profession="doctor", organization_name="佐藤医院")
    services.registration_add(membership=world.official, series=world.series, name="佐藤 一郎",
                              profession="doctor", organization_name="佐藤医院", confirm_over_capacity=True)
    assert world.series.registrations.filter(cancelled_at__isnull=True).count() == 2


def test_a_pasted_list_registers_everyone_and_links_directory_facilities(world):
    text = ("氏名,職種,所属\n"
            "山田 花子,看護師,試験市民病院\n"
            "\n"
            "鈴木 次郎\tケアマネ\t鈴木ケアプラン\n"
            "田中 三郎,事務職,\n")
    with audit.bind_membership(world.official):
        created = services.registrations_import(membership=world.official, series=world.series, text=text)
    assert [(r.name, r.profession, r.profession_other) for r in created] == [
        ("山田 花子", "nurse", ""), ("鈴木 次郎", "care_manager", ""), ("田中 三郎", "", "事務職")]
    assert created[0].facility == world.hospital and created[1].organization_name == "鈴木ケアプラン"
    entries = _entries("registration", AuditEntry.Action.CREATE)
    assert entries.count() == 3
    assert all("山田" not in str(e.changes) and "山田" not in e.object_label for e in entries)


def test_a_list_with_bad_lines_registers_nobody_and_names_each_line(world):
    RegistrationFactory(series=world.series, name="既存 太郎", organization_name="")
    text = ("山田 花子,看護師,病院\n"
            ",医師,診療所\n"
            "既存 太郎,医師,\n"
            "山田 花子,看護師,病院\n"
            "a,b,c,d\n"
            + "長" * 81 + ",医師,\n")
    with pytest.raises(services.ImportRejected) as error:
        services.registrations_import(membership=world.official, series=world.series, text=text)
    lines = [e.line for e in error.value.line_errors]
    assert lines == [2, 3, 4, 5, 6]
    messages = [str(e) for e in error.value.line_errors]
    assert messages[0] == "2行目: 氏名がありません / line 2: the name is missing"
    assert "1行目と同じ人です" in messages[2]
    assert Registration.objects.filter(series=world.series).count() == 1


def test_a_list_beyond_the_capacity_is_refused_whole(world):
    TrainingSession.objects.filter(series=world.series).update(capacity=2)
    with pytest.raises(services.OverCapacity):
        services.registrations_import(membership=world.official, series=world.series,
                                      text="甲,医師,\n乙,医師,\n丙,医師,\n")
    assert not Registration.objects.filter(series=world.series).exists()


def test_a_shift_jis_csv_is_read(world):
    assert services.decode_upload("山田,医師,\n".encode("cp932")) == "山田,医師,\n"


def test_attendance_is_recorded_only_for_started_sessions(world):
    registration = RegistrationFactory(series=world.series)
    with pytest.raises(ValidationError):
        services.attendance_set(membership=world.official, session=world.second_session,
                                registration=registration, attended=True)
    attendance = services.attendance_set(membership=world.coordinator, session=world.first_session,
                                         registration=registration, attended=True)
    assert attendance.attended and attendance.recorded_by == world.coordinator
    services.attendance_set(membership=world.coordinator, session=world.first_session,
                            registration=registration, attended=False)
    assert Attendance.objects.get(pk=attendance.pk).attended is False


def test_mark_all_present_marks_only_the_active_registrations_and_logs_each(world):
    present, absent, cancelled = (RegistrationFactory(series=world.series) for _ in range(3))
    attended(present, world.first_session)
    Attendance.objects.create(registration=absent, session=world.first_session, attended=False)
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    with audit.bind_membership(world.official):
        changed = services.attendance_mark_all(membership=world.official, session=world.first_session)
    assert changed == 1
    assert set(Attendance.objects.filter(session=world.first_session, attended=True)
               .values_list("registration_id", flat=True)) == {present.pk, absent.pk}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.BULK, object_type="training.attendance").count() == 1


def test_a_cancelled_registration_is_kept(world):
    registration = RegistrationFactory(series=world.series)
    services.registration_cancel(membership=world.official, registration=registration)
    registration.refresh_from_db()
    assert registration.cancelled_at is not None


def test_a_cancelled_session_takes_no_attendance(world):
    session = SessionFactory(series=world.series, starts_at=timezone.now() - dt.timedelta(hours=1),
                             status="cancelled")
    with pytest.raises(ValidationError):
        services.attendance_mark_all(membership=world.official, session=session)
