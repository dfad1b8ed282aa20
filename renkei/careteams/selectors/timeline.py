"""Reading a patient's timeline: the posts a member may see, newest first, a page at a time (keyset on
(created_at, pk), so "older posts" stays fast on a long timeline), what is left for them to acknowledge, one
attachment for download, and the home page's urgent posts and mentions across their patients."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from renkei.core import audit, policy

from .. import access
from ..models import Acknowledgement, Attachment, CareTeamMember, Patient, Post
from ..observations import display_lines
from .patients import patient_for, record_read

VIEW_TIMELINE = "careteams.view_timeline"
VIEW_POST = "careteams.view_post"
DOWNLOAD = "careteams.download_attachment"
TIMELINE = gettext_noop("timeline")
ATTACHMENT = gettext_noop("attachment (download)")
HOME_ATTENTION = gettext_noop("urgent posts and mentions on the home page")
PAGE_SIZE = 20
FILTERS = ("urgent", "mine", "unacknowledged")
ATTENTION_DAYS = 30


@dataclass
class TimelinePage:
    patient: Patient
    member: CareTeamMember | None  # the viewer's place on the team (None during a break-glass read)
    posts: list[Post]
    older_cursor: str  # "" when there is nothing older
    unacknowledged_count: int


def _member_ids(membership, patient) -> list[int]:
    member = access.team_member(membership, patient)
    return [member.pk] if member else []


def visible_posts(membership, patient: Patient) -> QuerySet[Post]:
    """The posts of this patient that the membership may see (the policy's scope: addressed posts only to
    their recipients and author)."""
    return policy.scope(membership, VIEW_POST, Post.objects.filter(patient=patient))


def _with_everything(qs: QuerySet[Post]) -> QuerySet[Post]:
    people = CareTeamMember.objects.select_related("membership__user", "organization")
    return qs.select_related("author__membership__user", "author__organization").prefetch_related(
        "attachments",
        Prefetch("acknowledgements", queryset=Acknowledgement.objects.select_related(
            "member__membership__user", "member__organization").order_by("at")),
        Prefetch("mentions", queryset=people),
        Prefetch("recipients", queryset=people),
    )


def _unacknowledged(qs: QuerySet[Post], member_ids: list[int]) -> QuerySet[Post]:
    mine = Acknowledgement.objects.filter(post_id=OuterRef("pk"), member_id__in=member_ids)
    return qs.exclude(author_id__in=member_ids).filter(~Exists(mine))


def _filtered(qs: QuerySet[Post], how: str, member_ids: list[int]) -> QuerySet[Post]:
    if how == "urgent":
        return qs.filter(urgency=Post.Urgency.URGENT)
    if how == "mine":
        through_mentions = Post.mentions.through.objects.filter(post_id=OuterRef("pk"),
                                                                careteammember_id__in=member_ids)
        through_recipients = Post.recipients.through.objects.filter(post_id=OuterRef("pk"),
                                                                    careteammember_id__in=member_ids)
        return qs.filter(Q(author_id__in=member_ids) | Exists(through_mentions) | Exists(through_recipients))
    if how == "unacknowledged":
        return _unacknowledged(qs, member_ids)
    return qs


def encode_cursor(post: Post) -> str:
    return f"{post.created_at.astimezone(dt.UTC).isoformat()}_{post.pk}"


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    """(created_at, pk) from a cursor; None for anything else (a bad cursor shows the newest page, not a 500)."""
    try:
        stamp, pk = str(cursor).rsplit("_", 1)
        at, number = parse_datetime(stamp), int(pk)
    except (TypeError, ValueError):
        return None
    if at is None or timezone.is_naive(at) or not 0 < number < 2**63:
        return None
    return at, number


def timeline_page(membership, patient_id, *, before: str = "", how: str = "", page_size: int = PAGE_SIZE,
                  record: bool = True) -> TimelinePage:
    """One page of the timeline for the member (newest first, older than `before`), filtered by `how`
    (urgent, mine, unacknowledged); asks the policy and writes one read entry for the page."""
    patient = patient_for(membership, patient_id, action=VIEW_TIMELINE, what=TIMELINE, record=record)
    member_ids = _member_ids(membership, patient)
    qs = _filtered(visible_posts(membership, patient), how if how in FILTERS else "", member_ids)
    cursor = decode_cursor(before) if before else None
    if cursor is not None:
        at, pk = cursor
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    posts = list(_with_everything(qs.order_by("-created_at", "-pk"))[:page_size + 1])
    older = encode_cursor(posts[page_size - 1]) if len(posts) > page_size else ""
    posts = posts[:page_size]
    member = access.team_member(membership, patient)
    for post in posts:
        _annotate(post, member)
    unacknowledged = _unacknowledged(visible_posts(membership, patient), member_ids).count() if member_ids else 0
    return TimelinePage(patient=patient, member=member, posts=posts, older_cursor=older,
                        unacknowledged_count=unacknowledged)


def _annotate(post: Post, member: CareTeamMember | None) -> None:
    """What the templates and the API show of a post, from what was prefetched (no query)."""
    acknowledgements = list(post.acknowledgements.all())
    post.readers = [a.member for a in acknowledgements]
    post.acknowledged_at = {a.member_id: a.at for a in acknowledgements}
    post.is_mine = member is not None and post.author_id == member.pk
    post.acknowledged_by_me = member is not None and member.pk in post.acknowledged_at
    post.may_acknowledge = member is not None and not post.is_mine and not post.acknowledged_by_me
    post.mentions_me = member is not None and any(m.pk == member.pk for m in post.mentions.all())
    post.observation_groups = display_lines(post.observations)
    post.to_chosen_members = bool(post.recipients.all())


def post_for(membership, patient_id, post_id, *, action: str = VIEW_POST) -> Post:
    """One post of the patient for `action` (404 when missing or of another patient, 403 logged when refused);
    the caller logs the read if it shows it."""
    patient = patient_for(membership, patient_id, action=VIEW_TIMELINE, record=False)
    try:
        pk = int(post_id)
        if not 0 < pk < 2**63:
            raise ValueError(pk)
        post = _with_everything(Post.objects.filter(patient=patient)).get(pk=pk)
    except (Post.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404("post") from exc
    post.patient = patient
    policy.require(membership, action, post)
    return post


def annotated_post(membership, post: Post) -> Post:
    """The post with what a page shows of it (readers, "acknowledged by me"…), re-read after a write."""
    post = _with_everything(Post.objects.filter(pk=post.pk)).get()
    _annotate(post, access.team_member(membership, post.patient))
    return post


def attachment_for(membership, patient_id, attachment_id) -> Attachment:
    """An attachment to download: 404 when missing or not this patient's, 403 (logged) when its post is not
    for this member; the download is logged as a read of the patient's data."""
    patient = patient_for(membership, patient_id, action=VIEW_TIMELINE, record=False)
    try:
        pk = int(attachment_id)
        if not 0 < pk < 2**63:
            raise ValueError(pk)
        attachment = Attachment.objects.select_related("post").get(pk=pk, patient=patient)
    except (Attachment.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404("attachment") from exc
    attachment.patient = attachment.post.patient = patient
    policy.require(membership, DOWNLOAD, attachment)
    glass = access.active_break_glass(membership, patient)
    record_read(attachment, what=ATTACHMENT, permission=DOWNLOAD,
                reason=glass.reason if glass and not policy.is_on_care_team(membership, patient) else "")
    return attachment


def attention_posts(membership, *, limit: int = 20) -> list[Post]:
    """Urgent posts and posts mentioning the member, not yet acknowledged by them, across their patients (their
    own team places only, last 30 days), newest first."""
    visible = access.visible_patient_ids(membership)
    if not visible:
        return []
    member_ids = list(access.current_members_of(membership).filter(team__patient_id__in=visible)
                      .values_list("pk", flat=True))
    if not member_ids:
        return []
    since = timezone.now() - dt.timedelta(days=ATTENTION_DAYS)
    mentioned = Post.mentions.through.objects.filter(post_id=OuterRef("pk"), careteammember_id__in=member_ids)
    qs = policy.scope(membership, VIEW_POST, Post.objects.filter(patient_id__in=visible, created_at__gte=since))
    qs = _unacknowledged(qs, member_ids).filter(Q(urgency=Post.Urgency.URGENT) | Exists(mentioned))
    posts = list(qs.select_related("patient").order_by("-created_at", "-pk")[:limit])
    if posts:
        audit.record_reads(list({p.patient_id: p.patient for p in posts}.values()), what=HOME_ATTENTION,
                           permission=VIEW_TIMELINE)
    return posts
