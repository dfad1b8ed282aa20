"""Meetings: the form (attendees, stale edits), decisions, materials (limits, storage, who downloads them)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.pdca.models import Meeting, MeetingMaterial

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def meeting_data(councils, **changes):
    data = {"title": "令和8年度 第2回協議会", "held_on": "2026-09-10", "starts_at": "14:00", "place": "市民会館",
            "status": "planned", "agenda": "開会\n報告\n閉会", "other_attendees": "病院MSW 2名", "minutes": "",
            "attendees": [councils.doctor_seat.pk]}
    data.update(changes)
    return data


def test_staff_create_a_meeting_with_its_attendees(councils, login_as):
    response = login_as(councils.staff).post(reverse("pdca:meeting_create", args=[councils.council.pk]),
                                             meeting_data(councils))
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="令和8年度 第2回協議会")
    assert list(meeting.attendees.all()) == [councils.doctor_seat]
    assert str(meeting.starts_at) == "14:00:00" and meeting.council == councils.council


def test_a_changed_attendee_list_is_in_the_audit_log(councils, login_as):
    meeting = councils.meeting
    response = login_as(councils.staff).post(reverse("pdca:meeting_edit", args=[meeting.pk]), meeting_data(
        councils, title=meeting.title, attendees=[], version=meeting.version))
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(object_type="pdca.meeting", object_id=str(meeting.pk),
                                      changes__has_key="attendees").get()
    assert entry.changes["attendees"] == [["山田 医師"], []]


def test_an_attendee_from_another_body_is_refused(councils, login_as):
    nurse_seat = councils.wg.members.get()
    response = login_as(councils.staff).post(reverse("pdca:meeting_create", args=[councils.council.pk]),
                                             meeting_data(councils, attendees=[nurse_seat.pk]))
    assert response.status_code == 400
    assert not Meeting.objects.filter(title="令和8年度 第2回協議会").exists()


def test_a_stale_meeting_edit_answers_409_and_keeps_the_other_save(councils, login_as):
    meeting = councils.meeting
    opened = meeting.version
    url = reverse("pdca:meeting_edit", args=[meeting.pk])
    first = login_as(councils.coordinator).post(url, meeting_data(councils, minutes="議事録（先）", version=opened))
    assert first.status_code == 302
    second = login_as(councils.staff).post(url, meeting_data(councils, minutes="議事録（後）", version=opened))
    assert second.status_code == 409
    assert "minutes" in {row["name"] for row in second.context["conflict"]["rows"]}
    meeting.refresh_from_db()
    assert meeting.minutes == "議事録（先）"
    # Saving again from the conflict screen (it carries the new version) replaces theirs.
    third = login_as(councils.staff).post(url, meeting_data(councils, minutes="議事録（後）", version=opened + 1))
    assert third.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "議事録（後）"


def test_a_council_member_reads_the_meeting_but_cannot_edit_it(councils, login_as):
    client = login_as(councils.doctor)
    response = client.get(reverse("pdca:meeting_detail", args=[councils.meeting.pk]))
    assert response.status_code == 200
    assert response.context["agenda_items"] == ["開会", "入退院支援の現状", "閉会"]
    assert response.context["attendee_ids"] == {councils.doctor_seat.pk}
    assert reverse("pdca:meeting_edit", args=[councils.meeting.pk]) not in response.content.decode()
    assert client.post(reverse("pdca:meeting_edit", args=[councils.meeting.pk]),
                       meeting_data(councils)).status_code == 403
    assert client.post(reverse("pdca:decision_add", args=[councils.meeting.pk]), {"text": "x"}).status_code == 403


def test_staff_record_a_decision(councils, login_as):
    response = login_as(councils.staff).post(reverse("pdca:decision_add", args=[councils.meeting.pk]),
                                             {"text": "退院調整ルールを改訂する"})
    assert response.status_code == 302
    assert list(councils.meeting.decisions.values_list("text", flat=True)) == ["退院調整ルールを改訂する"]
    assert AuditEntry.objects.filter(object_type="pdca.decision", action="create").exists()


# --- materials ------------------------------------------------------------------------------------------

def upload(client, councils, name, content, title="資料1"):
    return client.post(reverse("pdca:material_upload", args=[councils.meeting.pk]),
                       {"title": title, "file": SimpleUploadedFile(name, content)})


def test_a_material_is_kept_under_the_data_directory_and_served_only_through_the_policy(councils, login_as,
                                                                                         settings):
    response = upload(login_as(councils.staff), councils, "次第.pdf", PDF)
    assert response.status_code == 302
    material = MeetingMaterial.objects.get()
    path = Path(material.file.path)
    assert path.is_relative_to(Path(settings.DATA_DIR).resolve()) and path.read_bytes() == PDF
    assert material.file_name == "次第.pdf" and material.content_type == "application/pdf"
    assert "次第" not in path.name  # stored under a random name
    with pytest.raises(ValueError):
        material.file.url  # noqa: B018  (no public URL)
    url = reverse("pdca:material_download", args=[material.pk])
    download = login_as(councils.doctor).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert login_as(councils.unseated).get(url).status_code == 403
    assert login_as(councils.nurse).get(url).status_code == 403  # a seat on the WG is not one on the council


def test_a_material_over_the_size_limit_is_refused_with_a_message(councils, login_as, settings):
    settings.RENKEI_UPLOAD_LIMITS = {"material_bytes": 20}
    response = upload(login_as(councils.staff), councils, "big.pdf", PDF)
    assert response.status_code == 400
    assert "ファイルが大きすぎます（1 MB まで）。" in response.content.decode()
    assert not MeetingMaterial.objects.exists()


@pytest.mark.parametrize(("name", "content"), [
    ("tool.exe", b"MZ\x90\x00"),
    ("fake.pdf", b"MZ\x90\x00 not a pdf"),
    ("page.html", b"<script>alert(1)</script>"),
    ("notes.txt", b"\x00\x01\x02binary"),
])
def test_a_file_of_another_type_is_refused(councils, login_as, name, content):
    response = upload(login_as(councils.staff), councils, name, content)
    assert response.status_code == 400
    assert not MeetingMaterial.objects.exists()


def test_plain_text_in_shift_jis_is_accepted(councils, login_as):
    response = upload(login_as(councils.staff), councils, "memo.txt", "議事メモ".encode("cp932"))
    assert response.status_code == 302
    assert MeetingMaterial.objects.get().content_type == "text/plain"


def test_removing_a_material_deletes_its_file(councils, login_as, django_capture_on_commit_callbacks):
    client = login_as(councils.staff)
    upload(client, councils, "a.pdf", PDF)
    material = MeetingMaterial.objects.get()
    path = Path(material.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("pdca:material_delete", args=[material.pk])).status_code == 302
    assert not MeetingMaterial.objects.exists() and not path.exists()


def test_a_member_cannot_attach_a_material(councils, login_as):
    assert upload(login_as(councils.doctor), councils, "a.pdf", PDF).status_code == 403
