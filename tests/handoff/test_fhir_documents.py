"""The JP-CLINS Bundles: valid R4 (fhir.resources), the profiles' required sections, codes and identifier
systems, and a clear refusal when a hospital has no 医療機関コード."""

import base64
import re

import pytest
from django.utils import translation

from renkei.handoff import fhir_documents as fd
from renkei.handoff.models import DocumentKind

from .factories import open_handoff
from .fhir_checks import clins_problems, section_code, validate_r4
from .fhir_world import HOSPITAL_CODE, REFERRAL, SUMMARY, discharged, document, give_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def stay(world):
    give_code(world)
    return discharged(world, open_handoff(world, days_ago=10))


def _sub(bundle) -> dict:
    top = {section_code(s): s for s in bundle["entry"][0]["resource"]["section"]}
    return {section_code(s): s for s in top["300"]["section"]}


def _resources(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_the_discharge_summary_is_a_valid_r4_bundle_that_keeps_the_jp_clins_rules(world, stay):
    bundle = fd.discharge_summary_bundle(document(world, stay), stay)
    validate_r4(bundle)
    assert clins_problems(bundle, "discharge_summary") == []


def test_the_referral_is_a_valid_r4_bundle_that_keeps_the_jp_clins_rules(world, stay):
    bundle = fd.referral_bundle(document(world, stay, DocumentKind.REFERRAL), stay)
    validate_r4(bundle)
    assert clins_problems(bundle, "referral") == []
    composition = bundle["entry"][0]["resource"]
    assert [section_code(s) for s in composition["section"]] == ["920", "910", "300", "220"]
    assert composition["category"][0]["coding"][0]["code"] == "DISCHARGE"  # the hospital writes it at discharge


def test_a_nearly_empty_summary_still_has_every_required_section_with_an_empty_reason(world, stay):
    data = {"discharge_diagnoses": [{"name": "肺炎", "onset": ""}], "hospital_course": "軽快"}
    bundle = fd.discharge_summary_bundle(document(world, stay, data=data), stay)
    validate_r4(bundle)
    assert clins_problems(bundle, "discharge_summary") == []
    sub = _sub(bundle)
    assert list(sub) == ["322", "342", "352", "312", "360", "333", "324", "344", "444", "424"]
    assert sub["352"]["emptyReason"]["coding"][0]["code"] == "unavailable"
    assert sub["444"]["emptyReason"]["coding"][0]["code"] == "nilknown"


def test_the_bundle_identifier_is_the_hospital_code_the_year_and_the_document(world, stay):
    doc = document(world, stay)
    bundle = fd.discharge_summary_bundle(doc, stay)
    value = bundle["identifier"]["value"]
    assert value == f"{HOSPITAL_CODE}^{doc.created_at.year}^RK-DIS-{stay.pk}-{doc.pk}"
    assert re.match(r"^[0-4][0-9][1-3][0-9]{7}\^20[2-3][0-9]\^[A-Za-z0-9\-]{1,36}$", value)
    assert bundle["entry"][0]["resource"]["identifier"] == {"system": fd.RESOURCE_INSTANCE, "value": value}


def test_the_same_version_exported_twice_has_the_same_identifiers_and_full_urls(world, stay):
    doc = document(world, stay)
    first, second = fd.discharge_summary_bundle(doc, stay), fd.discharge_summary_bundle(doc, stay)
    assert first["identifier"] == second["identifier"]
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]


def test_the_event_period_is_the_stay_and_the_encounter_runs_from_admission_to_discharge(world, stay):
    bundle = fd.discharge_summary_bundle(document(world, stay), stay)
    composition = bundle["entry"][0]["resource"]
    assert composition["event"] == [{"period": {"start": "2026-11-02", "end": "2026-11-20"}}]
    [encounter] = _resources(bundle, "Encounter")
    assert encounter["period"] == {"start": "2026-11-02", "end": "2026-11-20"}
    assert encounter["class"]["code"] == "IMP"
    assert encounter["reasonCode"] == [{"text": SUMMARY["admission_reason"]}]


def test_without_dates_in_the_form_the_stay_comes_from_the_handoff(world, stay):
    data = {k: v for k, v in SUMMARY.items() if k not in ("admitted_on", "discharged_on")}
    bundle = fd.discharge_summary_bundle(document(world, stay, data=data), stay)
    period = bundle["entry"][0]["resource"]["event"][0]["period"]
    assert period["start"] == fd._local_date(stay.admitted_at)
    assert period["end"] == fd._local_date(stay.discharged_at)


def test_the_hospital_organization_carries_the_10_digit_code_and_its_parts(world, stay):
    bundle = fd.discharge_summary_bundle(document(world, stay), stay)
    [organization] = _resources(bundle, "Organization")
    assert organization["identifier"] == [{"system": fd.INSTITUTION_NO, "value": HOSPITAL_CODE}]
    assert organization["name"] == "試験市民病院"
    parts = {e["url"]: e.get("valueCoding", e.get("valueIdentifier")) for e in organization["extension"]}
    assert parts[fd.PREFECTURE_NO]["code"] == "26"
    assert parts[fd.INSURANCE_CATEGORY]["code"] == "1"
    assert parts[fd.INSURANCE_ORG_NO]["value"] == "1234567"


def test_a_seven_digit_code_takes_the_prefecture_and_the_medical_table(world):
    give_code(world, "1234567")
    stay = discharged(world, open_handoff(world, days_ago=10))
    bundle = fd.discharge_summary_bundle(document(world, stay), stay)
    assert bundle["identifier"]["value"].startswith("2611234567^")


def test_a_hospital_without_a_code_is_refused_with_a_clear_reason_and_nothing_is_invented(world):
    stay = discharged(world, open_handoff(world, days_ago=10))
    with translation.override("en"), pytest.raises(fd.FhirDocumentError) as error:
        fd.discharge_summary_bundle(document(world, stay), stay)
    assert "試験市民病院 has no medical institution code" in error.value.reasons[0]


def test_a_nine_digit_code_after_the_prefecture_number_is_completed_with_the_medical_table(world):
    give_code(world, "261000007")
    stay = discharged(world, open_handoff(world, days_ago=10))
    bundle = fd.discharge_summary_bundle(document(world, stay), stay)
    assert bundle["identifier"]["value"].startswith("2611000007^")


@pytest.mark.parametrize("code", ["131000007", "26100000", "2641234567"])
def test_a_code_of_the_wrong_shape_is_not_used(world, code):
    give_code(world, code)  # another prefecture's number, eight digits, a 点数表 number that does not exist
    stay = discharged(world, open_handoff(world, days_ago=10))
    with pytest.raises(fd.FhirDocumentError):
        fd.discharge_summary_bundle(document(world, stay), stay)


def test_a_summary_without_discharge_diagnosis_or_course_says_both(world, stay):
    data = {**SUMMARY, "discharge_diagnoses": [], "hospital_course": " "}
    with translation.override("en"), pytest.raises(fd.FhirDocumentError) as error:
        fd.discharge_summary_bundle(document(world, stay, data=data), stay)
    assert error.value.reasons == ["The discharge summary needs at least one discharge diagnosis.",
                                   "The discharge summary needs the course in hospital."]


def test_a_summary_of_a_stay_not_yet_over_uses_the_planned_discharge_or_says_it_is_missing(world):
    give_code(world)
    stay = open_handoff(world, days_ago=3)
    data = {k: v for k, v in SUMMARY.items() if k != "discharged_on"}
    with translation.override("en"), pytest.raises(fd.FhirDocumentError, match="discharge date"):
        fd.discharge_summary_bundle(document(world, stay, data=data), stay)


def test_sections_carry_their_codes_text_and_entries(world, stay):
    bundle = fd.discharge_summary_bundle(document(world, stay), stay)
    sub = _sub(bundle)
    assert sub["360"]["title"] == "現病歴" and sub["360"]["text"]["status"] == "additional"
    assert sub["322"]["text"]["div"] == ('<div xmlns="http://www.w3.org/1999/xhtml">救急外来から入院。<br/>'
                                         '酸素 2L 開始。</div>')
    assert [e["type"] for e in sub["344"]["entry"]] == ["Condition", "Condition"]
    assert [e["type"] for e in sub["444"]["entry"]] == ["MedicationRequest", "MedicationRequest"]
    assert [e["type"] for e in sub["510"]["entry"]] == ["AllergyIntolerance", "AllergyIntolerance"]
    assert [e["type"] for e in sub["424"]["entry"]] == ["CarePlan"]
    [course] = [r for r in _resources(bundle, "DocumentReference")]
    assert base64.b64decode(course["content"][0]["attachment"]["data"]).decode() == SUMMARY["hospital_course"]


def test_conditions_keep_dates_as_dates_and_other_onsets_as_text(world, stay):
    bundle = fd.discharge_summary_bundle(document(world, stay), stay)
    onsets = [(c["code"]["text"], c.get("onsetDateTime"), c.get("onsetString"))
              for c in _resources(bundle, "Condition")]
    assert ("誤嚥性肺炎", "2026-11-01", None) in onsets
    assert ("嚥下障害", None, "数年前から") in onsets
    assert ("脱水症", None, None) in onsets


def test_medications_carry_the_dose_as_written_and_as_a_quantity_when_it_is_one(world, stay):
    bundle = fd.discharge_summary_bundle(document(world, stay), stay)
    dosages = {m["medicationCodeableConcept"]["text"]: m["dosageInstruction"][0]
               for m in _resources(bundle, "MedicationRequest")}
    assert dosages["アムロジピン錠5mg"]["doseAndRate"] == [{"doseQuantity": {"value": 1, "unit": "錠"}}]
    assert dosages["アムロジピン錠5mg"]["text"] == "1日1回朝食後"
    assert "doseAndRate" not in dosages["酸化マグネシウム錠330mg"]


def test_text_is_escaped_in_the_xhtml(world, stay):
    data = {**SUMMARY, "present_illness": "<script>alert(1)</script> & 発熱"}
    bundle = fd.discharge_summary_bundle(document(world, stay, data=data), stay)
    div = _sub(bundle)["360"]["text"]["div"]
    assert "<script>" not in div and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 発熱" in div


def test_the_patient_is_jp_patient_ecs_with_the_clins_insured_identifier_and_no_full_width_space(world, stay):
    patient = world.patient
    patient.name = "試験\u3000花子"
    patient.medical_insurer_number, patient.medical_insured_symbol_number = "39262014", "あいう:187"
    patient.save()
    bundle = fd.discharge_summary_bundle(document(world, stay), stay)
    [resource] = _resources(bundle, "Patient")
    assert resource["meta"]["profile"] == [fd.PROFILES["Patient"]]
    assert {"system": fd.INSURANCE_MEMBER, "value": "39262014:あいう:187:"} in resource["identifier"]
    assert resource["name"][0]["text"] == "試験 花子"
    assert clins_problems(bundle, "discharge_summary") == []


@pytest.mark.parametrize(("insurer", "rest", "value"), [
    ("39262014", "あいう:187", "39262014:あいう:187:"),
    ("39262014", "あいう:187:05", "39262014:あいう:187:05"),
    ("39262014", "187", "39262014::187:"),
    ("39262014", "あ い う：１８７", "39262014:あいう:187:"),
    ("3926201", "あいう:187", ""),  # 保険者番号 is 8 digits
    ("39262014", "", ""),
    ("39262014", "a:b:c:d", ""),
])
def test_the_clins_insured_identifier_is_made_only_from_what_fits_r1013(world, insurer, rest, value):
    patient = world.patient
    patient.medical_insurer_number, patient.medical_insured_symbol_number = insurer, rest
    assert fd.insurance_member_value(patient) == value


def test_the_referral_names_both_institutions_and_the_purpose(world, stay):
    bundle = fd.referral_bundle(document(world, stay, DocumentKind.REFERRAL), stay)
    composition = bundle["entry"][0]["resource"]
    top = {section_code(s): s for s in composition["section"]}
    assert "福知山在宅クリニック<br/>内科<br/>佐藤 次郎" in top["910"]["text"]["div"]
    assert [e["display"] for e in top["910"]["entry"]] == ["紹介先医療機関", "紹介先医師"]
    sub = _sub(bundle)
    [purpose] = [r for r in _resources(bundle, "Encounter") if r.get("reasonCode")]
    assert purpose["reasonCode"] == [{"text": REFERRAL["purpose"]}]
    assert sub["950"]["entry"][0]["reference"] in {e["fullUrl"] for e in bundle["entry"]}
    assert "主訴: 発熱" in sub["340"]["text"]["div"]
    assert "550" not in sub  # 家族歴 left empty: an optional section is left out


def test_a_referral_without_the_receiving_institution_is_refused(world, stay):
    data = {**REFERRAL, "to_facility_name": ""}
    with translation.override("en"), pytest.raises(fd.FhirDocumentError, match="referred to"):
        fd.referral_bundle(document(world, stay, DocumentKind.REFERRAL, data=data), stay)


def test_a_referral_by_the_attending_doctor_is_issued_by_the_clinic_as_an_outpatient_document(world, stay):
    from renkei.directory.models import FacilityIdentifier
    from tests.factories import FacilityFactory

    clinic = FacilityFactory(kind="clinic", name="試験診療所", municipality=world.patient.municipality,
                             organization=world.doctor.organization)
    FacilityIdentifier.objects.create(facility=clinic, scheme="medical_institution_code", value="2617654321")
    bundle = fd.referral_bundle(document(world, stay, DocumentKind.REFERRAL, author=world.doctor), stay)
    assert bundle["identifier"]["value"].startswith("2617654321^")
    assert bundle["entry"][0]["resource"]["category"][0]["coding"][0]["code"] == "OUTPATIENT"
    assert clins_problems(bundle, "referral") == []


def test_every_message_of_the_handoff_app_has_a_japanese_translation():
    import re
    from pathlib import Path

    po = (Path(__file__).resolve().parents[2] / "renkei" / "locale" / "ja" / "LC_MESSAGES" / "django.po")
    entries = [e for e in po.read_text(encoding="utf-8").split("\n\n") if "#: handoff/" in e]
    assert len(entries) > 300
    untranslated = [e for e in entries if re.search(r'msgstr(\[0\])? ""\s*(\nmsgstr\[1\]|$)', e)
                    or "#, fuzzy" in e]
    assert untranslated == []
