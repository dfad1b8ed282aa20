"""Writing the emergency sheet (急変時・救急医療情報キット): every save is a new version, never an update."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.models import Organization

from ..models import EmergencySheet, Patient

# The fields a save may set (the rest — patient, number, who, when — the service fills).
SHEET_FIELDS = (
    "resuscitation_wish", "transfer_wish", "place_of_death_wish",
    "acp_summary", "acp_participants", "acp_on", "acp_record_location",
    "doctor_order", "doctor_order_on", "doctor_order_by",
    "medications", "conditions", "after_hours_phone", "backup_hospital", "note",
)
# Wishes and the doctor's order: changing one asks for the second factor again (the view is decorated).
WISH_FIELDS = ("resuscitation_wish", "transfer_wish", "place_of_death_wish", "doctor_order", "doctor_order_on",
               "doctor_order_by")
BACKUP_HOSPITAL_KINDS = (Organization.Kind.HOSPITAL,)


def _value(sheet: EmergencySheet | None, name: str):
    if sheet is None:
        return EmergencySheet._meta.get_field(name).get_default() if name != "backup_hospital" else None
    return sheet.backup_hospital_id if name == "backup_hospital" else getattr(sheet, name)


def changed_fields(before: EmergencySheet | None, values: dict) -> list[str]:
    """Names of the sheet fields whose value in `values` differs from `before` (None: a first sheet)."""
    out = []
    for name in SHEET_FIELDS:
        if name not in values:
            continue
        new = values[name]
        if name == "backup_hospital":
            new = new.pk if new is not None else None
        old = _value(before, name)
        if (old or None) != (new or None):
            out.append(name)
    return out


def emergency_sheet_save(*, membership, patient: Patient, **values) -> EmergencySheet:
    """Save the patient's emergency sheet as its next version (the previous versions stay as they were).

    Fields not given are carried over from the current version. The backup hospital is an organization of the
    hospital kind. Raises ValidationError for a bad hospital, PermissionDenied (logged) when refused.
    """
    unknown = set(values) - set(SHEET_FIELDS)
    if unknown:
        raise TypeError(f"unknown emergency sheet fields: {sorted(unknown)}")
    policy.require(membership, "careteams.edit_emergency_sheet", patient)
    hospital = values.get("backup_hospital")
    if hospital is not None and (not isinstance(hospital, Organization) or hospital.kind not in BACKUP_HOSPITAL_KINDS):
        raise ValidationError({"backup_hospital": _("Choose a hospital.")})
    with audit.bind_membership(membership), transaction.atomic():
        # Lock the patient row so two saves at once get numbers one after the other.
        Patient.objects.select_for_update().filter(pk=patient.pk).values("pk").first()
        current = EmergencySheet.objects.filter(patient=patient).order_by("-number").first()
        data = {name: _value(current, name) for name in SHEET_FIELDS if name not in values}
        if "backup_hospital" in data:
            data["backup_hospital_id"] = data.pop("backup_hospital")
        data.update(values)
        number = (current.number if current else 0) + 1
        try:
            with transaction.atomic():
                # Saving writes the audit entry (subject: the patient; values masked, careteams is sensitive).
                sheet = EmergencySheet.objects.create(patient=patient, number=number, created_by=membership,
                                                      **data)
        except IntegrityError as exc:  # a concurrent save took the number (SQLite has no row lock)
            raise ValidationError(_("Someone saved this sheet at the same moment. Reload and try again.")) from exc
    return sheet


def wishes_changed(*, patient: Patient, values: dict) -> list[str]:
    """The wish and doctor's-order fields `values` would change on the patient's current sheet."""
    current = EmergencySheet.objects.filter(patient=patient).order_by("-number").first()
    return [name for name in changed_fields(current, values) if name in WISH_FIELDS]
