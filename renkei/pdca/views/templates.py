"""Template screens: list, download as JSON, upload (all-or-nothing, with a report), save a plan's logic model
as a template, apply a template to a plan as its next draft revision."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.models import AuditEntry, Role

from ..forms.templates import TemplateApplyForm, TemplateSaveForm, TemplateUploadForm
from ..models import LogicModelTemplate, PlanPeriod
from ..selectors.logic_models import logic_model_of
from ..services.templates import (
    logic_model_template_apply,
    logic_model_template_content,
    logic_model_template_save,
    template_read,
)
from .plans import load_plan


def _template(request, template_id, **kwargs) -> LogicModelTemplate:
    template = (LogicModelTemplate.objects.select_related("municipality__prefecture", "prefecture")
                .filter(pk=template_id).first())
    if template is None:
        raise Http404
    return template


def _own_place(membership):
    """Where a member's templates go: prefecture staff their prefecture's, others their municipality's."""
    if membership.role == Role.PREFECTURE_STAFF:
        return None, membership.organization.prefecture
    return membership.organization.municipality, None


def may_save_template(membership) -> bool:
    """Whether the member may save a logic model as a template of their own place."""
    municipality, prefecture = _own_place(membership)
    place = municipality or prefecture
    return place is not None and policy.check(membership, "pdca.share_template", place)


def _editable_plans(membership):
    return policy.scope(membership, "pdca.edit_plan", PlanPeriod.objects.select_related("municipality")).order_by(
        "municipality__code", "-start_fiscal_year")


def _render_list(request, upload_form=None, report=None, status=200):
    membership = request.membership
    templates = policy.scope(membership, "pdca.view_templates",
                             LogicModelTemplate.objects.select_related("municipality", "prefecture"))
    municipality, prefecture = _own_place(membership)
    place = municipality or prefecture
    may_share = place is not None and policy.check(membership, "pdca.share_template", place)
    return render(request, "pdca/templates/list.html", {
        "templates": templates, "may_share": may_share, "place": place,
        "upload_form": upload_form or (TemplateUploadForm() if may_share else None),
        "may_apply": _editable_plans(membership).exists(), "report": report}, status=status)


@policy.requires("pdca.view_templates")
def template_list_view(request):
    return _render_list(request)


@policy.requires("pdca.share_template")
def template_upload_view(request):
    if request.method != "POST":
        return redirect("pdca:template_list")
    municipality, prefecture = _own_place(request.membership)
    if (municipality or prefecture) is None:
        raise PermissionDenied
    policy.require(request.membership, "pdca.share_template", municipality or prefecture)
    form = TemplateUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_list(request, upload_form=form, status=400)
    content, problems = template_read(form.cleaned_data["file"].read())
    if content is None:
        return _render_list(request, upload_form=form, report=problems, status=400)
    template = logic_model_template_save(membership=request.membership, name=form.cleaned_data["name"],
                                         description=form.cleaned_data["description"], content=content,
                                         municipality=municipality, prefecture=prefecture)
    messages.success(request, _("The template “%(name)s” was saved.") % {"name": template.name})
    return redirect("pdca:template_list")


@policy.requires("pdca.view_templates", get_object=_template)
def template_download_view(request, template_id, obj):
    audit.record(action=AuditEntry.Action.EXPORT, obj=obj, changes={"format": "json"},
                 permission="pdca.view_templates")
    response = HttpResponse(json.dumps(obj.content, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="logic-model-template-{obj.pk}.json"'
    return response


@policy.requires("pdca.view_templates", get_object=_template)
def template_apply_view(request, template_id, obj):
    form = TemplateApplyForm(request.POST or None, plans=_editable_plans(request.membership))
    if request.method == "POST" and form.is_valid():
        plan = form.cleaned_data["plan"]
        try:
            applied = logic_model_template_apply(membership=request.membership, template=obj, plan=plan)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Revision %(revision)s was made from the template.")
                             % {"revision": applied.logic_model.revision})
            if applied.unresolved_codes:
                messages.warning(request, _("These indicator codes are not available here and were kept as "
                                            "labels: %(codes)s") % {"codes": ", ".join(applied.unresolved_codes)})
            return redirect("pdca:logic_model", plan_id=plan.pk)
    return render(request, "pdca/templates/apply.html", {"template": obj, "form": form},
                  status=400 if request.method == "POST" else 200)


@policy.requires("pdca.view_plan", get_object=load_plan)
def template_from_plan_view(request, plan_id, obj):
    municipality, prefecture = _own_place(request.membership)
    if not may_save_template(request.membership):
        policy.require(request.membership, "pdca.share_template", municipality or prefecture or obj.municipality)
    logic_model = logic_model_of(obj)
    if logic_model is None:
        raise Http404
    name = f"{obj.municipality.name} 第{obj.term_number}期 rev.{logic_model.revision}"
    form = TemplateSaveForm(request.POST or None, initial={"name": name})
    if request.method == "POST" and form.is_valid():
        logic_model_template_save(membership=request.membership, name=form.cleaned_data["name"],
                                  description=form.cleaned_data["description"],
                                  content=logic_model_template_content(logic_model),
                                  municipality=municipality, prefecture=prefecture)
        messages.success(request, _("The template was saved."))
        return redirect("pdca:template_list")
    return render(request, "pdca/templates/save.html", {"plan": obj, "logic_model": logic_model, "form": form},
                  status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("templates/", template_list_view, name="template_list"),
    path("templates/upload/", template_upload_view, name="template_upload"),
    path("templates/<int:template_id>/download/", template_download_view, name="template_download"),
    path("templates/<int:template_id>/apply/", template_apply_view, name="template_apply"),
    path("plans/<int:plan_id>/logic-model/save-template/", template_from_plan_view, name="template_from_plan"),
]
