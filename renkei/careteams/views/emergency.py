"""emergency screens: the emergency sheet (read on a phone, printed for the refrigerator, edited as versions) and
the death record."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core import policy
from renkei.core.forms import add_service_errors
from renkei.core.second_factor import recent_second_factor

from .. import frame
from ..forms.emergency import CompareForm, DeathRecordForm, EmergencySheetForm
from ..selectors import emergency as selectors
from ..selectors.emergency import patient_object
from ..services.deaths import death_record as record_death_service
from ..services.emergency import emergency_sheet_save
from ..sheet_pdf import sheet_pdf

frame.register_tab("emergency", gettext_lazy("Emergency sheet"), "careteams:emergency_sheet",
                   "careteams.view_emergency_sheet", order=40)


@policy.requires("careteams.view_emergency_sheet", get_object=patient_object)
def emergency_sheet(request, patient_id, obj=None):
    """The sheet, readable on a phone: the after-hours number as a big tel: link, wishes, orders, contacts."""
    page = selectors.sheet_page(request.membership, patient_id)
    return render(request, "careteams/emergency_sheet.html",
                  {"patient": page.patient, "tab": "emergency", "page": page, "sheet": page.sheet})


@policy.requires("careteams.edit_emergency_sheet", get_object=patient_object)
@recent_second_factor
def emergency_sheet_edit(request, patient_id, obj=None):
    """Write the next version of the sheet (wishes and the doctor's order: the second factor again)."""
    patient = selectors.sheet_patient(request.membership, patient_id, action="careteams.edit_emergency_sheet")
    current = selectors.current_sheet(patient)
    form = EmergencySheetForm(request.POST or None, instance=current, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = emergency_sheet_save(membership=request.membership, patient=patient, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved as version %(number)s.") % {"number": sheet.number})
            return redirect("careteams:emergency_sheet", patient_id=patient.pk)
    return render(request, "careteams/emergency_sheet_form.html",
                  {"patient": patient, "tab": "emergency", "form": form, "sheet": current})


@policy.requires("careteams.view_patient", get_object=patient_object)
def emergency_sheet_versions(request, patient_id, obj=None):
    """Every version of the sheet with what changed, and two versions compared."""
    compare = CompareForm(request.GET or None)
    older = newer = None
    if compare.is_valid():
        older, newer = compare.cleaned_data["older"], compare.cleaned_data["newer"]
    data = selectors.versions_page(request.membership, patient_id, older=older, newer=newer)
    return render(request, "careteams/emergency_sheet_versions.html",
                  {**data, "tab": "emergency", "compare": compare})


@policy.requires("careteams.view_emergency_sheet", get_object=patient_object)
def emergency_sheet_print(request, patient_id, obj=None):
    """The sheet on one A4 page (PDF) for the refrigerator; the print is a logged read."""
    page = selectors.sheet_for_print(request.membership, patient_id)
    response = HttpResponse(sheet_pdf(page), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="emergency-sheet-{page.patient.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@policy.requires("careteams.record_death", get_object=patient_object)
def death_record(request, patient_id, obj=None):
    """Record the date and place of death; whether it was where they wished comes from the sheet."""
    patient = selectors.sheet_patient(request.membership, patient_id, action="careteams.record_death",
                                      what=selectors.DEATH_RECORD)
    existing = getattr(patient, "death", None)
    form = DeathRecordForm(request.POST or None)
    if existing is None and request.method == "POST" and form.is_valid():
        try:
            record_death_service(membership=request.membership, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The death is recorded."))
            return redirect("careteams:emergency_sheet", patient_id=patient.pk)
    return render(request, "careteams/death_record.html",
                  {"patient": patient, "tab": "emergency", "form": form, "death": existing,
                   "sheet": selectors.current_sheet(patient)})


urlpatterns: list = [
    path("<int:patient_id>/emergency/", emergency_sheet, name="emergency_sheet"),
    path("<int:patient_id>/emergency/edit/", emergency_sheet_edit, name="emergency_sheet_edit"),
    path("<int:patient_id>/emergency/versions/", emergency_sheet_versions, name="emergency_sheet_versions"),
    path("<int:patient_id>/emergency/print/", emergency_sheet_print, name="emergency_sheet_print"),
    path("<int:patient_id>/death/", death_record, name="death_record"),
]
