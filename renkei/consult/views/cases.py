"""Case screens: the desk's list, recording a call or visit, the case page and its actions (edit, add an action,
suggest resources, close, reopen, link a patient, raise a 課題), and the directory search the forms use (htmx).

Every page that shows a case logs a read; every write goes through `services.cases`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, parse_version, render_conflict
from renkei.core.models import Scene

from ..forms.cases import ActionForm, CaseForm, CloseForm, PatientLinkForm, RaiseIssueForm, ReopenForm, ResourcesForm
from ..models import Case, RequesterKind
from ..selectors import cases as selectors
from ..services import cases as services

VIEW = selectors.VIEW
RECORD = selectors.RECORD


def _desk(request, desk_id, **kwargs):
    return selectors.desk_or_404(desk_id)


def _case(request, case_id, **kwargs):
    return selectors.case_or_404(case_id)


def _case_page(case: Case, anchor: str = "") -> str:
    return reverse("consult:case_detail", kwargs={"case_id": case.pk}) + anchor


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@policy.requires(VIEW, get_object=_desk)
def case_list_view(request, desk_id, obj):
    filters = selectors.parse_filters(request.GET)
    cases = selectors.desk_cases(request.membership, obj, filters)
    return render(request, "consult/cases/list.html", {
        "desk": obj, "cases": cases, "filters": filters, "statuses": Case.Status.choices, "scenes": Scene.choices,
        "kinds": RequesterKind.choices, "topics": selectors.topics_for(obj.municipality),
        "month": request.GET.get("month", "")[:7], "q": filters.number})


@policy.requires(RECORD, get_object=_desk)
def case_create_view(request, desk_id, obj):
    form = CaseForm(request.POST if request.method == "POST" else None, desk=obj)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_record(membership=request.membership, desk=obj, data=form.case_data(),
                                        topics=list(form.cleaned_data["topics"]))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s was recorded.") % {"number": case.number})
            return redirect(_case_page(case))
    return render(request, "consult/cases/form.html", {
        "desk": obj, "form": form, "chosen": form.chosen_facility(), "case": None},
        status=400 if form.errors else 200)


@policy.requires(VIEW, get_object=_case)
def case_detail_view(request, case_id, obj):
    selectors.record_case_read(obj)
    membership = request.membership
    actions = list(obj.actions.select_related("referred_to_facility", "by__user").order_by("done_on", "pk"))
    resources = list(obj.resources.select_related("facility__municipality").order_by("suggested_on", "pk"))
    return render(request, "consult/cases/detail.html", {
        "case": obj, "desk": obj.desk, "actions": actions, "resources": resources,
        "topics": list(obj.topics.all()), "patient": selectors.patient_shown(membership, obj),
        "can_record": policy.check(membership, RECORD, obj),
        "can_raise": services.may_raise_issue(membership, obj),
        "action_form": ActionForm(), "resources_form": ResourcesForm()})


@policy.requires(RECORD, get_object=_case)
def case_edit_view(request, case_id, obj):
    def build(data):
        return CaseForm(data, desk=obj.desk, case=obj)

    form = build(request.POST if request.method == "POST" else None)
    context = {"desk": obj.desk, "case": obj}
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(membership=request.membership, case=obj, data=form.case_data(),
                                 topics=list(form.cleaned_data["topics"]),
                                 expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            current = selectors.case_or_404(obj.pk)
            context["chosen"] = form.chosen_facility()
            return render_conflict(request, "consult/cases/form.html", context, form=form,
                                   current_form=CaseForm(desk=current.desk, case=current), stale=stale,
                                   rebind=lambda data: CaseForm(data, desk=current.desk, case=current))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The case was saved."))
            return redirect(_case_page(obj))
    selectors.record_case_read(obj, action=RECORD)
    context.update(form=form, chosen=form.chosen_facility())
    return render(request, "consult/cases/form.html", context, status=400 if form.errors else 200)


def _small_form(request, obj, *, template: str, form, save, done: str, title: str):
    """A short form on a case (close, reopen, link a patient, raise an issue): save or show the errors."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except StaleEdit:
            form.add_error(None, _("Someone else saved this case after you opened the form. Open the case "
                                   "again and check it before you save."))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(_case_page(obj))
    selectors.record_case_read(obj, action=RECORD)
    return render(request, template, {"case": obj, "desk": obj.desk, "form": form, "title": title},
                  status=400 if form.errors else 200)


@policy.requires(RECORD, get_object=_case)
def case_action_view(request, case_id, obj):
    form = ActionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_action_add(
                membership=request.membership, case=obj, kind=data["kind"], done_on=data["done_on"],
                note=data["note"], referred_to_facility_id=data["referred_to_facility"],
                referred_to_name=data["referred_to_name"], meeting_on=data["meeting_on"],
                follow_up_on=data["follow_up_on"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The action was added."))
            return redirect(_case_page(obj, "#actions"))
    selectors.record_case_read(obj, action=RECORD)
    return render(request, "consult/cases/action_form.html", {"case": obj, "desk": obj.desk, "form": form},
                  status=400 if form.errors else 200)


@policy.requires(RECORD, get_object=_case)
def case_resources_view(request, case_id, obj):
    form = ResourcesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            resources = services.case_resources_suggest(
                membership=request.membership, case=obj, facility_ids=form.cleaned_data["facilities"],
                note=form.cleaned_data["note"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("%(count)d resources were suggested.") % {"count": len(resources)})
            return redirect(_case_page(obj, "#resources"))
    selectors.record_case_read(obj, action=RECORD)
    return render(request, "consult/cases/resources_form.html", {"case": obj, "desk": obj.desk, "form": form},
                  status=400 if form.errors else 200)


@policy.requires(RECORD, get_object=_case)
def case_close_view(request, case_id, obj):
    form = CloseForm(request.POST if request.method == "POST" else None, case=obj)
    return _small_form(
        request, obj, template="consult/cases/small_form.html", form=form, title=_("Close the case"),
        done=_("The case was closed."),
        save=lambda d: services.case_close(membership=request.membership, case=obj, outcome=d["outcome"],
                                           closed_on=d["closed_on"], note=d["note"],
                                           expected_version=d.get("version")))


@policy.requires(RECORD, get_object=_case)
def case_reopen_view(request, case_id, obj):
    form = ReopenForm(request.POST if request.method == "POST" else None, case=obj)
    return _small_form(
        request, obj, template="consult/cases/small_form.html", form=form, title=_("Reopen the case"),
        done=_("The case was reopened."),
        save=lambda d: services.case_reopen(membership=request.membership, case=obj, reason=d["reason"],
                                            expected_version=d.get("version")))


@policy.requires(RECORD, get_object=_case)
def case_patient_view(request, case_id, obj):
    if request.method == "POST" and "unlink" in request.POST:
        try:
            services.case_patient_unlink(membership=request.membership, case=obj,
                                         expected_version=parse_version(request.POST.get("version")))
        except StaleEdit:
            messages.error(request, _("Someone else saved this case after you opened it. Check it and try again."))
        else:
            messages.success(request, _("The patient link was removed."))
        return redirect(_case_page(obj))
    patients = selectors.linkable_patients(request.membership)
    form = PatientLinkForm(request.POST if request.method == "POST" else None, case=obj, patients=patients)

    def save(data):
        patient = form.patients.get(data["patient"])
        services.case_patient_link(membership=request.membership, case=obj, patient=patient,
                                   expected_version=data.get("version"))

    return _small_form(request, obj, template="consult/cases/small_form.html", form=form,
                       title=_("Link a patient"), done=_("The patient was linked."), save=save)


@policy.requires(RECORD, get_object=_case)
def case_raise_issue_view(request, case_id, obj):
    policy.require(request.membership, services.RAISE, obj.municipality)
    if obj.raised_issue_id is not None:
        messages.info(request, _("This case has already raised an issue."))
        return redirect(_case_page(obj))
    form = RaiseIssueForm(request.POST if request.method == "POST" else None, case=obj)
    return _small_form(
        request, obj, template="consult/cases/raise_issue.html", form=form,
        title=_("Raise an issue for the council"), done=_("The issue was raised; the council's list shows it."),
        save=lambda d: services.case_issue_raise(membership=request.membership, case=obj, title=d["title"],
                                                 description=d["description"], scene=d["scene"],
                                                 expected_version=d.get("version")))


def _facility_results(request, desk):
    """htmx: facilities of the desk's reach matching a name, as radio buttons (one) or checkboxes (several).

    The choices already ticked come back with the request (`hx-include`) and stay ticked on top, so several
    searches add up to one suggestion."""
    field = request.GET.get("field", "requester_facility")
    if field not in ("requester_facility", "referred_to_facility", "facilities"):
        field = "requester_facility"
    q = request.GET.get("q", request.GET.get("facility_q", ""))[:100]
    kept_ids = [v for v in request.GET.getlist(field)[:20] if v.isdecimal() and len(v) < 12]
    kept = list(selectors.reachable_facilities(desk).filter(pk__in=kept_ids).select_related("municipality"))
    found = [f for f in selectors.facility_search(desk, q) if f.pk not in {k.pk for k in kept}]
    return render(request, "consult/cases/_facility_results.html", {
        "facilities": found, "kept": kept, "field": field, "q": q, "multiple": field == "facilities"})


@policy.requires(RECORD, get_object=_desk)
def facility_search_view(request, desk_id, obj):
    return _facility_results(request, obj)


@policy.requires(RECORD, get_object=_case)
def case_facility_search_view(request, case_id, obj):
    return _facility_results(request, obj.desk)


urlpatterns = [
    path("<int:desk_id>/cases/", case_list_view, name="case_list"),
    path("<int:desk_id>/cases/new/", case_create_view, name="case_create"),
    path("<int:desk_id>/cases/facilities/", facility_search_view, name="case_facility_search"),
    path("cases/<int:case_id>/", case_detail_view, name="case_detail"),
    path("cases/<int:case_id>/edit/", case_edit_view, name="case_edit"),
    path("cases/<int:case_id>/actions/new/", case_action_view, name="case_action"),
    path("cases/<int:case_id>/resources/", case_resources_view, name="case_resources"),
    path("cases/<int:case_id>/facilities/", case_facility_search_view, name="case_facility_search_for_case"),
    path("cases/<int:case_id>/close/", case_close_view, name="case_close"),
    path("cases/<int:case_id>/reopen/", case_reopen_view, name="case_reopen"),
    path("cases/<int:case_id>/patient/", case_patient_view, name="case_patient"),
    path("cases/<int:case_id>/issue/", case_raise_issue_view, name="case_raise_issue"),
]
