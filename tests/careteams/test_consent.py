"""Recording and withdrawing consent: who it covers, at once, audited with the patient as subject."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from renkei.careteams import access
from renkei.careteams.models import Consent, TeamRole
from renkei.careteams.services.consent import consent_record, consent_withdraw
from renkei.core import policy
from renkei.core.models import AuditEntry, Organization
from tests.conftest import client_for

from .factories import ConsentFactory, PatientFactory, professional, team_with

YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
Kind = Organization.Kind


@pytest.fixture
def team(db):
    """A patient registered by a care manager's office, with a visiting nurse and a pharmacist on the team."""
    patient = PatientFactory()
    nurse = professional(kind=Kind.VISITING_NURSING_STATION)
    pharmacist = professional(kind=Kind.PHARMACY)
    team_with(patient, nurse, TeamRole.VISITING_NURSE)
    team_with(patient, pharmacist, TeamRole.PHARMACIST)
    return patient, patient.registered_by, nurse, pharmacist


def _record(patient, by, **kwargs):
    kwargs.setdefault("purposes", ["care"])
    kwargs.setdefault("consented_on", YESTERDAY)
    return consent_record(membership=by, patient=patient, **kwargs)


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return out.getvalue()


def _sees(membership, patient) -> bool:
    access.forget(membership)
    return policy.check(membership, "careteams.view_patient", patient)


def test_a_consent_to_the_whole_team_covers_every_member(team):
    patient, manager, nurse, pharmacist = team
    _record(patient, manager)
    assert _sees(nurse, patient) and _sees(pharmacist, patient)


def test_a_consent_naming_an_organization_covers_it_and_not_the_others(team):
    patient, manager, nurse, pharmacist = team
    _record(patient, manager, covers_whole_team=False, organizations=[nurse.organization])
    assert _sees(nurse, patient)
    assert not _sees(pharmacist, patient)


def test_a_consent_naming_a_role_covers_that_role_only(team):
    patient, manager, nurse, pharmacist = team
    consent = _record(patient, manager, covers_whole_team=False, roles=[TeamRole.PHARMACIST])
    assert consent.roles == ["pharmacist"]
    assert _sees(pharmacist, patient)
    assert not _sees(nurse, patient)


def test_a_consent_by_a_proxy_needs_the_proxys_name_and_relation(team):
    patient, manager, *_ = team
    with pytest.raises(ValidationError) as error:
        _record(patient, manager, given_by=Consent.GivenBy.PROXY, proxy_name="試験 一郎")
    assert "proxy_name" in error.value.message_dict
    consent = _record(patient, manager, given_by=Consent.GivenBy.PROXY, proxy_name="試験 一郎",
                      proxy_relation="長男")
    assert (consent.proxy_name, consent.proxy_relation) == ("試験 一郎", "長男")


def test_a_consent_in_the_future_or_to_nobody_is_refused(team):
    patient, manager, *_ = team
    with pytest.raises(ValidationError) as error:
        _record(patient, manager, consented_on=timezone.localdate() + dt.timedelta(days=1),
                covers_whole_team=False)
    assert set(error.value.message_dict) == {"consented_on", "covers_whole_team"}


def test_someone_off_the_team_cannot_record_a_consent_and_the_refusal_is_logged(team):
    patient, *_ = team
    outsider = professional()
    with pytest.raises(PermissionDenied):
        _record(patient, outsider)
    assert AuditEntry.objects.filter(action="refuse", permission="careteams.manage_consent",
                                     subject_id=patient.pk).exists()


def test_recording_a_consent_is_audited_with_the_patient_as_subject_and_no_values(team):
    patient, manager, *_ = team
    consent = _record(patient, manager, paper_reference="同意書 No.12")
    entry = AuditEntry.objects.get(action="create", object_type="careteams.consent", object_id=str(consent.pk))
    assert (entry.subject_type, entry.subject_id) == ("patient", patient.pk)
    assert "同意書" not in str(entry.changes)


def test_withdrawal_records_who_and_the_note_and_is_audited(team):
    patient, manager, nurse, _ = team
    consent = _record(patient, manager)
    consent_withdraw(membership=manager, consent=consent, note="長女より電話で撤回の申し出")
    consent.refresh_from_db()
    assert consent.withdrawn_by == manager and consent.withdrawal_note == "長女より電話で撤回の申し出"
    assert not consent.is_current
    entry = AuditEntry.objects.filter(action="update", object_type="careteams.consent").latest("seq")
    assert entry.subject_id == patient.pk and "withdrawn_at" in entry.changes
    with pytest.raises(ValidationError):
        consent_withdraw(membership=manager, consent=consent)


def test_a_withdrawal_takes_effect_on_the_nurses_next_request_and_the_refusal_is_logged(team):
    patient, manager, nurse, _ = team
    consent = _record(patient, manager)
    nurse_client = client_for(nurse)
    assert nurse_client.get(f"/patients/{patient.pk}/consents/").status_code == 200
    manager_client = client_for(manager)
    response = manager_client.post(f"/patients/{patient.pk}/consents/{consent.pk}/withdraw/",
                                   {"note": "本人の申し出", "confirm": "on"})
    assert response.status_code == 302
    assert nurse_client.get(f"/patients/{patient.pk}/consents/").status_code == 403
    assert AuditEntry.objects.filter(action="refuse", permission="careteams.view_patient", subject_id=patient.pk,
                                     membership_id_value=nurse.pk).exists()


def test_the_withdraw_screen_asks_for_a_clear_confirmation(team):
    patient, manager, *_ = team
    consent = ConsentFactory(patient=patient)
    client = client_for(manager)
    page = client.get(f"/patients/{patient.pk}/consents/{consent.pk}/withdraw/")
    assert page.status_code == 200 and "confirm" in page.content.decode()
    refused = client.post(f"/patients/{patient.pk}/consents/{consent.pk}/withdraw/", {"note": "x"})
    assert refused.status_code == 400
    consent.refresh_from_db()
    assert consent.withdrawn_at is None


def test_the_consent_list_shows_current_and_withdrawn_consents_and_logs_the_read(team):
    patient, manager, *_ = team
    ConsentFactory(patient=patient, paper_reference="現行の同意書")
    ConsentFactory(patient=patient, paper_reference="古い同意書", withdrawn_at=timezone.now(), withdrawn_by=manager)
    page = client_for(manager).get(f"/patients/{patient.pk}/consents/").content.decode()
    assert "現行の同意書" in page and "古い同意書" in page
    assert page.index("現行の同意書") < page.index("古い同意書")
    assert AuditEntry.objects.filter(action="read", subject_id=patient.pk, changes__what="consents").exists()


def test_a_consent_recorded_on_the_screen_keeps_the_scanned_form_for_download_after_the_policy(team):
    patient, manager, nurse, _ = team
    client = client_for(manager)
    response = client.post(f"/patients/{patient.pk}/consents/new/", {
        "given_by": "patient", "covers_whole_team": "1", "purposes": ["care", "emergency"],
        "consented_on": YESTERDAY.isoformat(), "paper_reference": "同意書 No.7",
        "form_file": SimpleUploadedFile("douisho.png", _png(), content_type="image/png")})
    assert response.status_code == 302
    consent = Consent.objects.get(patient=patient)
    assert consent.form_file.endswith(".png") and consent.form_file_name == "douisho.png"
    download = client.get(f"/patients/{patient.pk}/consents/{consent.pk}/form/")
    assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"\x89PNG"
    assert AuditEntry.objects.filter(action="read", object_type="careteams.consent",
                                     changes__what="scanned consent form").exists()
    assert client_for(professional()).get(f"/patients/{patient.pk}/consents/{consent.pk}/form/").status_code == 403


def test_a_form_file_that_is_not_a_photo_or_pdf_is_refused_with_a_message(team):
    patient, manager, *_ = team
    response = client_for(manager).post(f"/patients/{patient.pk}/consents/new/", {
        "given_by": "patient", "covers_whole_team": "1", "purposes": ["care"],
        "consented_on": YESTERDAY.isoformat(),
        "form_file": SimpleUploadedFile("douisho.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")})
    assert response.status_code == 400
    assert "画像として読めないファイルです" in response.content.decode()
    assert not Consent.objects.filter(patient=patient).exists()


def test_another_patients_consent_is_not_found_through_this_patient(team):
    patient, manager, *_ = team
    other = ConsentFactory()
    assert client_for(manager).get(f"/patients/{patient.pk}/consents/{other.pk}/form/").status_code == 404
    assert client_for(manager).get(f"/patients/{2**70}/consents/").status_code == 404
