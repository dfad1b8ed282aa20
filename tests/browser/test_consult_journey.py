"""The desk journey of issue 12 (its first "done when"), in a browser on the demo's 福知山市:

1. the coordinator records a call from a care manager, picking the care manager's office from the directory
   through the search (htmx) — received a week ago;
2. suggests two clinics from the directory (two searches add up to one suggestion), each linked to its page;
3. closes the case with the closing date 7 days after receipt, by keyboard only;
4. raises an issue for the council, which then appears on the council's issue list (/pdca/issues/).

The case form is also checked on a 390 px phone: nothing wider than the screen, every field reachable.
The desk itself is set up here (the desk screens are another part's): the demo's coordinator is seated on it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, demo_email, log_in

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]

CITY = "262013"
ISSUE_TITLE = "夜間に往診できる医師の情報が窓口にない"
QUESTION = "退院予定の方の訪問診療医を探しています（ブラウザ確認）"


@pytest.fixture
def desk_world(demo):
    """A desk of 福知山市 run by the demo's medical association, the demo coordinator on it; the care manager's
    office in the directory; two of the demo's clinics."""
    from renkei.consult.models import Desk, DeskMember
    from renkei.core.models import Membership, Municipality
    from renkei.directory.models import Facility
    from tests.factories import FacilityFactory

    city = Municipality.objects.get(code=CITY)
    coordinator = Membership.objects.filter(user__email=demo_email("coordinator"), role="coordinator").first()
    desk, _ = Desk.objects.get_or_create(municipality=city, name="福知山市在宅医療・介護連携支援センター（確認用）",
                                         defaults={"operator": coordinator.organization})
    DeskMember.objects.get_or_create(desk=desk, membership=coordinator)
    office = Facility.objects.filter(name="ブラウザ確認居宅介護支援事業所").first() or FacilityFactory(
        kind="care_service", name="ブラウザ確認居宅介護支援事業所", municipality=city)
    clinics = list(Facility.objects.filter(municipality=city, kind="clinic", status="open").order_by("pk")[:2])
    assert len(clinics) == 2
    return {"desk": desk, "coordinator": coordinator, "office": office, "clinics": clinics}


def _pick(page, field: str, facility) -> None:
    """Type the facility's name in the directory search of `field` and tick it when the results come."""
    box = page.locator(f"#facility-q-{field}")
    box.fill("")
    box.type(facility.name[:6] if len(facility.name) > 6 else facility.name, delay=10)
    choice = page.locator(f"#facility-results-{field} input[data-facility='{facility.pk}']")
    choice.wait_for(state="visible")
    choice.check()


def test_a_coordinator_records_suggests_closes_and_raises_an_issue(page, desk_world, page_errors):
    from renkei.consult.models import Case
    from renkei.pdca.models import Issue

    desk, office, (clinic_a, clinic_b) = desk_world["desk"], desk_world["office"], desk_world["clinics"]
    log_in(page, demo_email("coordinator"))
    # The demo coordinator holds two memberships: the desk seat is the coordinator's (the first one).
    assert page.goto(f"/desk/{desk.pk}/cases/new/").status == 200

    received = (dt.datetime.now() - dt.timedelta(days=7)).replace(hour=10, minute=0)
    page.fill("#id_received_at", received.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_channel", "phone")
    page.select_option("#id_requester_kind", "care_manager")
    page.select_option("#id_requester_profession", "care_manager")
    _pick(page, "requester_facility", office)
    page.fill("#id_requester_name", "ブラウザ 確認")
    page.fill("#id_subject_description", "80代男性、退院予定")
    page.select_option("#id_scene", "admission_discharge")
    page.locator("input[name=topics]").first.check()
    page.fill("#id_question", QUESTION)
    with page.expect_navigation():
        page.click("main form.case-form button[type=submit]")
    case = Case.objects.get(question=QUESTION)
    assert page.url.endswith(f"/desk/cases/{case.pk}/")
    assert case.requester_facility_id == office.pk and case.number.startswith("R")
    assert "ブラウザ 確認" in page.content()

    # Two clinics, two searches, one suggestion: the first stays ticked while the second is searched.
    _pick(page, "facilities", clinic_a)
    _pick(page, "facilities", clinic_b)
    assert page.locator(f"#facility-results-facilities input[data-facility='{clinic_a.pk}']").is_checked()
    with page.expect_navigation():
        page.click("#resources-form button[type=submit]")
    assert sorted(case.resources.values_list("facility_id", flat=True)) == sorted([clinic_a.pk, clinic_b.pk])
    for clinic in (clinic_a, clinic_b):
        assert page.locator(f".case-resources a[href='/directory/facilities/{clinic.pk}/']").count() == 1

    # Closing a week after receipt, by keyboard only: focus the first field, type, tab, press Enter.
    page.goto(f"/desk/cases/{case.pk}/close/")
    closing = (received + dt.timedelta(days=7)).date()
    page.focus("#id_outcome")
    page.keyboard.press("ArrowDown")  # the second outcome: referred or coordinated
    page.keyboard.press("Tab")
    page.fill("#id_closed_on", closing.isoformat())  # a date input's value is set in ISO; the rest is keys
    page.focus("#id_note")
    page.keyboard.type("クリニック2件を紹介")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_on == closing and (closing - received.date()).days == 7

    page.click(f"a[href='/desk/cases/{case.pk}/issue/']")
    assert "personal data" in page.content() or "個人" in page.content()
    page.fill("#id_title", ISSUE_TITLE)
    page.select_option("#id_scene", "daily_care")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    issue = Issue.objects.get(title=ISSUE_TITLE)
    assert issue.raised_elsewhere == f"相談窓口 {case.number}" and issue.municipality.code == CITY
    assert page.goto("/pdca/issues/").status == 200
    assert page.locator(f"[data-issue='{issue.pk}']").count() == 1
    assert page_errors.messages == []


def test_the_case_form_fits_a_phone(phone_page, desk_world, page_errors):
    log_in(phone_page, demo_email("coordinator"))
    assert phone_page.goto(f"/desk/{desk_world['desk'].pk}/cases/new/").status == 200
    scroll_width, inner_width = phone_page.evaluate(
        WIDTHS_JS)
    assert inner_width == 390 and scroll_width <= inner_width
    for selector in ("#id_received_at", "#facility-q-requester_facility", "#id_question",
                     "main form.case-form button[type=submit]"):
        box = phone_page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    # Enter in the directory search searches; it does not submit the half-filled form.
    phone_page.fill("#facility-q-requester_facility", desk_world["office"].name[:6])
    phone_page.press("#facility-q-requester_facility", "Enter")
    phone_page.locator(f"input[data-facility='{desk_world['office'].pk}']").wait_for(state="visible")
    assert phone_page.url.endswith("/cases/new/")
    # The list, too, fits the phone (its table scrolls inside its own frame).
    assert phone_page.goto(f"/desk/{desk_world['desk'].pk}/cases/").status == 200
    assert phone_page.evaluate("document.scrollingElement.scrollWidth <= document.documentElement.clientWidth")
    assert page_errors.messages == []
