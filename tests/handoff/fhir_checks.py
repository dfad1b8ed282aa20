"""What our tests check of a JP-CLINS document Bundle beyond the base R4 structure fhir.resources validates:
the profiles' cardinalities, fixed values, identifier systems and the invariants we can write in Python
(docs/fhir-handoff.md lists what stays unchecked)."""

from __future__ import annotations

import re

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from renkei.handoff import fhir_documents as fd

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$")
REQUIRED = {"referral": ("920", "910", "300"), "discharge_summary": ("300",)}
REQUIRED_SUB = {"referral": fd.REFERRAL_REQUIRED, "discharge_summary": fd.DISCHARGE_REQUIRED}
TYPES = {"referral": fd.REFERRAL_TYPE, "discharge_summary": fd.DISCHARGE_TYPE}


def validate_r4(bundle: dict) -> Bundle:
    """fhir.resources' R4B models (R4B's Bundle, Composition, Patient… are R4's): the Bundle, then each entry."""
    model = Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    return model


def section_code(section: dict) -> str:
    return section["code"]["coding"][0]["code"]


def clins_problems(bundle: dict, kind: str) -> list[str]:
    """The JP-CLINS rules this Bundle breaks (an empty list when it keeps them all)."""
    problems = []
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    if bundle.get("type") != "document":
        problems.append("type")
    profile = fd.PROFILES["bundle_referral" if kind == "referral" else "bundle_discharge"]
    if bundle["meta"]["profile"] != [profile]:
        problems.append("Bundle.meta.profile")
    if bundle["identifier"]["system"] != fd.BUNDLE_IDENTIFIER:
        problems.append("Bundle.identifier.system")
    if not re.match(r"^[0-4][0-9][1-3][0-9]{7}\^20[2-3][0-9]\^[A-Za-z0-9\-]{1,36}$", bundle["identifier"]["value"]):
        problems.append("R2152 Bundle.identifier.value")
    if not TIMESTAMP.match(bundle.get("timestamp", "")):
        problems.append("Bundle.timestamp (ms and time zone)")
    for url in by_url:
        if not re.match(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", url):
            problems.append(f"fullUrl {url}")
    composition = bundle["entry"][0]["resource"]
    if composition["resourceType"] != "Composition":
        problems.append("first entry is not the Composition")
        return problems
    code, display = TYPES[kind]
    checks = {
        "Composition.status": composition.get("status") == "final",
        "Composition.type": composition["type"]["coding"] == [{"system": fd.DOC_TYPES, "code": code,
                                                               "display": display}],
        "Composition.category": composition["category"][0]["coding"][0]["system"] == fd.DOC_SUBTYPES
        and composition["category"][0]["coding"][0]["code"] in (("DISCHARGE",) if kind == "discharge_summary"
                                                                 else ("DISCHARGE", "OUTPATIENT")),
        "Composition.title": composition.get("title") == display,
        "Composition version extension": [e["url"] for e in composition.get("extension", [])]
        == [fd.VERSION_EXTENSION] and bool(composition["extension"][0].get("valueString")),
        "Composition.identifier": composition["identifier"]["system"] == fd.RESOURCE_INSTANCE
        and bool(composition["identifier"]["value"]),
        "Composition.subject": by_url.get(composition["subject"]["reference"], {}).get("resourceType") == "Patient",
        "Composition.date": bool(composition.get("date")),
        "Composition.author": sorted(by_url[a["reference"]]["resourceType"] for a in composition["author"])
        == ["Organization", "Practitioner"],
        "Composition.custodian": by_url.get(composition["custodian"]["reference"], {}).get("resourceType")
        == "Organization",
        "Composition.event": len(composition.get("event", [])) == 1,
    }
    problems += [name for name, ok in checks.items() if not ok]
    event = composition["event"][0]
    if kind == "discharge_summary":
        if "code" in event or not (event["period"].get("start") and event["period"].get("end")):
            problems.append("Composition.event.period (入院日, 退院日)")
        if len([r for r in by_url.values() if r["resourceType"] == "Encounter"]) != 1:
            problems.append("encounter 1..1")
        if not [r for r in by_url.values() if r["resourceType"] == "Condition"]:
            problems.append("condition 1..*")
    else:
        if event["code"][0]["text"] != "診療情報提供書発行" or not event["period"].get("start"):
            problems.append("Composition.event (診療情報提供書発行)")
        if not 2 <= len([r for r in by_url.values() if r["resourceType"] == "Organization"]) <= 4:
            problems.append("organization 2..4")
    top = {section_code(s): s for s in composition["section"]}
    problems += [f"section {c}" for c in REQUIRED[kind] if c not in top]
    if ("200" in top) == ("300" in top):
        problems.append("exactly one of 200 and 300")
    sub = {section_code(s): s for s in top.get("300", {}).get("section", [])}
    problems += [f"section 300/{c}" for c in REQUIRED_SUB[kind] if c not in sub]
    for section in [*top.values(), *sub.values()]:
        coding = section["code"]["coding"][0]
        if coding["system"] != fd.SECTIONS or coding["display"] != f"{section['title']}セクション":
            problems.append(f"section {coding['code']} code")
        if section_code(section) == "300":
            if "text" in section:
                problems.append("section 300 has no text")
            continue
        if not (section.get("text") or section.get("entry") or section.get("section")):
            problems.append(f"cmp-1 section {coding['code']}")
        if section.get("emptyReason") and section.get("entry"):
            problems.append(f"cmp-2 section {coding['code']}")
        if "text" in section and (section["text"]["status"] != "additional"
                                  or not section["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')):
            problems.append(f"section {coding['code']} text")
        for entry in section.get("entry", []):
            if entry["reference"] not in by_url or by_url[entry["reference"]]["resourceType"] != entry["type"]:
                problems.append(f"section {coding['code']} entry {entry['reference']}")
    for required_entry, kinds in {"322": "Encounter", "324": "Encounter", "333": "DocumentReference",
                                  "344": "Condition"}.items():
        if kind == "discharge_summary" and not [e for e in sub.get(required_entry, {}).get("entry", [])
                                                if e["type"] == kinds]:
            problems.append(f"section {required_entry} entry 1..")
    for resource in by_url.values():
        if resource["resourceType"] == "Organization":
            for identifier in resource.get("identifier", []):
                if identifier["system"] != fd.INSTITUTION_NO or not re.match(r"^[0-4][0-9][1-3][0-9]{7}$",
                                                                           identifier["value"]):
                    problems.append("Organization.identifier")
        if resource["resourceType"] in ("Patient", "Practitioner"):
            for name in resource["name"]:
                if "\u3000" in name["text"]:
                    problems.append("R1113 full-width space in a name")
        if resource["resourceType"] == "Patient":
            for identifier in resource["identifier"]:
                if identifier["system"] == fd.INSURANCE_MEMBER and not re.match(
                        r"^[0-9]{8}:[^:\s　]*:[^:\s　]*:(|[0-9][0-9])$", identifier["value"]):
                    problems.append("R1013 被保険者個人識別子")
        for key in ("subject", "patient"):
            if key in resource and resource[key]["reference"] not in by_url:
                problems.append(f"{resource['resourceType']}.{key} does not resolve")
    author_org = by_url[composition["author"][1]["reference"]] if len(composition["author"]) > 1 else {}
    if not any(i["system"] == fd.INSTITUTION_NO for i in author_org.get("identifier", [])):
        problems.append("author Organization has no 医療機関コード")
    return problems
