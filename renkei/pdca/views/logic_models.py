"""Logic-model screens: the table per scene, the diagram, editing (htmx partials), revisions and their
comparison, adoption, the file import (check, then apply) and the export downloads."""

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.models import Scene
from renkei.core.selectors import municipality_by_code

from ..diagram import logic_model_svg
from ..forms.logic_models import (
    ExportForm,
    IndicatorForm,
    LogicModelImportForm,
    MeasureForm,
    OutcomeForm,
    PlacementForm,
)
from ..models import LogicModel, LogicModelIndicator
from ..selectors.logic_models import logic_model_compare, logic_model_of, logic_model_tables
from ..services import logic_models as services
from ..services.logic_model_files import logic_model_export, logic_model_import, report_lines
from ..services.plans import current_fiscal_year, goal_current
from .plans import load_plan
from .templates import may_save_template

IMPORT_SESSION_KEY = "pdca_logic_model_upload"
MAX_UPLOAD_BYTES = 1024 * 1024  # kept in the session until applied; the 55-row 福知山市 file is 8 kB


def _revision(request, plan, param="revision") -> LogicModel | None:
    raw = request.GET.get(param, "")
    if raw and not raw.isdigit():
        raise Http404
    logic_model = logic_model_of(plan, int(raw) if raw else None)
    if raw and logic_model is None:
        raise Http404
    return logic_model


@policy.requires("pdca.view_plan", get_object=load_plan)
def logic_model_view(request, plan_id, obj):
    logic_model = _revision(request, obj)
    return render(request, "pdca/logic_models/table.html", {
        "plan": obj, "logic_model": logic_model,
        "tables": logic_model_tables(logic_model) if logic_model else [],
        "overall_goal": goal_current(obj), "may_edit": policy.check(request.membership, "pdca.edit_plan", obj),
        "may_save_template": may_save_template(request.membership)})


@policy.requires("pdca.view_plan", get_object=load_plan)
def logic_model_diagram_view(request, plan_id, obj):
    logic_model = _revision(request, obj)
    svg = ""
    if logic_model is not None:
        goal = goal_current(obj)
        svg = logic_model_svg(logic_model_tables(logic_model), goal.text if goal else "",
                              title=f"{obj.municipality.name} {obj} ロジックモデル rev.{logic_model.revision}")
    return render(request, "pdca/logic_models/diagram.html", {"plan": obj, "logic_model": logic_model, "svg": svg})


@policy.requires("pdca.view_plan", get_object=load_plan)
def logic_model_revisions_view(request, plan_id, obj):
    revisions = list(obj.logic_models.select_related("created_by").order_by("-revision"))
    return render(request, "pdca/logic_models/revisions.html", {
        "plan": obj, "revisions": revisions, "may_edit": policy.check(request.membership, "pdca.edit_plan", obj)})


@policy.requires("pdca.view_plan", get_object=load_plan)
def logic_model_compare_view(request, plan_id, obj):
    new = _revision(request, obj, "new")
    if new is None:
        raise Http404
    if request.GET.get("old"):
        old = _revision(request, obj, "old")
    else:
        old = new.based_on or obj.logic_models.filter(revision__lt=new.revision).order_by("-revision").first()
    comparison = logic_model_compare(old, new) if old else None
    return render(request, "pdca/logic_models/compare.html", {
        "plan": obj, "old": old, "new": new, "comparison": comparison,
        "revisions": obj.logic_models.order_by("-revision")})


@policy.requires("pdca.edit_plan", get_object=load_plan)
def logic_model_adopt_view(request, plan_id, revision, obj):
    if request.method != "POST":
        return redirect("pdca:logic_model_revisions", plan_id=obj.pk)
    logic_model = obj.logic_models.filter(revision=revision).first()
    if logic_model is None:
        raise Http404
    try:
        services.logic_model_adopt(membership=request.membership, logic_model=logic_model)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, _("Revision %(revision)s was adopted.") % {"revision": revision})
    return redirect("pdca:logic_model_revisions", plan_id=obj.pk)


@policy.requires("pdca.view_plan", get_object=load_plan)
def logic_model_export_view(request, plan_id, obj):
    form = ExportForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Choose a format: xlsx or csv."), status=400, content_type="text/plain; charset=utf-8")
    logic_model = logic_model_of(obj, form.cleaned_data.get("revision"))
    if logic_model is None:
        raise Http404
    content, name, content_type = logic_model_export(
        membership=request.membership, logic_model=logic_model, file_format=form.cleaned_data["format"],
        encoding=form.cleaned_data.get("encoding") or "utf-8-sig")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- import -----------------------------------------------------------------------------------------------

def _municipality(request, code, **kwargs):
    return municipality_by_code(code)


@policy.requires("pdca.edit_plan", get_object=_municipality)
def logic_model_import_view(request, code, obj):
    """Upload → check (a dry run, the report) → apply the same upload (kept in the session until then)."""
    language = "en" if (get_language() or "ja").startswith("en") else "ja"
    form = LogicModelImportForm(initial={"fiscal_year": current_fiscal_year()})
    pending = request.session.get(IMPORT_SESSION_KEY)
    context = {"municipality": obj, "form": form, "report": None,
               "pending": pending if pending and pending.get("municipality") == obj.code else None}
    status = 200
    if request.method == "POST" and request.POST.get("action") == "apply":
        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending or pending.get("municipality") != obj.code:
            messages.error(request, _("Upload the file again: nothing is waiting to be imported."))
            return redirect("pdca:logic_model_import", code=obj.code)
        result = logic_model_import(membership=request.membership, municipality=obj,
                                    data=base64.b64decode(pending["data"]), file_name=pending["name"],
                                    fiscal_year=pending["fiscal_year"])
        del request.session[IMPORT_SESSION_KEY]
        if not result.is_rejected:
            messages.success(request, " ".join(report_lines(result, language=language)))
            return redirect(reverse("pdca:logic_model", kwargs={"plan_id": result.plan.pk}))
        context.update(report=result, lines=report_lines(result, language=language), pending=None)
        status = 400
    elif request.method == "POST":
        form = LogicModelImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_BYTES:
                form.add_error("file", _("The file is too large (1 MB at most)."))
            else:
                data = upload.read()
                result = logic_model_import(membership=request.membership, municipality=obj, data=data,
                                            file_name=upload.name, fiscal_year=form.cleaned_data["fiscal_year"],
                                            dry_run=True)
                context.update(report=result, lines=report_lines(result, language=language))
                if result.is_rejected:
                    request.session.pop(IMPORT_SESSION_KEY, None)
                    context["pending"] = None
                    status = 400
                else:
                    request.session[IMPORT_SESSION_KEY] = {
                        "municipality": obj.code, "name": upload.name, "fiscal_year": form.cleaned_data["fiscal_year"],
                        "data": base64.b64encode(data).decode()}
                    context["pending"] = request.session[IMPORT_SESSION_KEY]
        if form.errors:
            status = 400
    return render(request, "pdca/logic_models/import.html", context, status=status)


# --- editing ----------------------------------------------------------------------------------------------

def _edit_context(request, plan, **forms):
    logic_model = logic_model_of(plan)
    outcomes = list(logic_model.outcomes.order_by("sort_order")) if logic_model else []
    measures = list(logic_model.measures.order_by("pk")) if logic_model else []
    organizations = services.organizations_for_plan(plan)
    definitions = services.definitions_for_plan(plan)
    return {
        "plan": plan, "logic_model": logic_model,
        "tables": logic_model_tables(logic_model) if logic_model else [],
        "measures": measures, "outcomes": outcomes,
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
        "measure_form": forms.get("measure_form") or MeasureForm(organizations=organizations, outcomes=outcomes),
        "placement_form": forms.get("placement_form") or PlacementForm(measures=measures, outcomes=outcomes),
        "indicator_form": forms.get("indicator_form") or IndicatorForm(outcomes=outcomes, definitions=definitions),
        "error": forms.get("error", ""),
        "definitions": list(definitions), "scene_choices": Scene.choices,
        "level_choices": LogicModelIndicator.Level.choices,
    }


def _after_edit(request, plan, *, error: str = "", status: int = 200, **forms):
    """htmx: the edit sections again (with the error, if any); otherwise back to the edit page."""
    if request.htmx or error or forms:
        template = "pdca/logic_models/_edit_sections.html" if request.htmx else "pdca/logic_models/edit.html"
        return render(request, template, _edit_context(request, plan, error=error, **forms), status=status)
    return redirect("pdca:logic_model_edit", plan_id=plan.pk)


def _post_only(view):
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return redirect("pdca:logic_model_edit", plan_id=kwargs["plan_id"])
        try:
            return view(request, *args, **kwargs)
        except ValidationError as error:
            # htmx swaps only 2xx answers: the sections come back with the message at 200 for htmx.
            return _after_edit(request, kwargs["obj"], error="; ".join(error.messages),
                               status=200 if request.htmx else 400)

    wrapper.__name__ = view.__name__
    return wrapper


@policy.requires("pdca.edit_plan", get_object=load_plan)
def logic_model_edit_view(request, plan_id, obj):
    return render(request, "pdca/logic_models/edit.html", _edit_context(request, obj))


@policy.requires("pdca.edit_plan", get_object=load_plan)
@_post_only
def outcome_save_view(request, plan_id, obj):
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _after_edit(request, obj, outcome_form=form, status=200 if request.htmx else 400)
    services.outcome_save(membership=request.membership, plan=obj, key=form.cleaned_data["key"],
                          scene=form.cleaned_data["scene"], text=form.cleaned_data["text"])
    return _after_edit(request, obj)


@policy.requires("pdca.edit_plan", get_object=load_plan)
@_post_only
def outcome_remove_view(request, plan_id, key, obj):
    services.outcome_remove(membership=request.membership, plan=obj, key=key)
    return _after_edit(request, obj)


def _measure_form(request, plan, data=None, initial=None):
    logic_model = logic_model_of(plan)
    outcomes = list(logic_model.outcomes.order_by("sort_order")) if logic_model else []
    return MeasureForm(data, initial=initial, organizations=services.organizations_for_plan(plan), outcomes=outcomes)


@policy.requires("pdca.edit_plan", get_object=load_plan)
def measure_edit_view(request, plan_id, key, obj):
    logic_model = logic_model_of(obj)
    measure = logic_model.measures.filter(key=key).first() if logic_model else None
    if measure is None:
        raise Http404
    form = _measure_form(request, obj, initial={
        "key": measure.key, "text": measure.text, "lead_note": measure.lead_note,
        "partner_note": measure.partner_note, "status": measure.status, "start_date": measure.start_date,
        "end_date": measure.end_date, "program_items": measure.program_items,
        "lead_organizations": list(measure.lead_organizations.all()),
        "partner_organizations": list(measure.partner_organizations.all())})
    template = "pdca/logic_models/_measure_form.html" if request.htmx else "pdca/logic_models/measure_form.html"
    return render(request, template, {"plan": obj, "measure": measure, "measure_form": form})


@policy.requires("pdca.edit_plan", get_object=load_plan)
@_post_only
def measure_save_view(request, plan_id, obj):
    form = _measure_form(request, obj, request.POST)
    if not form.is_valid():
        return _after_edit(request, obj, measure_form=form, status=200 if request.htmx else 400)
    data = form.cleaned_data
    measure = services.measure_save(
        membership=request.membership, plan=obj, key=data["key"], text=data["text"],
        lead_organizations=list(data["lead_organizations"]), partner_organizations=list(data["partner_organizations"]),
        lead_note=data["lead_note"], partner_note=data["partner_note"], status=data["status"],
        start_date=data["start_date"], end_date=data["end_date"], program_items=data["program_items"])
    if data.get("outcome") and not data["key"]:
        services.placement_add(membership=request.membership, plan=obj, measure_key=measure.key,
                               outcome_key=data["outcome"])
    return _after_edit(request, obj)


@policy.requires("pdca.edit_plan", get_object=load_plan)
@_post_only
def measure_remove_view(request, plan_id, key, obj):
    services.measure_remove(membership=request.membership, plan=obj, key=key)
    return _after_edit(request, obj)


@policy.requires("pdca.edit_plan", get_object=load_plan)
@_post_only
def placement_add_view(request, plan_id, obj):
    logic_model = logic_model_of(obj)
    measures = list(logic_model.measures.all()) if logic_model else []
    outcomes = list(logic_model.outcomes.all()) if logic_model else []
    form = PlacementForm(request.POST, measures=measures, outcomes=outcomes)
    if not form.is_valid():
        return _after_edit(request, obj, placement_form=form, status=200 if request.htmx else 400)
    services.placement_add(membership=request.membership, plan=obj, measure_key=form.cleaned_data["measure"],
                           outcome_key=form.cleaned_data["outcome"], number=form.cleaned_data["number"])
    return _after_edit(request, obj)


@policy.requires("pdca.edit_plan", get_object=load_plan)
@_post_only
def placement_remove_view(request, plan_id, number, obj):
    services.placement_remove(membership=request.membership, plan=obj, number=number)
    return _after_edit(request, obj)


@policy.requires("pdca.edit_plan", get_object=load_plan)
@_post_only
def indicator_save_view(request, plan_id, obj):
    logic_model = logic_model_of(obj)
    outcomes = list(logic_model.outcomes.all()) if logic_model else []
    form = IndicatorForm(request.POST, outcomes=outcomes, definitions=services.definitions_for_plan(obj))
    if not form.is_valid():
        return _after_edit(request, obj, indicator_form=form, status=200 if request.htmx else 400)
    existing = None
    if form.cleaned_data.get("indicator"):
        existing = LogicModelIndicator.objects.filter(pk=form.cleaned_data["indicator"], logic_model__plan=obj).first()
        if existing is None:
            raise Http404
    services.indicator_save(membership=request.membership, plan=obj, outcome_key=form.cleaned_data["outcome"],
                            label=form.cleaned_data["label"], definition=form.cleaned_data["definition"],
                            level=form.cleaned_data["level"], indicator=existing)
    return _after_edit(request, obj)


@policy.requires("pdca.edit_plan", get_object=load_plan)
@_post_only
def indicator_remove_view(request, plan_id, indicator_id, obj):
    indicator = LogicModelIndicator.objects.filter(pk=indicator_id, logic_model__plan=obj).first()
    if indicator is None:
        raise Http404
    services.indicator_remove(membership=request.membership, plan=obj, indicator=indicator)
    return _after_edit(request, obj)


urlpatterns = [
    path("plans/<int:plan_id>/logic-model/", logic_model_view, name="logic_model"),
    path("plans/<int:plan_id>/logic-model/diagram/", logic_model_diagram_view, name="logic_model_diagram"),
    path("plans/<int:plan_id>/logic-model/revisions/", logic_model_revisions_view, name="logic_model_revisions"),
    path("plans/<int:plan_id>/logic-model/compare/", logic_model_compare_view, name="logic_model_compare"),
    path("plans/<int:plan_id>/logic-model/revisions/<int:revision>/adopt/", logic_model_adopt_view,
         name="logic_model_adopt"),
    path("plans/<int:plan_id>/logic-model/export/", logic_model_export_view, name="logic_model_export"),
    path("plans/m/<str:code>/logic-model/import/", logic_model_import_view, name="logic_model_import"),
    path("plans/<int:plan_id>/logic-model/edit/", logic_model_edit_view, name="logic_model_edit"),
    path("plans/<int:plan_id>/logic-model/outcomes/", outcome_save_view, name="outcome_save"),
    path("plans/<int:plan_id>/logic-model/outcomes/<str:key>/remove/", outcome_remove_view, name="outcome_remove"),
    path("plans/<int:plan_id>/logic-model/measures/", measure_save_view, name="measure_save"),
    path("plans/<int:plan_id>/logic-model/measures/<str:key>/", measure_edit_view, name="measure_edit"),
    path("plans/<int:plan_id>/logic-model/measures/<str:key>/remove/", measure_remove_view, name="measure_remove"),
    path("plans/<int:plan_id>/logic-model/placements/", placement_add_view, name="placement_add"),
    path("plans/<int:plan_id>/logic-model/placements/<int:number>/remove/", placement_remove_view,
         name="placement_remove"),
    path("plans/<int:plan_id>/logic-model/indicators/", indicator_save_view, name="indicator_save"),
    path("plans/<int:plan_id>/logic-model/indicators/<int:indicator_id>/remove/", indicator_remove_view,
         name="indicator_remove"),
]
