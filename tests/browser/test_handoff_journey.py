"""The admission/discharge journey of issue 11 ("Done when"), end to end in a browser, in Japanese, on the demo's
福知山市, with the demo's people: the care manager (caremanager), the visiting nurse (nurse), the attending doctor
(doctor), the hospital's discharge nurse (discharge, at a hospital on Renkei with its directory facility) and the
city's officer (city). The two patients, their teams and consents are made with factories; everything else
happens through the screens, each person in their own browser:

1. the care manager records an admission from the patient's 入退院 tab (finding the hospital by name), fills the
   prefilled 入院時情報提供書 and sends it to the hospital on Renkei;
2. the discharge nurse acknowledges receipt, records the screening (退院困難な要因) and proposes two conference
   times, inviting the care manager, the visiting nurse and the attending doctor;
3. the care manager answers on a desktop; the visiting nurse answers on a 390×844 phone, with the keyboard only;
4. the hospital decides the time, records the conference (who took part, minutes), sets the planned discharge
   (telling the care manager), writes and sends the 退院時サマリー;
5. the attending doctor sees the discharge summary on the patient's timeline;
6. another patient's stay at a hospital not on Renkei: the care manager records the admission, then the discharge;
   the city's もれ率 report counts one more missed discharge.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, _new_page, demo_email, log_in

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]
pytest.importorskip("playwright.sync_api")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MINUTES = "退院後は訪問看護週2回、福祉用具（特殊寝台）を手配。初回訪問は退院翌日。"
SUMMARY_COURSE = "肺炎にて入院。抗菌薬治療で改善し、ADLは入院前と同程度に回復。"


def _member(handle: str):
    from renkei.core.models import Membership

    return Membership.objects.select_related("organization", "user").get(user__email=demo_email(handle))


@pytest.fixture
def world(demo):
    """The demo's people around two invented patients of 福知山市 (team and consent for care and handoffs); five
    earlier stays of the second patient learned of afterwards, so the report's figures are shown exactly."""
    from django.utils import timezone

    from renkei.careteams.models import TeamRole
    from renkei.directory.models import Facility
    from renkei.handoff.services import handoffs as services
    from tests.careteams.factories import ConsentFactory, PatientFactory, team_with

    people = {handle: _member(handle) for handle in ("caremanager", "nurse", "doctor", "discharge", "city")}
    manager = people["caremanager"]
    hospital = Facility.objects.get(organization=people["discharge"].organization)
    paper = (Facility.objects.filter(municipality=manager.organization.municipality, kind="hospital",
                                     organization__isnull=True, status="open").order_by("pk").first())
    assert paper is not None, "the demo directory has a hospital not on Renkei"
    patients = []
    for name, kana in (("旅程 春子", "リョテイ ハルコ"), ("旅程 夏男", "リョテイ ナツオ")):
        patient = PatientFactory(registered_by=manager, name=name, kana=kana,
                                 municipality=manager.organization.municipality)
        team_with(patient, people["nurse"], TeamRole.VISITING_NURSE)
        team_with(patient, people["doctor"], TeamRole.ATTENDING_DOCTOR)
        ConsentFactory(patient=patient, purposes=["care", "emergency", "handoff"])
        patients.append(patient)
    now = timezone.now()
    for i in range(5):
        admitted = now - dt.timedelta(days=60 - i * 10)
        services.discharge_report_afterwards(membership=manager, patient=patients[1], hospital=paper,
                                             admitted_at=admitted, discharged_at=admitted + dt.timedelta(days=5))
    return {"people": people, "hospital": hospital, "paper": paper, "patients": patients}


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()
    page.wait_for_load_state("load")


def _tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} was not reached with Tab")


def _record_admission(page, patient, hospital, admitted_at: dt.datetime) -> None:
    """From the patient's 入退院 tab: find the hospital by name, pick it, give the admission time."""
    page.goto(f"/handoffs/patients/{patient.pk}/")
    _submit(page, f"main a[href='/handoffs/new/{patient.pk}/']")
    page.fill("#id_q", hospital.name)
    _submit(page, "form[role=search] button[type=submit]")
    page.check(f"input[name=hospital][value='{hospital.pk}']")
    page.fill("input[name=admitted_at]", admitted_at.strftime("%Y-%m-%dT%H:%M"))
    _submit(page, "form.narrow button[type=submit].button-primary")


def _report_figures(page) -> tuple[int, int]:
    """The summary's "missed rate (missed / counted)", both shown exactly from 5 up."""
    text = page.locator("dl.measures-summary").inner_text()
    found = re.search(r"\((\d+) / (\d+)\)", text)
    assert found, text[:800]
    return int(found.group(1)), int(found.group(2))


def test_the_admission_and_discharge_journey_of_issue_11(browser, live_server, page_errors, world, screenshot):
    from django.utils import timezone

    from renkei.careteams.models import CareTeamMember, Post
    from renkei.core.templatetags.renkei import wareki
    from renkei.handoff.models import Conference, ConferenceInvitee, DocumentSending, Handoff, HandoffDocument, StepKey
    from renkei.handoff.report_areas import area_from_key
    from renkei.handoff.selectors.report import area_report, period_of

    people, hospital, paper = world["people"], world["hospital"], world["paper"]
    patient, other_patient = world["patients"]
    contexts = []

    def browser_of(handle: str, viewport: dict, **kwargs):
        context, page = _new_page(browser, live_server, page_errors, viewport=viewport, **kwargs)
        contexts.append(context)
        log_in(page, demo_email(handle))
        assert "/login/" not in page.url, f"{handle} could not log in"
        return page

    today = timezone.localdate()
    admitted_at = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(days=3)
    try:
        # 1. The care manager records the admission and sends the prefilled 入院時情報提供書 to the hospital.
        manager = browser_of("caremanager", DESKTOP)
        _record_admission(manager, patient, hospital, admitted_at)
        handoff = Handoff.objects.get(patient=patient)
        assert manager.url.endswith(f"/handoffs/{handoff.pk}/")
        assert handoff.hospital_organization_id == hospital.organization_id
        _submit(manager, f"a[href='/handoffs/{handoff.pk}/documents/new/admission_info/']")
        attending = manager.locator("[name=attending_doctor]")
        assert people["doctor"].user.display_name in attending.input_value(), "prefilled from the team"
        manager.fill("[name=patient_wishes]", "自宅に帰りたい")
        screenshot(manager, "handoff_journey_admission_info_form")
        _submit(manager, "form.document-form button[type=submit]")
        admission_info = HandoffDocument.objects.get(handoff=handoff, kind="admission_info")
        assert manager.url.endswith(f"/documents/{admission_info.pk}/send/")
        manager.check(f"input[name=organizations][value='{hospital.organization_id}']")
        _submit(manager, "form.narrow button[type=submit]")
        sending = DocumentSending.objects.get(document=admission_info)
        assert sending.recipient_organization_id == hospital.organization_id
        assert handoff.steps.get(key=StepKey.ADMISSION_INFO).status == "done"

        # 2. The discharge nurse acknowledges it, screens, proposes conference times.
        ward = browser_of("discharge", DESKTOP)
        ward.goto("/handoffs/")
        _submit(ward, f"main a[href='/handoffs/{handoff.pk}/']")
        _submit(ward, f"form[action='/handoffs/{handoff.pk}/sendings/{sending.pk}/acknowledge/'] button")
        sending.refresh_from_db()
        assert sending.acknowledged_at is not None
        ward.goto(f"/handoffs/{handoff.pk}/")
        _submit(ward, f"a[href='/handoffs/{handoff.pk}/screening/']")
        ward.check("input[name=needs_coordination][value=yes]")
        ward.check("input[name=difficulty_factors][value=no_key_person]")
        ward.check("input[name=difficulty_factors][value=adl_decline]")
        ward.check("input[name=has_key_person][value=no]")
        _submit(ward, "main form button[type=submit]")
        handoff.refresh_from_db()
        assert handoff.needs_coordination is True
        assert set(handoff.difficulty_factors) == {"no_key_person", "adl_decline"}

        ward.goto(f"/handoffs/{handoff.pk}/")
        _submit(ward, f"a[href='/handoffs/{handoff.pk}/conferences/new/']")
        yesterday = today - dt.timedelta(days=1)
        for i, (start, end) in enumerate((("14:00", "15:00"), ("16:00", "17:00"))):
            ward.fill(f"input[name=slot_{i}_date]", yesterday.isoformat())
            ward.fill(f"input[name=slot_{i}_start]", start)
            ward.fill(f"input[name=slot_{i}_end]", end)
        team = {m.membership_id: m for m in CareTeamMember.objects.filter(team=patient.care_team)}
        for handle in ("caremanager", "nurse", "doctor"):
            ward.check(f"input[name=invitees][value='{team[people[handle].pk].pk}']")
        ward.fill("input[name=place]", "3階 カンファレンス室")
        screenshot(ward, "handoff_journey_conference_form")
        _submit(ward, "form.conference-form button[type=submit].button-primary")
        conference = Conference.objects.get(handoff=handoff)
        invitees = {(i.team_member.membership_id if i.team_member_id else i.membership_id): i
                    for i in ConferenceInvitee.objects.filter(conference=conference).select_related("team_member")}
        assert {people[h].pk for h in ("caremanager", "nurse", "doctor")} <= set(invitees)
        slots = list(conference.slots.order_by("starts_at"))

        # 3. The care manager answers (desktop); the nurse answers on her phone with the keyboard only.
        manager.goto(f"/handoffs/{handoff.pk}/")
        _submit(manager, f"a[href='/handoffs/conferences/invitations/{invitees[people['caremanager'].pk].pk}/answer/']")
        manager.check(f"input[name=slot_{slots[0].pk}][value=yes]")
        manager.check(f"input[name=slot_{slots[1].pk}][value=no]")
        _submit(manager, "form.answer-form button[type=submit]")

        nurse = browser_of("nurse", PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        nurse.goto("/")  # her home page lists the invitation waiting for her answer
        answer_url = f"/handoffs/conferences/invitations/{invitees[people['nurse'].pk].pk}/answer/"
        _submit(nurse, f"main a[href='{answer_url}']")
        first = nurse.locator(f"input[name=slot_{slots[0].pk}]").first
        first.focus()
        nurse.keyboard.press("Space")  # the first choice of the first time (都合がよい)
        assert nurse.locator(f"input[name=slot_{slots[0].pk}]:checked").count() == 1
        _tab_to(nurse, "form.answer-form button[type=submit]")
        focus_ring = nurse.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert focus_ring != "none", "the focused submit button shows its focus"
        with nurse.expect_navigation():
            nurse.keyboard.press("Enter")
        nurse.wait_for_load_state("load")
        scroll_width, inner_width = nurse.evaluate(WIDTHS_JS)
        assert inner_width == PHONE["width"] and scroll_width <= inner_width + 1
        screenshot(nurse, "handoff_journey_nurse_answered_phone")
        nurse_invitee = ConferenceInvitee.objects.get(pk=invitees[people["nurse"].pk].pk)
        assert nurse_invitee.answered_at is not None

        # 4. The hospital decides the time, records the conference, sets the planned discharge, sends the summary.
        ward.goto(f"/handoffs/{handoff.pk}/")
        _submit(ward, f"a[href='/handoffs/conferences/{conference.pk}/schedule/']")
        ward.check(f"input[name=slot][value='{slots[0].pk}']")
        _submit(ward, "main form button[type=submit]")
        conference.refresh_from_db()
        assert conference.status == "scheduled" and conference.chosen_slot_id == slots[0].pk
        ward.goto(f"/handoffs/{handoff.pk}/")
        _submit(ward, f"a[href='/handoffs/conferences/{conference.pk}/hold/']")
        for handle in ("caremanager", "nurse"):
            ward.check(f"input[name=attended][value='{invitees[people[handle].pk].pk}']")
        ward.fill("textarea[name=minutes]", MINUTES)
        _submit(ward, "main form button[type=submit]")
        conference.refresh_from_db()
        assert conference.status == "held" and conference.minutes == MINUTES
        assert handoff.steps.get(key=StepKey.CONFERENCE).status == "done"

        ward.goto(f"/handoffs/{handoff.pk}/")
        _submit(ward, f"a[href='/handoffs/{handoff.pk}/planned-discharge/']")
        planned = today + dt.timedelta(days=7)
        ward.fill("input[name=planned_on]", planned.isoformat())
        ward.check("input[name=tell_care_manager]")
        _submit(ward, "main form button[type=submit]")
        handoff.refresh_from_db()
        assert handoff.planned_discharge_on == planned
        assert handoff.steps.get(key=StepKey.DISCHARGE_NOTICE).status == "done"
        manager.goto(f"/handoffs/{handoff.pk}/")
        facts = manager.locator("dl.handoff-facts").inner_text()
        assert wareki(planned) in facts, facts  # the care manager reads the planned discharge in 和暦

        ward.goto(f"/handoffs/{handoff.pk}/")
        _submit(ward, f"a[href='/handoffs/{handoff.pk}/documents/new/discharge_summary/']")
        ward.fill("[name=hospital_course]", SUMMARY_COURSE)
        _submit(ward, "form.document-form button[type=submit]")
        summary = HandoffDocument.objects.get(handoff=handoff, kind="discharge_summary")
        for organization in (people["caremanager"].organization, people["doctor"].organization):
            ward.check(f"input[name=organizations][value='{organization.pk}']")
        _submit(ward, "form.narrow button[type=submit]")
        assert DocumentSending.objects.filter(document=summary).count() == 2
        screenshot(ward, "handoff_journey_summary_sent")

        # 5. The attending doctor sees the summary on the patient's timeline.
        doctor = browser_of("doctor", DESKTOP)
        response = doctor.goto(f"/patients/{patient.pk}/timeline/")
        assert response is not None and response.status == 200
        post = Post.objects.filter(patient=patient, text__contains="退院時サマリー").order_by("-pk").first()
        assert post is not None, "the summary was posted on the timeline"
        assert doctor.locator(f"#post-{post.pk}").is_visible()
        assert "退院時サマリー" in doctor.locator(f"#post-{post.pk}").inner_text()
        screenshot(doctor, "handoff_journey_doctor_timeline")
        _submit(doctor, f"#post-{post.pk} a[href$='/handoffs/{handoff.pk}/documents/{summary.pk}/']")
        assert SUMMARY_COURSE in doctor.locator("main").inner_text()

        # 6. Another stay, at a hospital not on Renkei, discharged without contact: one more missed discharge.
        area = area_from_key(people["city"].organization.municipality.code)
        start, end = period_of(f"{today - dt.timedelta(days=75):%Y-%m}", f"{today:%Y-%m}")
        city = browser_of("city", DESKTOP)
        _submit(city, "nav a[href='/handoffs/report/']")  # from the menu
        city.select_option("select[name=area]", area.key)
        city.fill("input[name=start]", f"{start:%Y-%m}")
        city.fill("input[name=end]", f"{end:%Y-%m}")
        with city.expect_navigation():
            city.press("input[name=end]", "Enter")  # submitted from the keyboard
        city.wait_for_load_state("load")
        assert f"start={start:%Y-%m}" in city.url and f"area={area.key}" in city.url
        missed_before, counted_before = _report_figures(city)
        assert missed_before == area_report(area, start, end).total.missed == 5

        _record_admission(manager, other_patient, paper, timezone.localtime().replace(second=0, microsecond=0)
                          - dt.timedelta(days=6))
        stay = Handoff.objects.filter(patient=other_patient, discharged_at__isnull=True).get()
        assert stay.hospital_organization_id is None
        manager.goto(f"/handoffs/{stay.pk}/")
        _submit(manager, f"a[href='/handoffs/{stay.pk}/discharge/']")
        manager.fill("input[name=discharged_at]",
                     (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        _submit(manager, "main form button[type=submit]")
        stay.refresh_from_db()
        assert stay.discharged_at is not None and stay.is_missed is True

        city.reload()
        missed_after, counted_after = _report_figures(city)
        assert (missed_after, counted_after) == (missed_before + 1, counted_before + 1)
        assert missed_after == area_report(area, start, end).total.missed
        screenshot(city, "handoff_journey_report")
        assert not page_errors.messages, page_errors.messages
    finally:
        for context in contexts:
            context.close()
