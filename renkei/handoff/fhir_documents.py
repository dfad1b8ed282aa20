"""診療情報提供書 and 退院時サマリー as FHIR R4 document Bundles shaped as JP-CLINS (eReferral, eDischargeSummary),
and a hospital's eDischargeSummary Bundle read back into the form's keys (`forms_schema.FIELDS`).

Sources (research handoffs-pdca.md A4; jami-fhir-jp-wg/clinical-core input/fsh): the Bundle profiles
`JP_Bundle_eReferral` / `JP_Bundle_eDischargeSummary`, the Composition profiles, the section CodeSystem
`http://jpfhir.jp/fhir/clins/CodeSystem/document-section` and invariant R2152 (the Bundle identifier).
Section codes follow that CodeSystem: 現病歴 360, 既往歴 370, 家族歴 550, 社会歴 640 — the 1.4.0 Composition used
362/372/552/642, which the CodeSystem comments out; the import accepts both.

What is checked here and what is not (terminology bindings, slicing by profile): docs/fhir-handoff.md.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import unicodedata
import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.careteams import fhir as careteams_fhir
from renkei.directory.models import Facility, FacilityIdentifier, FacilityKind

from .forms_schema import FIELDS, LIST_FIELDS

# --- systems and profiles -------------------------------------------------------------------------------------
BUNDLE_IDENTIFIER = "http://jpfhir.jp/fhir/clins/bundle-identifier"
BUNDLE_IDENTIFIER_PATTERN = re.compile(r"^[0-4][0-9][1-3][0-9]{7}\^20[2-3][0-9]\^[A-Za-z0-9\-]{1,36}$")
INSTITUTION_NO = "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no"
INSTITUTION_NO_PATTERN = re.compile(r"^[0-4][0-9][1-3][0-9]{7}$")
RESOURCE_INSTANCE = "http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier"
INSURANCE_MEMBER = "http://jpfhir.jp/fhir/clins/Idsystem/JP_Insurance_memberID"
INSURANCE_MEMBER_PATTERN = re.compile(r"^[0-9]{8}:[^:\s　]*:[^:\s　]*:(|[0-9][0-9])$")
DOC_TYPES = "http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes"
DOC_SUBTYPES = "http://jpfhir.jp/fhir/Common/CodeSystem/doc-subtypecodes"
SECTIONS = "http://jpfhir.jp/fhir/clins/CodeSystem/document-section"
VERSION_EXTENSION = "http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber"
EMPTY_REASON = "http://terminology.hl7.org/CodeSystem/list-empty-reason"
ENCOUNTER_CLASS = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
PREFECTURE_NO = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_PrefectureNo"
INSURANCE_CATEGORY = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_InsuranceOrganizationCategory"
INSURANCE_ORG_NO = "http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Organization_InsuranceOrganizationNo"
# Renkei's own: the dose as the form holds it (free text such as "1回1錠"), next to a doseQuantity when numeric.
DOSE_TEXT = "https://renkei.example.jp/fhir/StructureDefinition/dose-text"
XHTML = "http://www.w3.org/1999/xhtml"

PROFILES = {
    "bundle_referral": "http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eReferral|1",
    "bundle_discharge": "http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eDischargeSummary|1",
    "composition_referral": "http://jpfhir.jp/fhir/eReferral/StructureDefinition/JP_Composition_eReferral",
    "composition_discharge":
        "http://jpfhir.jp/fhir/eDischargeSummary/StructureDefinition/JP_Composition_eDischargeSummary",
    "Patient": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Patient_eCS",
    "Practitioner": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Practitioner_eCS",
    "Organization": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Organization_eCS",
    "Encounter": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Encounter_eCS",
    "Condition": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_Condition_eCS",
    "MedicationRequest": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_MedicationRequest_eCS",
    "AllergyIntolerance": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_AllergyIntolerance_eCS",
    "DocumentReference": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_DocumentReference_eCS",
    "CarePlan": "http://jpfhir.jp/fhir/eCS/StructureDefinition/JP_CarePlan_eCS",
}
REFERRAL_TYPE = ("57133-1", "診療情報提供書")
DISCHARGE_TYPE = ("18842-5", "退院時サマリー")

# (code, title) of the sections: the title is fixed by the profile, the display is "<title>セクション".
STRUCTURED = ("300", "構造情報")
REFERRAL_FROM, REFERRAL_TO, REMARKS = ("920", "紹介元情報"), ("910", "紹介先情報"), ("220", "備考・連絡情報")
# eReferral's structured subsections: form key → (code, title, what the entries are).
REFERRAL_SECTIONS: list[tuple[str, str, str, str]] = [
    ("purpose", "950", "紹介目的", "purpose_encounter"),
    ("diagnoses", "340", "傷病名・主訴", "conditions"),
    ("present_illness", "360", "現病歴", ""),
    ("past_history", "370", "既往歴", ""),
    ("allergies", "510", "アレルギー・不耐性反応", "allergies"),
    ("family_history", "550", "家族歴", ""),
    ("physical_findings", "610", "身体所見", ""),
    ("infections", "520", "感染症情報", ""),
    ("social_history", "640", "社会歴・生活習慣", ""),
    ("medications", "430", "投薬指示", "medications"),
    ("test_results", "620", "検査結果", ""),
    ("clinical_course", "330", "臨床経過", "document"),
    ("care_plan", "420", "診療方針指示", "care_plan"),
    ("advance_directive", "410", "事前指示", ""),
]
REFERRAL_REQUIRED = ("950", "340", "360")
# eDischargeSummary's structured subsections, in the profile's order.
DISCHARGE_SECTIONS: list[tuple[str, str, str, str]] = [
    ("admission_details", "322", "入院時詳細", "encounter"),
    ("admission_diagnoses", "342", "入院時診断", "conditions"),
    ("allergies", "510", "アレルギー・不耐性反応", "allergies"),
    ("chief_complaint", "352", "主訴", ""),
    ("admission_reason", "312", "入院理由", "reason_encounter"),
    ("present_illness", "360", "現病歴", ""),
    ("past_history", "370", "既往歴", ""),
    ("admission_medications", "432", "入院時服薬", "medications"),
    ("social_history", "640", "社会歴・生活習慣", ""),
    ("admission_findings", "612", "入院時身体所見", ""),
    ("family_history", "550", "家族歴", ""),
    ("hospital_course", "333", "入院中経過", "document"),
    ("discharge_details", "324", "退院時詳細", "encounter"),
    ("discharge_diagnoses", "344", "退院時診断", "conditions"),
    ("discharge_medications", "444", "退院時投薬指示", "medications"),
    ("discharge_plan", "424", "退院時方針指示", "care_plan"),
    ("discharge_findings", "614", "退院時身体所見", ""),
    ("treatments", "713", "入院中治療", ""),
    ("test_results", "623", "入院中検査結果", ""),
    ("advance_directive", "410", "事前指示", ""),
]
DISCHARGE_REQUIRED = ("322", "342", "352", "312", "360", "333", "324", "344", "444", "424")
# Codes of the 1.4.0 Composition the CodeSystem now comments out: read as the current ones.
OLD_SECTION_CODES = {"362": "360", "372": "370", "552": "550", "642": "640"}
MEDICAL_FACILITY_KINDS = (FacilityKind.HOSPITAL, FacilityKind.CLINIC, FacilityKind.DENTAL_CLINIC)


class FhirDocumentError(Exception):
    """A document that cannot be exported, or a Bundle that cannot be imported: the reasons, for people."""

    def __init__(self, *reasons: str):
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


# --- small builders -------------------------------------------------------------------------------------------

def _uuid(document, key: str) -> str:
    """A stable urn:uuid per document version and entry: exporting the same version twice gives the same ids."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'https://renkei.example.jp/handoff-document/{document.pk}/{key}')}"


def _ref(full_url: str, kind: str, display: str = "") -> dict:
    ref = {"reference": full_url, "type": kind}
    if display:
        ref["display"] = display
    return ref


def _text(value) -> str:
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n")


def _div(text: str) -> dict:
    # XHTML is XML: control characters other than tab and line break cannot appear in it.
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "", _text(text))
    body = "<br/>".join(html.escape(line, quote=False) for line in text.split("\n"))
    return {"status": "additional", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def _section(code: str, title: str, *, text: str = "", entries: list[dict] | None = None, empty: str = "") -> dict:
    section: dict[str, Any] = {"title": title, "code": {"coding": [{"system": SECTIONS, "code": code,
                                                                     "display": f"{title}セクション"}]}}
    if text:
        section["text"] = _div(text)
    if entries:
        section["entry"] = entries
    elif not text:
        # cmp-1: a section has text, entries or subsections; cmp-2: an emptyReason only when there are no entries.
        section["text"] = _div("記載なし")
        section["emptyReason"] = {"coding": [{"system": EMPTY_REASON, "code": empty or "unavailable"}]}
    return section


def _is_fhir_date(value: str) -> bool:
    if re.fullmatch(r"\d{4}", value):
        return True
    if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        return True
    try:
        return len(value) == 10 and dt.date.fromisoformat(value) is not None
    except ValueError:
        return False


def _local_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date().isoformat()
    return value.isoformat()


def _name(text: str) -> dict:
    # R1113: no full-width space in a name's text (a half-width one separates family and given names).
    text = _text(text).replace("\u3000", " ").strip()
    name: dict[str, Any] = {"extension": [{"url": careteams_fhir.NAME_REPRESENTATION, "valueCode": "IDE"}],
                            "use": "official", "text": text}
    family, _sep, given = text.partition(" ")
    if given:
        name["family"], name["given"] = family, [given]
    return name


def institution_number(facility: Facility | None) -> str:
    """The 10-digit 保険医療機関番号 of a hospital or clinic (都道府県番号 + 点数表番号 + 医療機関コード), or "".

    A 7-digit 医療機関コード (as municipal lists give it), alone or after the facility's own 都道府県番号, takes that
    prefecture and the 点数表 of its kind (1 医科, 3 歯科); nothing is made up when the directory has no code.
    """
    if facility is None:
        return ""
    codes = [re.sub(r"\D", "", i.value) for i in facility.identifiers.all()
             if i.scheme == FacilityIdentifier.Scheme.MEDICAL_INSTITUTION_CODE]
    for code in codes:
        if INSTITUTION_NO_PATTERN.match(code):
            return code
    if not facility.prefecture_id:
        return ""
    prefecture = facility.prefecture.code
    table = "3" if facility.kind == FacilityKind.DENTAL_CLINIC else "1"
    for code in codes:
        # 医療機関コード alone (7 digits), or written after the facility's own 都道府県番号 (9 digits).
        if len(code) == 9 and code.startswith(prefecture):
            code = code[2:]
        candidate = f"{prefecture}{table}{code}" if len(code) == 7 else ""
        if INSTITUTION_NO_PATTERN.match(candidate):
            return candidate
    return ""


def _issuer(document, handoff) -> Facility:
    """The institution issuing the document: the author's own hospital or clinic, else the admitting hospital
    (a discharge summary is the hospital's document even when someone at home recorded it)."""
    if document.author_organization_id != handoff.hospital_organization_id:
        own = (Facility.objects.filter(organization_id=document.author_organization_id,
                                       kind__in=MEDICAL_FACILITY_KINDS)
               .select_related("prefecture").prefetch_related("identifiers").order_by("pk").first())
        if own is not None and document.kind == "referral":
            return own
    return (Facility.objects.select_related("prefecture").prefetch_related("identifiers")
            .get(pk=handoff.hospital_id))


def _organization(full_url: str, *, name: str, number: str = "", facility: Facility | None = None) -> dict:
    resource: dict[str, Any] = {"resourceType": "Organization", "meta": {"profile": [PROFILES["Organization"]]},
                                "type": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/"
                                                                "organization-type", "code": "prov"}]}],
                                "name": name}
    if number:
        resource["identifier"] = [{"system": INSTITUTION_NO, "value": number}]
        resource["extension"] = [
            {"url": PREFECTURE_NO, "valueCoding": {"system": "urn:oid:1.2.392.100495.20.3.21", "code": number[:2]}},
            {"url": INSURANCE_CATEGORY, "valueCoding": {"system": "urn:oid:1.2.392.100495.20.3.22",
                                                        "code": number[2]}},
            {"url": INSURANCE_ORG_NO, "valueIdentifier": {"system": "urn:oid:1.2.392.100495.20.3.23",
                                                          "value": number[3:]}},
        ]
    if facility is not None:
        if facility.phone:
            resource["telecom"] = [{"system": "phone", "value": facility.phone}]
        if facility.address:
            address = {"text": facility.address, "country": "JP"}
            if facility.postal_code:
                address["postalCode"] = facility.postal_code
            resource["address"] = [address]
    return {"fullUrl": full_url, "resource": resource}


def _practitioner(full_url: str, name: str) -> dict:
    return {"fullUrl": full_url, "resource": {"resourceType": "Practitioner",
                                              "meta": {"profile": [PROFILES["Practitioner"]]},
                                              "name": [_name(name)]}}


def insurance_member_value(patient) -> str:
    """JP-CLINS 被保険者個人識別子 "保険者番号:記号:番号:枝番" (R1013), or "" when Renkei's fields do not make one."""
    insurer = re.sub(r"\s", "", patient.medical_insurer_number or "")
    rest = unicodedata.normalize("NFKC", patient.medical_insured_symbol_number or "")
    rest = re.sub(r"\s", "", rest)
    if not re.fullmatch(r"[0-9]{8}", insurer) or not rest:
        return ""
    parts = rest.split(":")
    if len(parts) == 1:
        parts = ["", parts[0]]
    if len(parts) == 2:
        parts.append("")
    value = ":".join([insurer, *parts[:3]])
    return value if INSURANCE_MEMBER_PATTERN.match(value) and len(parts) == 3 else ""


def patient_resource(patient) -> dict:
    """careteams' JP Core Patient, shaped for JP_Patient_eCS: the CLINS 被保険者個人識別子 and names without
    full-width spaces (no key people: a document carries what the receiver needs)."""
    resource = careteams_fhir.patient_resource(patient)
    resource.pop("id", None)
    resource["meta"] = {"profile": [PROFILES["Patient"]]}
    identifiers = [i for i in resource["identifier"] if not i["system"].startswith(careteams_fhir.JP_INSURANCE_MEMBER)]
    member = insurance_member_value(patient)
    if member:
        identifiers.append({"system": INSURANCE_MEMBER, "value": member})
    resource["identifier"] = identifiers
    for name in resource["name"]:
        name["text"] = name["text"].replace("\u3000", " ")
        for key in ("family",):
            if key in name:
                name[key] = name[key].replace("\u3000", " ")
    return resource


def _condition(full_url: str, item: dict, subject: str, category: str) -> dict:
    resource: dict[str, Any] = {
        "resourceType": "Condition", "meta": {"profile": [PROFILES["Condition"]]},
        "clinicalStatus": {"coding": [{"system": CONDITION_CLINICAL, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": "confirmed"}]},
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": category}]}],
        "code": {"text": _text(item.get("name"))}, "subject": {"reference": subject},
    }
    onset = _text(item.get("onset")).strip()
    if onset:
        resource["onsetDateTime" if _is_fhir_date(onset) else "onsetString"] = onset
    return {"fullUrl": full_url, "resource": resource}


def _dose_quantity(dose: str) -> dict | None:
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([^\d\s]+)", dose.strip())
    if not match:
        return None
    number = match.group(1)
    value: int | float = int(number) if "." not in number else float(number)
    return {"value": value, "unit": match.group(2)}


def _medication(full_url: str, item: dict, subject: str, authored: str) -> dict:
    dosage: dict[str, Any] = {}
    usage, dose = _text(item.get("usage")), _text(item.get("dose"))
    if usage:
        dosage["text"] = usage
    if dose:
        dosage["extension"] = [{"url": DOSE_TEXT, "valueString": dose}]
        quantity = _dose_quantity(dose)
        if quantity:
            dosage["doseAndRate"] = [{"doseQuantity": quantity}]
    resource: dict[str, Any] = {
        "resourceType": "MedicationRequest", "meta": {"profile": [PROFILES["MedicationRequest"]]},
        "status": "active", "intent": "order", "medicationCodeableConcept": {"text": _text(item.get("name"))},
        "subject": {"reference": subject}, "authoredOn": authored,
    }
    if dosage:
        resource["dosageInstruction"] = [dosage]
    return {"fullUrl": full_url, "resource": resource}


def _allergy_items(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[\n、,，]", _text(text)) if item.strip()]


def _list(data: dict, key: str) -> list[dict]:
    value = data.get(key) or []
    return [item for item in value if isinstance(item, dict) and _text(item.get("name")).strip()] \
        if isinstance(value, list) else []


def _list_text(key: str, items: list[dict]) -> str:
    lines = []
    for item in items:
        if LIST_FIELDS[key] == ("name", "onset"):
            onset = _text(item.get("onset")).strip()
            lines.append(f"{_text(item.get('name'))}" + (f"（{onset}）" if onset else ""))
        else:
            lines.append("　".join(p for p in (_text(item.get("name")), _text(item.get("dose")),
                                               _text(item.get("usage"))) if p.strip()))
    return "\n".join(lines)


# --- the documents ----------------------------------------------------------------------------------------------

class _Builder:
    """One Bundle: its entries and the references between them."""

    def __init__(self, document, handoff):
        self.document, self.handoff = document, handoff
        self.data = document.data or {}
        self.entries: list[dict] = []
        self.patient_url = _uuid(document, "patient")
        self.issued = timezone.localtime(document.created_at)

    def add(self, entry: dict) -> str:
        self.entries.append(entry)
        return entry["fullUrl"]

    def conditions(self, key: str, category: str) -> list[dict]:
        refs = []
        for i, item in enumerate(_list(self.data, key)):
            url = self.add(_condition(_uuid(self.document, f"{key}-{i}"), item, self.patient_url, category))
            refs.append(_ref(url, "Condition"))
        return refs

    def medications(self, key: str) -> list[dict]:
        refs = []
        for i, item in enumerate(_list(self.data, key)):
            url = self.add(_medication(_uuid(self.document, f"{key}-{i}"), item, self.patient_url,
                                       self.issued.date().isoformat()))
            refs.append(_ref(url, "MedicationRequest"))
        return refs

    def allergies(self, text: str) -> list[dict]:
        refs = []
        for i, item in enumerate(_allergy_items(text)):
            url = self.add({"fullUrl": _uuid(self.document, f"allergy-{i}"), "resource": {
                "resourceType": "AllergyIntolerance", "meta": {"profile": [PROFILES["AllergyIntolerance"]]},
                "clinicalStatus": {"coding": [{"system": ALLERGY_CLINICAL, "code": "active"}]},
                "code": {"text": item}, "patient": {"reference": self.patient_url}}})
            refs.append(_ref(url, "AllergyIntolerance"))
        return refs

    def text_document(self, key: str, text: str, loinc: tuple[str, str]) -> list[dict]:
        url = self.add({"fullUrl": _uuid(self.document, key), "resource": {
            "resourceType": "DocumentReference", "meta": {"profile": [PROFILES["DocumentReference"]]},
            "status": "current",
            "type": {"coding": [{"system": "http://loinc.org", "code": loinc[0], "display": loinc[1]}]},
            "subject": {"reference": self.patient_url}, "description": key,
            "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "language": "ja",
                                        "data": base64.b64encode(_text(text).encode()).decode()}}]}})
        return [_ref(url, "DocumentReference")]

    def care_plan(self, key: str, text: str) -> list[dict]:
        url = self.add({"fullUrl": _uuid(self.document, key), "resource": {
            "resourceType": "CarePlan", "meta": {"profile": [PROFILES["CarePlan"]]}, "status": "active",
            "intent": "plan", "subject": {"reference": self.patient_url}, "description": _text(text)}})
        return [_ref(url, "CarePlan")]

    def structured(self, sections: list[tuple[str, str, str, str]], required: tuple[str, ...],
                   encounter_url: str = "", purpose_url: str = "") -> dict:
        subsections = []
        for key, code, title, kind in sections:
            value = self.data.get(key)
            entries: list[dict] = []
            text = ""
            if key in LIST_FIELDS:
                if kind == "conditions":
                    category = "problem-list-item" if key == "diagnoses" else "encounter-diagnosis"
                    entries = self.conditions(key, category)
                else:
                    entries = self.medications(key)
                text = _list_text(key, _list(self.data, key))
                if key == "diagnoses" and _text(self.data.get("chief_complaint")).strip():
                    text = "\n".join(t for t in (text, f"主訴: {_text(self.data['chief_complaint'])}") if t)
            else:
                text = _text(value)
                if text.strip():
                    if kind == "allergies":
                        entries = self.allergies(text)
                    elif kind == "document":
                        loinc = ("8648-8", "Hospital course Narrative") if key == "hospital_course" \
                            else ("11506-3", "Progress note")
                        entries = self.text_document(key, text, loinc)
                    elif kind == "care_plan":
                        entries = self.care_plan(key, text)
                    elif kind == "purpose_encounter" and purpose_url:
                        entries = [_ref(purpose_url, "Encounter")]
                    elif kind == "reason_encounter" and encounter_url:
                        entries = [_ref(encounter_url, "Encounter")]
                else:
                    text = ""
                if kind == "encounter" and encounter_url:
                    entries = [_ref(encounter_url, "Encounter")]
            if not text.strip() and not entries and code not in required:
                continue
            empty = "nilknown" if key in LIST_FIELDS or kind == "allergies" else "unavailable"
            subsections.append(_section(code, title, text=text if text.strip() else "", entries=entries,
                                        empty=empty))
        code, title = STRUCTURED
        coding = {"system": SECTIONS, "code": code, "display": f"{title}セクション"}
        return {"title": title, "code": {"coding": [coding]}, "section": subsections}

    def composition(self, *, profile: str, doc_type: tuple[str, str], category: tuple[str, str], title: str,
                    number: str, author_url: str, organization_url: str, encounter_url: str,
                    event: dict, sections: list[dict]) -> dict:
        document = self.document
        composition: dict[str, Any] = {
            "resourceType": "Composition",
            "meta": {"lastUpdated": self.issued.isoformat(timespec="seconds"), "profile": [profile]},
            "language": "ja",
            "extension": [{"url": VERSION_EXTENSION, "valueString": str(document.version)}],
            "identifier": {"system": RESOURCE_INSTANCE, "value": self.local_id(number)},
            "status": "final",
            "type": {"coding": [{"system": DOC_TYPES, "code": doc_type[0], "display": doc_type[1]}]},
            "category": [{"coding": [{"system": DOC_SUBTYPES, "code": category[0], "display": category[1]}]}],
            "subject": _ref(self.patient_url, "Patient"),
            "date": self.issued.isoformat(timespec="seconds"),
            "author": [_ref(author_url, "Practitioner"), _ref(organization_url, "Organization")],
            "title": title,
            "custodian": _ref(organization_url, "Organization"),
            "event": [event],
            "section": sections,
        }
        if encounter_url:
            composition["encounter"] = _ref(encounter_url, "Encounter")
        return {"fullUrl": _uuid(document, "composition"), "resource": composition}

    def local_id(self, number: str) -> str:
        kind = "REF" if self.document.kind == "referral" else "DIS"
        return f"{number}^{self.issued.year}^RK-{kind}-{self.handoff.pk}-{self.document.pk}"

    def bundle(self, profile: str, composition: dict, number: str) -> dict:
        now = timezone.localtime()
        identifier = self.local_id(number)
        if not BUNDLE_IDENTIFIER_PATTERN.match(identifier):
            raise FhirDocumentError(_("The document's year cannot be written in a JP-CLINS document identifier."))
        return {
            "resourceType": "Bundle",
            "meta": {"lastUpdated": now.isoformat(timespec="milliseconds"), "profile": [profile]},
            "language": "ja",
            "identifier": {"system": BUNDLE_IDENTIFIER, "value": identifier},
            "type": "document",
            "timestamp": now.isoformat(timespec="milliseconds"),
            "entry": [composition, *self.entries],
        }

    def encounter(self, key: str, *, start: str, end: str = "", reason: str = "", inpatient: bool = True) -> str:
        resource: dict[str, Any] = {
            "resourceType": "Encounter", "meta": {"profile": [PROFILES["Encounter"]]},
            "status": "finished" if end else "in-progress",
            "class": {"system": ENCOUNTER_CLASS, "code": "IMP" if inpatient else "AMB",
                      "display": "入院" if inpatient else "外来"},
            "subject": {"reference": self.patient_url},
        }
        if start:
            resource["period"] = {"start": start, **({"end": end} if end else {})}
        if reason:
            resource["reasonCode"] = [{"text": reason}]
        return self.add({"fullUrl": _uuid(self.document, key), "resource": resource})


def _number_for(issuer: Facility) -> str:
    number = institution_number(issuer)
    if not number:
        raise FhirDocumentError(_(
            "%(name)s has no medical institution code (医療機関コード, 10 digits) in the directory: a JP-CLINS "
            "document needs it. Ask the directory's editors to add it.") % {"name": issuer.name})
    return number


def referral_bundle(document, handoff) -> dict:
    """The 診療情報提供書 as a JP-CLINS eReferral document Bundle (FhirDocumentError when it cannot be made)."""
    data = document.data or {}
    issuer = _issuer(document, handoff)
    number = _number_for(issuer)
    missing = []
    if not _text(data.get("to_facility_name")).strip():
        missing.append(_("the institution the patient is referred to"))
    if missing:
        raise FhirDocumentError(*[_("The referral needs %(what)s.") % {"what": m} for m in missing])
    b = _Builder(document, handoff)
    b.add({"fullUrl": b.patient_url, "resource": patient_resource(handoff.patient)})
    from_doctor = _text(data.get("from_doctor_name")).strip() or document.author.user.display_name
    author_url = b.add(_practitioner(_uuid(document, "author"), from_doctor))
    organization_url = b.add(_organization(_uuid(document, "organization"), name=issuer.name, number=number,
                                           facility=issuer))
    to_name = _text(data.get("to_facility_name")).strip()
    to_org_url = b.add(_organization(_uuid(document, "to-organization"), name=to_name))
    to_doctor = _text(data.get("to_doctor_name")).strip()
    to_doctor_url = b.add(_practitioner(_uuid(document, "to-doctor"), to_doctor)) if to_doctor else ""
    stay_url = ""
    from_hospital = issuer.pk == handoff.hospital_id
    if from_hospital:
        stay_url = b.encounter("stay", start=_local_date(handoff.admitted_at), end=_local_date(handoff.discharged_at))
    purpose = _text(data.get("purpose"))
    purpose_url = b.encounter("purpose", start=_local_date(document.created_at), end=_local_date(document.created_at),
                              reason=purpose, inpatient=False) if purpose.strip() else ""
    to_lines = [to_name, _text(data.get("to_department")).strip(), to_doctor]
    sections = [
        _section(*REFERRAL_FROM, text="\n".join(p for p in (issuer.name, from_doctor) if p),
                 entries=[_ref(organization_url, "Organization", "紹介元医療機関"),
                          _ref(author_url, "Practitioner", "紹介元医師")]),
        _section(*REFERRAL_TO, text="\n".join(p for p in to_lines if p),
                 entries=[_ref(to_org_url, "Organization", "紹介先医療機関")]
                 + ([_ref(to_doctor_url, "Practitioner", "紹介先医師")] if to_doctor_url else [])),
        b.structured(REFERRAL_SECTIONS, REFERRAL_REQUIRED, encounter_url=stay_url, purpose_url=purpose_url),
    ]
    if _text(data.get("remarks")).strip():
        sections.append(_section(*REMARKS, text=_text(data["remarks"])))
    category = ("DISCHARGE", "退院時文書") if from_hospital else ("OUTPATIENT", "外来文書")
    issued = b.issued.date().isoformat()
    composition = b.composition(
        profile=PROFILES["composition_referral"], doc_type=REFERRAL_TYPE, category=category, title="診療情報提供書",
        number=number, author_url=author_url, organization_url=organization_url, encounter_url=stay_url,
        event={"code": [{"text": "診療情報提供書発行"}], "period": {"start": issued}}, sections=sections)
    return b.bundle(PROFILES["bundle_referral"], composition, number)


def discharge_summary_bundle(document, handoff) -> dict:
    """The 退院時サマリー as a JP-CLINS eDischargeSummary document Bundle (FhirDocumentError when it cannot be)."""
    data = document.data or {}
    issuer = _issuer(document, handoff)
    number = _number_for(issuer)
    admitted = _text(data.get("admitted_on")).strip() or _local_date(handoff.admitted_at)
    discharged = (_text(data.get("discharged_on")).strip() or _local_date(handoff.discharged_at)
                  or _local_date(handoff.planned_discharge_on))
    reasons = []
    if not discharged:
        reasons.append(_("The discharge summary needs the discharge date (or the planned one)."))
    for day in (admitted, discharged):
        if day and not _is_full_date(day):
            reasons.append(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": day})
    if not _list(data, "discharge_diagnoses"):
        reasons.append(_("The discharge summary needs at least one discharge diagnosis."))
    if not _text(data.get("hospital_course")).strip():
        reasons.append(_("The discharge summary needs the course in hospital."))
    if reasons:
        raise FhirDocumentError(*reasons)
    b = _Builder(document, handoff)
    b.add({"fullUrl": b.patient_url, "resource": patient_resource(handoff.patient)})
    doctor = _text(data.get("doctor_name")).strip() or document.author.user.display_name
    author_url = b.add(_practitioner(_uuid(document, "author"), doctor))
    organization_url = b.add(_organization(_uuid(document, "organization"), name=issuer.name, number=number,
                                           facility=issuer))
    stay_url = b.encounter("stay", start=admitted, end=discharged, reason=_text(data.get("admission_reason")))
    sections = [b.structured(DISCHARGE_SECTIONS, DISCHARGE_REQUIRED, encounter_url=stay_url)]
    composition = b.composition(
        profile=PROFILES["composition_discharge"], doc_type=DISCHARGE_TYPE, category=("DISCHARGE", "退院時文書"),
        title="退院時サマリー", number=number, author_url=author_url, organization_url=organization_url,
        encounter_url=stay_url, event={"period": {"start": admitted, "end": discharged}}, sections=sections)
    return b.bundle(PROFILES["bundle_discharge"], composition, number)


def _is_full_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
        return len(value) == 10
    except ValueError:
        return False


# --- import -----------------------------------------------------------------------------------------------------

def _strip_div(div: str) -> str:
    text = re.sub(r"<br\s*/?>", "\n", div or "", flags=re.IGNORECASE)
    text = re.sub(r"</p\s*>\s*<p[^>]*>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]*>", "", text)
    return html.unescape(text)


def _code_of(section: dict) -> str:
    for coding in ((section.get("code") or {}).get("coding") or []):
        if isinstance(coding, dict) and coding.get("code"):
            code = str(coding["code"])
            return OLD_SECTION_CODES.get(code, code)
    return ""


def _concept_text(concept) -> str:
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return str(concept["text"])
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and coding.get("display"):
            return str(coding["display"])
    return ""


def _condition_item(resource: dict) -> dict:
    onset = resource.get("onsetDateTime") or resource.get("onsetString") or ""
    if not onset and isinstance(resource.get("onsetPeriod"), dict):
        onset = resource["onsetPeriod"].get("start") or ""
    return {"name": _concept_text(resource.get("code")), "onset": str(onset)}


def _format_number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _medication_item(resource: dict) -> dict:
    name = _concept_text(resource.get("medicationCodeableConcept"))
    if not name and isinstance(resource.get("medicationReference"), dict):
        name = str(resource["medicationReference"].get("display") or "")
    dose = usage = ""
    dosages = resource.get("dosageInstruction") or resource.get("dosage") or []
    if dosages and isinstance(dosages[0], dict):
        dosage = dosages[0]
        usage = str(dosage.get("text") or "") or _concept_text((dosage.get("timing") or {}).get("code"))
        for extension in dosage.get("extension") or []:
            if isinstance(extension, dict) and extension.get("url") == DOSE_TEXT:
                dose = str(extension.get("valueString") or "")
        if not dose:
            for rate in dosage.get("doseAndRate") or []:
                quantity = (rate or {}).get("doseQuantity") if isinstance(rate, dict) else None
                if isinstance(quantity, dict) and quantity.get("value") is not None:
                    dose = _format_number(quantity["value"]) + str(quantity.get("unit") or "")
                    break
    return {"name": name, "dose": dose, "usage": usage}


def _entry_text(resource: dict) -> str:
    """The free text a referenced resource carries, for a section that has no text of its own."""
    kind = resource.get("resourceType")
    if kind == "DocumentReference":
        texts = []
        for content in resource.get("content") or []:
            attachment = (content or {}).get("attachment") or {}
            data = attachment.get("data")
            if data and str(attachment.get("contentType", "")).startswith("text/"):
                try:
                    texts.append(base64.b64decode(data).decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    continue
        return "\n".join(texts) or str(resource.get("description") or "")
    if kind == "CarePlan":
        return str(resource.get("description") or "")
    if kind == "Encounter":
        return "\n".join(_concept_text(c) for c in resource.get("reasonCode") or [] if _concept_text(c))
    if kind == "Condition":
        notes = [str(n.get("text")) for n in resource.get("note") or [] if isinstance(n, dict) and n.get("text")]
        return "\n".join(notes) or _concept_text(resource.get("code"))
    if kind == "AllergyIntolerance":
        return _concept_text(resource.get("code"))
    if kind == "Observation":
        return str(resource.get("valueString") or _concept_text(resource.get("code")))
    return ""


def _invalid(message: str) -> FhirDocumentError:
    return FhirDocumentError(message)


def _resources(bundle: dict) -> tuple[dict[str, dict], list[dict]]:
    by_url: dict[str, dict] = {}
    resources: list[dict] = []
    for entry in bundle.get("entry") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            continue
        resource = entry["resource"]
        resources.append(resource)
        if entry.get("fullUrl"):
            by_url[str(entry["fullUrl"])] = resource
        if resource.get("resourceType") and resource.get("id"):
            by_url[f"{resource['resourceType']}/{resource['id']}"] = resource
    return by_url, resources


def _resolve(by_url: dict, reference) -> dict | None:
    if isinstance(reference, dict) and reference.get("reference"):
        return by_url.get(str(reference["reference"]))
    return None


def _flatten(sections) -> list[dict]:
    out = []
    for section in sections or []:
        if isinstance(section, dict):
            out.append(section)
            out.extend(_flatten(section.get("section")))
    return out


def check_document_bundle(bundle, doc_type: tuple[str, str]) -> tuple[dict, dict, dict[str, dict]]:
    """(bundle, composition, resources by url) of a document Bundle of this type, or a FhirDocumentError."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise _invalid(_("The file is not a FHIR Bundle."))
    if bundle.get("type") != "document":
        raise _invalid(_("The Bundle is not a document (its type is “%(type)s”, a document Bundle is needed).")
                       % {"type": str(bundle.get("type") or "")[:40]})
    by_url, resources = _resources(bundle)
    composition = next((r for r in resources if r.get("resourceType") == "Composition"), None)
    if composition is None:
        raise _invalid(_("The document has no Composition."))
    codes = {str(c.get("code")) for c in ((composition.get("type") or {}).get("coding") or []) if isinstance(c, dict)}
    if doc_type[0] not in codes:
        raise _invalid(_("The document is not a %(title)s (document type %(code)s expected, %(found)s found).")
                       % {"title": doc_type[1], "code": doc_type[0], "found": ", ".join(sorted(codes)) or "—"})
    return bundle, composition, by_url


def _tolerant(function):
    """A reader of outside data: any shape it did not expect is a FhirDocumentError, never a crash."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except FhirDocumentError:
            raise
        except (AttributeError, TypeError, ValueError, KeyError, IndexError, RecursionError) as exc:
            raise FhirDocumentError(_("The document's structure is not what FHIR R4 describes; it cannot be read."
                                      )) from exc

    return wrapper


@_tolerant
def parse_discharge_summary(bundle_json) -> dict:
    """A hospital's eDischargeSummary Bundle as the form's data (keys of FIELDS["discharge_summary"]).

    Tolerant: unknown sections are ignored; a section's text (tags stripped) is taken, or the text of the resources
    it refers to; list fields come from the Condition and MedicationRequest entries. Raises FhirDocumentError.
    """
    bundle, composition, by_url = check_document_bundle(bundle_json, DISCHARGE_TYPE)
    data: dict[str, Any] = {key: ([] if key in LIST_FIELDS else "") for key in FIELDS["discharge_summary"]}
    by_code = {code: key for key, code, _title, _kind in DISCHARGE_SECTIONS}
    for section in _flatten(composition.get("section")):
        key = by_code.get(_code_of(section))
        if key is None:
            continue
        entries = [r for r in (_resolve(by_url, e) for e in section.get("entry") or []) if r is not None]
        if key in LIST_FIELDS:
            wanted = "Condition" if LIST_FIELDS[key] == ("name", "onset") else "MedicationRequest"
            items = [(_condition_item if wanted == "Condition" else _medication_item)(r)
                     for r in entries if r.get("resourceType") == wanted]
            if not items and not section.get("emptyReason") and isinstance(section.get("text"), dict):
                empty = dict.fromkeys(LIST_FIELDS[key], "")
                items = [{**empty, "name": line.strip()}
                         for line in _strip_div(section["text"].get("div", "")).split("\n") if line.strip()]
            data[key] = [item for item in items if item.get("name")]
            continue
        text = ""
        if isinstance(section.get("text"), dict) and not section.get("emptyReason"):
            text = _strip_div(section["text"].get("div", ""))
        if not text.strip() and key not in ("admission_details", "discharge_details"):
            text = "\n".join(t for t in (_entry_text(r) for r in entries) if t)
        data[key] = text.strip("\n")
    period = next((e.get("period") for e in composition.get("event") or []
                   if isinstance(e, dict) and isinstance(e.get("period"), dict)), None) or {}
    data["admitted_on"] = str(period.get("start") or "")[:10]
    data["discharged_on"] = str(period.get("end") or "")[:10]
    encounter = _resolve(by_url, composition.get("encounter"))
    if encounter and isinstance(encounter.get("period"), dict):
        data["admitted_on"] = data["admitted_on"] or str(encounter["period"].get("start") or "")[:10]
        data["discharged_on"] = data["discharged_on"] or str(encounter["period"].get("end") or "")[:10]
    for author in composition.get("author") or []:
        practitioner = _resolve(by_url, author)
        if practitioner and practitioner.get("resourceType") == "Practitioner":
            names = [n for n in practitioner.get("name") or [] if isinstance(n, dict)]
            kanji = next((n for n in names if _representation(n) == "IDE"), names[0] if names else {})
            data["doctor_name"] = str(kanji.get("text") or " ".join(
                [kanji.get("family") or "", *(kanji.get("given") or [])]).strip())
            break
    return data


@_tolerant
def bundle_patient(bundle_json) -> dict:
    """The Patient the document's Composition is about (the subject), or the first Patient."""
    _bundle, composition, by_url = check_document_bundle(bundle_json, DISCHARGE_TYPE)
    patient = _resolve(by_url, composition.get("subject"))
    if patient is None or patient.get("resourceType") != "Patient":
        patient = next((r for r in by_url.values() if r.get("resourceType") == "Patient"), None)
    if patient is None:
        raise _invalid(_("The document has no Patient."))
    return patient


def _representation(name: dict) -> str:
    for extension in name.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") == careteams_fhir.NAME_REPRESENTATION:
            return str(extension.get("valueCode") or "")
    return ""


def _normalized_name(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"\s", "", text)
    # Kana in hiragana or katakana compare alike.
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def _patient_numbers(patient) -> dict[str, str]:
    numbers = {}
    if patient.care_insured_number:
        numbers["care"] = patient.care_insured_number.strip()
    member = insurance_member_value(patient)
    if member:
        numbers["medical"] = member
    return numbers


def _bundle_numbers(resource: dict) -> dict[str, str]:
    numbers = {}
    for identifier in resource.get("identifier") or []:
        if not isinstance(identifier, dict):
            continue
        system, value = str(identifier.get("system") or ""), str(identifier.get("value") or "").strip()
        if system == INSURANCE_MEMBER and value:
            numbers["medical"] = unicodedata.normalize("NFKC", value)
        elif system.startswith(careteams_fhir.RENKEI_CARE_INSURED) and value:
            numbers["care"] = value
    return numbers


@_tolerant
def patient_matches(resource: dict, patient) -> tuple[bool, str]:
    """Whether the Bundle's Patient is this patient: the same 被保険者番号, or the same name and date of birth.

    A date of birth that differs refuses even when a number agrees. Returns (matches, how).
    """
    birth = str(resource.get("birthDate") or "")
    if birth and birth != patient.birth_date.isoformat():
        return False, ""
    ours, theirs = _patient_numbers(patient), _bundle_numbers(resource)
    for kind in ("care", "medical"):
        if kind in ours and kind in theirs and ours[kind] == theirs[kind]:
            return True, "number"
    if birth:
        names = {_normalized_name(str(n.get("text") or "".join([n.get("family") or "", *(n.get("given") or [])])))
                 for n in resource.get("name") or [] if isinstance(n, dict)}
        if names & {_normalized_name(patient.name), _normalized_name(patient.kana)}:
            return True, "name"
    return False, ""
