"""The care-team journey of issue 10 ("Done when"), end to end in a browser, in Japanese, on the demo's 福知山市.

The starting world is made with factories: a care management office, a visiting nursing station, a clinic and
two hospitals of the city, one professional in each (with an authenticator, as professionals must). Everything
else happens through the screens, each person in their own browser:

1. the care manager registers a patient, adds the visiting nurse and the attending doctor to the team (picking
   their organizations by name), and records two consents: one covering the doctor's clinic (care and
   emergencies), one covering the nurse's station (care);
2. the nurse, on a 390×844 phone, posts a photo with a text on the patient's timeline; the doctor, on a
   desktop, acknowledges it (読みました); the nurse sees that the doctor has read it;
3. the doctor writes the emergency sheet;
4. the care manager withdraws the consent covering the nurse: the nurse's next page of the patient is the
   refusal page (403) and the patient has left her list, while the doctor still reads the timeline;
5. the care manager proposes an enrolment with the first hospital, whose professional accepts it and opens the
   emergency sheet from the enrolment list; a professional of the other hospital gets 403 at the same address;
6. the care manager's access history of the patient shows the hospital's read of the emergency sheet, the other
   hospital's refusal and the nurse's refusal after the withdrawal.
"""

from __future__ import annotations

import io

import pytest

from .conftest import CHROMIUM, SKIP_REASON, WIDTHS_JS, _new_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason=SKIP_REASON)]
pytest.importorskip("playwright.sync_api")

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PATIENT = {"name": "旅路 花子", "kana": "タビジ ハナコ", "birth_date": "1937-05-06",
           "address": "京都府福知山市字篠尾新町2"}
POST_TEXT = "右踵に発赤あり。写真を共有します（旅路）"
REFUSED = "このページを表示する権限がありません"


@pytest.fixture
def world(demo):
    """Five professionals of five organizations of 福知山市, each with an authenticator."""
    from renkei.core.models import Municipality, Organization, Profession, Role
    from tests.factories import MembershipFactory, OrganizationFactory, TOTPDeviceFactory, UserFactory

    city = Municipality.objects.get(code="262013")
    people = {}
    for key, kind, org_name, profession, display in [
        ("manager", Organization.Kind.CARE_MANAGEMENT_OFFICE, "旅路居宅介護支援事業所", Profession.CARE_MANAGER,
         "居宅 ケアマネ"),
        ("nurse", Organization.Kind.VISITING_NURSING_STATION, "旅路訪問看護ステーション",
         Profession.VISITING_NURSE, "訪問 看護"),
        ("doctor", Organization.Kind.CLINIC, "旅路在宅クリニック", Profession.DOCTOR, "在宅 医師"),
        ("hospital", Organization.Kind.HOSPITAL, "旅路後方支援病院", Profession.DISCHARGE_NURSE, "後方 病院"),
        ("other", Organization.Kind.HOSPITAL, "旅路別病院", Profession.DISCHARGE_NURSE, "別 病院"),
    ]:
        organization = OrganizationFactory(kind=kind, name=org_name, kana="タビジ", municipality=city)
        user = UserFactory(email=f"journey-{key}@example.jp", display_name=display)
        TOTPDeviceFactory(user=user)
        people[key] = MembershipFactory(user=user, organization=organization, role=Role.PROFESSIONAL,
                                        profession=profession)
    return people


def _photo(tmp_path):
    from PIL import Image

    path = tmp_path / "右踵.jpg"
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "salmon").save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def _submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()
    page.wait_for_load_state("load")


def _team_add(page, patient_pk: int, membership, role: str) -> None:
    """On the team page: find the organization by name, pick it, choose the person and the role, add."""
    page.fill("#org-q", membership.organization.name)
    _submit(page, "form.organization-picker button[type=submit]")
    _submit(page, f".organization-results a[href='?organization={membership.organization_id}#add']")
    page.select_option("select[name=membership]", str(membership.pk))
    page.select_option("select[name=role]", role)
    _submit(page, f"form[action='/patients/{patient_pk}/team/add/'] button[type=submit]")
    assert page.url.endswith(f"/patients/{patient_pk}/team/")


def _record_consent(page, patient_pk: int, organization, purposes: list[str]) -> None:
    from django.utils import timezone

    page.goto(f"/patients/{patient_pk}/consents/")
    _submit(page, f"main a[href='/patients/{patient_pk}/consents/new/']")
    page.check("input[name=covers_whole_team][value='0']")
    page.check(f"input[name=organizations][value='{organization.pk}']")
    for purpose in ("care", "emergency", "handoff"):
        checkbox = page.locator(f"input[name=purposes][value='{purpose}']")
        checkbox.check() if purpose in purposes else checkbox.uncheck()
    page.fill("input[name=consented_on]", timezone.localdate().isoformat())
    page.fill("input[name=paper_reference]", "事業所の同意書ファイル")
    _submit(page, "form.consent-form button[type=submit]")
    assert page.url.endswith(f"/patients/{patient_pk}/consents/"), page.inner_text("main")


def test_the_care_team_journey_of_issue_10(browser, live_server, page_errors, world, tmp_path, screenshot):
    from renkei.careteams.models import Acknowledgement, Consent, EmergencySheet, Patient, Post
    from renkei.core.models import AuditEntry
    from renkei.provision.models import PatientEnrolment
    from tests.factories import PASSWORD

    contexts = []

    def browser_of(key: str, viewport: dict, **kwargs):
        context, page = _new_page(browser, live_server, page_errors, viewport=viewport, **kwargs)
        contexts.append(context)
        log_in(page, world[key].user.email, PASSWORD)
        assert "/login/" not in page.url, f"{key} could not log in"
        return page

    try:
        # 1. The care manager registers the patient, builds the team and records the consents.
        manager = browser_of("manager", DESKTOP)
        manager.goto("/patients/new/")
        for name, value in PATIENT.items():
            manager.fill(f"main form input[name={name}]", value)
        _submit(manager, "main form button[type=submit].button-primary")
        patient = Patient.objects.get(kana=PATIENT["kana"])
        assert manager.url.endswith(f"/patients/{patient.pk}/team/")
        assert patient.registered_by_organization_id == world["manager"].organization_id

        _team_add(manager, patient.pk, world["nurse"], "visiting_nurse")
        _team_add(manager, patient.pk, world["doctor"], "attending_doctor")
        current = manager.locator("section.team-current").inner_text()
        assert "訪問 看護" in current and "在宅 医師" in current

        _record_consent(manager, patient.pk, world["doctor"].organization, ["care", "emergency"])
        _record_consent(manager, patient.pk, world["nurse"].organization, ["care"])
        doctor_consent, nurse_consent = Consent.objects.filter(patient=patient).order_by("pk")
        assert list(doctor_consent.organizations.all()) == [world["doctor"].organization]
        assert list(nurse_consent.organizations.all()) == [world["nurse"].organization]
        assert manager.locator("li.consent:not(.consent-withdrawn)").count() == 2

        # 2. The nurse posts a photo from her phone; the doctor acknowledges it; the nurse sees it was read.
        nurse = browser_of("nurse", PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        nurse.goto("/patients/")
        assert PATIENT["name"] in nurse.locator("main").inner_text(), "the patient is in the nurse's list"
        response = nurse.goto(f"/patients/{patient.pk}/timeline/")
        assert response is not None and response.status == 200
        nurse.locator("#compose input[name=files][multiple]").set_input_files(str(_photo(tmp_path)))
        nurse.fill("#compose textarea[name=text]", POST_TEXT)
        nurse.locator("#compose button[type=submit]").click()
        nurse.locator(".post .post-text", has_text=POST_TEXT).wait_for()
        post = Post.objects.get(patient=patient)
        assert post.author.membership_id == world["nurse"].pk
        assert post.attachments.get().original_name == "右踵.jpg"
        assert nurse.locator(f"#post-{post.pk} .post-attachments a", has_text="右踵.jpg").is_visible()
        scroll_width, inner_width = nurse.evaluate(WIDTHS_JS)
        assert inner_width == PHONE["width"] and scroll_width <= inner_width + 1

        doctor = browser_of("doctor", DESKTOP)
        doctor.goto(f"/patients/{patient.pk}/timeline/")
        acknowledge = doctor.locator(f"#post-{post.pk} button.acknowledge")
        assert acknowledge.inner_text().strip() == "読みました"
        acknowledge.click()
        doctor.locator(f"#post-{post.pk} .acknowledged").wait_for()
        assert Acknowledgement.objects.filter(post=post, member__membership=world["doctor"]).exists()

        nurse.reload()
        readers = nurse.locator(f"#post-{post.pk} .post-readers")
        assert readers.locator("summary").inner_text().strip() == "既読 1 人"
        readers.locator("summary").click()
        assert readers.locator("li").all_inner_texts() == ["在宅 医師"]
        screenshot(nurse, "journey_nurse_sees_the_doctor_read")

        # 3. The doctor writes the emergency sheet.
        doctor.goto(f"/patients/{patient.pk}/emergency/edit/")
        doctor.select_option("select[name=resuscitation_wish]", "no")
        doctor.select_option("select[name=transfer_wish]", "yes")
        doctor.fill("input[name=after_hours_phone]", "0773-00-1234")
        doctor.fill("textarea[name=doctor_order]", "DNAR（本人・長男と合意）")
        _submit(doctor, "form.emergency-form button[type=submit]")
        assert doctor.url.endswith(f"/patients/{patient.pk}/emergency/")
        assert EmergencySheet.objects.filter(patient=patient).count() == 1

        # 4. The consent covering the nurse is withdrawn: she loses access at once, the doctor keeps it.
        manager.goto(f"/patients/{patient.pk}/consents/")
        _submit(manager, f"a[href='/patients/{patient.pk}/consents/{nurse_consent.pk}/withdraw/']")
        manager.fill("input[name=note]", "ご本人から電話で撤回の申し出")
        manager.check("input[name=confirm]")
        _submit(manager, "main form button[type=submit].button-danger")
        nurse_consent.refresh_from_db()
        assert nurse_consent.withdrawn_at is not None
        assert manager.url.endswith(f"/patients/{patient.pk}/consents/")

        response = nurse.goto(f"/patients/{patient.pk}/timeline/")
        assert response is not None and response.status == 403
        assert REFUSED in nurse.locator("main h1").inner_text()
        assert POST_TEXT not in nurse.content()
        response = nurse.goto("/patients/")
        assert response is not None and response.status == 200
        assert PATIENT["name"] not in nurse.locator("main").inner_text(), "the patient left the nurse's list"
        response = doctor.goto(f"/patients/{patient.pk}/timeline/")
        assert response is not None and response.status == 200, "the doctor's own consent still covers him"

        # 5. The backup hospital: proposed by the care manager, accepted by the hospital, which reads the sheet.
        manager.goto(f"/provision/patients/{patient.pk}/")
        _submit(manager, f"a[href='/provision/patients/{patient.pk}/enrolments/new/']")
        manager.select_option("select[name=hospital]", str(world["hospital"].organization_id))
        _submit(manager, "main form button[type=submit].button-primary")
        enrolment = PatientEnrolment.objects.get(patient=patient)
        assert enrolment.status == PatientEnrolment.Status.PROPOSED
        assert enrolment.hospital_id == world["hospital"].organization_id

        hospital = browser_of("hospital", DESKTOP)
        response = hospital.goto(f"/patients/{patient.pk}/emergency/")
        assert response is not None and response.status == 403, "a proposal alone lets no sheet be read"
        hospital.goto("/provision/enrolments/")
        row = hospital.locator("table.provision-enrolments tr", has_text=PATIENT["name"])
        with hospital.expect_navigation():
            row.get_by_role("button", name="承諾する").click()
        enrolment.refresh_from_db()
        assert enrolment.status == PatientEnrolment.Status.ACTIVE
        row = hospital.locator("table.provision-enrolments tr", has_text=PATIENT["name"])
        with hospital.expect_navigation():
            row.get_by_role("link", name="急変時シート").click()
        assert hospital.url.endswith(f"/patients/{patient.pk}/emergency/")
        sheet_text = hospital.locator("main").inner_text()
        assert PATIENT["name"] in sheet_text and "DNAR" in sheet_text
        assert hospital.locator("a.emergency-phone").get_attribute("href") == "tel:0773001234"
        assert POST_TEXT not in hospital.content()

        other = browser_of("other", DESKTOP)
        response = other.goto(f"/patients/{patient.pk}/emergency/")
        assert response is not None and response.status == 403
        assert REFUSED in other.locator("main h1").inner_text()
        assert PATIENT["name"] not in other.content()

        # 6. The access history shows the hospital's read and both refusals.
        entries = AuditEntry.objects.filter(subject_type="patient", subject_id=patient.pk)
        assert entries.filter(action="read", membership_id_value=world["hospital"].pk).exists()
        for key in ("other", "nurse"):
            assert entries.filter(action="refuse", membership_id_value=world[key].pk).exists(), key
        manager.goto(f"/patients/{patient.pk}/history/")
        hospital_reads = manager.locator("tr.history-read", has_text="後方 病院").all_inner_texts()
        assert any("急変時シート" in text for text in hospital_reads), hospital_reads
        other_refusals = manager.locator("tr.history-refused", has_text="別 病院")
        assert other_refusals.count() >= 1 and "旅路別病院" in other_refusals.first.inner_text()
        nurse_refusals = manager.locator("tr.history-refused", has_text="訪問 看護")
        assert nurse_refusals.count() >= 1 and "旅路訪問看護ステーション" in nurse_refusals.first.inner_text()
        for row in (other_refusals.first, nurse_refusals.first):
            assert "拒否" in row.inner_text()
        screenshot(manager, "journey_access_history")
        # The refusals asked for above show on the console as failed loads (403); nothing else may.
        refused = (f"/patients/{patient.pk}/timeline/", f"/patients/{patient.pk}/emergency/")
        unexpected = [m for m in page_errors.messages
                      if not ("status of 403" in m and m.endswith(refused))]
        assert unexpected == [], "\n".join(unexpected)
    finally:
        for context in contexts:
            context.close()
