import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.training import ical
from renkei.training.services import awareness as services

from .awareness_helpers import activity_in, data_dir, days, pdf  # noqa: F401 (data_dir: a fixture)


def _calendar(world, **params):
    return Client().get(reverse("events:calendar", args=[world.municipality.code]), params)


def test_residents_see_published_upcoming_activities_without_login(world):
    activity_in(world, title="人生会議を考える", date=days(35), how_to_join="申込不要", contact="推進課")
    activity_in(world, title="非公開の準備中", is_published=False)
    activity_in(world, title="中止になった講座", is_cancelled=True)
    activity_in(world, title="昨年の講座", date=days(-40))
    response = _calendar(world)
    page = response.content.decode()
    assert response.status_code == 200
    assert "人生会議を考える" in page and "申込不要" in page and "推進課" in page
    assert "非公開の準備中" not in page and "中止になった講座" not in page
    upcoming, past = page.split("これまでの講座")
    assert "昨年の講座" in past and "人生会議を考える" in upcoming


def test_the_date_is_in_wareki_with_the_weekday(world):
    from renkei.training.selectors.awareness import date_label

    assert date_label(dt.date(2027, 1, 17)) == "令和9年1月17日（日）"
    day = days(40)
    activity_in(world, date=day, starts_at=dt.time(13, 30), ends_at=None)
    assert f"{date_label(day)} 13:30" in _calendar(world).content.decode()


def test_the_calendar_filters_by_theme(world):
    activity_in(world, title="認知症の講座", themes=["dementia"])
    activity_in(world, title="人生会議の講座", themes=["acp"])
    page = _calendar(world, theme="dementia").content.decode()
    assert "認知症の講座" in page and "人生会議の講座" not in page
    assert _calendar(world, theme="<script>").status_code == 200


@pytest.mark.usefixtures("data_dir")
def test_nothing_staff_only_leaks_to_the_calendar(world):
    activity = activity_in(world, attendance=98761, copies=45678, description="公開の説明")
    public = services.material_add(membership=world.official, activity=activity, title="公開チラシ", is_public=True,
                                   upload=pdf())
    staff = services.material_add(membership=world.official, activity=activity, title="内部の進行表",
                                  is_public=False, upload=pdf())
    services.survey_link_issue(membership=world.official, activity=activity)
    page = _calendar(world).content.decode()
    assert "公開チラシ" in page and "内部の進行表" not in page
    # numbers no municipality code or date could contain by chance
    assert "98761" not in page and "45678" not in page and "/events/q/" not in page
    assert Client().get(reverse("events:awareness_material", args=[staff.pk])).status_code == 404
    response = Client().get(reverse("events:awareness_material", args=[public.pk]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_id=str(public.pk)).exists()


def test_an_unknown_municipality_is_a_404(world):
    assert Client().get("/events/999999/").status_code == 404


# --- iCalendar -------------------------------------------------------------------------------------------------

def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_the_ics_file_has_the_published_events_with_tokyo_times(world):
    activity = activity_in(world, title="人生会議; 家族と, 話そう", date=dt.date(2027, 2, 3),
                           place="市民会館, 大ホール",
                           description="一行目\n二行目")
    activity_in(world, title="非公開", is_published=False)
    response = Client().get(reverse("events:calendar_ics", args=[world.municipality.code]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = _unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert "非公開" not in text
    assert f"UID:awareness-{activity.pk}@testserver" in lines
    assert "DTSTART;TZID=Asia/Tokyo:20270203T140000" in lines
    assert "DTEND;TZID=Asia/Tokyo:20270203T153000" in lines
    assert "SUMMARY:人生会議\\; 家族と\\, 話そう" in lines
    assert "LOCATION:市民会館\\, 大ホール" in lines
    assert any(line.startswith("DESCRIPTION:一行目\\n二行目") for line in lines)
    assert sum(line.startswith("DTSTAMP:") for line in lines) == 1


def test_the_ics_file_parses_back_with_the_icalendar_package_when_installed(world):
    icalendar = pytest.importorskip("icalendar")
    activity_in(world, title="長い題名" * 20, date=dt.date(2027, 2, 3))
    text = Client().get(reverse("events:calendar_ics", args=[world.municipality.code])).content
    calendar = icalendar.Calendar.from_ical(text)
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert str(events[0]["SUMMARY"]) == "長い題名" * 20


def test_folding_never_cuts_a_character_and_escaping_round_trips():
    line = "SUMMARY:" + "あ" * 60
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts) and all(p.startswith(" ") for p in parts[1:])
    assert folded.replace("\r\n ", "") == line
    assert ical.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_an_all_day_activity_has_date_values():
    lines = ical.event_lines(uid="x", stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), day=dt.date(2026, 5, 1),
                             starts=None, ends=None, summary="広報記事")
    assert "DTSTART;VALUE=DATE:20260501" in lines and "DTEND;VALUE=DATE:20260502" in lines


# --- the JSON feed ---------------------------------------------------------------------------------------------

def test_the_feed_gives_published_fields_only_to_anyone(world):
    activity_in(world, title="人生会議の講座", themes=["acp"], attendance=50, date=days(10))
    activity_in(world, title="認知症の講座", themes=["dementia"], date=days(20))
    activity_in(world, title="非公開", is_published=False)
    response = Client().get("/api/v1/events", {"municipality": world.municipality.code, "theme": "acp"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["title"] == "人生会議の講座"
    assert "attendance" not in body["items"][0] and "copies" not in body["items"][0]
    response = Client().get("/api/v1/events", {"municipality": world.municipality.code,
                                               "from": days(15).isoformat(), "to": days(25).isoformat()})
    assert [item["title"] for item in response.json()["items"]] == ["認知症の講座"]


def test_the_feed_refuses_bad_parameters_with_messages(world):
    response = Client().get("/api/v1/events", {"municipality": "000000", "from": "昨日", "theme": "x"})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"municipality", "from", "theme"}


def test_the_feed_answers_logged_in_professionals_too(world, api_token_for):
    activity_in(world)
    response = Client().get("/api/v1/events", {"municipality": world.municipality.code},
                            HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.professional)}")
    assert response.status_code == 200 and response.json()["count"] == 1


def test_the_page_and_the_feed_list_the_same_activities(world):
    for n in range(3):
        activity_in(world, title=f"講座{n}", date=days(5 + n))
    feed = [item["title"] for item in Client().get("/api/v1/events", {"municipality": world.municipality.code})
            .json()["items"]]
    page = _calendar(world).content.decode()
    assert feed == ["講座0", "講座1", "講座2"]
    assert page.index("講座0") < page.index("講座1") < page.index("講座2")


# --- the portal link -------------------------------------------------------------------------------------------

def test_the_residents_portal_leads_to_the_calendar(world):
    url = reverse("portal:search", args=[world.municipality.code])
    calendar = reverse("events:calendar", args=[world.municipality.code])
    assert calendar not in Client().get(url).content.decode()
    activity_in(world)
    assert calendar in Client().get(url).content.decode()
