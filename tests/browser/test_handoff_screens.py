"""The main handoff screens on a 390×844 phone: the page never scrolls sideways (wide tables scroll inside their
own wrapper), and the screen's main action is reached with the Tab key and shows its focus.

The screens: the handoff list, a handoff's page, a form (入院時情報提供書), the conference answer page, the rules
list and the もれ率 report — each as the person who uses it (demo logins), on an admission opened and a conference
proposed through the services.
"""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, _new_page, demo_email

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]
pytest.importorskip("playwright.sync_api")

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def handoff_world(demo):
    """An invented patient of the demo's care manager (nurse and doctor on the team, consent for handoffs), admitted
    three days ago at the demo hospital on Renkei, with a conference proposed to the team."""
    from django.utils import timezone

    from renkei.careteams.models import CareTeamMember, TeamRole
    from renkei.core.models import Membership
    from renkei.directory.models import Facility
    from renkei.handoff.services import conferences, handoffs
    from tests.careteams.factories import ConsentFactory, PatientFactory, team_with

    people = {h: Membership.objects.select_related("organization").get(user__email=demo_email(h))
              for h in ("caremanager", "nurse", "doctor", "discharge")}
    manager = people["caremanager"]
    patient = PatientFactory(registered_by=manager, name="画面 確子", kana="ガメン カクコ",
                             municipality=manager.organization.municipality)
    team_with(patient, people["nurse"], TeamRole.VISITING_NURSE)
    team_with(patient, people["doctor"], TeamRole.ATTENDING_DOCTOR)
    ConsentFactory(patient=patient, purposes=["care", "handoff"])
    hospital = Facility.objects.get(organization=people["discharge"].organization)
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    handoff = handoffs.handoff_open(membership=manager, patient=patient, hospital=hospital,
                                    admitted_at=now - dt.timedelta(days=3), ward="4階西病棟（長い病棟名の確認用）")
    members = CareTeamMember.objects.filter(team=patient.care_team)
    starts = [now + dt.timedelta(days=d, hours=2) for d in (1, 2, 3)]
    conference = conferences.conference_propose(
        membership=people["discharge"], handoff=handoff, slots=[(s, s + dt.timedelta(hours=1)) for s in starts],
        invitees=[m.pk for m in members], place="3階 カンファレンス室", notify=False)
    nurse_invitee = conference.invitees.get(team_member__membership=people["nurse"])
    return {"handoff": handoff, "invitee": nurse_invitee, "city": manager.organization.municipality,
            "manager": manager}


def _screens(world):
    h = world["handoff"].pk
    return [
        # (who, address, the main action)
        ("caremanager", "/handoffs/", f"main a[href='/handoffs/{h}/']"),
        ("caremanager", f"/handoffs/{h}/", f"main a[href='/handoffs/{h}/documents/new/admission_info/']"),
        ("caremanager", f"/handoffs/{h}/documents/new/admission_info/", "form.document-form button[type=submit]"),
        ("nurse", f"/handoffs/conferences/invitations/{world['invitee'].pk}/answer/",
         "form.answer-form button[type=submit]"),
        ("discharge", f"/handoffs/{h}/", f"main a[href='/handoffs/{h}/screening/']"),
        ("city", "/handoffs/rules/", "main a[href^='/handoffs/rules/']"),
        ("city", f"/handoffs/report/?area={world['city'].code}", "main form button[type=submit]"),
    ]


def _tab_to(page, selector: str, limit: int = 400) -> bool:
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


def _focus_shows(page) -> bool:
    """The focused element matches :focus-visible and draws an outline or a ring."""
    return page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        return el.matches(':focus-visible') && (outline || style.boxShadow !== 'none');
    }""")


def test_the_handoff_screens_fit_a_phone_and_their_main_action_is_reached_by_keyboard(
        browser, live_server, page_errors, handoff_world, login, screenshot):
    pages = {}
    problems = []
    try:
        for handle, path, action in _screens(handoff_world):
            if handle not in pages:
                context, page = _new_page(browser, live_server, page_errors, viewport=PHONE, is_mobile=True,
                                          has_touch=True)
                pages[handle] = (context, page)
                login(page, demo_email(handle))
            page = pages[handle][1]
            response = page.goto(path)
            page.wait_for_load_state("load")
            assert response is not None and response.status == 200, f"{path} as {handle}: {response.status}"
            scroll_width, inner_width = page.evaluate(
                WIDTHS_JS)
            if scroll_width > inner_width + 1:
                problems.append(f"{path} as {handle} is {scroll_width}px wide on a {inner_width}px phone")
            if not _tab_to(page, action):
                problems.append(f"{path} as {handle}: {action} is not reached with Tab")
            elif not _focus_shows(page):
                problems.append(f"{path} as {handle}: {action} does not show its focus")
            screenshot(page, f"handoff_screen_phone_{handle}_{path}")
        assert not problems, "\n".join(problems)
        assert not page_errors.messages, page_errors.messages
    finally:
        for context, _page in pages.values():
            context.close()


def _more_screens(world):
    h = world["handoff"].pk
    d = world["document"].pk
    c = world["invitee"].conference_id
    p = world["handoff"].patient_id
    return [
        ("caremanager", f"/handoffs/patients/{p}/"),
        ("caremanager", f"/handoffs/new/{p}/?q=病院"),
        ("caremanager", f"/handoffs/afterwards/{p}/"),
        ("caremanager", f"/handoffs/{h}/documents/"),
        ("caremanager", f"/handoffs/{h}/documents/{d}/"),
        ("caremanager", f"/handoffs/{h}/documents/{d}/send/"),
        ("caremanager", f"/handoffs/{h}/exchanges/new/"),
        ("caremanager", f"/handoffs/{h}/steps/admission_info/done/"),
        ("caremanager", "/handoffs/report/own/"),
        ("nurse", "/handoffs/"),
        ("nurse", "/handoffs/conferences/mine/"),
        ("discharge", "/handoffs/"),
        ("discharge", f"/handoffs/{h}/screening/"),
        ("discharge", f"/handoffs/{h}/planned-discharge/"),
        ("discharge", f"/handoffs/{h}/conferences/"),
        ("discharge", f"/handoffs/{h}/conferences/new/"),
        ("discharge", f"/handoffs/conferences/{c}/schedule/"),
        ("discharge", f"/handoffs/conferences/{c}/hold/"),
        ("discharge", f"/handoffs/{h}/documents/new/discharge_summary/"),
        ("discharge", f"/handoffs/{h}/fhir/import/"),
        ("discharge", "/handoffs/report/own/"),
        ("city", "/handoffs/rules/closed-days/"),
        ("city", "/handoffs/report/census/"),
        ("city", "/handoffs/report/baseline/"),
    ]


def test_the_other_handoff_screens_open_and_fit_a_phone(browser, live_server, page_errors, handoff_world, login,
                                                        screenshot):
    from renkei.handoff.services import documents

    handoff_world["document"] = documents.document_save(
        membership=handoff_world["manager"], handoff=handoff_world["handoff"], kind="admission_info",
        data={"patient_wishes": "自宅に帰りたい"})
    pages = {}
    problems = []
    try:
        for handle, path in _more_screens(handoff_world):
            if handle not in pages:
                context, page = _new_page(browser, live_server, page_errors, viewport=PHONE, is_mobile=True,
                                          has_touch=True)
                pages[handle] = (context, page)
                login(page, demo_email(handle))
            page = pages[handle][1]
            response = page.goto(path)
            page.wait_for_load_state("load")
            if response is None or response.status != 200:
                problems.append(f"{path} as {handle}: {response.status if response else 'no response'}")
                continue
            scroll_width, inner_width = page.evaluate(
                WIDTHS_JS)
            if scroll_width > inner_width + 1:
                problems.append(f"{path} as {handle} is {scroll_width}px wide on a {inner_width}px phone")
                screenshot(page, f"handoff_screen_too_wide_{handle}_{path}")
        assert not problems, "\n".join(problems)
        assert not page_errors.messages, page_errors.messages
    finally:
        for context, _page in pages.values():
            context.close()
