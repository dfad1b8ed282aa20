"""Participants of a series (add one, add a list, cancel), the attendance checklist and the certificates.

Participants' names are professionals' work contact data: only those who run the series see them, and each page
or file that shows them is logged as a read (or an export).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from renkei.core import audit, policy

from ..models import Registration
from ..selectors import series as selectors
from ..series_documents import certificates_pdf
from ..services import series as services
from . import _series_loaders as loaders
from ._series_forms import RegistrationForm, RegistrationImportForm

PARTICIPANTS, MANAGE = "training.view_participants", "training.manage_series"


def _participants_page(request, series, *, form=None, import_form=None, import_errors=None, over_capacity=None,
                       status=200):
    rows = selectors.participants(series)
    audit.record_read(series, what=gettext_noop("participant names"), permission=PARTICIPANTS)
    return render(request, "training/series/participants.html", {
        "series": series, "rows": rows, "capacity": selectors.series_capacity(series),
        "registered": sum(1 for r in rows if r.cancelled_at is None),
        "form": form or RegistrationForm(series=series), "import_form": import_form or RegistrationImportForm(),
        "import_errors": import_errors or [], "over_capacity": over_capacity,
    }, status=status)


@policy.requires(PARTICIPANTS, get_object=loaders.series)
def registration_list_view(request, series_id, obj):
    return _participants_page(request, obj)


@policy.requires(MANAGE, get_object=loaders.series)
def registration_add_view(request, series_id, obj):
    if request.method != "POST":
        return redirect("training:registration_list", series_id=obj.pk)
    policy.require(request.membership, PARTICIPANTS, obj)
    form = RegistrationForm(request.POST, series=obj)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.registration_add(
                membership=request.membership, series=obj, name=data["name"], profession=data["profession"],
                profession_other=data["profession_other"], facility=data["facility"], member=data["member"],
                organization_name=data["organization_name"], email=data["email"],
                confirm_over_capacity=data["confirm_over_capacity"])
        except services.OverCapacity as error:
            return _participants_page(request, obj, form=form, over_capacity=error.messages[0], status=409)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Registered the participant."))
            return redirect("training:registration_list", series_id=obj.pk)
    return _participants_page(request, obj, form=form, status=400)


@policy.requires(MANAGE, get_object=loaders.series)
def registration_import_view(request, series_id, obj):
    if request.method != "POST":
        return redirect("training:registration_list", series_id=obj.pk)
    policy.require(request.membership, PARTICIPANTS, obj)
    form = RegistrationImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            text = services.decode_upload(upload.read()) if upload else form.cleaned_data["text"]
            created = services.registrations_import(membership=request.membership, series=obj, text=text,
                                                    confirm_over_capacity=form.cleaned_data["confirm_over_capacity"])
        except services.ImportRejected as error:
            return _participants_page(request, obj, import_form=form, import_errors=error.line_errors, status=400)
        except services.OverCapacity as error:
            return _participants_page(request, obj, import_form=form, over_capacity=error.messages[0], status=409)
        messages.success(request, _("Registered %(n)s participants.") % {"n": len(created)})
        return redirect("training:registration_list", series_id=obj.pk)
    return _participants_page(request, obj, import_form=form, status=400)


@policy.requires(MANAGE, get_object=loaders.series)
def facility_search_view(request, series_id, obj):
    """htmx: the directory's open facilities of the municipality matching `q` (a list to pick from)."""
    q = (request.GET.get("q") or "").strip()
    return render(request, "training/series/_facility_results.html",
                  {"facilities": selectors.facilities_to_register(obj, q), "q": q})


@policy.requires(MANAGE, get_object=loaders.registration)
def registration_cancel_view(request, registration_id, obj):
    if request.method == "POST":
        services.registration_cancel(membership=request.membership, registration=obj)
        messages.success(request, _("The registration was cancelled."))
    return redirect("training:registration_list", series_id=obj.series_id)


# --- attendance -------------------------------------------------------------------------------------------

def _checklist(request, session, *, status=200, error=""):
    audit.record_read(session.series, what=gettext_noop("participant names"), permission=PARTICIPANTS)
    rows = selectors.attendance_checklist(session)
    return render(request, "training/series/attendance.html", {
        "session": session, "series": session.series, "rows": rows, "error": error,
        "present": sum(1 for r in rows if r.attended),
        "is_open": session.status != "cancelled" and session.starts_at <= timezone.now(),
    }, status=status)


@policy.requires(MANAGE, get_object=loaders.session)
def attendance_view(request, session_id, obj):
    """The phone checklist of a session: each registered participant, present or not."""
    return _checklist(request, obj)


@policy.requires(MANAGE, get_object=loaders.session)
def attendance_toggle_view(request, session_id, registration_id, obj):
    """Mark one participant present or absent (htmx: answers the row; without htmx: the checklist)."""
    if request.method != "POST":
        return redirect("training:attendance", session_id=obj.pk)
    registration = get_object_or_404(Registration, pk=registration_id, series_id=obj.series_id)
    try:
        attendance = services.attendance_set(membership=request.membership, session=obj, registration=registration,
                                             attended=request.POST.get("attended") == "1")
    except ValidationError as error:
        return _checklist(request, obj, status=400, error=error.messages[0])
    if request.headers.get("HX-Request"):
        return render(request, "training/series/_attendance_row.html",
                      {"row": selectors.ChecklistRow(registration, attendance.attended), "session": obj,
                       "is_open": True})
    return redirect("training:attendance", session_id=obj.pk)


@policy.requires(MANAGE, get_object=loaders.session)
def attendance_all_view(request, session_id, obj):
    if request.method != "POST":
        return redirect("training:attendance", session_id=obj.pk)
    try:
        changed = services.attendance_mark_all(membership=request.membership, session=obj)
    except ValidationError as error:
        return _checklist(request, obj, status=400, error=error.messages[0])
    messages.success(request, _("Marked %(n)s more participants present.") % {"n": changed})
    return redirect("training:attendance", session_id=obj.pk)


# --- certificates -----------------------------------------------------------------------------------------

def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@policy.requires(PARTICIPANTS, get_object=loaders.registration)
def certificate_view(request, registration_id, obj):
    """One participant's certificate (only after attending at least one session)."""
    series = selectors.series_or_404(obj.series_id)
    found = [r for r in selectors.attended_registrations(series) if r.pk == obj.pk]
    if not found:
        messages.error(request, _("A certificate is given only to participants who attended a session."))
        return redirect("training:registration_list", series_id=series.pk)
    services.export_record(series_or_municipality=series, what="certificate", count=1)
    return _pdf(certificates_pdf(series, found), f"certificate-{series.pk}-{obj.pk}.pdf")


@policy.requires(PARTICIPANTS, get_object=loaders.series)
def certificates_view(request, series_id, obj):
    """Every attendee's certificate in one PDF, a page each."""
    attendees = selectors.attended_registrations(obj)
    if not attendees:
        messages.error(request, _("Nobody has attended a session of this series yet."))
        return redirect("training:registration_list", series_id=obj.pk)
    services.export_record(series_or_municipality=obj, what="certificates", count=len(attendees))
    return _pdf(certificates_pdf(obj, attendees), f"certificates-{obj.pk}.pdf")


urlpatterns = [
    path("series/<int:series_id>/participants/", registration_list_view, name="registration_list"),
    path("series/<int:series_id>/participants/add/", registration_add_view, name="registration_add"),
    path("series/<int:series_id>/participants/import/", registration_import_view, name="registration_import"),
    path("series/<int:series_id>/participants/facilities/", facility_search_view, name="registration_facilities"),
    path("series/<int:series_id>/certificates/", certificates_view, name="certificates"),
    path("registrations/<int:registration_id>/cancel/", registration_cancel_view, name="registration_cancel"),
    path("registrations/<int:registration_id>/certificate/", certificate_view, name="certificate"),
    path("sessions/<int:session_id>/attendance/", attendance_view, name="attendance"),
    path("sessions/<int:session_id>/attendance/all/", attendance_all_view, name="attendance_all"),
    path("sessions/<int:session_id>/attendance/<int:registration_id>/", attendance_toggle_view,
         name="attendance_toggle"),
]
