"""The FHIR documents API and screens: Bundles as application/fhir+json with a logged export, the import with
422 and clear reasons, the handoff found through the Bundle's patient, the handoff page section."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from renkei.core.models import AuditEntry
from renkei.handoff import fhir_documents as fd
from renkei.handoff import sections
from renkei.handoff.models import DocumentKind, HandoffDocument
from tests.conftest import client_for

from .factories import open_handoff
from .fhir_checks import clins_problems, validate_r4
from .fhir_world import SUMMARY, discharged, document, give_code

pytestmark = pytest.mark.django_db


def _auth(token, **extra):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en", **extra}


@pytest.fixture
def stay(world):
    give_code(world)
    handoff = discharged(world, open_handoff(world, days_ago=20))
    document(world, handoff)
    document(world, handoff, DocumentKind.REFERRAL)
    return handoff


def test_the_discharge_summary_bundle_is_fhir_json_and_its_export_is_logged(client, api_token_for, world, stay):
    response = client.get(f"/api/v1/handoffs/{stay.pk}/fhir/discharge-summary",
                          **_auth(api_token_for(world.doctor)))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    bundle = response.json()
    validate_r4(bundle)
    assert clins_problems(bundle, "discharge_summary") == []
    export = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, permission="handoff.view_handoff")
    assert export.subject_id == world.patient.pk
    assert export.changes["what"] == "discharge_summary"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="handoff.handoff",
                                     object_id=str(stay.pk)).exists()


def test_the_referral_bundle_is_the_latest_version(client, api_token_for, world, stay):
    document(world, stay, DocumentKind.REFERRAL, data={**json.loads(json.dumps(
        HandoffDocument.objects.get(handoff=stay, kind="referral").data)), "purpose": "第2版の目的"}, version=2)
    response = client.get(f"/api/v1/handoffs/{stay.pk}/fhir/referral", **_auth(api_token_for(world.care_manager)))
    bundle = response.json()
    assert clins_problems(bundle, "referral") == []
    composition = bundle["entry"][0]["resource"]
    assert composition["extension"][0]["valueString"] == "2"
    assert "第2版の目的" in json.dumps(bundle, ensure_ascii=False)


def test_no_document_answers_404_and_a_missing_code_422_with_the_reason(client, api_token_for, world):
    handoff = discharged(world, open_handoff(world, days_ago=20))
    token = api_token_for(world.care_manager)
    assert client.get(f"/api/v1/handoffs/{handoff.pk}/fhir/referral", **_auth(token)).status_code == 404
    document(world, handoff)
    response = client.get(f"/api/v1/handoffs/{handoff.pk}/fhir/discharge-summary", **_auth(token))
    assert response.status_code == 422
    assert "has no medical institution code" in response.json()["errors"][0]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_someone_outside_is_refused_and_the_refusal_logged(client, api_token_for, world, stay):
    response = client.get(f"/api/v1/handoffs/{stay.pk}/fhir/discharge-summary",
                          **_auth(api_token_for(world.outsider)))
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).exists()


def test_a_bundle_posted_without_a_handoff_goes_to_the_patients_open_handoff(client, api_token_for, world, stay):
    bundle = fd.discharge_summary_bundle(HandoffDocument.objects.get(handoff=stay, kind="discharge_summary"), stay)
    later = open_handoff(world, days_ago=1)
    response = client.post("/api/v1/handoffs/fhir", data=json.dumps(bundle), content_type="application/fhir+json",
                           **_auth(api_token_for(world.care_manager)))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["handoff_id"] == later.pk and body["version"] == 1 and body["source"] == "fhir"
    assert HandoffDocument.objects.get(pk=body["document_id"]).data["discharge_diagnoses"] == \
        SUMMARY["discharge_diagnoses"]


def test_without_an_open_one_the_most_recent_handoff_takes_it(client, api_token_for, world, stay):
    bundle = fd.discharge_summary_bundle(HandoffDocument.objects.get(handoff=stay, kind="discharge_summary"), stay)
    response = client.post("/api/v1/handoffs/fhir", data=json.dumps(bundle), content_type="application/json",
                           **_auth(api_token_for(world.discharge_nurse)))
    assert response.status_code == 201
    assert response.json()["handoff_id"] == stay.pk and response.json()["version"] == 2


def test_a_handoff_id_chooses_the_handoff_and_a_stranger_gets_403(client, api_token_for, world, stay):
    bundle = fd.discharge_summary_bundle(HandoffDocument.objects.get(handoff=stay, kind="discharge_summary"), stay)
    url = f"/api/v1/handoffs/fhir?handoff_id={stay.pk}"
    refused = client.post(url, data=json.dumps(bundle), content_type="application/json",
                          **_auth(api_token_for(world.outsider)))
    assert refused.status_code == 403
    response = client.post(url, data=json.dumps(bundle), content_type="application/json",
                           **_auth(api_token_for(world.nurse)))
    assert response.status_code == 201 and response.json()["handoff_id"] == stay.pk


def test_a_bundle_of_a_patient_the_caller_does_not_have_is_422_and_says_nothing_about_others(
        client, api_token_for, world, stay):
    bundle = fd.discharge_summary_bundle(HandoffDocument.objects.get(handoff=stay, kind="discharge_summary"), stay)
    response = client.post("/api/v1/handoffs/fhir", data=json.dumps(bundle), content_type="application/json",
                           **_auth(api_token_for(world.outsider)))
    assert response.status_code == 422
    assert "None of the admissions you may work on" in response.json()["errors"][0]


@pytest.mark.parametrize(("body", "reason"), [
    (b"not json", "not JSON"),
    (b"[]", "not a FHIR Bundle"),
    (json.dumps({"resourceType": "Bundle", "type": "transaction"}).encode(), "not a document"),
    (json.dumps({"resourceType": "Bundle", "type": "document", "entry": []}).encode(), "no Composition"),
    (b"\xff\xfe", "not JSON"),
])
def test_bad_bundles_are_422_with_a_clear_reason(client, api_token_for, world, stay, body, reason):
    response = client.post(f"/api/v1/handoffs/fhir?handoff_id={stay.pk}", data=body,
                           content_type="application/json", **_auth(api_token_for(world.care_manager)))
    assert response.status_code == 422
    assert response.json()["detail"] == "The Bundle was not imported."
    assert reason in response.json()["errors"][0]
    assert HandoffDocument.objects.filter(handoff=stay, kind="discharge_summary").count() == 1


def test_a_too_large_body_is_refused(client, api_token_for, world, stay, monkeypatch):
    from renkei.handoff.services import fhir as services

    monkeypatch.setattr(services, "MAX_BUNDLE_BYTES", 100)
    response = client.post(f"/api/v1/handoffs/fhir?handoff_id={stay.pk}", data=json.dumps({"x": "y" * 200}),
                           content_type="application/json", **_auth(api_token_for(world.care_manager)))
    assert response.status_code == 422 and "too large" in response.json()["errors"][0]


# --- screens ------------------------------------------------------------------------------------------------

def test_the_download_is_an_attachment_and_a_logged_export(world, stay):
    response = client_for(world.nurse).get(f"/handoffs/{stay.pk}/fhir/discharge-summary.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=\"handoff-")
    assert clins_problems(json.loads(response.content), "discharge_summary") == []
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 1


def test_a_download_that_cannot_be_made_shows_the_reason(world):
    handoff = discharged(world, open_handoff(world, days_ago=20))
    document(world, handoff)
    response = client_for(world.care_manager).get(f"/handoffs/{handoff.pk}/fhir/discharge-summary.json",
                                                  HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "has no medical institution code" in response.content.decode()


def test_uploading_a_file_imports_it_and_reports_what_came(world, stay):
    bundle = fd.discharge_summary_bundle(HandoffDocument.objects.get(handoff=stay, kind="discharge_summary"), stay)
    later = open_handoff(world, days_ago=1)
    upload = SimpleUploadedFile("summary.json", json.dumps(bundle, ensure_ascii=False).encode(),
                                content_type="application/json")
    response = client_for(world.care_manager).post(f"/handoffs/{later.pk}/fhir/import/", {"file": upload},
                                                   HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "imported as version 1" in page and "course in hospital" in page
    assert HandoffDocument.objects.get(handoff=later).source == "fhir"


def test_uploading_a_bad_file_imports_nothing_and_says_why(world, stay):
    upload = SimpleUploadedFile("summary.json", b'{"resourceType": "Patient"}', content_type="application/json")
    response = client_for(world.care_manager).post(f"/handoffs/{stay.pk}/fhir/import/", {"file": upload},
                                                   HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert "not a FHIR Bundle" in response.content.decode()
    assert HandoffDocument.objects.filter(handoff=stay, kind="discharge_summary").count() == 1


def test_the_refused_file_page_shows_the_patient_and_logs_the_read(world, stay):
    from renkei.core import audit

    handoff_reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_id=str(stay.pk),
                                              object_type=audit.object_type_of(stay))
    reads = handoff_reads.count()
    upload = SimpleUploadedFile("summary.json", b"[]", content_type="application/json")
    response = client_for(world.care_manager).post(f"/handoffs/{stay.pk}/fhir/import/", {"file": upload})
    assert response.status_code == 422 and world.patient.name in response.content.decode()
    assert handoff_reads.count() == reads + 1


def test_the_import_page_has_a_labelled_file_input(world, stay):
    response = client_for(world.discharge_nurse).get(f"/handoffs/{stay.pk}/fhir/import/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'type="file"' in response.content.decode() and "<label" in response.content.decode()


def test_the_page_section_offers_the_downloads_and_the_import_to_who_may(world, stay):
    [section] = [s for s in sections.rendered_sections(world.nurse, stay) if s["key"] == "fhir"]
    assert section["context"]["has_referral"] and section["context"]["has_summary"]
    assert section["context"]["can_import"] is True
    empty = open_handoff(world, days_ago=1)
    [section] = [s for s in sections.rendered_sections(world.nurse, empty) if s["key"] == "fhir"]
    assert not section["context"]["has_summary"] and section["context"]["can_import"]


def test_the_section_template_renders_its_links(world, stay):
    from django.template.loader import render_to_string

    context = [s for s in sections.rendered_sections(world.nurse, stay) if s["key"] == "fhir"][0]["context"]
    html = render_to_string("handoff/_fhir_section.html", {"section": context})
    assert f"/handoffs/{stay.pk}/fhir/discharge-summary.json" in html
    assert f"/handoffs/{stay.pk}/fhir/import/" in html


def test_a_download_asks_for_the_second_factor_again_after_a_while(world, stay):
    from renkei.core import second_factor

    client = client_for(world.nurse)
    session = client.session
    session[second_factor.SESSION_KEY] = 0  # proved long ago
    session.save()
    response = client.get(f"/handoffs/{stay.pk}/fhir/discharge-summary.json")
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.parametrize("birth", [["1938-04-01"], "1938-13-01", "1938"])
def test_a_malformed_birth_date_is_422_not_a_crash(client, api_token_for, world, stay, birth):
    bundle = fd.discharge_summary_bundle(HandoffDocument.objects.get(handoff=stay, kind="discharge_summary"), stay)
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "Patient":
            entry["resource"]["birthDate"] = birth
            entry["resource"]["identifier"] = []
    response = client.post("/api/v1/handoffs/fhir", data=json.dumps(bundle), content_type="application/json",
                           **_auth(api_token_for(world.care_manager)))
    assert response.status_code == 422
