"""The patient's timeline: posts newest first with the compose box at the bottom (thumb reach on a phone),
"読みました" per post, filters, older posts; and the download of an attachment after the policy.

htmx posts and acknowledges in place; without JavaScript the same forms POST and redirect back.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renkei.core import policy

from .. import access, frame, storage
from ..forms.timeline import PostForm
from ..selectors import timeline as selectors
from ..selectors.patients import patient_for
from ..services import timeline as services

VIEW_TIMELINE = "careteams.view_timeline"
POST_TIMELINE = "careteams.post_timeline"
ACKNOWLEDGE = "careteams.acknowledge_post"
DOWNLOAD = "careteams.download_attachment"

frame.register_tab("timeline", gettext_lazy("Timeline"), "careteams:timeline", VIEW_TIMELINE, order=20)


def _patient(request, patient_id, **kwargs):
    return patient_for(request.membership, patient_id, action=VIEW_TIMELINE, record=False)


def _post(request, patient_id, post_id, **kwargs):
    return selectors.post_for(request.membership, patient_id, post_id, action=ACKNOWLEDGE)


def _attachment(request, patient_id, attachment_id, **kwargs):
    return selectors.attachment_for(request.membership, patient_id, attachment_id)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _compose_form(request, patient, data=None, files=None) -> PostForm | None:
    membership = request.membership
    if not policy.check(membership, POST_TIMELINE, patient):
        return None
    author = access.team_member(membership, patient)
    members = [m for m in patient.care_team.members.select_related("membership__user") if m.is_current]
    return PostForm(data, files, members=members, author=author)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")[:-1]


@policy.requires(VIEW_TIMELINE, get_object=_patient)
def timeline_view(request, patient_id, obj):
    how = request.GET.get("show", "")
    before = request.GET.get("before", "")
    if request.method == "POST":
        return _post_create(request, obj)
    page = selectors.timeline_page(request.membership, obj.pk, before=before, how=how)
    context = {"patient": page.patient, "tab": "timeline", "page": page, "show": how if how in selectors.FILTERS
               else "", "filters": _filters(page), "sent_key": request.GET.get("sent", "")}
    if _is_htmx(request) and before:
        return render(request, "careteams/_timeline_older.html", context)
    context["form"] = _compose_form(request, page.patient)
    return render(request, "careteams/timeline.html", context)


def _filters(page) -> list[tuple[str, str]]:
    return [("", _("All")), ("urgent", _("Urgent")), ("mine", _("For me")),
            ("unacknowledged", _("Not yet read (%(count)d)") % {"count": page.unacknowledged_count})]


def _post_create(request, patient):
    policy.require(request.membership, POST_TIMELINE, patient)
    form = _compose_form(request, patient, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = services.post_create(
                membership=request.membership, patient=patient, text=data["text"], kind=data["kind"],
                observations=data.get("observations"), urgency=data["urgency"],
                mention_ids=[int(x) for x in data["mentions"]], recipient_ids=[int(x) for x in data["recipients"]],
                files=data["files"], client_key=data.get("client_key"), base_url=_base_url(request))
        except services.PostRefused as refused:
            message = refused.reason if (request.LANGUAGE_CODE or "ja").startswith("ja") else refused.reason_en
            form.add_error(refused.field if refused.field in form.fields else None, message)
        else:
            return _posted(request, patient, result)
    return _form_with_errors(request, patient, form)


def _posted(request, patient, result):
    key = str(result.post.client_key)
    if _is_htmx(request):
        post = selectors.annotated_post(request.membership, result.post)
        response = render(request, "careteams/_post_created.html", {
            "patient": patient, "post": post, "form": _compose_form(request, patient)})
        response["X-Post-Sent"] = key
        return response
    messages.success(request, _("Sent to the team."))
    return redirect(reverse("careteams:timeline", kwargs={"patient_id": patient.pk}) + f"?sent={key}")


def _form_with_errors(request, patient, form):
    if _is_htmx(request):
        # htmx swaps only 2xx answers: the form with its errors replaces the compose box.
        response = render(request, "careteams/_compose.html", {"patient": patient, "form": form})
        response["HX-Retarget"] = "#compose"
        response["HX-Reswap"] = "outerHTML"
        return response
    page = selectors.timeline_page(request.membership, patient.pk)
    return render(request, "careteams/timeline.html", {
        "patient": page.patient, "tab": "timeline", "page": page, "show": "", "filters": _filters(page),
        "form": form}, status=400)


@require_POST
@policy.requires(ACKNOWLEDGE, get_object=_post)
def post_acknowledge_view(request, patient_id, post_id, obj):
    services.post_acknowledge(membership=request.membership, post=obj)
    if _is_htmx(request):
        post = selectors.annotated_post(request.membership, obj)
        return render(request, "careteams/_post.html", {"patient": obj.patient, "post": post, "focus_read": True})
    messages.success(request, _("Marked as read."))
    return redirect(reverse("careteams:timeline", kwargs={"patient_id": obj.patient_id}) + f"#post-{obj.pk}")


@policy.requires(DOWNLOAD, get_object=_attachment)
def attachment_download_view(request, patient_id, attachment_id, obj):
    try:
        handle = storage.open_patient_file(obj.storage_path)
    except FileNotFoundError as exc:
        raise Http404("file") from exc
    inline = obj.content_type.startswith("image/") or obj.content_type == "application/pdf"
    response = FileResponse(handle, content_type=obj.content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, obj.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    return response


urlpatterns = [
    path("<int:patient_id>/timeline/", timeline_view, name="timeline"),
    path("<int:patient_id>/timeline/<int:post_id>/acknowledge/", post_acknowledge_view, name="post_acknowledge"),
    path("<int:patient_id>/attachments/<int:attachment_id>/", attachment_download_view, name="attachment_download"),
]
