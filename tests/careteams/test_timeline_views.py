"""The timeline screens: the page, posting (htmx and plain POST), acknowledging, attachments' download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renkei.careteams.models import Acknowledgement, Attachment, Post
from renkei.careteams.services.timeline import post_create
from renkei.core.models import AuditEntry

from .timeline_world import build_team, jpeg

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def team():
    return build_team()


def url(team):
    return reverse("careteams:timeline", kwargs={"patient_id": team.patient.pk})


def write(team, who="nurse", **kwargs):
    kwargs.setdefault("text", "訪問しました。")
    return post_create(membership=getattr(team, who), patient=team.patient, **kwargs).post


def test_the_timeline_page_shows_the_posts_the_compose_box_and_the_tab(team, login_as):
    write(team, text="夜間の様子を共有します")
    response = login_as(team.doctor).get(url(team))
    assert response.status_code == 200
    html = response.content.decode()
    assert "夜間の様子を共有します" in html
    assert 'id="compose"' in html and 'accept="image/*,application/pdf"' in html and 'capture="environment"' in html
    assert 'aria-current="page"' in html and url(team) in html
    assert "careteams/timeline.js" in html


def test_anonymous_visitors_are_sent_to_the_login(team, client):
    response = client.get(url(team))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_outsider_gets_a_403(team, login_as):
    assert login_as(team.outsider).get(url(team)).status_code == 403


def test_a_missing_patient_is_a_404(team, login_as):
    response = login_as(team.doctor).get(reverse("careteams:timeline", kwargs={"patient_id": 99999999999999999}))
    assert response.status_code == 404


def test_a_plain_post_writes_the_post_and_redirects_back(team, login_as):
    client = login_as(team.nurse)
    response = client.post(url(team), {"text": "褥瘡の処置をしました", "kind": "observation", "urgency": "important",
                                       "obs_temperature": "36.9", "obs_pulse": "", "obs_adl_moving": "partial",
                                       "mentions": [str(team.members.doctor.pk)],
                                       "client_key": "7d1f1c56-0a4b-4a51-8d3c-111111111111",
                                       "files": [jpeg("褥瘡.jpg")]})
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(team) + "?sent=7d1f1c56-0a4b-4a51-8d3c-111111111111"
    assert post.observations == {"temperature": 36.9, "adl_moving": "partial"}
    assert post.urgency == "important" and list(post.mentions.all()) == [team.members.doctor]
    assert post.attachments.get().original_name == "褥瘡.jpg"


def test_observation_fields_of_another_kind_are_ignored(team, login_as):
    login_as(team.nurse).post(url(team), {"text": "メモ", "kind": "note", "urgency": "normal",
                                          "obs_temperature": "999"})
    assert Post.objects.get().observations == {}


def test_an_impossible_value_shows_the_form_again_with_the_reason(team, login_as):
    response = login_as(team.nurse).post(url(team), {"text": "", "kind": "observation", "urgency": "normal",
                                                     "obs_temperature": "365"})
    assert response.status_code == 400
    assert "体温は 30〜43 ℃ の範囲で入力してください" in response.content.decode()
    assert not Post.objects.exists()


def test_a_refused_file_shows_its_reason_and_nothing_is_posted(team, login_as):
    response = login_as(team.nurse).post(url(team), {
        "text": "写真", "kind": "note", "urgency": "normal",
        "files": [SimpleUploadedFile("doc.jpg", b"<html><script>alert(1)</script>")]})
    assert response.status_code == 400
    assert "doc.jpg: 画像として読めないファイルです。" in response.content.decode()
    assert not Post.objects.exists() and not Attachment.objects.exists()


def test_an_htmx_post_answers_the_new_post_and_a_fresh_compose_box(team, login_as):
    response = login_as(team.nurse).post(url(team), {"text": "htmx から", "kind": "note", "urgency": "normal",
                                                     "client_key": "0c6f7a62-5a55-4a7e-9a0e-222222222222"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Post-Sent"] == "0c6f7a62-5a55-4a7e-9a0e-222222222222"
    assert f'id="post-{Post.objects.get().pk}"' in html and "htmx から" in html
    assert 'hx-swap-oob="outerHTML"' in html and 'data-sent-key="0c6f7a62-5a55-4a7e-9a0e-222222222222"' in html


def test_an_htmx_post_with_errors_replaces_the_compose_box(team, login_as):
    response = login_as(team.nurse).post(url(team), {"text": "", "kind": "note", "urgency": "normal"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#compose" and response["HX-Reswap"] == "outerHTML"
    assert "本文・観察項目・添付のどれかを入力してください。" in response.content.decode() or \
        "Write a text" in response.content.decode()


def test_a_break_glass_reader_sees_no_compose_box_and_cannot_post(team, login_as):
    import datetime as dt

    from django.utils import timezone

    from renkei.careteams.models import BreakGlassAccess

    write(team)
    BreakGlassAccess.objects.create(patient=team.patient, membership=team.outsider, reason="救急搬送",
                                    expires_at=timezone.now() + dt.timedelta(minutes=30))
    client = login_as(team.outsider)
    response = client.get(url(team))
    assert response.status_code == 200 and 'id="compose"' not in response.content.decode()
    assert client.post(url(team), {"text": "x", "kind": "note", "urgency": "normal"}).status_code == 403
    assert AuditEntry.objects.filter(action="read", subject_id=team.patient.pk, reason="救急搬送").exists()


def test_acknowledging_by_htmx_answers_the_post_marked_read(team, login_as):
    post = write(team)
    ack = reverse("careteams:post_acknowledge", kwargs={"patient_id": team.patient.pk, "post_id": post.pk})
    response = login_as(team.doctor).post(ack, **HTMX)
    assert response.status_code == 200
    assert Acknowledgement.objects.filter(post=post, member=team.members.doctor).exists()
    assert 'class="acknowledged"' in response.content.decode()


def test_acknowledging_without_javascript_redirects_to_the_post(team, login_as):
    post = write(team)
    ack = reverse("careteams:post_acknowledge", kwargs={"patient_id": team.patient.pk, "post_id": post.pk})
    response = login_as(team.doctor).post(ack)
    assert response.status_code == 302 and response["Location"].endswith(f"#post-{post.pk}")


def test_acknowledging_a_post_of_another_patient_is_a_404(team, login_as):
    other = build_team()
    post = post_create(membership=other.nurse, patient=other.patient, text="x").post
    ack = reverse("careteams:post_acknowledge", kwargs={"patient_id": team.patient.pk, "post_id": post.pk})
    assert login_as(team.doctor).post(ack).status_code == 404


def test_acknowledging_is_a_post_only(team, login_as):
    post = write(team)
    ack = reverse("careteams:post_acknowledge", kwargs={"patient_id": team.patient.pk, "post_id": post.pk})
    assert login_as(team.doctor).get(ack).status_code == 405


def _download_url(team, attachment):
    return reverse("careteams:attachment_download", kwargs={"patient_id": team.patient.pk,
                                                            "attachment_id": attachment.pk})


def test_a_team_member_downloads_an_attachment_and_the_download_is_logged(team, login_as):
    attachment = write(team, files=[jpeg("傷の写真.jpg")]).attachments.get()
    response = login_as(team.doctor).get(_download_url(team, attachment))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "filename*=utf-8''%E5%82%B7" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    entry = AuditEntry.objects.filter(action="read", object_type="careteams.attachment").get()
    assert entry.subject_id == team.patient.pk and entry.permission == "careteams.download_attachment"


def test_an_outsider_is_refused_the_download_and_the_refusal_is_logged(team, login_as):
    attachment = write(team, files=[jpeg()]).attachments.get()
    assert login_as(team.outsider).get(_download_url(team, attachment)).status_code == 403
    assert AuditEntry.objects.filter(action="refuse", subject_id=team.patient.pk).exists()


def test_a_member_not_addressed_is_refused_the_file_of_a_private_message(team, login_as):
    post = write(team, kind=Post.Kind.MESSAGE, recipient_ids=[team.members.doctor.pk], files=[jpeg()])
    attachment = post.attachments.get()
    assert login_as(team.care_manager).get(_download_url(team, attachment)).status_code == 403
    assert AuditEntry.objects.filter(action="refuse", permission="careteams.download_attachment",
                                     object_id=str(attachment.pk)).exists()
    assert login_as(team.doctor).get(_download_url(team, attachment)).status_code == 200


def test_an_attachment_asked_under_another_patient_is_a_404(team, login_as):
    other = build_team()
    attachment = post_create(membership=other.nurse, patient=other.patient, files=[jpeg()]).post.attachments.get()
    assert login_as(team.doctor).get(_download_url(team, attachment)).status_code == 404


def test_files_are_never_under_a_public_url(team, settings):
    attachment = write(team, files=[jpeg()]).attachments.get()
    root = str(settings.RENKEI_PATIENT_FILES_ROOT)
    assert not root.startswith(str(settings.STATIC_ROOT)) and not root.startswith(str(settings.MEDIA_ROOT or "/-"))
    assert not attachment.storage_path.startswith("/")
