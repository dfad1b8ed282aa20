"""The emergency sheet: versions, what changed, the second factor before a wish changes, the one-page print, the
page an enrolled hospital may read, and the death record with its "where they wished"."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from renkei.careteams import frame
from renkei.careteams import policy as careteams_policy
from renkei.careteams.models import DeathRecord, EmergencySheet, Patient, TeamRole
from renkei.careteams.models.emergency import Wish
from renkei.careteams.selectors.emergency import sheet_diff, sheet_for_print, sheet_page
from renkei.careteams.services.deaths import death_record
from renkei.careteams.services.emergency import emergency_sheet_save
from renkei.careteams.sheet_pdf import fitting_story, sheet_pdf
from renkei.core import second_factor
from renkei.core.models import AuditEntry, Organization
from tests.conftest import client_for
from tests.factories import OrganizationFactory

from .factories import ConsentFactory, EmergencySheetFactory, KeyPersonFactory, PatientFactory, professional, team_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient():
    return PatientFactory()


def _hospital(patient):
    return OrganizationFactory(kind=Organization.Kind.HOSPITAL, municipality=patient.municipality,
                               prefecture=patient.municipality.prefecture, name="見本記念病院", phone="0773-00-0000")


# --- versions --------------------------------------------------------------------------------------

def test_every_save_is_a_new_version_and_the_old_one_stays(patient):
    me = patient.registered_by
    first = emergency_sheet_save(membership=me, patient=patient, resuscitation_wish="no", medications="薬A")
    second = emergency_sheet_save(membership=me, patient=patient, medications="薬A\n薬B")
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert first.medications == "薬A"
    assert second.resuscitation_wish == "no"  # carried over from version 1
    assert EmergencySheet.objects.filter(patient=patient).count() == 2


def test_saving_writes_an_audit_entry_about_the_patient_without_the_values(patient):
    sheet = emergency_sheet_save(membership=patient.registered_by, patient=patient, medications="秘密の薬")
    entry = AuditEntry.objects.filter(object_type="careteams.emergencysheet", object_id=str(sheet.pk)).get()
    assert entry.action == "create" and (entry.subject_type, entry.subject_id) == ("patient", patient.pk)
    assert "秘密の薬" not in str(entry.changes)


def test_the_backup_hospital_must_be_a_hospital(patient):
    clinic = OrganizationFactory(kind=Organization.Kind.CLINIC, municipality=patient.municipality)
    with pytest.raises(ValidationError):
        emergency_sheet_save(membership=patient.registered_by, patient=patient, backup_hospital=clinic)
    sheet = emergency_sheet_save(membership=patient.registered_by, patient=patient,
                                 backup_hospital=_hospital(patient))
    assert sheet.backup_hospital.name == "見本記念病院"


def test_someone_off_the_team_cannot_save_a_sheet(patient):
    with pytest.raises(PermissionDenied):
        emergency_sheet_save(membership=professional(), patient=patient, medications="x")
    assert not EmergencySheet.objects.exists()


def test_the_diff_names_the_changed_fields_by_their_labels(patient):
    me = patient.registered_by
    first = emergency_sheet_save(membership=me, patient=patient, resuscitation_wish="yes", medications="薬A")
    second = emergency_sheet_save(membership=me, patient=patient, resuscitation_wish="no", medications="薬A")
    changes = sheet_diff(first, second)
    assert [(c.label, c.old, c.new, c.is_wish) for c in changes] == [
        (str(EmergencySheet._meta.get_field("resuscitation_wish").verbose_name), str(Wish.YES.label),
         str(Wish.NO.label), True)]


def test_the_versions_page_compares_two_versions(patient, settings):
    settings.LANGUAGE_CODE = "en"
    me = patient.registered_by
    emergency_sheet_save(membership=me, patient=patient, conditions="心不全")
    emergency_sheet_save(membership=me, patient=patient, conditions="心不全、糖尿病")
    emergency_sheet_save(membership=me, patient=patient, note="鍵は郵便受け")
    url = reverse("careteams:emergency_sheet_versions", args=[patient.pk])
    response = client_for(me).get(url, {"older": 1, "newer": 3})
    assert response.status_code == 200
    compared = response.context["compared"]
    assert [c.name for c in compared["changes"]] == ["conditions", "note"]
    assert client_for(me).get(url, {"older": 1, "newer": 99}).status_code == 404
    assert client_for(me).get(url, {"older": "x", "newer": "1"}).status_code == 200  # bad input: the list


# --- the second factor before a wish changes -------------------------------------------------------

def test_changing_a_wish_asks_for_the_second_factor_again_when_it_is_old(patient):
    me = patient.registered_by
    client = client_for(me)
    session = client.session
    session[second_factor.SESSION_KEY] = int(timezone.now().timestamp()) - 3600
    session.save()
    url = reverse("careteams:emergency_sheet_edit", args=[patient.pk])
    response = client.post(url, {"resuscitation_wish": "no", "transfer_wish": "yes", "place_of_death_wish": "home"})
    assert response.status_code == 200 and "reverify_" in response.content.decode()  # the re-verify screen
    assert not EmergencySheet.objects.filter(patient=patient).exists()
    assert client.get(url)["Location"].startswith(reverse("core:reverify"))


def test_a_recent_second_factor_saves_the_wish(patient):
    url = reverse("careteams:emergency_sheet_edit", args=[patient.pk])
    response = client_for(patient.registered_by).post(url, {
        "resuscitation_wish": "no", "transfer_wish": "yes", "place_of_death_wish": "home",
        "doctor_order": "DNAR", "doctor_order_on": "2026-04-01", "doctor_order_by": "見本 一郎"})
    assert response.status_code == 302
    sheet = EmergencySheet.objects.get(patient=patient)
    assert (sheet.number, sheet.doctor_order, sheet.doctor_order_on) == (1, "DNAR", dt.date(2026, 4, 1))


def test_the_edit_view_is_decorated_with_the_second_factor():
    from renkei.careteams.views.emergency import emergency_sheet_edit

    assert emergency_sheet_edit.policy_action == "careteams.edit_emergency_sheet"
    assert emergency_sheet_edit.__wrapped__.__name__ == "emergency_sheet_edit"
    assert emergency_sheet_edit.__wrapped__.__wrapped__ is not None  # recent_second_factor's wrapper


# --- the page ---------------------------------------------------------------------------------------

def test_the_sheet_page_shows_the_after_hours_number_as_a_phone_link_and_logs_the_read(patient):
    emergency_sheet_save(membership=patient.registered_by, patient=patient, after_hours_phone="090-1234-5678")
    before = AuditEntry.objects.filter(action="read", subject_id=patient.pk).count()
    response = client_for(patient.registered_by).get(reverse("careteams:emergency_sheet", args=[patient.pk]))
    assert response.status_code == 200
    assert 'href="tel:09012345678"' in response.content.decode()
    assert AuditEntry.objects.filter(action="read", subject_id=patient.pk).count() == before + 1


def test_an_outsider_is_refused_and_the_refusal_logged(patient):
    response = client_for(professional()).get(reverse("careteams:emergency_sheet", args=[patient.pk]))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="refuse", permission="careteams.view_emergency_sheet").exists()


def test_a_missing_or_huge_patient_number_is_not_found(patient):
    client = client_for(patient.registered_by)
    assert client.get(f"/patients/{patient.pk + 1000}/emergency/").status_code == 404
    assert client.get(f"/patients/{2**70}/emergency/").status_code == 404


@pytest.fixture
def sheet_reader(monkeypatch):
    """A fake enrolled hospital: reads the sheet of the patients listed (as provision's enrolment would)."""
    readers: set[tuple[int, int]] = set()
    monkeypatch.setattr(careteams_policy, "_sheet_readers",
                        [lambda membership, patient: (membership.pk, patient.pk) in readers])
    return readers


def test_a_sheet_only_reader_sees_the_sheet_and_the_team_contacts_and_nothing_else(patient, sheet_reader):
    nurse = professional(kind=Organization.Kind.VISITING_NURSING_STATION, user__display_name="見本 看護")
    team_with(patient, nurse, TeamRole.VISITING_NURSE, phone="0773-11-1111")
    ConsentFactory(patient=patient)
    KeyPersonFactory(patient=patient, name="見本 次郎", phone="090-2222-2222")
    emergency_sheet_save(membership=patient.registered_by, patient=patient, after_hours_phone="0773-99-9999",
                         medications="見本薬 5mg", backup_hospital=_hospital(patient))
    hospital = professional(kind=Organization.Kind.HOSPITAL)
    sheet_reader.add((hospital.pk, patient.pk))
    client = client_for(hospital)
    page = client.get(reverse("careteams:emergency_sheet", args=[patient.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "見本薬 5mg" in html and "0773-11-1111" in html and "見本 看護" in html and "090-2222-2222" in html
    # Only the sheet's tab, no versions, no editing, no death record, and no other page of the patient.
    assert [t["key"] for t in frame.tabs_for(hospital, patient)] == ["emergency"]
    assert reverse("careteams:emergency_sheet_versions", args=[patient.pk]) not in html
    assert reverse("careteams:emergency_sheet_edit", args=[patient.pk]) not in html
    assert client.get(reverse("careteams:emergency_sheet_versions", args=[patient.pk])).status_code == 403
    assert client.get(reverse("careteams:emergency_sheet_edit", args=[patient.pk])).status_code == 403
    assert client.get(reverse("careteams:death_record", args=[patient.pk])).status_code == 403
    assert client.get(reverse("careteams:emergency_sheet_print", args=[patient.pk])).status_code == 200
    # Another hospital is refused.
    assert client_for(professional(kind=Organization.Kind.HOSPITAL)).get(
        reverse("careteams:emergency_sheet", args=[patient.pk])).status_code == 403


def test_sheet_page_data_for_a_team_member_allows_editing_and_versions(patient):
    page = sheet_page(patient.registered_by, patient.pk)
    assert page.may_edit and page.may_see_versions and page.may_record_death and page.sheet is None


# --- the print -------------------------------------------------------------------------------------

def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", pdf))


def _texts(story) -> str:
    """The text of the story's paragraphs, tables included."""
    out = []
    for flowable in story:
        if hasattr(flowable, "_cellvalues"):
            cells = [c for row in flowable._cellvalues for cell in row
                     for c in (cell if isinstance(cell, list | tuple) else [cell])]
            out.extend(c.text for c in cells if hasattr(c, "text"))
        elif hasattr(flowable, "text"):
            out.append(flowable.text)
    return "\n".join(out)


def test_the_print_is_one_a4_page_and_a_logged_read(patient):
    emergency_sheet_save(membership=patient.registered_by, patient=patient, medications="見本薬")
    response = client_for(patient.registered_by).get(reverse("careteams:emergency_sheet_print", args=[patient.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert _pages(response.content) == 1
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in response.content  # A4
    assert AuditEntry.objects.filter(action="read", subject_id=patient.pk,
                                     permission="careteams.view_emergency_sheet").exists()


def test_the_print_stays_on_one_page_with_very_long_texts(patient):
    long = "長い文章の服薬情報です。" * 400
    for n in range(12):
        KeyPersonFactory(patient=patient, name=f"見本 家族{n}")
        team_with(patient, professional(), TeamRole.OTHER)
    EmergencySheetFactory(patient=patient, number=1, medications=long, conditions=long, acp_summary=long,
                          doctor_order=long, note=long, after_hours_phone="0773-00-0000")
    page = sheet_for_print(patient.registered_by, patient.pk)
    pdf = sheet_pdf(page)
    assert _pages(pdf) == 1
    text = _texts(fitting_story(page))
    assert "…" in text and "0773-00-0000" in text and "見本 家族0" in text


def test_the_print_of_a_patient_without_a_sheet_is_still_one_page(patient):
    assert _pages(sheet_pdf(sheet_for_print(patient.registered_by, patient.pk))) == 1


# --- deaths ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("wish", "place", "matched"), [
    ("home", "home", "yes"), ("home", "hospital", "no"), ("hospital", "hospital", "yes"),
    ("undecided", "home", "unknown"), (None, "home", "unknown"), ("facility", "other", "no")])
def test_the_death_record_says_whether_it_was_where_they_wished(patient, wish, place, matched):
    if wish:
        EmergencySheetFactory(patient=patient, number=1, place_of_death_wish="hospital")
        EmergencySheetFactory(patient=patient, number=2, place_of_death_wish=wish)  # the latest counts
    record = death_record(membership=patient.registered_by, patient=patient, died_on=timezone.localdate(),
                          place=place)
    assert record.matched_wish == matched
    assert record.wished_place == ("" if wish in (None, "undecided") else wish)
    assert Patient.objects.get(pk=patient.pk).status == Patient.Status.DECEASED


def test_a_death_is_recorded_once_and_audited(patient):
    death_record(membership=patient.registered_by, patient=patient, died_on=timezone.localdate(), place="home")
    assert AuditEntry.objects.filter(object_type="careteams.deathrecord", subject_id=patient.pk).exists()
    with pytest.raises(ValidationError):
        death_record(membership=patient.registered_by, patient=patient, died_on=timezone.localdate(), place="home")
    assert DeathRecord.objects.count() == 1


def test_a_death_in_the_future_is_refused_with_a_message(patient):
    url = reverse("careteams:death_record", args=[patient.pk])
    response = client_for(patient.registered_by).post(url, {
        "died_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(), "place": "home"})
    assert response.status_code == 200 and not DeathRecord.objects.exists()
    response = client_for(patient.registered_by).post(url, {"died_on": "not a date", "place": "nowhere"})
    assert response.status_code == 200


def test_the_death_screen_records_and_returns_to_the_sheet(patient):
    url = reverse("careteams:death_record", args=[patient.pk])
    response = client_for(patient.registered_by).post(url, {"died_on": timezone.localdate().isoformat(),
                                                             "place": "home"})
    assert response.status_code == 302
    assert DeathRecord.objects.get(patient=patient).matched_wish == "unknown"


# --- the API ---------------------------------------------------------------------------------------

def test_the_api_gives_the_sheet_and_contacts_under_the_same_rule(patient, api_token_for, client):
    emergency_sheet_save(membership=patient.registered_by, patient=patient, after_hours_phone="090-0000-1111",
                         resuscitation_wish="no")
    emergency_sheet_save(membership=patient.registered_by, patient=patient, medications="見本薬")
    url = f"/api/v1/patients/{patient.pk}/emergency-sheet"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {api_token_for(patient.registered_by)}")
    assert response.status_code == 200
    body = response.json()
    assert body["sheet"]["version"] == 2 and body["sheet"]["after_hours_phone"] == "090-0000-1111"
    assert body["team_contacts"][0]["role"]
    versions = client.get(url + "/versions", HTTP_AUTHORIZATION=f"Bearer {api_token_for(patient.registered_by)}")
    assert [v["version"] for v in versions.json()] == [2, 1]
    assert [c["field"] for c in versions.json()[0]["changes"]] == ["medications"]
    outsider = client.get(url, HTTP_AUTHORIZATION=f"Bearer {api_token_for(professional())}")
    assert outsider.status_code == 403
    missing = client.get(f"/api/v1/patients/{2**70}/emergency-sheet",
                         HTTP_AUTHORIZATION=f"Bearer {api_token_for(patient.registered_by)}")
    assert missing.status_code in (404, 422)


@pytest.mark.parametrize("path", ["/api/v1/patients/{patient_id}/emergency-sheet",
                                  "/api/v1/patients/{patient_id}/emergency-sheet/versions"])
def test_no_generated_emergency_sheet_request_answers_with_a_server_error(fuzz_schema, patient, api_token_for, path):
    from hypothesis import HealthCheck, given, settings

    EmergencySheetFactory(patient=patient, number=1)
    headers = {"Authorization": f"Bearer {api_token_for(patient.registered_by)}"}
    operation = fuzz_schema[path]["GET"]
    statuses: list[int] = []

    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(case=operation.as_strategy())
    def call(case):
        response = case.call(headers=headers)
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{case.formatted_path}: {response.text}"

    call()
    assert 401 not in statuses and set(statuses) <= {200, 403, 404, 422}
