"""Reading a hospital's eDischargeSummary back: the round trip, tolerance, clear refusals, the patient match and
the import service (the next version, from FHIR, all or nothing)."""

import copy
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from renkei.handoff import fhir_documents as fd
from renkei.handoff.forms_schema import FIELDS
from renkei.handoff.models import DocumentKind, HandoffDocument
from renkei.handoff.services import fhir as services
from renkei.handoff.services import handoffs as handoff_services

from .factories import open_handoff
from .fhir_world import SUMMARY, discharged, document, give_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(world):
    give_code(world)
    stay = discharged(world, open_handoff(world, days_ago=20))
    return fd.discharge_summary_bundle(document(world, stay), stay)


def _composition(bundle):
    return bundle["entry"][0]["resource"]


def _structured(bundle):
    return next(s for s in _composition(bundle)["section"] if s["code"]["coding"][0]["code"] == "300")


def test_a_discharge_summary_exported_and_imported_into_another_stay_keeps_every_field(world, exported):
    later = open_handoff(world, days_ago=2)
    result = services.document_import_fhir(membership=world.discharge_nurse, handoff=later,
                                           bundle=json.loads(json.dumps(exported)))
    imported = result.document
    assert imported.handoff == later and imported.kind == DocumentKind.DISCHARGE_SUMMARY
    assert imported.source == HandoffDocument.Source.FHIR and imported.version == 1
    for key in FIELDS["discharge_summary"]:
        assert imported.data[key] == SUMMARY[key], key
    assert sorted(imported.data) == sorted(FIELDS["discharge_summary"])


def test_parsing_gives_every_key_of_the_form(exported):
    data = fd.parse_discharge_summary(exported)
    assert set(data) == set(FIELDS["discharge_summary"])


def test_an_import_is_the_next_version_by_the_importer(world, exported):
    later = open_handoff(world, days_ago=2)
    document(world, later, data={"hospital_course": "手書き"})
    result = services.document_import_fhir(membership=world.care_manager, handoff=later, bundle=exported)
    assert result.document.version == 2
    assert result.document.author == world.care_manager
    assert result.document.author_organization == world.care_manager.organization
    assert HandoffDocument.objects.get(handoff=later, version=1).data == {"hospital_course": "手書き"}


def test_the_report_lists_what_was_filled_and_warns_of_another_stay(world, exported):
    later = open_handoff(world, days_ago=2)
    with translation.override("en"):
        result = services.document_import_fhir(membership=world.care_manager, handoff=later, bundle=exported)
    assert "hospital_course" in result.filled and "discharge_medications" in result.filled
    assert result.warnings and "2026-11-02" in result.warnings[0]


def test_someone_outside_the_handoff_is_refused_and_nothing_is_written(world, exported):
    later = open_handoff(world, days_ago=2)
    with pytest.raises(PermissionDenied):
        services.document_import_fhir(membership=world.outsider, handoff=later, bundle=exported)
    assert not HandoffDocument.objects.filter(handoff=later).exists()


@pytest.mark.parametrize(("bundle", "message"), [
    ([], "not a FHIR Bundle"),
    ({"resourceType": "Patient"}, "not a FHIR Bundle"),
    ({"resourceType": "Bundle", "type": "collection", "entry": []}, "not a document"),
    ({"resourceType": "Bundle", "type": "document", "entry": []}, "no Composition"),
])
def test_what_is_not_a_discharge_summary_bundle_is_refused_with_a_clear_reason(bundle, message):
    with translation.override("en"), pytest.raises(fd.FhirDocumentError, match=message):
        fd.parse_discharge_summary(bundle)


def test_a_referral_is_not_taken_for_a_discharge_summary(world):
    give_code(world)
    stay = discharged(world, open_handoff(world, days_ago=20))
    referral = fd.referral_bundle(document(world, stay, DocumentKind.REFERRAL), stay)
    with translation.override("en"), pytest.raises(fd.FhirDocumentError,
                                                   match="18842-5 expected, 57133-1 found"):
        fd.parse_discharge_summary(referral)


def test_unknown_sections_are_ignored_and_the_1_4_codes_are_read(exported):
    bundle = copy.deepcopy(exported)
    structured = _structured(bundle)
    for section in structured["section"]:
        if section["code"]["coding"][0]["code"] == "360":
            section["code"]["coding"][0]["code"] = "362"
    structured["section"].append({"title": "計画サマリー", "code": {"coding": [{"code": "422"}]},
                                  "text": {"status": "additional", "div": "<div>無視される</div>"}})
    data = fd.parse_discharge_summary(bundle)
    assert data["present_illness"] == SUMMARY["present_illness"]
    assert "無視される" not in json.dumps(data, ensure_ascii=False)


def test_section_text_is_taken_without_tags_and_entities(exported):
    bundle = copy.deepcopy(exported)
    for section in _structured(bundle)["section"]:
        if section["code"]["coding"][0]["code"] == "352":
            section["text"]["div"] = ('<div xmlns="http://www.w3.org/1999/xhtml"><p>発熱 &amp; <b>咳</b></p>'
                                      '<p>呼吸苦</p></div>')
    assert fd.parse_discharge_summary(bundle)["chief_complaint"] == "発熱 & 咳\n呼吸苦"


def test_a_section_without_text_is_read_from_the_resources_it_refers_to(exported):
    bundle = copy.deepcopy(exported)
    for section in _structured(bundle)["section"]:
        if section["code"]["coding"][0]["code"] in ("333", "424", "312"):
            section.pop("text", None)
    data = fd.parse_discharge_summary(bundle)
    assert data["hospital_course"] == SUMMARY["hospital_course"]  # from the DocumentReference's text
    assert data["discharge_plan"] == SUMMARY["discharge_plan"]  # from the CarePlan
    assert data["admission_reason"] == SUMMARY["admission_reason"]  # from the Encounter's reason


def test_a_list_section_with_text_only_gives_one_item_per_line(exported):
    bundle = copy.deepcopy(exported)
    for section in _structured(bundle)["section"]:
        if section["code"]["coding"][0]["code"] == "344":
            section.pop("entry")
            section["text"]["div"] = '<div xmlns="http://www.w3.org/1999/xhtml">肺炎<br/>心不全</div>'
    data = fd.parse_discharge_summary(bundle)
    assert data["discharge_diagnoses"] == [{"name": "肺炎", "onset": ""}, {"name": "心不全", "onset": ""}]


def test_a_hospital_dose_as_a_quantity_and_a_coded_usage_are_read(exported):
    bundle = copy.deepcopy(exported)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "MedicationRequest":
            resource["dosageInstruction"] = [{"timing": {"code": {"coding": [{"display": "1日1回朝食後"}]}},
                                              "doseAndRate": [{"doseQuantity": {"value": 1.0, "unit": "錠"}}]}]
    data = fd.parse_discharge_summary(bundle)
    assert data["discharge_medications"][0] == {"name": "アムロジピン錠5mg", "dose": "1錠", "usage": "1日1回朝食後"}


def test_the_patient_matches_by_insured_number_by_name_and_birth_date_or_not_at_all(world, exported):
    patient = world.patient
    resource = fd.bundle_patient(exported)
    assert fd.patient_matches(resource, patient) == (True, "number")
    by_name = {**resource, "identifier": []}
    assert fd.patient_matches(by_name, patient) == (True, "name")
    kana_only = {**by_name, "name": [{"text": patient.kana.replace("シ", "し")}]}
    assert fd.patient_matches(kana_only, patient) == (True, "name")
    other = {**by_name, "name": [{"text": "別人 太郎"}]}
    assert fd.patient_matches(other, patient) == (False, "")
    born_else = {**resource, "birthDate": "1940-01-01"}
    assert fd.patient_matches(born_else, patient) == (False, "")  # the number agrees, the birth date does not


def test_a_bundle_about_another_patient_is_refused_and_nothing_is_written(world, exported):
    bundle = copy.deepcopy(exported)
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    patient["identifier"], patient["name"] = [], [{"text": "別人 太郎"}]
    later = open_handoff(world, days_ago=2)
    with translation.override("en"), pytest.raises(fd.FhirDocumentError, match="another patient"):
        services.document_import_fhir(membership=world.discharge_nurse, handoff=later, bundle=bundle)
    assert not HandoffDocument.objects.filter(handoff=later).exists()


def test_a_cancelled_handoff_takes_no_import(world, exported):
    later = open_handoff(world, days_ago=2)
    handoff_services.handoff_cancel(membership=world.care_manager, handoff=later, reason="誤登録")
    with pytest.raises((PermissionDenied, fd.FhirDocumentError)):
        services.document_import_fhir(membership=world.care_manager, handoff=later, bundle=exported)
    assert not HandoffDocument.objects.filter(handoff=later).exists()


def test_the_jp_clins_referral_example_is_read_as_a_document_of_the_wrong_type():
    """clinical-core's ExampleJson/Bundle-Bundle-CLINS-Referral-Example-01.json, cut to its shape."""
    example = {"resourceType": "Bundle", "type": "document",
               "identifier": {"system": fd.BUNDLE_IDENTIFIER, "value": "1318814790^2024^0123-Referral-203949583949"},
               "entry": [{"fullUrl": "urn:uuid:830ec2d1-67a7-427e-b6fe-ad0eb29da7fb", "resource": {
                   "resourceType": "Composition", "status": "final", "title": "診療情報提供書",
                   "type": {"coding": [{"code": "57133-1", "system": fd.DOC_TYPES, "display": "診療情報提供書"}]}}}]}
    with translation.override("en"), pytest.raises(fd.FhirDocumentError, match="not a 退院時サマリー"):
        fd.parse_discharge_summary(example)


def test_finding_the_handoff_of_a_bundle_takes_a_fixed_number_of_queries(world, exported,
                                                                       django_assert_max_num_queries):
    from renkei.core.audit import bind_membership
    from renkei.handoff.selectors import fhir as selectors

    for days in (15, 12, 9, 6):
        discharged(world, open_handoff(world, days_ago=days), days_ago=days - 1)
    patient = fd.bundle_patient(exported)
    with bind_membership(world.care_manager), django_assert_max_num_queries(6):
        handoff = selectors.handoff_for_bundle(world.care_manager, patient)
    assert handoff.patient == world.patient
