"""Plan screens: a municipality's plan periods, one plan with its goals (目指す姿), a goal's revision and history."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.models import Municipality, Scene
from renkei.core.selectors import municipality_by_code

from ..forms.plans import GoalForm, PlanPeriodForm
from ..models import PlanPeriod
from ..selectors.logic_models import logic_model_of
from ..selectors.plans import goal_rows, plan_with_goals, plans_visible
from ..services.plans import goal_revise, plan_period_create


def load_plan(request, plan_id, **kwargs) -> PlanPeriod:
    plan = plan_with_goals(plan_id)
    if plan is None:
        from django.http import Http404

        raise Http404
    return plan


def _municipality(request, code, **kwargs) -> Municipality:
    return municipality_by_code(code)


@policy.requires("pdca.view_plan")
def plan_index_view(request):
    """Staff of one municipality go to its plans; prefecture staff and administrators choose a municipality."""
    membership = request.membership
    own = membership.organization.municipality
    if own is not None and policy.check(membership, "pdca.view_plan", own):
        return redirect("pdca:plan_list", code=own.code)
    municipalities = policy.scope(membership, "pdca.view_plan", PlanPeriod.objects.all()).values("municipality")
    readable = Municipality.objects.filter(
        Q(pk__in=municipalities) | Q(prefecture_id=membership.organization.prefecture_id)
        if membership.role == "prefecture_staff" else Q(pk__in=municipalities)).order_by("code")
    return render(request, "pdca/plans/index.html", {"municipalities": readable[:500]})


@policy.requires("pdca.view_plan", get_object=_municipality)
def plan_list_view(request, code, obj):
    may_edit = policy.check(request.membership, "pdca.edit_plan", obj)
    form = PlanPeriodForm() if may_edit else None
    return render(request, "pdca/plans/list.html", {
        "municipality": obj, "plans": plans_visible(request.membership, municipality=obj), "form": form})


@policy.requires("pdca.edit_plan", get_object=_municipality)
def plan_create_view(request, code, obj):
    form = PlanPeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_period_create(membership=request.membership, municipality=obj,
                                      term_number=form.cleaned_data["term_number"],
                                      start_fiscal_year=form.cleaned_data["start_fiscal_year"],
                                      scenes=form.cleaned_data["scenes"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The plan was created."))
            return redirect("pdca:plan_detail", plan_id=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "pdca/plans/list.html", {
        "municipality": obj, "plans": plans_visible(request.membership, municipality=obj), "form": form},
        status=status)


@policy.requires("pdca.view_plan", get_object=load_plan)
def plan_detail_view(request, plan_id, obj):
    return render(request, "pdca/plans/detail.html", {
        "plan": obj, "goal_rows": goal_rows(obj), "logic_model": logic_model_of(obj),
        "may_edit": policy.check(request.membership, "pdca.edit_plan", obj)})


def _scene_of(value: str) -> str:
    if value == "overall":
        return ""
    if value not in Scene.values:
        from django.http import Http404

        raise Http404
    return value


@policy.requires("pdca.edit_plan", get_object=load_plan)
def goal_edit_view(request, plan_id, scene, obj):
    scene_value = _scene_of(scene)
    rows = {row.scene: row for row in goal_rows(obj)}
    row = rows.get(scene_value)
    current = row.current if row else None
    form = GoalForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            goal_revise(membership=request.membership, plan=obj, scene=scene_value,
                        text=form.cleaned_data["text"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The goal was saved as a new revision."))
            return redirect("pdca:plan_detail", plan_id=obj.pk)
    return render(request, "pdca/plans/goal_form.html", {
        "plan": obj, "scene": scene, "label": dict(Scene.choices).get(scene_value, _("Overall goal")),
        "form": form, "row": row}, status=400 if request.method == "POST" else 200)


urlpatterns = [
    path("plans/", plan_index_view, name="plan_index"),
    path("plans/m/<str:code>/", plan_list_view, name="plan_list"),
    path("plans/m/<str:code>/new/", plan_create_view, name="plan_create"),
    path("plans/<int:plan_id>/", plan_detail_view, name="plan_detail"),
    path("plans/<int:plan_id>/goals/<str:scene>/", goal_edit_view, name="goal_edit"),
]
