"""Meetings: create, edit and read one (agenda, attendees, minutes, decisions, materials, actions decided
there), materials served only after the policy, and the meeting pack PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from renkei.core import audit, policy
from renkei.core.concurrency import StaleEdit, render_conflict
from renkei.core.models import AuditEntry

from ..forms.councils import DecisionForm, MaterialForm, MeetingForm
from ..models import Meeting
from ..pack import meeting_pack_pdf
from ..selectors import councils as selectors
from ..services import meetings as meeting_services
from . import _loaders

VIEW, MANAGE = "pdca.view_council", "pdca.manage_council"


def _meeting_form(request, meeting: Meeting):
    council = meeting.council
    form = MeetingForm(request.POST or None, instance=meeting, council=council)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_services.meeting_save(membership=request.membership, meeting=form.instance,
                                          attendees=list(form.cleaned_data["attendees"]),
                                          expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "pdca/meeting_form.html", {"meeting": stored, "council": council},
                                   form=form, current_form=MeetingForm(instance=stored, council=council),
                                   stale=stale, rebind=lambda data: MeetingForm(data, instance=stored,
                                                                                council=council))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the meeting."))
            return redirect("pdca:meeting_detail", meeting_id=form.instance.pk)
    return render(request, "pdca/meeting_form.html", {"form": form, "meeting": meeting, "council": council},
                  status=400 if form.errors else 200)


@policy.requires(MANAGE, get_object=_loaders.council)
def meeting_create_view(request, council_id, obj):
    return _meeting_form(request, Meeting(council=obj))


@policy.requires(MANAGE, get_object=_loaders.meeting)
def meeting_edit_view(request, meeting_id, obj):
    return _meeting_form(request, obj)


def _detail_context(request, meeting: Meeting) -> dict:
    meeting = selectors.meeting_with_details(meeting.pk)
    issues = list(selectors.meeting_issues(meeting))
    attendee_ids = {seat.pk for seat in meeting.attendees.all()}
    seats = [seat for seat in selectors.council_members(meeting.council, active_only=False)
             if seat.is_active or seat.pk in attendee_ids]  # an ended seat shows where it attended
    return {
        "meeting": meeting, "council": meeting.council,
        "seats": seats, "attendee_ids": attendee_ids,
        "agenda_items": [line.strip() for line in meeting.agenda.splitlines() if line.strip()],
        "decisions": meeting.decisions.all(), "materials": meeting.materials.all(),
        "issues": issues, "actions_visible": True,  # decided here: whoever sees the meeting sees them
        "actions": meeting.actions.select_related("owner__user", "owner_organization", "issue"),
        "measures": selectors.measure_labels(meeting.council.municipality),
        "decision_form": DecisionForm(), "material_form": MaterialForm(),
    }


@policy.requires(VIEW, get_object=_loaders.meeting)
def meeting_detail_view(request, meeting_id, obj):
    return render(request, "pdca/meeting_detail.html", _detail_context(request, obj))


@policy.requires(MANAGE, get_object=_loaders.meeting)
def decision_add_view(request, meeting_id, obj):
    if request.method != "POST":
        return redirect("pdca:meeting_detail", meeting_id=obj.pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.decision_add(membership=request.membership, meeting=obj, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Recorded the decision."))
            return redirect(reverse("pdca:meeting_detail", args=[obj.pk]) + "#decisions")
    context = _detail_context(request, obj)
    context["decision_form"] = form
    return render(request, "pdca/meeting_detail.html", context, status=400)


@policy.requires(MANAGE, get_object=_loaders.decision)
def decision_delete_view(request, decision_id, obj):
    if request.method == "POST":
        meeting_services.decision_delete(membership=request.membership, decision=obj)
        messages.success(request, _("Removed the decision."))
    return redirect(reverse("pdca:meeting_detail", args=[obj.meeting_id]) + "#decisions")


@policy.requires(MANAGE, get_object=_loaders.meeting)
def material_upload_view(request, meeting_id, obj):
    if request.method != "POST":
        return redirect("pdca:meeting_detail", meeting_id=obj.pk)
    form = MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            meeting_services.material_add(membership=request.membership, meeting=obj,
                                          title=form.cleaned_data["title"], upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("Attached the material."))
            return redirect(reverse("pdca:meeting_detail", args=[obj.pk]) + "#materials")
    context = _detail_context(request, obj)
    context["material_form"] = form
    return render(request, "pdca/meeting_detail.html", context, status=400)


@policy.requires(VIEW, get_object=_loaders.material)
def material_download_view(request, material_id, obj):
    """The file, as an attachment of the type its extension names, to those who may see the meeting."""
    try:
        handle = obj.file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404("material file missing") from error
    audit.record_read(obj, what=gettext_noop("meeting material"), permission=VIEW)
    response = FileResponse(handle, as_attachment=True, filename=obj.file_name or obj.file.name.rsplit("/", 1)[-1],
                            content_type=obj.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@policy.requires(MANAGE, get_object=_loaders.material)
def material_delete_view(request, material_id, obj):
    if request.method == "POST":
        meeting_services.material_delete(membership=request.membership, material=obj)
        messages.success(request, _("Removed the material."))
    return redirect(reverse("pdca:meeting_detail", args=[obj.meeting_id]) + "#materials")


@policy.requires(VIEW, get_object=_loaders.meeting)
def meeting_pack_view(request, meeting_id, obj):
    """The meeting pack (A4 PDF): details, agenda, attendees, issues with their indicators' status, open
    actions. An export entry in the audit log."""
    meeting = selectors.meeting_with_details(obj.pk)
    content = meeting_pack_pdf(meeting)
    audit.record(action=AuditEntry.Action.EXPORT, obj=meeting, permission=VIEW,
                 changes={"format": "pdf", "document": "meeting_pack", "bytes": len(content)})
    response = HttpResponse(content, content_type="application/pdf")
    name = f"{meeting.held_on:%Y%m%d}_{meeting.council.name}_会議資料.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


urlpatterns = [
    path("councils/<int:council_id>/meetings/new/", meeting_create_view, name="meeting_create"),
    path("meetings/<int:meeting_id>/", meeting_detail_view, name="meeting_detail"),
    path("meetings/<int:meeting_id>/edit/", meeting_edit_view, name="meeting_edit"),
    path("meetings/<int:meeting_id>/decisions/", decision_add_view, name="decision_add"),
    path("decisions/<int:decision_id>/delete/", decision_delete_view, name="decision_delete"),
    path("meetings/<int:meeting_id>/materials/", material_upload_view, name="material_upload"),
    path("materials/<int:material_id>/", material_download_view, name="material_download"),
    path("materials/<int:material_id>/delete/", material_delete_view, name="material_delete"),
    path("meetings/<int:meeting_id>/pack.pdf", meeting_pack_view, name="meeting_pack"),
]
