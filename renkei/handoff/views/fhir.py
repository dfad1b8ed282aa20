"""FHIR documents screens: the Bundles' downloads and the import of a hospital's eDischargeSummary file, and the
section of the handoff page that offers them."""

from __future__ import annotations

import json

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from renkei.careteams.selectors.patients import record_read
from renkei.core import policy
from renkei.core.second_factor import recent_second_factor

from .. import registrations, sections
from ..api.fhir import read_bundle
from ..fhir_documents import FhirDocumentError
from ..forms_schema import FIELDS
from ..models import DocumentKind
from ..selectors import fhir as selectors
from ..selectors.handoffs import handoff_for, handoff_loader
from ..services import fhir as services

VIEW, WRITE = "handoff.view_handoff", "handoff.write_document"


def handoff_page(handoff_id: int) -> str:
    """The handoff's page (its owner part may not be merged yet: then the import page)."""
    try:
        return reverse("handoff:handoff_detail", kwargs={"handoff_id": handoff_id})
    except NoReverseMatch:
        return reverse("handoff:fhir_import", kwargs={"handoff_id": handoff_id})


def _download(request, handoff_id, kind: str):
    try:
        export = selectors.document_export(request.membership, handoff_id, kind)
    except FhirDocumentError as error:
        handoff = handoff_for(request.membership, handoff_id, record=False)
        return render(request, "handoff/fhir_error.html", {
            "patient": handoff.patient, "tab": "handoffs", "handoff": handoff, "reasons": error.reasons,
            "back": handoff_page(handoff.pk)}, status=422)
    response = HttpResponse(json.dumps(export.bundle, ensure_ascii=False, indent=1),
                            content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    return response


@policy.requires(VIEW, get_object=handoff_loader(VIEW))
@recent_second_factor  # a download takes patient data out of Renkei
def fhir_referral_download(request, handoff_id, obj):
    """The latest 診療情報提供書 as a JP-CLINS eReferral Bundle (a logged export)."""
    return _download(request, handoff_id, DocumentKind.REFERRAL)


@policy.requires(VIEW, get_object=handoff_loader(VIEW))
@recent_second_factor
def fhir_discharge_summary_download(request, handoff_id, obj):
    """The latest 退院時サマリー as a JP-CLINS eDischargeSummary Bundle (a logged export)."""
    return _download(request, handoff_id, DocumentKind.DISCHARGE_SUMMARY)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("eDischargeSummary file (FHIR JSON)"),
                           help_text=gettext_lazy("The JP-CLINS 退院時サマリー file the hospital gave you (.json)."))


FIELD_LABELS = {
    "doctor_name": gettext_lazy("doctor"), "admitted_on": gettext_lazy("admitted on"),
    "discharged_on": gettext_lazy("discharged on"), "admission_details": gettext_lazy("on admission"),
    "admission_reason": gettext_lazy("reason for admission"),
    "admission_diagnoses": gettext_lazy("diagnoses on admission"), "chief_complaint": gettext_lazy("chief complaint"),
    "present_illness": gettext_lazy("present illness"), "past_history": gettext_lazy("past history"),
    "allergies": gettext_lazy("allergies"), "admission_medications": gettext_lazy("medication on admission"),
    "social_history": gettext_lazy("social history"), "admission_findings": gettext_lazy("findings on admission"),
    "family_history": gettext_lazy("family history"), "hospital_course": gettext_lazy("course in hospital"),
    "discharge_details": gettext_lazy("on discharge"), "discharge_diagnoses": gettext_lazy("diagnoses on discharge"),
    "discharge_medications": gettext_lazy("medication on discharge"),
    "discharge_plan": gettext_lazy("plan after discharge"),
    "discharge_findings": gettext_lazy("findings on discharge"), "treatments": gettext_lazy("treatment in hospital"),
    "test_results": gettext_lazy("test results"), "advance_directive": gettext_lazy("advance directive"),
}


@policy.requires(WRITE, get_object=handoff_loader(WRITE))
def fhir_import(request, handoff_id, obj):
    """Upload a hospital's eDischargeSummary file: the next version of the discharge summary, all or nothing,
    with a report of what was imported."""
    handoff = obj
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"patient": handoff.patient, "tab": "handoffs", "handoff": handoff, "form": form,
               "back": handoff_page(handoff.pk), "max_mb": services.MAX_BUNDLE_BYTES // (1024 * 1024)}
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_BUNDLE_BYTES:
                raise FhirDocumentError(_("The file is too large (%(mb)s MB at most).")
                                        % {"mb": context["max_mb"]})
            bundle = read_bundle(upload.read(services.MAX_BUNDLE_BYTES + 1))
            result = services.document_import_fhir(membership=request.membership, handoff=handoff,
                                                   bundle=bundle)
        except FhirDocumentError as error:
            context["reasons"] = error.reasons
            status = 422
        else:
            data = result.document.data
            context["result"] = result
            context["rows"] = [{"label": FIELD_LABELS.get(k, k), "filled": k in result.filled,
                                "count": len(data[k]) if isinstance(data.get(k), list) else None}
                               for k in FIELDS["discharge_summary"]]
    if "result" not in context:  # the page shows the patient; a successful import logged its own entry
        record_read(handoff, what=gettext_noop("FHIR import page"), permission=WRITE)
    return render(request, "handoff/fhir_import.html", context, status=status)


def section_context(membership, handoff) -> dict | None:
    """The FHIR section of the handoff page: downloads of the forms that exist, the import for those who write."""
    kinds = selectors.latest_kinds(handoff)
    can_import = policy.check(membership, WRITE, handoff)
    if not kinds and not can_import:
        return None
    return {"handoff": handoff, "has_referral": DocumentKind.REFERRAL in kinds,
            "has_summary": DocumentKind.DISCHARGE_SUMMARY in kinds, "can_import": can_import}


@registrations.on_ready
def register_fhir_section() -> None:
    sections.register("fhir", "handoff/_fhir_section.html", section_context, order=80)


urlpatterns: list = [
    path("<int:handoff_id>/fhir/referral.json", fhir_referral_download, name="fhir_referral_download"),
    path("<int:handoff_id>/fhir/discharge-summary.json", fhir_discharge_summary_download,
         name="fhir_discharge_summary_download"),
    path("<int:handoff_id>/fhir/import/", fhir_import, name="fhir_import"),
]
