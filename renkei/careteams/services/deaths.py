"""Recording where a patient died, and whether it was where they wished (item 8: the outcome no statistic has)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy

from .. import access
from ..models import DeathPlace, DeathRecord, EmergencySheet, Patient, PlaceWish

# A place of death answers a place-of-death wish when they name the same kind of place.
PLACE_ANSWERS_WISH = {DeathPlace.HOME: PlaceWish.HOME, DeathPlace.FACILITY: PlaceWish.FACILITY,
                      DeathPlace.HOSPITAL: PlaceWish.HOSPITAL}


def matched_wish(place: str, wished_place: str) -> str:
    """"yes" when the place is the wished one, "no" when another, "unknown" when no wish was recorded."""
    if not wished_place or wished_place == PlaceWish.UNDECIDED:
        return DeathRecord.Matched.UNKNOWN
    return DeathRecord.Matched.YES if PLACE_ANSWERS_WISH.get(place) == wished_place else DeathRecord.Matched.NO


def death_record(*, membership, patient: Patient, died_on: dt.date, place: str, note: str = "") -> DeathRecord:
    """Record the patient's death: date and place, the wish from the latest emergency sheet and whether it was
    met; the patient's status becomes "deceased". Once per patient (ValidationError when already recorded)."""
    policy.require(membership, "careteams.record_death", patient)
    if place not in DeathPlace.values:
        raise ValidationError({"place": _("Choose a place of death.")})
    if died_on > timezone.localdate():
        raise ValidationError({"died_on": _("The date of death cannot be in the future.")})
    if died_on < patient.birth_date:
        raise ValidationError({"died_on": _("The date of death cannot be before the date of birth.")})
    with audit.bind_membership(membership), transaction.atomic():
        locked = Patient.objects.select_for_update().get(pk=patient.pk)
        if DeathRecord.objects.filter(patient=locked).exists():
            raise ValidationError(_("This patient's death is already recorded."))
        sheet = EmergencySheet.objects.filter(patient=locked).order_by("-number").first()
        wished = sheet.place_of_death_wish if sheet else ""
        if wished == PlaceWish.UNDECIDED:
            wished = ""
        record = DeathRecord.objects.create(patient=locked, died_on=died_on, place=place, wished_place=wished,
                                            matched_wish=matched_wish(place, wished), note=note,
                                            recorded_by=membership)
        locked.status = Patient.Status.DECEASED
        locked.save(update_fields=["status", "updated_at"])
        patient.status, patient.version = locked.status, locked.version
    access.forget(membership)
    return record
