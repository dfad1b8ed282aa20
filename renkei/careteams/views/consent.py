"""Consent screens: a patient's consents (current and withdrawn), recording one, withdrawing one, and the
scanned form's download. The break-glass and access-history screens are in their own modules; their routes
are listed here too (careteams/urls.py takes `urlpatterns` from this module)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.files import FileError
from renkei.core.second_factor import recent_second_factor

from .. import frame, storage
from ..forms.consent import ConsentForm, WithdrawForm
from ..selectors import consent as selectors
from ..selectors.patients import patient_for, record_read
from ..services import consent as services
from . import break_glass, history

VIEW, MANAGE = "careteams.view_patient", "careteams.manage_consent"

frame.register_tab("consents", gettext_lazy("Consent"), "careteams:consent_list", VIEW, order=50)


def patient_loader(action: str):
    """A `get_object` for @policy.requires: the patient when `action` is allowed (404 missing, 403 logged);
    the read entry is written by the selector the view calls."""

    def load(request, patient_id, **kwargs):
        return patient_for(getattr(request, "membership", None), patient_id, action=action, record=False)

    return load


def patient_page(patient_id: int) -> str:
    """The patient's summary page (its owner part may not be merged yet: then the consents)."""
    try:
        return reverse("careteams:patient_detail", kwargs={"patient_id": patient_id})
    except NoReverseMatch:
        return reverse("careteams:consent_list", kwargs={"patient_id": patient_id})


def away_from_patient() -> str:
    """Where to go when the member no longer sees the patient (after a withdrawal that covered them)."""
    try:
        return reverse("careteams:my_patients")
    except NoReverseMatch:
        return reverse("core:home")


def file_error_text(error: FileError) -> str:
    return error.reason if (get_language() or "ja").startswith("ja") else error.reason_en


@policy.requires(VIEW, get_object=patient_loader(VIEW))
def consent_list_view(request, patient_id, obj):
    return render(request, "careteams/consent_list.html", {
        "patient": obj, "tab": "consents", "consents": selectors.patient_consents(obj),
        "can_manage": policy.check(request.membership, MANAGE, obj),
    })


@policy.requires(MANAGE, get_object=patient_loader(MANAGE))
@recent_second_factor
def consent_new_view(request, patient_id, obj):
    form = ConsentForm(request.POST or None, request.FILES or None, patient=obj)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                membership=request.membership, patient=obj, given_by=data["given_by"],
                proxy_name=data["proxy_name"], proxy_relation=data["proxy_relation"], purposes=data["purposes"],
                covers_whole_team=data["covers_whole_team"], organizations=list(data["organizations"]),
                roles=data["roles"], consented_on=data["consented_on"], paper_reference=data["paper_reference"],
                form_upload=data.get("form_file"))
        except FileError as error:
            form.add_error("form_file", file_error_text(error))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("careteams:consent_list", patient_id=obj.pk)
    record_read(obj, what=selectors.CONSENTS, permission=MANAGE)
    return render(request, "careteams/consent_form.html", {"patient": obj, "tab": "consents", "form": form},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE, get_object=patient_loader(MANAGE))
@recent_second_factor
def consent_withdraw_view(request, patient_id, consent_id, obj):
    consent = selectors.consent_of(obj, consent_id)
    if consent.withdrawn_at is not None:
        messages.info(request, _("This consent was already withdrawn."))
        return redirect("careteams:consent_list", patient_id=obj.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(membership=request.membership, consent=consent, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The consent was withdrawn. Those it covered no longer see this patient."))
            if policy.check(request.membership, VIEW, obj):
                return redirect("careteams:consent_list", patient_id=obj.pk)
            return redirect(away_from_patient())
    record_read(consent, what=selectors.CONSENTS, permission=MANAGE)
    return render(request, "careteams/consent_withdraw.html", {
        "patient": obj, "tab": "consents", "consent": consent, "form": form,
    }, status=400 if form.errors else 200)


@policy.requires(VIEW, get_object=patient_loader(VIEW))
def consent_form_download_view(request, patient_id, consent_id, obj):
    consent = selectors.consent_form_for(request.membership, obj.pk, consent_id)
    try:
        handle = storage.open_patient_file(consent.form_file)
    except FileNotFoundError as exc:
        raise Http404("file gone") from exc
    content_type = mimetypes.guess_type(consent.form_file)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, as_attachment=True,
                            filename=consent.form_file_name or consent.form_file.rsplit("/", 1)[-1])
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("<int:patient_id>/consents/", consent_list_view, name="consent_list"),
    path("<int:patient_id>/consents/new/", consent_new_view, name="consent_new"),
    path("<int:patient_id>/consents/<int:consent_id>/withdraw/", consent_withdraw_view, name="consent_withdraw"),
    path("<int:patient_id>/consents/<int:consent_id>/form/", consent_form_download_view,
         name="consent_form_download"),
    *break_glass.urlpatterns,
    *history.urlpatterns,
]
