"""Writing on the timeline: posts, recipients, mentions, files (all or nothing), "読みました", the audit and the
e-mails (a link, never the patient's name or the text)."""

import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from renkei.careteams import access
from renkei.careteams.models import Acknowledgement, Attachment, Post
from renkei.careteams.services.timeline import PostRefused, post_acknowledge, post_create
from renkei.core import policy
from renkei.core.models import AuditEntry

from .timeline_world import build_team, jpeg, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return build_team()


def write(team, who="nurse", **kwargs):
    kwargs.setdefault("text", "本日訪問。食欲あり。")
    return post_create(membership=getattr(team, who), patient=team.patient, **kwargs).post


def test_a_team_member_posts_a_note_with_observations(team):
    post = write(team, kind=Post.Kind.OBSERVATION, observations={"temperature": "37.8", "pulse": "88"},
                 urgency=Post.Urgency.IMPORTANT)
    assert post.author == team.members.nurse
    assert post.observations == {"temperature": 37.8, "pulse": 88}
    assert post.urgency == "important"


def test_the_post_is_audited_with_the_patient_as_subject_and_without_its_text(team):
    post = write(team, mention_ids=[team.members.doctor.pk])
    entries = AuditEntry.objects.filter(object_type="careteams.post", object_id=str(post.pk))
    assert entries.exists()
    assert all(e.subject_type == "patient" and e.subject_id == team.patient.pk for e in entries)
    assert "本日訪問" not in str(list(entries.values_list("changes", flat=True)))
    summary = entries.get(permission="careteams.post_timeline")
    assert summary.changes["mentions"] == 1 and summary.changes["recipients"] == "team"


def test_an_outsider_cannot_post_and_the_refusal_is_logged(team):
    with pytest.raises(PermissionDenied):
        write(team, who="outsider")
    assert AuditEntry.objects.filter(action="refuse", permission="careteams.post_timeline",
                                     subject_id=team.patient.pk).exists()
    assert not Post.objects.exists()


def test_an_empty_post_is_refused_with_a_reason(team):
    with pytest.raises(PostRefused) as refused:
        write(team, text="  ")
    assert refused.value.reason == "本文・観察項目・添付のどれかを入力してください。"
    assert refused.value.reason_en == "Write a text, an observation or attach a file."


def test_an_impossible_observation_refuses_the_post(team):
    with pytest.raises(PostRefused) as refused:
        write(team, kind=Post.Kind.OBSERVATION, observations={"temperature": "365"})
    assert refused.value.field == "observations"
    assert "体温" in refused.value.reason and "Temperature" in refused.value.reason_en
    assert not Post.objects.exists()


def test_mentions_and_recipients_must_be_current_members_of_this_team(team):
    other = build_team()
    with pytest.raises(PostRefused, match="current members"):
        write(team, mention_ids=[other.members.nurse.pk])
    with pytest.raises(PostRefused):
        write(team, recipient_ids=["x"])


def test_a_message_needs_chosen_members(team):
    with pytest.raises(PostRefused) as refused:
        write(team, kind=Post.Kind.MESSAGE)
    assert refused.value.field == "recipients"


def test_photos_and_pdfs_become_attachments(team):
    post = write(team, files=[jpeg("傷.jpg"), pdf()])
    attachments = list(post.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type) for a in attachments] == [("傷.jpg", "image/jpeg"),
                                                                        ("紹介状.pdf", "application/pdf")]
    assert all(a.patient_id == team.patient.pk for a in attachments)
    assert AuditEntry.objects.filter(object_type="careteams.attachment", subject_id=team.patient.pk).count() == 2


def test_a_refused_file_refuses_the_whole_post_with_the_reason(team, settings):
    files_before = set(settings.RENKEI_PATIENT_FILES_ROOT.rglob("*")) if settings.RENKEI_PATIENT_FILES_ROOT.exists() \
        else set()
    with pytest.raises(PostRefused) as refused:
        write(team, files=[jpeg("ok.jpg"), SimpleUploadedFile("evil.jpg", b"MZ\x90\x00 not an image")])
    assert refused.value.reason == "evil.jpg: 画像として読めないファイルです。"
    assert refused.value.reason_en == "evil.jpg: The file cannot be read as an image."
    assert not Post.objects.exists() and not Attachment.objects.exists()
    files_after = set(settings.RENKEI_PATIENT_FILES_ROOT.rglob("*.jpg"))
    assert files_after <= files_before, "the photo stored before the refused file is removed"


def test_a_file_over_the_size_limit_is_refused_with_the_limit(team, settings):
    settings.RENKEI_PATIENT_FILE_MAX_BYTES = 2 * 1024 * 1024
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 " + b"x" * (3 * 1024 * 1024))
    with pytest.raises(PostRefused) as refused:
        write(team, files=[big])
    assert refused.value.reason == "scan.pdf: ファイルが大きすぎます（上限 2 MB）。"
    assert "too large (limit 2 MB)" in refused.value.reason_en


def test_sending_the_same_draft_twice_writes_one_post(team):
    key = uuid.uuid4()
    first = post_create(membership=team.nurse, patient=team.patient, text="a", client_key=key)
    again = post_create(membership=team.nurse, patient=team.patient, text="a", client_key=str(key))
    assert first.created and not again.created
    assert again.post.pk == first.post.pk and Post.objects.count() == 1


def test_another_member_cannot_reuse_someone_elses_draft_key(team):
    key = uuid.uuid4()
    post_create(membership=team.nurse, patient=team.patient, text="a", client_key=key)
    with pytest.raises(PostRefused):
        post_create(membership=team.doctor, patient=team.patient, text="b", client_key=key)


def test_a_post_to_chosen_members_is_seen_by_them_and_the_author_only(team):
    post = write(team, kind=Post.Kind.MESSAGE, recipient_ids=[team.members.doctor.pk])
    post = Post.objects.get(pk=post.pk)
    for membership in (team.doctor, team.nurse):
        access.forget(membership)
        assert policy.check(membership, "careteams.view_post", post)
    assert not policy.check(team.care_manager, "careteams.view_post", post)
    assert not policy.check(team.outsider, "careteams.view_post", post)


def test_only_addressed_members_can_be_mentioned_in_a_message(team):
    with pytest.raises(PostRefused):
        write(team, recipient_ids=[team.members.doctor.pk], mention_ids=[team.members.care_manager.pk])


def test_acknowledging_twice_records_one_acknowledgement(team):
    post = write(team)
    first = post_acknowledge(membership=team.doctor, post=post)
    second = post_acknowledge(membership=team.doctor, post=post)
    assert first.pk == second.pk
    assert Acknowledgement.objects.filter(post=post).count() == 1
    entry = AuditEntry.objects.get(object_type="careteams.acknowledgement")
    assert entry.subject_id == team.patient.pk and entry.action == "create"


def test_someone_not_addressed_cannot_acknowledge(team):
    post = write(team, kind=Post.Kind.MESSAGE, recipient_ids=[team.members.doctor.pk])
    with pytest.raises(PermissionDenied):
        post_acknowledge(membership=team.care_manager, post=post)
    with pytest.raises(PermissionDenied):
        post_acknowledge(membership=team.outsider, post=post)


# --- e-mails --------------------------------------------------------------------------------------------

def _mails_after(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        post = write(**kwargs)
    return post, mail.outbox


def test_a_mentioned_member_gets_an_email_with_a_link_and_no_patient_data(team, django_capture_on_commit_callbacks):
    post, outbox = _mails_after(django_capture_on_commit_callbacks, team=team,
                                text="試験 花子さん 転倒あり 右手首の腫れ", mention_ids=[team.members.doctor.pk])
    assert [m.to for m in outbox] == [[team.doctor.user.email]]
    message = outbox[0]
    assert f"/patients/{team.patient.pk}/timeline/#post-{post.pk}" in message.body
    for secret in (team.patient.name, team.patient.kana, "転倒", "花子", "右手首", team.patient.care_insured_number):
        assert secret not in message.body and secret not in message.subject


def test_an_urgent_post_mails_the_whole_team_but_the_author(team, django_capture_on_commit_callbacks):
    _post, outbox = _mails_after(django_capture_on_commit_callbacks, team=team, urgency=Post.Urgency.URGENT,
                                 text="SpO2 低下、至急往診を", kind=Post.Kind.OBSERVATION, observations={"spo2": 86})
    assert sorted(m.to[0] for m in outbox) == sorted([team.doctor.user.email, team.care_manager.user.email])
    for message in outbox:
        assert "SpO2" not in message.body and "86" not in message.subject and team.patient.name not in message.body


def test_an_urgent_message_mails_only_its_recipients(team, django_capture_on_commit_callbacks):
    _post, outbox = _mails_after(django_capture_on_commit_callbacks, team=team, urgency=Post.Urgency.URGENT,
                                 kind=Post.Kind.MESSAGE, recipient_ids=[team.members.doctor.pk])
    assert [m.to for m in outbox] == [[team.doctor.user.email]]


def test_a_normal_post_without_mentions_mails_nobody(team, django_capture_on_commit_callbacks):
    _post, outbox = _mails_after(django_capture_on_commit_callbacks, team=team)
    assert outbox == []


def test_no_email_is_sent_before_the_post_is_committed(team):
    write(team, mention_ids=[team.members.doctor.pk])
    assert mail.outbox == []  # the test's transaction never commits


def test_a_member_outside_the_consent_gets_no_email(team, django_capture_on_commit_callbacks):
    from renkei.core.models import Organization, Profession

    from .factories import professional, team_with

    dentist = professional(kind=Organization.Kind.DENTAL_CLINIC, profession=Profession.DENTIST)
    team.patient.consents.update(covers_whole_team=False)
    team.patient.consents.get().organizations.set([team.nurse.organization, team.doctor.organization])
    team_with(team.patient, dentist, "dentist")
    _post, outbox = _mails_after(django_capture_on_commit_callbacks, team=team, urgency=Post.Urgency.URGENT)
    assert sorted(m.to[0] for m in outbox) == sorted([team.doctor.user.email, team.care_manager.user.email])
