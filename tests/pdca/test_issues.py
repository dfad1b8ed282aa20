"""Issues: the list (scene, status), one issue with its indicators' current status, the form."""

import pytest
from django.urls import reverse

from renkei.core.models import AuditEntry
from renkei.pdca.models import Issue
from renkei.pdca.selectors import councils as selectors

pytestmark = pytest.mark.django_db


def test_an_issues_indicators_show_latest_value_target_for_its_year_and_status(councils, indicators):
    states = {s.definition.code: s for s in selectors.indicator_states(councils.municipality,
                                                                        councils.issue.indicators.all())}
    eol = states["EOL-01"]
    assert eol.code == "behind"  # 19.5 % in FY2025 against the year's target of 21.0 %
    assert eol.latest_text == "19.5%" and eol.target_text == "21.0%" and eol.fiscal_year == 2025
    assert eol.vintage.isoformat() == "2026-09-01" and "人口動態統計（令和7年）" in eol.source
    assert states["AD-02"].code == "no_target" and states["AD-02"].latest_text == "71.0%"


def test_the_issue_page_shows_each_indicators_status(councils, indicators, login_as):
    response = login_as(councils.doctor).get(reverse("pdca:issue_detail", args=[councils.issue.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-indicator="EOL-01" data-status="behind"' in html
    assert 'data-indicator="AD-02" data-status="no_target"' in html


def test_the_issue_list_filters_by_scene_and_status(councils, login_as):
    Issue.objects.create(municipality=councils.municipality, council=councils.council, scene="end_of_life",
                         title="看取りの場所が選べない", status=Issue.Status.CLOSED)
    client = login_as(councils.staff)
    by_scene = client.get(reverse("pdca:issue_list"), {"scene": "admission_discharge"}).context["issues"]
    assert [i.title for i in by_scene] == ["退院調整もれが多い"]
    closed = client.get(reverse("pdca:issue_list"), {"status": "closed"}).context["issues"]
    assert [i.title for i in closed] == ["看取りの場所が選べない"]
    unknown = client.get(reverse("pdca:issue_list"), {"scene": "nonsense"})
    assert unknown.status_code == 200 and len(unknown.context["issues"]) == 2


def test_a_member_sees_only_the_issues_of_their_bodies(councils, login_as):
    Issue.objects.create(municipality=councils.municipality, council=councils.small, scene="daily_care",
                         title="北部の課題")
    Issue.objects.create(municipality=councils.municipality, scene="daily_care", title="会議外の課題")
    titles = {i.title for i in login_as(councils.doctor).get(reverse("pdca:issue_list")).context["issues"]}
    assert titles == {"退院調整もれが多い"}
    assert login_as(councils.unseated).get(reverse("pdca:issue_list")).status_code == 403


def test_an_issue_raised_at_a_meeting_belongs_to_its_body_and_links_indicators_audited(councils, indicators,
                                                                                       login_as):
    client = login_as(councils.staff)
    response = client.post(reverse("pdca:issue_create_at_meeting", args=[councils.small_meeting.pk]), {
        "title": "通いの場が少ない", "scene": "daily_care", "status": "open", "raised_at": councils.small_meeting.pk,
        "indicators": [indicators.handoffs.pk]})
    assert response.status_code == 302
    issue = Issue.objects.get(title="通いの場が少ない")
    assert issue.council == councils.small and issue.municipality == councils.municipality
    assert issue.created_by == councils.staff.user
    entry = AuditEntry.objects.get(object_type="pdca.issue", object_id=str(issue.pk), changes__has_key="indicators")
    assert entry.changes["indicators"] == [[], ["AD-02"]]


def test_a_stale_issue_edit_answers_409(councils, login_as):
    issue = councils.issue
    url = reverse("pdca:issue_edit", args=[issue.pk])
    data = {"title": "退院調整もれが多い（改）", "scene": "admission_discharge", "status": "addressed",
            "council": councils.council.pk, "raised_at": councils.meeting.pk, "version": issue.version}
    assert login_as(councils.coordinator).post(url, data).status_code == 302
    response = login_as(councils.staff).post(url, {**data, "title": "別の題"})
    assert response.status_code == 409
    issue.refresh_from_db()
    assert issue.title == "退院調整もれが多い（改）"


def test_a_member_cannot_edit_an_issue(councils, login_as):
    url = reverse("pdca:issue_edit", args=[councils.issue.pk])
    assert login_as(councils.doctor).post(url, {"title": "x", "scene": "daily_care", "status": "open"}
                                          ).status_code == 403
