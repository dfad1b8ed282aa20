"""Sharing meetings (情報共有の場): who reads and manages them, saving with invitations and practices presented,
minutes and attendance after the meeting, cancelling; the screens and the list's order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from renkei.core import policy
from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry
from renkei.region.models import SharingMeeting
from renkei.region.selectors.practices import meeting_list, visible_meetings
from renkei.region.services.meetings import meeting_cancel, meeting_minutes_save
from renkei.region.services.practices import PracticeError
from tests.conftest import client_for

from .practices_helpers import meeting, practice


def past(meeting_obj, days=3):
    SharingMeeting.objects.filter(pk=meeting_obj.pk).update(held_at=timezone.now() - dt.timedelta(days=days))
    return SharingMeeting.objects.get(pk=meeting_obj.pk)


def test_the_prefecture_and_invited_municipalities_read_a_meeting_others_do_not(world):
    held = meeting(world.prefecture, prefecture=world.kyoto, invited=[world.fukuchiyama, world.maizuru])
    assert policy.check(world.health_center_staff, "region.view_meetings", held)
    assert policy.check(world.official, "region.view_meetings", held)
    assert policy.check(world.coordinator, "region.view_meetings", held)
    assert not policy.check(world.small_town_official, "region.view_meetings", held)
    assert not policy.check(world.other_prefecture, "region.view_meetings", held)
    assert not policy.check(world.professional, "region.view_meetings", held)


def test_the_list_scope_gives_each_member_the_meetings_they_may_read(world):
    prefecture_meeting = meeting(world.prefecture, prefecture=world.kyoto, invited=[world.maizuru])
    city_meeting = meeting(world.official, prefecture=world.kyoto, municipality=world.fukuchiyama,
                           invited=[world.ayabe])
    assert set(visible_meetings(world.prefecture)) == {prefecture_meeting, city_meeting}
    assert set(visible_meetings(world.official)) == {city_meeting}
    assert set(visible_meetings(world.neighbour_official)) == {prefecture_meeting}
    assert not visible_meetings(world.other_prefecture).exists()


def test_the_convening_municipality_is_invited_and_manages_its_meeting(world):
    held = meeting(world.official, prefecture=world.kyoto, municipality=world.fukuchiyama, invited=[world.maizuru])
    assert set(held.invited.all()) == {world.fukuchiyama, world.maizuru}
    assert policy.check(world.official, "region.manage_meetings", held)
    assert policy.check(world.prefecture, "region.manage_meetings", held)
    assert not policy.check(world.neighbour_official, "region.manage_meetings", held)


def test_a_municipality_cannot_convene_for_another(world):
    with pytest.raises(PermissionDenied):
        meeting(world.official, prefecture=world.kyoto, municipality=world.maizuru)


def test_another_prefectures_municipality_cannot_be_invited(world):
    with pytest.raises(PracticeError) as error:
        meeting(world.prefecture, prefecture=world.kyoto, invited=[world.otsu])
    assert any("大津市" in message for message in error.value.messages)


def test_only_published_practices_can_be_presented(world):
    draft = practice(world.official)
    with pytest.raises(PracticeError):
        meeting(world.prefecture, prefecture=world.kyoto, practices=[draft])


def test_the_invitations_are_audited_by_name(world):
    held = meeting(world.prefecture, prefecture=world.kyoto, invited=[world.maizuru])
    entry = AuditEntry.objects.filter(object_type="region.sharingmeeting", object_id=str(held.pk),
                                      changes__has_key="invited").get()
    assert entry.changes["invited"][1] == ["京都府舞鶴市"]


def test_minutes_are_written_after_the_meeting_with_attendance_among_the_invited(world):
    held = past(meeting(world.prefecture, prefecture=world.kyoto, invited=[world.fukuchiyama, world.maizuru]))
    saved = meeting_minutes_save(membership=world.prefecture, meeting=held, minutes="各市の報告と意見交換を行った。",
                                 attended=[world.fukuchiyama])
    assert saved.minutes.startswith("各市の報告") and list(saved.attended.all()) == [world.fukuchiyama]


def test_minutes_before_the_meeting_are_refused(world):
    held = meeting(world.prefecture, prefecture=world.kyoto, invited=[world.maizuru])
    with pytest.raises(PracticeError):
        meeting_minutes_save(membership=world.prefecture, meeting=held, minutes="まだ")


def test_an_uninvited_municipality_cannot_be_marked_present(world):
    held = past(meeting(world.prefecture, prefecture=world.kyoto, invited=[world.maizuru]))
    with pytest.raises(PracticeError):
        meeting_minutes_save(membership=world.prefecture, meeting=held, minutes="", attended=[world.ine])


def test_stale_minutes_are_refused(world):
    held = past(meeting(world.prefecture, prefecture=world.kyoto, invited=[world.maizuru]))
    meeting_minutes_save(membership=world.prefecture, meeting=held, minutes="一回目", expected_version=held.version)
    with pytest.raises(StaleEdit):
        meeting_minutes_save(membership=world.prefecture, meeting=held, minutes="二回目", expected_version=1)


def test_cancelling_marks_the_meeting(world):
    held = meeting(world.official, prefecture=world.kyoto, municipality=world.fukuchiyama)
    assert meeting_cancel(membership=world.official, meeting=held).is_cancelled


def test_an_invited_municipality_cannot_cancel(world):
    held = meeting(world.official, prefecture=world.kyoto, municipality=world.fukuchiyama, invited=[world.maizuru])
    with pytest.raises(PermissionDenied):
        meeting_cancel(membership=world.neighbour_official, meeting=held)


def test_the_list_puts_upcoming_meetings_first_soonest_first(world, django_assert_max_num_queries):
    later = meeting(world.prefecture, prefecture=world.kyoto, days=30, title="後の会")
    sooner = meeting(world.prefecture, prefecture=world.kyoto, days=3, title="先の会")
    done = past(meeting(world.prefecture, prefecture=world.kyoto, title="済んだ会"))
    with django_assert_max_num_queries(4):
        upcoming, held = meeting_list(world.prefecture)
        [list(m.invited.all()) for m in upcoming + held]
    assert upcoming == [sooner, later] and held == [done]


def test_the_meeting_screens_answer_each_role(world):
    shared = practice(world.official, title="紹介する事例", status="published")
    held = meeting(world.prefecture, prefecture=world.kyoto, invited=[world.fukuchiyama], practices=[shared])
    official = client_for(world.official)
    assert official.get(reverse("region:meeting_list")).status_code == 200
    detail = official.get(reverse("region:meeting_detail", args=[held.pk]))
    assert detail.status_code == 200 and "紹介する事例" in detail.content.decode()
    assert reverse("region:meeting_edit", args=[held.pk]) not in detail.content.decode()
    assert official.get(reverse("region:meeting_edit", args=[held.pk])).status_code == 403
    assert client_for(world.small_town_official).get(
        reverse("region:meeting_detail", args=[held.pk])).status_code == 403
    assert client_for(world.prefecture).get(reverse("region:meeting_edit", args=[held.pk])).status_code == 200


def test_planning_a_meeting_on_the_screen(world):
    client = client_for(world.prefecture)
    assert client.get(reverse("region:meeting_new")).status_code == 200
    answer = client.post(reverse("region:meeting_new"), {
        "title": "中丹地域 情報共有会議", "held_at": "2027-02-10T14:00", "place": "中丹西保健所",
        "agenda": "報告\n意見交換", "invited": [world.fukuchiyama.pk, world.ayabe.pk]})
    assert answer.status_code == 302
    held = SharingMeeting.objects.get(title="中丹地域 情報共有会議")
    assert held.municipality is None and set(held.invited.all()) == {world.fukuchiyama, world.ayabe}


def test_a_meeting_without_a_date_is_a_400(world):
    answer = client_for(world.prefecture).post(reverse("region:meeting_new"), {"title": "日付なし",
                                                                               "held_at": "あした"})
    assert answer.status_code == 400 and not SharingMeeting.objects.exists()


def test_a_stale_meeting_edit_answers_409(world):
    held = meeting(world.prefecture, prefecture=world.kyoto)
    client = client_for(world.prefecture)
    data = {"title": "私の会議名", "held_at": "2027-02-10T14:00", "version": held.version}
    client.post(reverse("region:meeting_edit", args=[held.pk]), {**data, "title": "先の保存"})
    assert client.post(reverse("region:meeting_edit", args=[held.pk]), data).status_code == 409


def test_writing_minutes_and_cancelling_on_the_screens(world):
    held = past(meeting(world.prefecture, prefecture=world.kyoto, invited=[world.maizuru]))
    client = client_for(world.prefecture)
    assert client.get(reverse("region:meeting_minutes", args=[held.pk])).status_code == 200
    answer = client.post(reverse("region:meeting_minutes", args=[held.pk]), {
        "minutes": "舞鶴市から報告", "attended": [world.maizuru.pk], "version": held.version})
    assert answer.status_code == 302
    assert SharingMeeting.objects.get(pk=held.pk).minutes == "舞鶴市から報告"
    upcoming = meeting(world.prefecture, prefecture=world.kyoto)
    assert client.get(reverse("region:meeting_cancel", args=[upcoming.pk])).status_code == 200
    client.post(reverse("region:meeting_cancel", args=[upcoming.pk]), {"version": upcoming.version})
    assert SharingMeeting.objects.get(pk=upcoming.pk).is_cancelled


def test_minutes_of_an_upcoming_meeting_are_refused_on_the_screen_with_a_400(world):
    held = meeting(world.prefecture, prefecture=world.kyoto)
    answer = client_for(world.prefecture).post(reverse("region:meeting_minutes", args=[held.pk]),
                                               {"minutes": "まだ", "version": held.version})
    assert answer.status_code == 400
