"""The keys of each handoff form's `data` (HandoffDocument.data), shared by the screens, the PDF, the API and
the FHIR documents. The forms part owns the labels, widgets and choices; these keys are the contract.

List fields hold a list of dicts with the sub-keys given.
"""

from __future__ import annotations

DIAGNOSIS = ("name", "onset")  # onset: ISO date or free text
MEDICATION = ("name", "dose", "usage")

FIELDS: dict[str, tuple[str, ...]] = {
    # 入院時情報提供書 (MHLW 様式例, research A1.1)
    "admission_info": (
        "hospital_contact_name", "housing", "care_level", "disability_independence", "dementia_independence",
        "household", "main_carer", "key_person", "patient_wishes", "family_wishes", "services_in_use",
        "outlook", "conference_wishes", "paralysis", "pressure_ulcer", "adl", "eating", "swallowing",
        "oral_care", "excretion", "sleep", "communication", "mental_state", "medical_procedures",
        "medication_management", "attending_doctor", "care_manager_contact", "notes",
    ),
    # 退院支援スクリーニング (退院困難な要因, 入退院支援加算1・2)
    "screening": ("difficulty_factors", "has_key_person", "discharge_contact_name", "discharge_contact_phone",
                  "expected_destination", "notes"),
    # 退院・退所情報記録書 (what the care manager learns at discharge)
    "discharge_record": (
        "heard_on", "heard_from", "with_conference", "planned_discharge_on", "current_conditions",
        "medical_management", "mobility", "excretion", "bathing", "eating", "swallowing", "oral_care", "sleep",
        "cognition", "medical_procedures", "nursing_view", "rehabilitation_view", "contraindications",
        "prognosis", "end_of_life_wishes", "home_requirements", "notes",
    ),
    # 診療情報提供書 (JP-CLINS eReferral)
    "referral": (
        "to_facility_name", "to_department", "to_doctor_name", "from_doctor_name", "purpose", "diagnoses",
        "chief_complaint", "present_illness", "past_history", "allergies", "family_history", "physical_findings",
        "infections", "social_history", "medications", "clinical_course", "care_plan", "test_results",
        "advance_directive", "remarks",
    ),
    # 退院時サマリー (JP-CLINS eDischargeSummary)
    "discharge_summary": (
        "doctor_name", "admitted_on", "discharged_on", "admission_details", "admission_reason",
        "admission_diagnoses", "chief_complaint", "present_illness", "past_history", "allergies",
        "admission_medications", "social_history", "admission_findings", "family_history", "hospital_course",
        "discharge_details", "discharge_diagnoses", "discharge_medications", "discharge_plan",
        "discharge_findings", "treatments", "test_results", "advance_directive",
    ),
    # 看護サマリー
    "nursing_summary": (
        "nurse_name", "nursing_problems", "adl", "eating", "excretion", "skin", "medical_procedures",
        "medication_management", "family_education", "home_advice", "notes",
    ),
}

LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "diagnoses": DIAGNOSIS, "admission_diagnoses": DIAGNOSIS, "discharge_diagnoses": DIAGNOSIS,
    "medications": MEDICATION, "admission_medications": MEDICATION, "discharge_medications": MEDICATION,
}
