"""Staff screens for facilities: list, detail, create and edit, hours, collaboration details, close and reopen,
and merging (manual and from the review list of merge candidates)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.concurrency import StaleEdit, render_conflict

from ..forms import (
    CandidateMergeForm,
    CollaborationDetailsForm,
    FacilityCloseForm,
    FacilityForm,
    MergeForm,
    OpeningHoursForm,
)
from ..models import Facility, FacilityKind, MergeCandidate
from ..selectors import directory as staff_selectors
from ..selectors.facilities import (
    PROFESSIONAL_DATA,
    PROFESSIONAL_PERMISSION,
    attributes_for,
    shows_professional_data,
    stale_before,
    visible_collaboration_details,
)
from ..services import facilities as facility_services
from ..services import merging
from ..taxonomy import SERVICE_TYPES

PAGE_SIZE = 50
STALE_MONTHS = 12


def _facility(request, facility_id, **kwargs) -> Facility:
    facility = staff_selectors.facility_for_page(facility_id)
    if facility is None:
        raise Http404
    return facility


def _candidate_facility(request, candidate_id, **kwargs) -> Facility:
    """The policy object of a merge candidate: its first facility (the service checks the second too)."""
    return _candidate(candidate_id).facility


def _candidate(candidate_id) -> MergeCandidate:
    return get_object_or_404(MergeCandidate.objects.select_related("facility__municipality", "other__municipality"),
                             pk=candidate_id)


def _acting_name(request) -> str:
    """Who confirms, as recorded on a collaboration detail: the person and the organization they act for."""
    user, membership = request.user, request.membership
    name = user.display_name or user.email
    return f"{name}（{membership.organization.name}）" if membership else name


def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except (TemplateDoesNotExist, TemplateSyntaxError):
        return False
    return True


def _url_if_exists(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


# --- list ----------------------------------------------------------------------------------------------

@policy.requires("directory.view")
def facility_list_view(request):
    membership = request.membership
    params, errors = staff_selectors.parse_staff_filter(
        request.GET, default_municipality=membership.organization.municipality, membership=membership)
    facilities = staff_selectors.staff_facilities(params)
    page = Paginator(staff_selectors.with_last_confirmed(facilities), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page, "params": params, "errors": errors, "query": query.urlencode(),
        "kind_counts": staff_selectors.counts_by_kind(
            staff_selectors.staff_facilities(staff_selectors.without_kinds(params))),
        "kinds": FacilityKind.choices, "service_types": [(c, n[0]) for c, n in SERVICE_TYPES.items()],
        "capabilities": staff_selectors.capability_attributes(membership.organization.municipality),
        "areas": staff_selectors.areas_for(params.municipality_code),
        "more_filters": bool(params.departments or params.area_id or params.status != "open" or params.stale_months
                             or params.no_position or "municipality" in request.GET),
        "stale_threshold": stale_before(params.stale_months) if params.stale_months else None,
        "can_create": policy.check(membership, "directory.manage_facilities"),
        "merge_count": (staff_selectors.merge_candidate_count(membership)
                        if policy.check(membership, "directory.merge_facilities") else 0),
    }
    survey_url = _url_if_exists("directory:survey_round_create")
    if params.stale_months and survey_url and policy.check(membership, "directory.manage_surveys"):
        context["survey_url"] = survey_url + "?" + urlencode(
            [("stale_months", params.stale_months), *(("kind", k) for k in params.kinds),
             *([("area", params.area_id)] if params.area_id else [])])
    if request.htmx:  # htmx swaps only 2xx answers: the results partial carries the messages instead
        return render(request, "directory/facilities/_results.html", context)
    return render(request, "directory/facilities/list.html", context, status=400 if errors else 200)


# --- detail --------------------------------------------------------------------------------------------

@policy.requires("directory.view", get_object=_facility)
def facility_detail_view(request, facility_id, obj):
    membership = request.membership
    categories = visible_collaboration_details(obj, membership, stale_months=STALE_MONTHS)
    if shows_professional_data(categories):
        audit.record_read(obj, what=PROFESSIONAL_DATA, permission=PROFESSIONAL_PERMISSION)
    return render(request, "directory/facilities/detail.html", {
        "facility": obj,
        "identifiers": staff_selectors.identifiers_by_scheme(obj),
        "hours": staff_selectors.hours_table(obj),
        "categories": categories,
        "stale_months": STALE_MONTHS,
        "sources": staff_selectors.sources_of(obj),
        "can_manage": policy.check(membership, "directory.manage_facilities", obj),
        "can_merge": policy.check(membership, "directory.merge_facilities", obj),
        "survey_history_url": _url_if_exists("directory:survey_facility_history", obj.pk),
        "has_map": obj.has_position and _template_exists("directory/_map.html"),
        "map_center": f"{obj.latitude},{obj.longitude}" if obj.has_position else "",
        "merged_into": _merged_into(obj),
    })


def _merged_into(facility: Facility) -> int | None:
    """The entry a merged facility was folded into (its closing reason names it as "#id")."""
    match = re.search(r"#(\d+)\)?$", facility.closed_reason) if facility.closed_reason.startswith("merged") else None
    return int(match.group(1)) if match else None


@policy.requires("directory.view", get_object=_facility)
def facility_position_view(request, facility_id, obj):
    """The facility as a one-point GeoJSON FeatureCollection, for the small map on its page."""
    features = []
    if obj.has_position:
        popup = f"<strong>{escape(obj.name)}</strong><br>{escape(obj.address)}"
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [obj.longitude, obj.latitude]},
                         "properties": {"id": obj.pk, "kind": obj.kind, "kind_label": str(obj.get_kind_display()),
                                        "kind_group_label": str(obj.get_kind_display()),
                                        "name": obj.name, "popup_html": popup}})
    return JsonResponse({"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False})


# --- create and edit -----------------------------------------------------------------------------------

def _facility_form(request, facility: Facility, *, created: bool):
    form = FacilityForm(request.POST or None, instance=facility)
    if request.method == "POST" and form.is_valid():
        if not policy.check(request.membership, "directory.manage_facilities", form.instance):
            form.add_error("municipality_code", _("You may only manage facilities in your own area."))
        else:
            try:
                with transaction.atomic():
                    facility_services.facility_save(facility=form.instance,
                                                    expected_version=form.cleaned_data.get("version"))
                    facility_services.facility_identifiers_set(facility=form.instance, codes=form.identifier_codes())
            except StaleEdit as stale:
                stored = staff_selectors.facility_for_page(facility.pk)
                return render_conflict(request, "directory/facilities/form.html",
                                       {"facility": stored, "created": False,
                                        "has_map": _template_exists("directory/_map.html")},
                                       form=form, current_form=FacilityForm(instance=stored), stale=stale,
                                       rebind=lambda data: FacilityForm(data, instance=stored))
            except ValidationError as error:
                form.add_error(None, error)
                if created:  # the row was rolled back: the form stays a creation form
                    form.instance.pk, form.instance._state.adding = None, True
            else:
                messages.success(request, _("Saved “%(name)s”.") % {"name": form.instance.name})
                return redirect("directory:facility_detail", facility_id=form.instance.pk)
    return render(request, "directory/facilities/form.html", {
        "form": form, "facility": facility, "created": created,
        "has_map": _template_exists("directory/_map.html"),
    }, status=400 if form.errors else 200)


@policy.requires("directory.manage_facilities")
def facility_create_view(request):
    own = request.membership.organization
    facility = Facility(kind=request.GET.get("kind") if request.GET.get("kind") in FacilityKind.values
                        else FacilityKind.CLINIC)
    if own.municipality_id:
        facility.municipality, facility.prefecture = own.municipality, own.municipality.prefecture
    return _facility_form(request, facility, created=True)


@policy.requires("directory.manage_facilities", get_object=_facility)
def facility_edit_view(request, facility_id, obj):
    return _facility_form(request, obj, created=False)


@policy.requires("directory.manage_facilities", get_object=_facility)
def facility_hours_view(request, facility_id, obj):
    form = OpeningHoursForm(request.POST or None, facility=obj)
    if request.method == "POST" and form.is_valid():
        try:
            facility_services.opening_hours_replace(facility=obj, periods=form.periods,
                                                    closed_on_holidays=form.cleaned_data["closed_on_holidays"],
                                                    hours_note=form.cleaned_data["hours_note"],
                                                    expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = staff_selectors.facility_for_page(obj.pk)
            return render_conflict(request, "directory/facilities/hours.html", {"facility": stored},
                                   form=form, current_form=OpeningHoursForm(facility=stored), stale=stale,
                                   rebind=lambda data: OpeningHoursForm(data, facility=stored))
        messages.success(request, _("Opening hours of “%(name)s” saved.") % {"name": obj.name})
        return redirect("directory:facility_detail", facility_id=obj.pk)
    return render(request, "directory/facilities/hours.html", {"form": form, "facility": obj},
                  status=400 if form.errors else 200)


# --- collaboration details ------------------------------------------------------------------------------

@policy.requires("directory.manage_facilities", get_object=_facility)
def collaboration_details_view(request, facility_id, obj):
    attributes = attributes_for(obj.kind, obj.municipality)
    details = {d.attribute.code: d for d in obj.collaboration_details.select_related("attribute")}
    current = {code: d.value for code, d in details.items()}
    form = CollaborationDetailsForm(request.POST or None, attributes=attributes, current=current, facility=obj)
    if request.method == "POST" and form.is_valid():
        answers = form.changed_answers()
        try:
            facility_services.collaboration_details_confirm(
                facility=obj, answers=answers, confirmed_by=_acting_name(request), user=request.user,
                source="staff", expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            return _details_conflict(request, obj.pk, form, stale)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if answers:
                messages.success(request, _("%(n)s collaboration details of “%(name)s” saved as confirmed today.")
                                 % {"n": len(answers), "name": obj.name})
            else:
                messages.info(request, _("Nothing changed. Use “Confirm unchanged” to record that the details "
                                         "were checked today."))
            return redirect("directory:facility_detail", facility_id=obj.pk)
    threshold = stale_before(STALE_MONTHS)
    return render(request, "directory/facilities/details_form.html", {
        "form": form, "facility": obj, "groups": form.groups(details), "stale_threshold": threshold,
    }, status=400 if form.errors else 200)


def _details_conflict(request, facility_id: int, form, stale: StaleEdit):
    """The collaboration details' conflict screen, over the facility's details as stored now."""
    stored = staff_selectors.facility_for_page(facility_id)
    attributes = attributes_for(stored.kind, stored.municipality)
    details = {d.attribute.code: d for d in stored.collaboration_details.select_related("attribute")}
    current = {code: d.value for code, d in details.items()}
    context = {"facility": stored, "stale_threshold": stale_before(STALE_MONTHS)}

    def rebind(data):
        rebound = CollaborationDetailsForm(data, attributes=attributes, current=current, facility=stored)
        context["groups"] = rebound.groups(details)
        return rebound

    return render_conflict(request, "directory/facilities/details_form.html", context, form=form,
                           current_form=CollaborationDetailsForm(attributes=attributes, current=current,
                                                                 facility=stored),
                           stale=stale, rebind=rebind)


@policy.requires("directory.manage_facilities", get_object=_facility)
def collaboration_details_reconfirm_view(request, facility_id, obj):
    if request.method == "POST":
        saved = facility_services.collaboration_details_reconfirm(facility=obj, confirmed_by=_acting_name(request),
                                                                  user=request.user)
        messages.success(request, _("%(n)s collaboration details of “%(name)s” confirmed unchanged today.")
                         % {"n": len(saved), "name": obj.name})
    return redirect("directory:facility_detail", facility_id=obj.pk)


# --- close and reopen ------------------------------------------------------------------------------------

@policy.requires("directory.manage_facilities", get_object=_facility)
def facility_close_view(request, facility_id, obj):
    form = FacilityCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        facility_services.facility_close(facility=obj, closed_on=form.cleaned_data["closed_on"],
                                         reason=form.cleaned_data["reason"])
        messages.success(request, _("“%(name)s” is marked closed. Its entry and history are kept.")
                         % {"name": obj.name})
        return redirect("directory:facility_detail", facility_id=obj.pk)
    return render(request, "directory/facilities/close.html", {"form": form, "facility": obj},
                  status=400 if form.errors else 200)


@policy.requires("directory.manage_facilities", get_object=_facility)
def facility_reopen_view(request, facility_id, obj):
    if request.method == "POST" and obj.status == Facility.Status.CLOSED:
        facility_services.facility_reopen(facility=obj)
        messages.success(request, _("“%(name)s” is open again.") % {"name": obj.name})
    return redirect("directory:facility_detail", facility_id=obj.pk)


# --- merging ---------------------------------------------------------------------------------------------

def _pair(keep: Facility, absorb: Facility) -> dict:
    return {"a": keep, "b": absorb, "a_codes": staff_selectors.identifiers_by_scheme(keep),
            "b_codes": staff_selectors.identifiers_by_scheme(absorb),
            "a_sources": staff_selectors.sources_of(keep), "b_sources": staff_selectors.sources_of(absorb),
            "distance_km": staff_selectors.distance_km(keep, absorb)}


@policy.requires("directory.merge_facilities", get_object=_facility)
def facility_merge_view(request, facility_id, obj):
    """Merge this entry with another one: find it, compare side by side, choose which to keep."""
    q = (request.GET.get("q") or "").strip()[:100]
    other = None
    other_id = request.POST.get("other") or request.GET.get("other")
    if other_id and str(other_id).isdecimal():  # isdigit() also admits "²", which int() refuses
        other = staff_selectors.facility_for_page(int(other_id))
        if other is None or other.pk == obj.pk or not policy.check(request.membership,
                                                                   "directory.merge_facilities", other):
            messages.error(request, _("That entry cannot be merged with this one."))
            other = None
    form = MergeForm(request.POST or None, initial={"other": other.pk if other else None})
    if request.method == "POST" and other is not None and form.is_valid():
        keep, absorb = (obj, other) if form.cleaned_data["keep"] == MergeForm.KEEP_THIS else (other, obj)
        try:
            merging.facilities_merge(keep=keep, absorb=absorb, membership=request.membership)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(absorbed)s” was merged into “%(kept)s” and closed.")
                             % {"absorbed": absorb.name, "kept": keep.name})
            return redirect("directory:facility_detail", facility_id=keep.pk)
    return render(request, "directory/facilities/merge.html", {
        "facility": obj, "q": q, "form": form, "other": other,
        "pair": _pair(obj, other) if other else None,
        "partners": [] if other else staff_selectors.merge_partners(obj, request.membership, q=q),
    }, status=400 if form.errors else 200)


@policy.requires("directory.merge_facilities")
def merge_candidate_list_view(request):
    candidates = staff_selectors.pending_merge_candidates(request.membership)
    page = Paginator(candidates, 20).get_page(request.GET.get("page"))
    return render(request, "directory/facilities/merge_candidates.html", {
        "page": page, "pairs": [(c, _pair(c.facility, c.other)) for c in page],
    })


@policy.requires("directory.merge_facilities", get_object=_candidate_facility)
def merge_candidate_merge_view(request, candidate_id, obj):
    candidate = _candidate(candidate_id)
    if request.method == "POST" and candidate.status == MergeCandidate.Status.PENDING:
        form = CandidateMergeForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("Choose which of the two entries to keep."))
            kept = merging.merge_candidate_merge(candidate=candidate, keep_id=form.cleaned_data["keep"],
                                                 membership=request.membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Merged into “%(name)s”.") % {"name": kept.name})
    return redirect("directory:merge_candidate_list")


@policy.requires("directory.merge_facilities", get_object=_candidate_facility)
def merge_candidate_dismiss_view(request, candidate_id, obj):
    candidate = _candidate(candidate_id)
    if request.method == "POST" and candidate.status == MergeCandidate.Status.PENDING:
        merging.merge_candidate_dismiss(candidate=candidate, membership=request.membership)
        messages.success(request, _("Recorded: “%(a)s” and “%(b)s” are different facilities.")
                         % {"a": candidate.facility.name, "b": candidate.other.name})
    return redirect("directory:merge_candidate_list")


urlpatterns = [
    path("facilities/", facility_list_view, name="facility_list"),
    path("facilities/new/", facility_create_view, name="facility_create"),
    path("facilities/<int:facility_id>/", facility_detail_view, name="facility_detail"),
    path("facilities/<int:facility_id>/position.geojson", facility_position_view, name="facility_position"),
    path("facilities/<int:facility_id>/edit/", facility_edit_view, name="facility_edit"),
    path("facilities/<int:facility_id>/hours/", facility_hours_view, name="facility_hours"),
    path("facilities/<int:facility_id>/details/", collaboration_details_view, name="facility_details"),
    path("facilities/<int:facility_id>/details/confirm/", collaboration_details_reconfirm_view,
         name="facility_details_reconfirm"),
    path("facilities/<int:facility_id>/close/", facility_close_view, name="facility_close"),
    path("facilities/<int:facility_id>/reopen/", facility_reopen_view, name="facility_reopen"),
    path("facilities/<int:facility_id>/merge/", facility_merge_view, name="facility_merge"),
    path("merge-candidates/", merge_candidate_list_view, name="merge_candidate_list"),
    path("merge-candidates/<int:candidate_id>/merge/", merge_candidate_merge_view, name="merge_candidate_merge"),
    path("merge-candidates/<int:candidate_id>/dismiss/", merge_candidate_dismiss_view,
         name="merge_candidate_dismiss"),
]
