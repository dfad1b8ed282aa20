"""emergency API operations: the current emergency sheet with the contacts (the same rule and read entry as the
page), the versions with what changed, and saving a new version (careteams.edit_emergency_sheet, as on the
screen; a read-only token is refused by renkei/api.py)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from renkei.core import policy
from renkei.core.models import Organization

from ..models.emergency import PlaceWish, Wish
from ..selectors import emergency as selectors
from ..selectors.patients import patient_for
from ..services.emergency import SHEET_FIELDS, emergency_sheet_save

router = Router(tags=["patients"])


class ContactOut(Schema):
    name: str
    role: str
    organization: str
    phone: str


class KeyPersonOut(Schema):
    name: str
    relation: str
    phone: str


class SheetOut(Schema):
    version: int
    created_at: dt.datetime
    resuscitation_wish: str
    transfer_wish: str
    place_of_death_wish: str
    acp_summary: str
    acp_participants: str
    acp_on: dt.date | None
    acp_record_location: str
    doctor_order: str
    doctor_order_on: dt.date | None
    doctor_order_by: str
    medications: str
    conditions: str
    after_hours_phone: str
    backup_hospital: str
    note: str


class EmergencySheetOut(Schema):
    patient_id: int
    sheet: SheetOut | None
    key_contacts: list[KeyPersonOut]
    team_contacts: list[ContactOut]


class ChangeOut(Schema):
    field: str
    label: str
    is_wish: bool


class VersionOut(Schema):
    version: int
    created_at: dt.datetime
    changes: list[ChangeOut]


def _sheet_out(sheet) -> dict | None:
    if sheet is None:
        return None
    out = {name: getattr(sheet, name) for name in SHEET_FIELDS if name != "backup_hospital"}
    out.update(version=sheet.number, created_at=sheet.created_at,
               backup_hospital=sheet.backup_hospital.name if sheet.backup_hospital_id else "")
    return out


@router.get("/patients/{patient_id}/emergency-sheet", response=EmergencySheetOut)
@policy.api_asks_on_object("careteams.view_emergency_sheet")
def get_emergency_sheet(request, patient_id: int):
    """The current emergency sheet, the key people to call and the team's contacts."""
    page = selectors.sheet_page(request.membership, patient_id)
    return {"patient_id": page.patient.pk, "sheet": _sheet_out(page.sheet),
            "key_contacts": [{"name": k.name, "relation": k.get_relation_display(), "phone": k.phone}
                             for k in page.key_people],
            "team_contacts": [c.__dict__ for c in page.contacts]}


@router.get("/patients/{patient_id}/emergency-sheet/versions", response=list[VersionOut])
@policy.api_asks_on_object("careteams.view_patient")
def list_emergency_sheet_versions(request, patient_id: int):
    """Every version, newest first, with the fields each changed (names and labels, not values)."""
    data = selectors.versions_page(request.membership, patient_id)
    return [{"version": row["version"].number, "created_at": row["version"].created_at,
             "changes": [{"field": c.name, "label": c.label, "is_wish": c.is_wish} for c in row["changes"]]}
            for row in data["rows"]]


WishText = Field(None, pattern="^(" + "|".join(Wish.values) + ")$")


class SheetIn(Schema):
    """The fields to change; those left out are carried over from the current version."""

    resuscitation_wish: str | None = WishText
    transfer_wish: str | None = WishText
    place_of_death_wish: str | None = Field(None, pattern="^(" + "|".join(PlaceWish.values) + ")$")
    acp_summary: str | None = Field(None, max_length=4000)
    acp_participants: str | None = Field(None, max_length=200)
    acp_on: dt.date | None = None
    acp_record_location: str | None = Field(None, max_length=200)
    doctor_order: str | None = Field(None, max_length=4000)
    doctor_order_on: dt.date | None = None
    doctor_order_by: str | None = Field(None, max_length=80)
    medications: str | None = Field(None, max_length=4000)
    conditions: str | None = Field(None, max_length=4000)
    after_hours_phone: str | None = Field(None, max_length=20)
    backup_hospital_id: int | None = Field(None, ge=1, le=2**63 - 1)
    note: str | None = Field(None, max_length=4000)


class ErrorOut(Schema):
    detail: str
    errors: dict


@router.post("/patients/{patient_id}/emergency-sheet", response={200: EmergencySheetOut, 422: ErrorOut})
@policy.api_asks_on_object("careteams.edit_emergency_sheet")
def save_emergency_sheet(request, patient_id: int, payload: SheetIn):
    """Save the sheet as its next version with the fields sent (the others carried over)."""
    patient = patient_for(request.membership, patient_id, action="careteams.edit_emergency_sheet", record=False)
    sent = payload.model_dump(exclude_unset=True)
    values = {}
    for name, value in sent.items():
        if name == "backup_hospital_id":
            hospital = Organization.objects.filter(pk=value).first() if value else None
            if value and hospital is None:
                return Status(422, {"detail": _("Some values are not valid. See “errors” for each one."),
                                    "errors": {"backup_hospital_id": [_("Choose a hospital.")]}})
            values["backup_hospital"] = hospital
        elif name in ("acp_on", "doctor_order_on"):
            values[name] = value
        elif name in ("resuscitation_wish", "transfer_wish", "place_of_death_wish"):
            values[name] = value or Wish.UNDECIDED  # a wish sent as null is "not decided", never an empty choice
        else:
            values[name] = value or ""
    try:
        emergency_sheet_save(membership=request.membership, patient=patient, **values)
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, {"detail": _("Some values are not valid. See “errors” for each one."), "errors": errors})
    return get_emergency_sheet(request, patient_id)
