"""Writing on a patient's timeline: a post (text, observations, urgency, mentions, recipients, files) and
"読みました" (acknowledgement). Each write asks the policy, runs in one transaction and is audited with the
patient as subject; e-mails go out after the commit (services.notifications)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from renkei.core import audit, policy
from renkei.core.files import FileError
from renkei.core.models import AuditEntry

from .. import access, storage
from ..models import Acknowledgement, Attachment, CareTeamMember, Patient, Post
from ..observations import ObservationError, clean_observations
from . import notifications

POST = "careteams.post_timeline"
ACKNOWLEDGE = "careteams.acknowledge_post"
MAX_TEXT = 5000
MAX_FILES = 5


class PostRefused(Exception):
    """A post that cannot be written as sent: the reason in Japanese and English, and the field it is about."""

    def __init__(self, reason: str, reason_en: str, *, field: str = "", errors: list[dict] | None = None):
        super().__init__(reason_en)
        self.reason = reason
        self.reason_en = reason_en
        self.field = field
        self.errors = errors or [{"field": field, "reason": reason, "reason_en": reason_en}]


@dataclass(frozen=True)
class PostResult:
    post: Post
    created: bool  # False: the same draft was sent again (client_key) and the stored post is returned


def _team_members(patient: Patient, ids: Iterable[int], what: str, what_en: str) -> list[CareTeamMember]:
    wanted = set()
    for value in ids:
        try:
            wanted.add(int(value))
        except (TypeError, ValueError) as exc:
            raise PostRefused(f"{what}の指定が正しくありません。", f"Invalid {what_en}.", field=what_en) from exc
    if not wanted:
        return []
    current = [m for m in patient.care_team.members.select_related("membership__user")
               if m.pk in wanted and m.is_current]
    if len(current) != len(wanted):
        raise PostRefused(f"{what}はこのチームの現在のメンバーから選んでください。",
                          f"Choose the {what_en} among the team's current members.", field=what_en)
    return current


def _parse_key(client_key) -> uuid.UUID | None:
    if client_key in (None, ""):
        return None
    try:
        return uuid.UUID(str(client_key))
    except (TypeError, ValueError, AttributeError) as exc:
        raise PostRefused("下書きの識別子が正しくありません。", "Invalid draft key.", field="client_key") from exc


def post_create(*, membership, patient: Patient, text: str = "", kind: str = Post.Kind.NOTE,
                observations: dict | None = None, urgency: str = Post.Urgency.NORMAL,
                mention_ids: Sequence[int] = (), recipient_ids: Sequence[int] = (), files: Sequence = (),
                client_key=None, base_url: str = "") -> PostResult:
    """Write a post on the patient's timeline; PostRefused (with the reason) when any part is refused.

    All or nothing: an impossible observation or a refused file refuses the whole post, and files already
    stored for it are removed. `recipient_ids` empty: the whole team sees it; otherwise only those members and
    the author. `client_key` (the browser's draft id) makes a resend after a lost connection return the stored
    post instead of writing it twice.
    """
    policy.require(membership, POST, patient)
    author = access.team_member(membership, patient)
    key = _parse_key(client_key)
    if key is not None:
        existing = Post.objects.filter(client_key=key).first()
        if existing is not None:
            if existing.patient_id != patient.pk or existing.author_id != getattr(author, "pk", None):
                raise PostRefused("この下書きの識別子は使えません。", "This draft key cannot be used.",
                                  field="client_key")
            return PostResult(existing, created=False)
    if kind not in Post.Kind.values:
        raise PostRefused("投稿の種類を選んでください。", "Choose a kind of post.", field="kind")
    if urgency not in Post.Urgency.values:
        raise PostRefused("緊急度を選んでください。", "Choose an urgency.", field="urgency")
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise PostRefused(f"本文は {MAX_TEXT} 文字以内にしてください。",
                          f"The text must be at most {MAX_TEXT} characters.", field="text")
    try:
        cleaned = clean_observations(observations)
    except ObservationError as error:
        first = next(iter(error.errors.values()))
        raise PostRefused(first[0], first[1], field="observations", errors=error.as_list()) from error
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise PostRefused(f"添付は {MAX_FILES} 件までです。", f"At most {MAX_FILES} attachments.", field="files")
    if not text and not cleaned and not files:
        raise PostRefused("本文・観察項目・添付のどれかを入力してください。",
                          "Write a text, an observation or attach a file.", field="text")
    mentions = _team_members(patient, mention_ids, "メンション", "mentions")
    recipients = _team_members(patient, recipient_ids, "宛先", "recipients")
    if kind == Post.Kind.MESSAGE and not recipients:
        raise PostRefused("宛先のメンバーを選んでください。", "Choose the members the message is for.",
                          field="recipients")
    if recipients:
        addressed = {m.pk for m in recipients} | {author.pk}
        if any(m.pk not in addressed for m in mentions):
            raise PostRefused("宛先に含まれないメンバーはメンションできません。",
                              "Only the members the post is addressed to can be mentioned.", field="mentions")

    stored: list[storage.StoredFile] = []
    try:
        with audit.bind_membership(membership), transaction.atomic():
            post = Post(patient=patient, author=author, kind=kind, urgency=urgency, text=text,
                        observations=cleaned, **({"client_key": key} if key else {}))
            post.save()
            if recipients:
                post.recipients.set(recipients)
            if mentions:
                post.mentions.set(mentions)
            for upload in files:
                try:
                    saved = storage.save_patient_file(patient_id=patient.pk, upload=upload)
                except FileError as error:
                    name = str(getattr(upload, "name", "") or "")[:100]
                    raise PostRefused(f"{name}: {error.reason}", f"{name}: {error.reason_en}",
                                      field="files") from error
                stored.append(saved)
                Attachment.objects.create(post=post, patient=patient, original_name=saved.original_name,
                                          content_type=saved.content_type, size=saved.size, sha256=saved.sha256,
                                          storage_path=saved.storage_path)
            # The row entries say a post was created; this one says to whom and with what (counts, no content).
            audit.record(action=AuditEntry.Action.CREATE, obj=post, permission=POST, subject=patient,
                         owner=patient, changes={"kind": kind, "urgency": urgency, "mentions": len(mentions),
                                                 "recipients": len(recipients) or "team",
                                                 "observations": sorted(cleaned), "attachments": len(stored)})
            transaction.on_commit(lambda: notifications.post_notify(post=post, base_url=base_url))
    except BaseException:
        for saved in stored:
            storage.delete_patient_file(saved.storage_path)
        if isinstance(key, uuid.UUID) and Post.objects.filter(client_key=key).exists():
            # Two sends of the same draft raced: the other one won; return it.
            existing = Post.objects.get(client_key=key)
            if existing.author_id == author.pk:
                return PostResult(existing, created=False)
        raise
    return PostResult(post, created=True)


def post_acknowledge(*, membership, post: Post) -> Acknowledgement:
    """"読みました": record that the member read the post (once; a second time returns the first)."""
    policy.require(membership, ACKNOWLEDGE, post)
    member = access.team_member(membership, post.patient)
    existing = Acknowledgement.objects.filter(post=post, member=member).first()
    if existing is not None:
        return existing
    try:
        with audit.bind_membership(membership), transaction.atomic():
            acknowledgement = Acknowledgement(post=post, member=member)
            acknowledgement.save()
    except IntegrityError:  # acknowledged at the same moment from another tab
        return Acknowledgement.objects.get(post=post, member=member)
    return acknowledgement
