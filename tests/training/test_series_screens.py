"""The series screens: the landing page, the series form and its conflict screen, sessions, participants (add,
list, bad input), the attendance checklist, certificates (PDF text) and the year's workbook."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from renkei.core.models import AuditEntry
from renkei.training.models import Attendance, Registration, TrainingSeries, TrainingSession
from renkei.training.selectors import series as selectors
from tests.conftest import client_for
from tests.handoff import pdf_text
from tests.i18n import ja

from .factories import RegistrationFactory, SeriesFactory, SessionFactory, attended

pytestmark = pytest.mark.django_db


def test_the_landing_page_lists_the_years_series_with_counts_and_upcoming_sessions(world):
    registration = RegistrationFactory(series=world.series)
    attended(registration, world.first_session)
    SeriesFactory(municipality=world.municipality, fiscal_year=2025, title="昨年度の研修")
    response = client_for(world.official).get("/training/?fy=2026")
    page = response.content.decode()
    assert response.status_code == 200
    assert "多職種連携研修 入退院支援編" in page and "昨年度の研修" not in page
    row = response.context["series_list"][0]
    assert (row.session_count, row.registration_count, row.attendance_count) == (2, 1, 1)
    assert response.context["upcoming"] == [world.second_session]


def test_prefecture_staff_choose_a_municipality_of_their_prefecture_first(world):
    response = client_for(world.prefecture).get("/training/")
    assert response.status_code == 200 and world.municipality in response.context["municipalities"]
    response = client_for(world.prefecture).get(f"/training/?municipality={world.municipality.code}&fy=2026")
    assert response.status_code == 200 and "多職種連携研修 入退院支援編" in response.content.decode()
    assert "Add a series" not in response.content.decode()


def test_a_series_is_created_from_the_form(world):
    response = client_for(world.official).post(f"/training/series/new/?municipality={world.municipality.code}", {
        "kind": "case_conference", "title": "事例検討会", "description": "", "fiscal_year": "2026",
        "target_professions": ["doctor", "care_manager"], "is_open_for_registration": "on"})
    series = TrainingSeries.objects.get(title="事例検討会")
    assert response.status_code == 302 and response["Location"] == f"/training/series/{series.pk}/"
    assert series.municipality == world.municipality and series.target_professions == ["care_manager", "doctor"]


def test_an_edit_over_someone_elses_save_shows_the_conflict_screen(world):
    data = {"kind": "lecture", "title": "私の題", "fiscal_year": "2026", "version": str(world.series.version)}
    world.series.title = "他の人の題"
    world.series.save()
    response = client_for(world.official).post(f"/training/series/{world.series.pk}/edit/", data)
    assert response.status_code == 409 and "私の題" in response.content.decode()
    world.series.refresh_from_db()
    assert world.series.title == "他の人の題"


def test_a_session_ending_before_it_starts_is_shown_back_with_the_error(world):
    response = client_for(world.official).post(f"/training/series/{world.series.pk}/sessions/new/", {
        "starts_at": "2026-12-20T14:00", "ends_at": "2026-12-20T13:00", "place": "会議室"})
    assert response.status_code == 400 and ja("The end must come after the start.") in response.content.decode()


def test_the_participants_page_shows_names_and_logs_the_read(world):
    RegistrationFactory(series=world.series, name="山田 花子")
    response = client_for(world.coordinator).get(f"/training/series/{world.series.pk}/participants/")
    assert response.status_code == 200 and "山田 花子" in response.content.decode()
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="training.trainingseries").last()
    assert entry.changes["what"] == "participant names" and entry.object_id == str(world.series.pk)


def test_a_participant_from_a_directory_facility_is_registered(world):
    client = client_for(world.official)
    found = client.get(f"/training/series/{world.series.pk}/participants/facilities/?q=みどり")
    assert "みどり在宅クリニック" in found.content.decode()
    response = client.post(f"/training/series/{world.series.pk}/participants/add/", {
        "name": "緑 医師", "profession": "doctor", "facility": str(world.clinic.pk)})
    assert response.status_code == 302
    assert Registration.objects.get(name="緑 医師").facility == world.clinic


def test_registering_past_the_capacity_asks_for_a_confirmation(world):
    TrainingSession.objects.filter(series=world.series).update(capacity=0)
    client = client_for(world.official)
    url = f"/training/series/{world.series.pk}/participants/add/"
    response = client.post(url, {"name": "定員 超子", "profession": "nurse"})
    assert response.status_code == 409 and not Registration.objects.filter(name="定員 超子").exists()
    response = client.post(url, {"name": "定員 超子", "profession": "nurse", "confirm_over_capacity": "on"})
    assert response.status_code == 302 and Registration.objects.filter(name="定員 超子").exists()


def test_a_csv_with_bad_lines_is_reported_by_line_and_registers_nobody(world):
    upload = io.BytesIO("氏名,職種,所属\n山田,医師,\n,看護師,\n".encode("cp932"))
    upload.name = "list.csv"
    response = client_for(world.official).post(f"/training/series/{world.series.pk}/participants/import/",
                                               {"file": upload})
    assert response.status_code == 400
    assert "3行目: 氏名がありません / line 3: the name is missing" in response.content.decode()
    assert not Registration.objects.filter(series=world.series).exists()


def test_a_pasted_list_is_registered_from_the_screen(world):
    response = client_for(world.official).post(f"/training/series/{world.series.pk}/participants/import/",
                                               {"text": "山田,医師,\n鈴木,薬剤師,\n"})
    assert response.status_code == 302 and world.series.registrations.count() == 2


def test_the_checklist_toggles_a_row_with_htmx(world):
    registration = RegistrationFactory(series=world.series, name="出席 太郎")
    client = client_for(world.coordinator)
    page = client.get(f"/training/sessions/{world.first_session.pk}/attendance/")
    assert "出席 太郎" in page.content.decode()
    response = client.post(f"/training/sessions/{world.first_session.pk}/attendance/{registration.pk}/",
                           {"attended": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    assert Attendance.objects.get(registration=registration, session=world.first_session).attended


def test_attendance_of_a_session_not_yet_started_is_refused_with_a_message(world):
    registration = RegistrationFactory(series=world.series)
    response = client_for(world.official).post(
        f"/training/sessions/{world.second_session.pk}/attendance/{registration.pk}/", {"attended": "1"})
    assert response.status_code == 400 and not Attendance.objects.exists()


def test_the_certificate_says_who_attended_what_and_when_in_wareki(world):
    world.first_session.starts_at = timezone.make_aware(dt.datetime(2026, 11, 5, 14, 0))
    world.first_session.save()
    registration = RegistrationFactory(series=world.series, name="修了 花子")
    attended(registration, world.first_session)
    response = client_for(world.official).get(f"/training/registrations/{registration.pk}/certificate/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text.text(response.content)
    assert "修了 花子" in text and "修　了　証" in text and "多職種連携研修 入退院支援編" in text
    assert "令和8年11月5日" in text
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).last()
    assert entry.changes == {"what": "certificate", "count": 1} and "修了" not in entry.object_label


def test_no_certificate_for_someone_who_never_attended(world):
    registration = RegistrationFactory(series=world.series)
    response = client_for(world.official).get(f"/training/registrations/{registration.pk}/certificate/")
    assert response.status_code == 302 and not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_the_certificates_of_a_series_have_a_page_per_attendee(world):
    for name in ("甲", "乙"):
        attended(RegistrationFactory(series=world.series, name=name), world.first_session)
    RegistrationFactory(series=world.series, name="欠席")
    response = client_for(world.official).get(f"/training/series/{world.series.pk}/certificates/")
    assert pdf_text.pages(response.content) == 2
    assert "欠席" not in pdf_text.text(response.content)


def test_the_workbook_lists_sessions_and_registrations_and_hides_names_from_the_prefecture(world):
    registration = RegistrationFactory(series=world.series, name="=HYPERLINK(\"x\")", facility=world.hospital)
    attended(registration, world.first_session)
    url = f"/training/export/?municipality={world.municipality.code}&fy=2026"
    book = load_workbook(io.BytesIO(client_for(world.official).get(url).content))
    people = list(book["参加者"].values)
    assert people[1][2] == '=HYPERLINK("x")' and people[1][4] == "試験市民病院" and people[1][7] == 1
    assert len(list(book["開催回"].values)) == 3
    book = load_workbook(io.BytesIO(client_for(world.prefecture).get(url).content))
    assert list(book["参加者"].values)[1][2] is None
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 2


def test_the_landing_selector_reads_a_year_in_few_queries(world, django_assert_max_num_queries):
    for _ in range(5):
        series = SeriesFactory(municipality=world.municipality)
        SessionFactory(series=series)
        RegistrationFactory(series=series)
    with django_assert_max_num_queries(3):
        rows = selectors.year_series(world.official, world.municipality, 2026)
        selectors.upcoming_sessions(rows)
    assert len(rows) == 6


def test_the_participants_selector_reads_in_one_query(world, django_assert_max_num_queries):
    for _ in range(10):
        RegistrationFactory(series=world.series, facility=world.clinic)
    with django_assert_max_num_queries(1):
        rows = selectors.participants(world.series)
        [r.facility.name for r in rows]
