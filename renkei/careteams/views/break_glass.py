"""Break-glass screens: opening a record in an emergency (from "exists elsewhere" or a patient number typed
in), ending it from the banner, and the responsible person's review list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from renkei.core import policy

from .. import access
from ..forms.consent import BreakGlassForm, PatientNumberForm, ReviewForm
from ..models import CareTeam, Patient
from ..selectors import break_glass as selectors
from ..services import break_glass as services

BREAK, END, REVIEW = "careteams.break_glass", "careteams.end_break_glass", "careteams.review_break_glass"


def _patient_without_reading(request, patient_id, **kwargs) -> Patient:
    """The patient row for the break-glass screen, which shows only its number (no data is read): 404 when
    missing; the decorator then asks the policy (careteams.break_glass)."""
    try:
        pk = int(patient_id)
        if not 0 < pk < 2**63:
            raise ValueError(pk)
        return Patient.objects.select_related("municipality").get(pk=pk)
    except (Patient.DoesNotExist, TypeError, ValueError, OverflowError) as exc:
        raise Http404("patient") from exc


def _glass(request, glass_id, **kwargs):
    glass = selectors.break_glass_of(glass_id)
    if glass is None:
        raise Http404("break-glass access")
    return glass


def _patient_page(patient_id: int) -> str:
    try:
        return reverse("careteams:patient_detail", kwargs={"patient_id": patient_id})
    except NoReverseMatch:
        return reverse("careteams:consent_list", kwargs={"patient_id": patient_id})


@policy.requires(BREAK)
def break_glass_open_view(request):
    """Type a patient number (or come from "exists elsewhere" with ?team=): then the break-glass form."""
    team_id = request.GET.get("team", "")
    if team_id.isdigit() and len(team_id) < 19:
        patient_id = CareTeam.objects.filter(pk=int(team_id)).values_list("patient_id", flat=True).first()
        if patient_id is None:
            raise Http404("care team")
        return redirect("careteams:break_glass_start", patient_id=patient_id)
    form = PatientNumberForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("careteams:break_glass_start", patient_id=form.cleaned_data["number"])
    return render(request, "careteams/break_glass_open.html", {"form": form}, status=400 if form.errors else 200)


@policy.requires(BREAK, get_object=_patient_without_reading)
def break_glass_start_view(request, patient_id, obj):
    membership = request.membership
    if policy.check(membership, "careteams.view_patient", obj):
        messages.info(request, _("You can already open this record."))
        return redirect(_patient_page(obj.pk))
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_start(membership=membership, patient=obj, reason=form.cleaned_data["reason"],
                                       minutes=form.cleaned_data["minutes"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.warning(request, _("Emergency access is open. Everything you open is logged with your reason."))
            return redirect(_patient_page(obj.pk))
    return render(request, "careteams/break_glass_start.html", {
        "patient_number": obj.pk, "form": form, "max_minutes": access.BREAK_GLASS_MINUTES,
        "on_team": access.is_current_team_member(membership, obj),
    }, status=400 if form.errors else 200)


@policy.requires(END, get_object=_glass)
def break_glass_end_view(request, glass_id, obj):
    if request.method == "POST":
        services.break_glass_end(membership=request.membership, glass=obj)
        messages.success(request, _("The emergency access has ended."))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and \
            not back.startswith(f"/patients/{obj.patient_id}/"):
        return redirect(back)
    return redirect("core:home")


@policy.requires(REVIEW)
def break_glass_review_view(request):
    return render(request, "careteams/break_glass_review.html", {
        "accesses": selectors.review_list(request.membership), "form": ReviewForm(),
    })


@policy.requires(REVIEW, get_object=_glass)
def break_glass_review_mark_view(request, glass_id, obj):
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                services.break_glass_review(membership=request.membership, glass=obj, note=form.cleaned_data["note"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Marked as reviewed."))
        else:
            messages.error(request, _("Write a review note."))
    return redirect("careteams:break_glass_review")


urlpatterns = [
    path("break-glass/", break_glass_open_view, name="break_glass_open"),
    path("break-glass/review/", break_glass_review_view, name="break_glass_review"),
    path("break-glass/<int:glass_id>/end/", break_glass_end_view, name="break_glass_end"),
    path("break-glass/<int:glass_id>/review/", break_glass_review_mark_view, name="break_glass_review_mark"),
    path("<int:patient_id>/break-glass/", break_glass_start_view, name="break_glass_start"),
]
