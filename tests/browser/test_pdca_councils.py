"""Councils on a phone: the staff's and a seated doctor's screens fit 390 px, and the doctor reaches an
overdue action from the home page and reports it done."""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, _new_page, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

PHONE = {"width": 390, "height": 844}


def _councils(settings, tmp_path) -> dict[str, str]:
    from django.utils import timezone

    from renkei.core.models import Membership, Municipality, Role
    from renkei.pdca.models import Action, Council, CouncilMember, Issue, Meeting

    settings.DATA_DIR = tmp_path / "data"
    city = Municipality.objects.get(code="262013")
    doctor = Membership.objects.filter(user__email=demo_email("doctor"), role=Role.PROFESSIONAL).first()
    council = Council.objects.create(municipality=city, name="福知山市在宅医療・介護連携推進協議会（ブラウザ確認用）")
    Council.objects.create(municipality=city, parent=council, kind=Council.Kind.WORKING_GROUP,
                           name="入退院支援ワーキンググループ")
    seat = CouncilMember.objects.create(council=council, membership=doctor, organization=doctor.organization,
                                        profession="doctor", position=CouncilMember.Position.CHAIR)
    meeting = Meeting.objects.create(council=council, title="令和8年度 第1回 在宅医療・介護連携推進協議会",
                                     held_on=dt.date(2026, 6, 10), place="福知山市役所 4階 第1会議室",
                                     agenda="開会\n" + "入退院支援ルールの運用状況について（報告）" * 3 + "\n閉会",
                                     minutes="https://www.example.jp/" + "a-very-long-path/" * 12,
                                     status=Meeting.Status.HELD)
    meeting.attendees.set([seat])
    issue = Issue.objects.create(municipality=city, council=council, raised_at=meeting, scene="admission_discharge",
                                 title="退院時にケアマネジャーへの連絡がない事例が続いている")
    action = Action.objects.create(municipality=city, meeting=meeting, issue=issue, owner=doctor,
                                   title="病院の地域連携室へ退院調整ルールを再周知する",
                                   due_on=timezone.localdate() - dt.timedelta(days=2))
    return {"council": str(council.pk), "meeting": str(meeting.pk), "issue": str(issue.pk), "action": str(action.pk)}


PAGES = [
    ("city", "/pdca/councils/"), ("city", "/pdca/councils/{council}/"), ("city", "/pdca/meetings/{meeting}/"),
    ("city", "/pdca/meetings/{meeting}/edit/"), ("city", "/pdca/meetings/{meeting}/actions/new/"),
    ("city", "/pdca/issues/"), ("city", "/pdca/issues/{issue}/"), ("city", "/pdca/actions/?overdue=1"),
    ("doctor", "/pdca/councils/{council}/"), ("doctor", "/pdca/actions/?mine=1"),
    ("doctor", "/pdca/actions/{action}/update/"),
]


def test_council_screens_fit_a_phone_and_the_owner_reports_an_overdue_action(browser, demo, live_server,
                                                                             page_errors, login, screenshot,
                                                                             settings, tmp_path):
    values = _councils(settings, tmp_path)
    contexts, too_wide = {}, []
    try:
        for handle, path in PAGES:
            if handle not in contexts:
                contexts[handle] = _new_page(browser, live_server, page_errors, viewport=PHONE, is_mobile=True,
                                             has_touch=True)
                login(contexts[handle][1], demo_email(handle))
            page = contexts[handle][1]
            response = page.goto(path.format(**values))
            page.wait_for_load_state("load")
            assert response is not None and response.status == 200, f"{handle} {path}: {response and response.status}"
            scroll_width, inner_width = page.evaluate(WIDTHS_JS)
            if scroll_width > inner_width:
                too_wide.append(f"{path} ({handle}) is {scroll_width}px wide in a {inner_width}px window")
                screenshot(page, f"pdca_too_wide_{handle}_{path}")
        assert not too_wide, "\n".join(too_wide)

        page = contexts["doctor"][1]
        page.goto("/")
        link = page.locator(f"#attention a[href='/pdca/actions/{values['action']}/update/']")
        assert link.count() == 1
        with page.expect_navigation():
            link.click()
        page.select_option("select[name=status]", "done")
        page.fill("textarea[name=result_note]", "地域連携室の会議で説明した")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        assert page.url.endswith(f"/pdca/actions/{values['action']}/")
        page.goto("/")
        assert page.locator(f"#attention a[href='/pdca/actions/{values['action']}/update/']").count() == 0
    finally:
        for context, _page in contexts.values():
            context.close()
    assert not page_errors.messages, page_errors.messages
