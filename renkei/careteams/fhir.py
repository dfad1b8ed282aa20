"""FHIR R4-shaped dicts of a patient, their care team and their consents (validated against fhir.resources' R4B
models in the tests; R4B's Patient, CareTeam, Consent and Bundle are R4's).

Identifier systems, following JP Core where it defines one:
- 医療保険 (保険個人識別子): `http://jpfhir.jp/fhir/ccs/Idsysmem/JP_Insurance_member/<保険者番号8桁>`, value
  "保険者番号:記号:番号:枝番" (JP Core / 電子カルテ情報共有サービス 実装ガイド, 保険個人識別子の格納方法). Renkei keeps
  記号・番号 as typed in one field, so the value is "保険者番号:<that field>".
- 施設内患者番号 would be `urn:oid:1.2.392.100495.20.3.51.1<医療機関コード10桁>` (JP Core jp-core-0001); Renkei is not
  a medical institution, so its own number uses a Renkei system instead.
- 介護保険被保険者番号: JP Core defines no system we could confirm; a Renkei system carrying the 保険者番号 is used
  (`…/care-insured-number/<保険者番号6桁>`), to be replaced when JP Core (or the LIFE/介護情報基盤 guides) names one.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import CareTeamMember, Consent, Patient

JP_PATIENT_PROFILE = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient"
JP_INSURANCE_MEMBER = "http://jpfhir.jp/fhir/ccs/Idsysmem/JP_Insurance_member"
RENKEI_PATIENT_ID = "https://renkei.example.jp/fhir/sid/patient-id"
RENKEI_CARE_INSURED = "https://renkei.example.jp/fhir/sid/care-insured-number"
RENKEI_TEAM_ROLE = "https://renkei.example.jp/fhir/CodeSystem/care-team-role"
RENKEI_CONSENT_PURPOSE = "https://renkei.example.jp/fhir/CodeSystem/consent-purpose"
NAME_REPRESENTATION = "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation"

GENDER = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def _ref(kind: str, pk) -> dict:
    return {"reference": f"{kind}/{pk}"}


def _name(text: str, representation: str) -> dict:
    """A HumanName in JP Core's way: the kanji (IDE) and the kana (SYL) as two names."""
    family, _sep, given = text.replace("\u3000", " ").partition(" ")
    name: dict[str, Any] = {"extension": [{"url": NAME_REPRESENTATION, "valueCode": representation}],
                            "use": "official", "text": text}
    if given:
        name["family"], name["given"] = family, [given]
    return name


def patient_resource(patient: Patient, *, key_people=()) -> dict:
    """The patient as a FHIR Patient (JP Core shape)."""
    identifiers = [{"system": RENKEI_PATIENT_ID, "value": str(patient.pk)}]
    if patient.care_insured_number:
        system = RENKEI_CARE_INSURED + (f"/{patient.care_insurer_number}" if patient.care_insurer_number else "")
        identifiers.append({"system": system, "value": patient.care_insured_number})
    if patient.medical_insurer_number and patient.medical_insured_symbol_number:
        identifiers.append({"system": f"{JP_INSURANCE_MEMBER}/{patient.medical_insurer_number}",
                            "value": f"{patient.medical_insurer_number}:{patient.medical_insured_symbol_number}"})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "meta": {"profile": [JP_PATIENT_PROFILE], "versionId": str(patient.version)},
        "identifier": identifiers,
        "active": patient.status == Patient.Status.ACTIVE,
        "name": [_name(patient.name, "IDE")] + ([_name(patient.kana, "SYL")] if patient.kana else []),
        "gender": GENDER.get(patient.sex, "unknown"),
        "birthDate": patient.birth_date.isoformat(),
    }
    death = getattr(patient, "death", None) if patient.status == Patient.Status.DECEASED else None
    if death is not None and getattr(death, "died_on", None):
        resource["deceasedDateTime"] = death.died_on.isoformat()
    elif patient.status == Patient.Status.DECEASED:
        resource["deceasedBoolean"] = True
    if patient.phone:
        resource["telecom"] = [{"system": "phone", "value": patient.phone, "use": "home"}]
    if patient.address or patient.postal_code:
        address: dict[str, Any] = {"use": "home", "country": "JP"}
        if patient.address:
            address["text"] = patient.address
        if patient.postal_code:
            address["postalCode"] = patient.postal_code
        if patient.municipality_id:
            address["city"] = patient.municipality.name
        resource["address"] = [address]
    contacts = []
    for person in key_people:
        contact: dict[str, Any] = {"relationship": [{"text": person.get_relation_display()}],
                                   "name": {"text": person.name}}
        if person.phone:
            contact["telecom"] = [{"system": "phone", "value": person.phone}]
        contacts.append(contact)
    if contacts:
        resource["contact"] = contacts
    return resource


def _member_name(member: CareTeamMember) -> str:
    if member.membership_id:
        return member.membership.user.display_name
    accepted = getattr(member.invitation, "accepted_membership", None) if member.invitation_id else None
    return accepted.user.display_name if accepted else member.person_name


def care_team_resource(patient: Patient, members: list[CareTeamMember]) -> dict:
    """The team as a FHIR CareTeam: each member with their role, organization and period."""
    today = timezone.localdate()
    participants = []
    for member in members:
        participant: dict[str, Any] = {
            "role": [{"coding": [{"system": RENKEI_TEAM_ROLE, "code": member.role,
                                  "display": str(member.get_role_display())}]}],
            "period": {"start": member.started_on.isoformat()},
        }
        name = _member_name(member)
        if name:
            participant["member"] = {"display": name}
        elif member.organization_id:
            participant["member"] = {"reference": f"Organization/{member.organization_id}",
                                     "display": member.organization.name}
        if member.organization_id:
            participant["onBehalfOf"] = {"reference": f"Organization/{member.organization_id}",
                                         "display": member.organization.name}
        if member.ended_on:
            participant["period"]["end"] = member.ended_on.isoformat()
        participants.append(participant)
    active = patient.status == Patient.Status.ACTIVE and any(
        m.ended_on is None or m.ended_on >= today for m in members)
    resource: dict[str, Any] = {
        "resourceType": "CareTeam",
        "id": str(patient.care_team.pk),
        "status": "active" if active else "inactive",
        "subject": _ref("Patient", patient.pk),
        "participant": participants,
    }
    if patient.care_team.external_url:
        resource["telecom"] = [{"system": "url", "value": patient.care_team.external_url}]
    return resource


def consent_resource(consent: Consent) -> dict:
    """A consent as a FHIR Consent (R4): privacy consent, permit, to the whole team or named organizations."""
    actors = [{"role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                    "code": "IRCP"}]},
               "reference": {"reference": f"Organization/{o.pk}", "display": o.name}}
              for o in consent.organizations.all()]
    if consent.covers_whole_team:
        actors = [{"role": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                        "code": "IRCP"}]},
                   "reference": {"reference": f"CareTeam/{consent.patient.care_team.pk}"}}]
    provision: dict[str, Any] = {
        "type": "permit",
        "period": {"start": consent.consented_on.isoformat()},
        "purpose": [{"system": RENKEI_CONSENT_PURPOSE, "code": p, "display": str(Consent.Purpose(p).label)}
                    for p in consent.purposes or [] if p in Consent.Purpose.values],
    }
    if actors:
        provision["actor"] = actors
    if consent.withdrawn_at:
        provision["period"]["end"] = timezone.localtime(consent.withdrawn_at).date().isoformat()
    performer = ({"display": f"{consent.proxy_name}（{consent.proxy_relation}）" if consent.proxy_relation
                  else consent.proxy_name or "proxy"} if consent.given_by == Consent.GivenBy.PROXY
                 else _ref("Patient", consent.patient_id))
    return {
        "resourceType": "Consent",
        "id": str(consent.pk),
        "status": "inactive" if consent.withdrawn_at else "active",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                              "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}]}],
        "patient": _ref("Patient", consent.patient_id),
        "dateTime": f"{consent.consented_on.isoformat()}T00:00:00+09:00",
        "performer": [performer],
        "policyRule": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}]},
        "provision": provision,
    }


def consent_bundle(consents: list[Consent]) -> dict:
    """The patient's consents as a FHIR collection Bundle."""
    return {"resourceType": "Bundle", "type": "collection",
            "timestamp": timezone.localtime().isoformat(timespec="seconds"),
            "entry": [{"fullUrl": f"urn:renkei:consent:{c.pk}", "resource": consent_resource(c)} for c in consents]}
