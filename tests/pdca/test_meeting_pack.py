"""The meeting pack PDF: details and agenda in 和暦, attendees, issues with their indicators' current status,
open actions with owners and due dates (overdue marked); an export entry; only for who sees the meeting."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.core.models import AuditEntry
from renkei.core.wareki import to_wareki
from renkei.pdca import pack
from renkei.pdca.models import Action
from renkei.pdca.selectors import councils as selectors

from ..directory.test_exports import pdf_contains, pdf_drawn_text

pytestmark = pytest.mark.django_db


def build(councils, today=None):
    return pack.meeting_pack_pdf(selectors.meeting_with_details(councils.meeting.pk), today=today)


def test_the_pack_holds_the_meetings_details_agenda_and_attendees(councils):
    content = build(councils)
    assert content.startswith(b"%PDF") and content.rstrip().endswith(b"%%EOF")
    for text in ("在宅医療・介護連携推進協議会", "令和8年度 第1回協議会", "令和8年6月10日", "入退院支援の現状",
                 "山田 医師", "出席", "福知山医師会"):
        assert pdf_contains(content, text), text


def test_the_pack_gives_the_current_status_of_the_indicators_its_issues_name(councils, indicators):
    content = build(councils)
    text = pdf_drawn_text(content)
    assert "退院調整もれが多い" in text
    assert "在宅死亡率" in text and "19.5%" in text and "令和7年度" in text  # latest value and its period
    assert "21.0%" in text  # the target for that fiscal year
    assert "遅れ" in text and "目標なし" in text  # behind; the other has no target
    assert "人口動態統計（令和7年）" in text and "令和8年9月1日時点" in text  # source and vintage


def test_the_pack_lists_open_actions_with_owners_and_marks_overdue_ones(councils):
    councils.later.status = Action.Status.DONE
    councils.later.save()
    content = build(councils)
    text = pdf_drawn_text(content)
    assert "退院調整ルールの周知" in text and "病院への説明会" in text
    assert "来年度の研修計画" not in text  # done: not open
    assert "山田 医師" in text and to_wareki(councils.overdue.due_on) in text
    assert text.count(pack.OVERDUE_MARK) == 1


def test_nothing_is_marked_overdue_before_the_due_date(councils):
    content = build(councils, today=timezone.localdate() - dt.timedelta(days=10))
    assert pack.OVERDUE_MARK not in pdf_drawn_text(content)


def test_the_pack_download_is_audited_and_refused_to_who_does_not_see_the_meeting(councils, login_as):
    url = reverse("pdca:meeting_pack", args=[councils.meeting.pk])
    response = login_as(councils.doctor).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_type="pdca.meeting",
                                   object_id=str(councils.meeting.pk))
    assert entry.changes["document"] == "meeting_pack" and entry.user_label == councils.doctor.user.email
    assert login_as(councils.unseated).get(url).status_code == 403
    assert login_as(councils.nurse).get(url).status_code == 403


def test_a_meeting_without_agenda_or_issues_still_renders(councils):
    content = pack.meeting_pack_pdf(selectors.meeting_with_details(councils.small_meeting.pk))
    assert pdf_contains(content, "（次第は未登録です）") and pdf_contains(content, "（委員は未登録です）")
