"""Reading the timeline: who sees which posts, newest first a page at a time, filters, one read entry per page,
a bounded number of queries, and the home page's urgent posts and mentions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from renkei.careteams import access
from renkei.careteams.home_timeline import timeline_attention
from renkei.careteams.models import Post
from renkei.careteams.selectors.timeline import attention_posts, decode_cursor, timeline_page
from renkei.careteams.services.timeline import post_acknowledge, post_create
from renkei.core.models import AuditEntry

from .timeline_world import build_team, jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return build_team()


def write(team, who="nurse", **kwargs):
    kwargs.setdefault("text", "訪問しました。")
    return post_create(membership=getattr(team, who), patient=team.patient, **kwargs).post


def ids(page):
    return [p.pk for p in page.posts]


def test_posts_come_newest_first(team):
    first, second = write(team), write(team, who="doctor")
    assert ids(timeline_page(team.care_manager, team.patient.pk)) == [second.pk, first.pk]


def test_a_message_to_chosen_members_is_missing_from_everyone_elses_timeline(team):
    public = write(team)
    private = write(team, kind=Post.Kind.MESSAGE, recipient_ids=[team.members.doctor.pk])
    assert ids(timeline_page(team.doctor, team.patient.pk)) == [private.pk, public.pk]
    assert ids(timeline_page(team.nurse, team.patient.pk)) == [private.pk, public.pk]  # the author
    assert ids(timeline_page(team.care_manager, team.patient.pk)) == [public.pk]


def test_an_outsider_is_refused_and_the_refusal_is_logged(team):
    write(team)
    with pytest.raises(PermissionDenied):
        timeline_page(team.outsider, team.patient.pk)
    assert AuditEntry.objects.filter(action="refuse", permission="careteams.view_timeline",
                                     subject_id=team.patient.pk).exists()


@pytest.mark.parametrize("patient_id", [0, -1, 2**70, "abc", None])
def test_a_missing_or_impossible_patient_is_not_found(team, patient_id):
    with pytest.raises(Http404):
        timeline_page(team.nurse, patient_id)


def test_a_former_member_loses_the_timeline(team):
    write(team)
    member = team.members.doctor
    member.ended_on = timezone.localdate() - dt.timedelta(days=1)
    member.save()
    access.forget(team.doctor)
    with pytest.raises(PermissionDenied):
        timeline_page(team.doctor, team.patient.pk)


def test_each_page_view_writes_one_read_entry_for_the_patient(team):
    for _ in range(3):
        write(team)
    before = AuditEntry.objects.filter(action="read", subject_id=team.patient.pk).count()
    timeline_page(team.doctor, team.patient.pk)
    reads = AuditEntry.objects.filter(action="read", subject_id=team.patient.pk)
    assert reads.count() == before + 1
    assert reads.order_by("-seq").first().changes == {"what": "timeline"}


def test_older_posts_come_a_page_at_a_time_without_gaps_or_repeats(team):
    posts = [write(team) for _ in range(7)]
    same_moment = timezone.now()
    Post.objects.filter(pk__in=[p.pk for p in posts[2:5]]).update(created_at=same_moment)  # ties on created_at
    seen, cursor = [], ""
    while True:
        page = timeline_page(team.doctor, team.patient.pk, before=cursor, page_size=3)
        seen += ids(page)
        cursor = page.older_cursor
        if not cursor:
            break
    expected = list(Post.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert seen == expected and len(seen) == 7


@pytest.mark.parametrize("cursor", ["garbage", "2026-01-01T00:00:00_abc", "_1",
                                    "2026-01-01T00:00:00_99999999999999999999"])
def test_a_bad_cursor_shows_the_newest_page(team, cursor):
    post = write(team)
    assert ids(timeline_page(team.doctor, team.patient.pk, before=cursor)) == [post.pk]
    assert decode_cursor(cursor) is None


def test_filters_urgent_mine_and_unacknowledged(team):
    urgent = write(team, urgency=Post.Urgency.URGENT)
    mention = write(team, mention_ids=[team.members.doctor.pk])
    read = write(team)
    own = write(team, who="doctor")
    post_acknowledge(membership=team.doctor, post=read)
    assert ids(timeline_page(team.doctor, team.patient.pk, how="urgent")) == [urgent.pk]
    assert ids(timeline_page(team.doctor, team.patient.pk, how="mine")) == [own.pk, mention.pk]
    page = timeline_page(team.doctor, team.patient.pk, how="unacknowledged")
    assert ids(page) == [mention.pk, urgent.pk]
    assert page.unacknowledged_count == 2


def test_each_post_says_who_read_it_and_whether_i_did(team):
    post = write(team)
    post_acknowledge(membership=team.doctor, post=post)
    shown = timeline_page(team.doctor, team.patient.pk).posts[0]
    assert shown.acknowledged_by_me and not shown.may_acknowledge
    assert [r.pk for r in shown.readers] == [team.members.doctor.pk]
    for_care_manager = timeline_page(team.care_manager, team.patient.pk).posts[0]
    assert for_care_manager.may_acknowledge and not for_care_manager.acknowledged_by_me
    assert not timeline_page(team.nurse, team.patient.pk).posts[0].may_acknowledge  # one's own post


def test_the_page_costs_a_bounded_number_of_queries(team, django_assert_max_num_queries):
    for n in range(25):
        post = write(team, mention_ids=[team.members.doctor.pk], files=[jpeg()] if n % 5 == 0 else [],
                     kind=Post.Kind.OBSERVATION, observations={"pulse": 70 + n})
        post_acknowledge(membership=team.care_manager, post=post)
    access.forget(team.doctor)
    with django_assert_max_num_queries(22):
        page = timeline_page(team.doctor, team.patient.pk)
        for post in page.posts:
            [a.original_name for a in post.attachments.all()]
            [r.membership.user.display_name for r in post.readers]
            [m.membership.user.display_name for m in post.mentions.all()]
            post.author.membership.user.display_name  # noqa: B018
    assert len(page.posts) == 20


def test_home_attention_lists_urgent_posts_and_mentions_not_yet_read(team):
    write(team, urgency=Post.Urgency.URGENT)
    mention = write(team, mention_ids=[team.members.doctor.pk])
    write(team)  # neither urgent nor a mention
    write(team, who="doctor", urgency=Post.Urgency.URGENT)  # one's own
    assert len(attention_posts(team.doctor)) == 2
    post_acknowledge(membership=team.doctor, post=mention)
    items = timeline_attention(team.doctor)
    assert len(items) == 1
    assert items[0].url == f"/patients/{team.patient.pk}/timeline/?show=unacknowledged"
    assert team.patient.name in items[0].text
    assert AuditEntry.objects.filter(action="read", subject_id=team.patient.pk,
                                     changes__what="urgent posts and mentions on the home page").exists()


def test_home_attention_is_empty_for_outsiders_and_staff(team, make_membership):
    write(team, urgency=Post.Urgency.URGENT)
    assert timeline_attention(team.outsider) == []
    assert timeline_attention(make_membership()) == []


def test_home_attention_skips_a_message_to_others(team):
    write(team, urgency=Post.Urgency.URGENT, kind=Post.Kind.MESSAGE, recipient_ids=[team.members.doctor.pk])
    assert timeline_attention(team.care_manager) == []
    assert len(timeline_attention(team.doctor)) == 1
