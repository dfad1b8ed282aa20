"""Reads of the emergency sheet: the current version, the versions, what changed between two, the contacts.

Every function that returns a patient's data is reached through `sheet_patient` (the policy and the read
entry) or is given a patient that was loaded that way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop

from renkei.core import policy

from ..models import CareTeamMember, EmergencySheet, KeyPerson, Patient
from ..services.emergency import SHEET_FIELDS, WISH_FIELDS
from .patients import patient_for

EMERGENCY_SHEET = gettext_noop("emergency sheet")
EMERGENCY_SHEET_PRINT = gettext_noop("emergency sheet (printed)")
EMERGENCY_SHEET_VERSIONS = gettext_noop("emergency sheet versions")
DEATH_RECORD = gettext_noop("death record")
VIEW = "careteams.view_emergency_sheet"


def patient_object(request, patient_id) -> Patient:
    """The patient a per-patient route names (404 when missing): what the policy decorator asks about."""
    try:
        pk = int(patient_id)
        if not 0 < pk < 2**63:
            raise ValueError(pk)
        return Patient.objects.select_related("municipality", "registered_by_organization").get(pk=pk)
    except (Patient.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404("patient") from exc


def sheet_patient(membership, patient_id, *, what: str = EMERGENCY_SHEET, action: str = VIEW) -> Patient:
    """The patient when `action` is allowed on them; the read of `what` is logged."""
    return patient_for(membership, patient_id, action=action, what=what)


def current_sheet(patient: Patient) -> EmergencySheet | None:
    """The latest version of the patient's sheet, or None when none was written."""
    return (EmergencySheet.objects.filter(patient=patient).select_related("backup_hospital", "created_by__user")
            .order_by("-number").first())


def sheet_versions(patient: Patient) -> list[EmergencySheet]:
    """Every version, newest first."""
    return list(EmergencySheet.objects.filter(patient=patient).select_related("backup_hospital", "created_by__user")
                .order_by("-number"))


def sheet_version(patient: Patient, number) -> EmergencySheet:
    try:
        return EmergencySheet.objects.select_related("backup_hospital").get(patient=patient, number=int(number))
    except (EmergencySheet.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404("version") from exc


def field_label(name: str) -> str:
    return str(EmergencySheet._meta.get_field(name).verbose_name)


def shown_value(sheet: EmergencySheet | None, name: str) -> str:
    """A field's value as a reader sees it: choice labels, dates, the hospital's name; "" when empty."""
    if sheet is None:
        return ""
    if name == "backup_hospital":
        return sheet.backup_hospital.name if sheet.backup_hospital_id else ""
    value = getattr(sheet, name)
    if value in (None, ""):
        return ""
    display = getattr(sheet, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Change:
    name: str
    label: str
    old: str
    new: str
    is_wish: bool


def sheet_diff(older: EmergencySheet | None, newer: EmergencySheet) -> list[Change]:
    """The fields that differ between two versions, by their labels, in the sheet's order."""
    out = []
    for name in SHEET_FIELDS:
        old, new = shown_value(older, name), shown_value(newer, name)
        if old != new:
            out.append(Change(name, field_label(name), old, new, name in WISH_FIELDS))
    return out


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    organization: str
    phone: str


def team_contacts(patient: Patient) -> list[Contact]:
    """The team's current members: names, roles, organizations and phones (what an enrolled hospital may see)."""
    today = timezone.localdate()
    members = (CareTeamMember.objects.filter(team__patient=patient, started_on__lte=today)
               .exclude(ended_on__lt=today).select_related("membership__user", "organization")
               .order_by("role", "pk"))
    out = []
    for member in members:
        name = member.membership.user.display_name if member.membership_id else member.person_name
        organization = member.organization.name if member.organization_id else ""
        phone = member.phone or (member.organization.phone if member.organization_id else "")
        out.append(Contact(name, member.get_role_display(), organization, phone))
    return out


def key_contacts(patient: Patient) -> list[KeyPerson]:
    """The key people marked to call in an emergency (family, 成年後見人)."""
    return list(KeyPerson.objects.filter(patient=patient, is_emergency_contact=True).order_by("sort_order", "pk"))


@dataclass
class SheetPage:
    patient: Patient
    sheet: EmergencySheet | None
    contacts: list[Contact]
    key_people: list[KeyPerson]
    may_edit: bool = False
    may_see_versions: bool = False
    may_record_death: bool = False
    death: object = None
    extra: dict = field(default_factory=dict)


def sheet_page(membership, patient_id) -> SheetPage:
    """What the sheet page shows this membership (the read is logged). A reader who may only read the sheet
    (an enrolled backup hospital) gets the sheet and the contacts and nothing else."""
    patient = sheet_patient(membership, patient_id)
    sees_patient = policy.check(membership, "careteams.view_patient", patient)
    return SheetPage(
        patient=patient, sheet=current_sheet(patient), contacts=team_contacts(patient),
        key_people=key_contacts(patient),
        may_edit=policy.check(membership, "careteams.edit_emergency_sheet", patient),
        may_see_versions=sees_patient,
        may_record_death=policy.check(membership, "careteams.record_death", patient),
        death=getattr(patient, "death", None) if sees_patient else None,
    )


def sheet_for_print(membership, patient_id) -> SheetPage:
    """The sheet for the refrigerator's A4 page (the read is logged as a print)."""
    patient = sheet_patient(membership, patient_id, what=EMERGENCY_SHEET_PRINT)
    return SheetPage(patient=patient, sheet=current_sheet(patient), contacts=team_contacts(patient),
                     key_people=key_contacts(patient))


def versions_page(membership, patient_id, *, older=None, newer=None) -> dict:
    """The versions list, and the changes between two of them (default: each version against the one before)."""
    patient = sheet_patient(membership, patient_id, what=EMERGENCY_SHEET_VERSIONS, action="careteams.view_patient")
    versions = sheet_versions(patient)
    by_number = {v.number: v for v in versions}
    rows = []
    for i, version in enumerate(versions):
        previous = versions[i + 1] if i + 1 < len(versions) else None
        rows.append({"version": version, "changes": sheet_diff(previous, version)})
    compared = None
    if older is not None and newer is not None:
        a, b = sheet_version(patient, older), sheet_version(patient, newer)
        if a.number > b.number:
            a, b = b, a
        compared = {"older": a, "newer": b, "changes": sheet_diff(a, b)}
    return {"patient": patient, "rows": rows, "compared": compared, "numbers": sorted(by_number)}
