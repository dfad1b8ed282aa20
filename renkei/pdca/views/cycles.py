"""PDCA screens (the turn): where every scene stands in its turn, and one scene's turn of one fiscal year.

`pdca:index` is the landing page of program item (b): for the viewer's municipality (prefecture staff and
administrators choose one) and a fiscal year, one row per scene of the plan. `pdca:cycle_detail` shows the
P/D/C/A sections of one scene and year; its forms post with htmx and get the whole turn block back (every form
then carries the cycle's new version), or work as plain posts that redirect back.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, add_version_field, conflict_context, with_version
from renkei.core.models import Role
from renkei.core.selectors import municipality_or_none
from renkei.core.wareki import fiscal_year_wareki

from ..models import PdcaCycle, PlanPeriod
from ..selectors.turn import (
    current_fiscal_year,
    cycle_of,
    plan_for_year,
    plan_scenes,
    scene_turn,
    scene_turns,
    viewable_municipalities,
)
from ..services import cycles as cycle_services

# --- forms -----------------------------------------------------------------------------------------------

_NOTE = forms.Textarea(attrs={"rows": 4})


class PlanForm(forms.Form):
    plan_note = forms.CharField(label=gettext_lazy("Plan for this year (note)"), required=False, widget=_NOTE)


class DoForm(forms.Form):
    do_note = forms.CharField(label=gettext_lazy("What was done (note)"), required=False, widget=_NOTE)


class CheckForm(forms.Form):
    check_assessment = forms.ChoiceField(
        label=gettext_lazy("Assessment"), required=False, widget=forms.RadioSelect,
        choices=PdcaCycle.Assessment.choices)
    check_note = forms.CharField(label=gettext_lazy("Written assessment"), required=False, widget=_NOTE)


class ActForm(forms.Form):
    act_note = forms.CharField(label=gettext_lazy("What changes in the logic model next year"), required=False,
                               widget=_NOTE)


SECTION_FORMS = {"plan": PlanForm, "do": DoForm, "check": CheckForm, "act": ActForm}


def _section_form(section: str, cycle: PdcaCycle | None, data=None) -> forms.Form:
    form_class = SECTION_FORMS[section]
    initial = {name: getattr(cycle, name) for name in form_class.base_fields} if cycle else {}
    form = form_class(data, initial=initial, auto_id=f"{section}-%s")
    add_version_field(form, cycle)
    return form


# --- loaders ---------------------------------------------------------------------------------------------

def _turn_plan(request, plan_id, scene, fiscal_year, **kwargs) -> PlanPeriod:
    """The plan of the turn; 404 for a scene the plan does not work on or a year outside it."""
    plan = get_object_or_404(PlanPeriod.objects.select_related("municipality__prefecture"), pk=plan_id)
    if scene not in plan_scenes(plan) or fiscal_year not in plan.fiscal_years:
        raise Http404
    return plan


def fiscal_year_param(request) -> int:
    try:
        year = int(request.GET.get("fy", ""))
    except ValueError:
        return current_fiscal_year()
    return year if 2000 <= year <= 2100 else current_fiscal_year()


def plan_list_url() -> str | None:
    """The plan periods' screen (the logic-model screens' own), when it is installed."""
    try:
        return reverse("pdca:plan_list")
    except NoReverseMatch:
        return None


# --- index -----------------------------------------------------------------------------------------------

def choose_municipality(request, action: str):
    """The municipality a PDCA page is about: `?municipality=CODE` (asked `action` on it), else the viewer's own
    when they may; returns (municipality or None, error message)."""
    membership = request.membership
    code = request.GET.get("municipality", "").strip()
    if code:
        municipality = municipality_or_none(code)
        if municipality is None:
            return None, _("No municipality has the code “%(code)s”.") % {"code": code}
        policy.require(membership, action, municipality)
        return municipality, ""
    own = membership.organization.municipality
    if own is not None and policy.check(membership, action, own):
        return own, ""
    return None, ""


def chooser_context(request, fiscal_year: int) -> dict:
    membership = request.membership
    return {"municipalities": viewable_municipalities(membership), "code": request.GET.get("municipality", ""),
            "fiscal_year": fiscal_year, "fiscal_year_label": fiscal_year_wareki(fiscal_year),
            "can_choose": membership.role in (Role.PREFECTURE_STAFF, Role.SYSTEM_ADMIN)}


def year_choices(municipality, fiscal_year: int) -> list[tuple[int, str]]:
    """The fiscal years to switch between: those of the municipality's plans, this year and the one shown."""
    years = {fiscal_year, current_fiscal_year(),
             *(year for plan in municipality.plan_periods.all() for year in plan.fiscal_years)}
    return [(year, fiscal_year_wareki(year)) for year in sorted(years)]


@policy.requires("pdca.view_plan")
def index_view(request):
    """Where every scene of a municipality's plan stands in its turn in one fiscal year."""
    fiscal_year = fiscal_year_param(request)
    municipality, error = choose_municipality(request, "pdca.view_plan")
    context = {**chooser_context(request, fiscal_year), "error": error}
    if municipality is None:
        return render(request, "pdca/turn/index.html", context, status=400 if error else 200)
    plan = plan_for_year(municipality, fiscal_year)
    context.update({
        "municipality": municipality, "plan": plan, "turns": scene_turns(plan, fiscal_year) if plan else [],
        "years": year_choices(municipality, fiscal_year),
        "plan_list_url": plan_list_url() if policy.check(request.membership, "pdca.edit_plan", municipality)
        else None,
    })
    return render(request, "pdca/turn/index.html", context)


# --- one turn --------------------------------------------------------------------------------------------

def _turn_context(request, plan, scene, fiscal_year, *, bound=None, errors=None, conflict=None) -> dict:
    turn = scene_turn(plan, scene, fiscal_year)
    cycle = turn.cycle
    section_forms = {section: _section_form(section, cycle) for section in SECTION_FORMS}
    section_forms.update(bound or {})
    stage_index = cycle_services.STAGES.index(turn.stage)
    stages = [{"code": code, "label": PdcaCycle.Stage(code).label, "is_current": code == turn.stage,
               "is_past": index < stage_index} for index, code in enumerate(cycle_services.STAGES)]
    return {
        "plan": plan, "municipality": plan.municipality, "turn": turn, "cycle": cycle, "scene": scene,
        "fiscal_year": fiscal_year, "fiscal_year_label": fiscal_year_wareki(fiscal_year),
        "next_fiscal_year_label": fiscal_year_wareki(fiscal_year + 1),
        "forms": section_forms, "errors": errors or {}, "conflict": conflict,
        "stages": stages,
        "previous_stage": cycle_services.STAGES[stage_index - 1] if stage_index > 0 else None,
        "next_stage": cycle_services.STAGES[stage_index + 1] if stage_index + 1 < len(cycle_services.STAGES)
        else None,
        "can_edit": policy.check(request.membership, "pdca.edit_plan", plan),
        "urls": {name: reverse(f"pdca:cycle_{name}", args=[plan.pk, scene, fiscal_year])
                 for name in ("detail", "stage", "next_version")},
    }


def _render_turn(request, plan, scene, fiscal_year, *, status=200, **kwargs):
    context = _turn_context(request, plan, scene, fiscal_year, **kwargs)
    if request.htmx:  # htmx swaps only 2xx answers: the block carries its errors and conflicts itself
        return render(request, "pdca/turn/_turn.html", context)
    return render(request, "pdca/turn/detail.html", context, status=status)


def _done(request, plan, scene, fiscal_year, message: str):
    if request.htmx:
        return _render_turn(request, plan, scene, fiscal_year)
    messages.success(request, message)
    return redirect("pdca:cycle_detail", plan.pk, scene, fiscal_year)


@policy.requires("pdca.view_plan", get_object=_turn_plan)
def cycle_detail_view(request, plan_id, scene, fiscal_year, obj):
    return _render_turn(request, obj, scene, fiscal_year)


@policy.requires("pdca.edit_plan", get_object=_turn_plan)
@require_POST
def cycle_section_view(request, plan_id, scene, fiscal_year, section, obj):
    """Save one section's note(s): plan, do, check (assessment and text) or act."""
    if section not in SECTION_FORMS:
        raise Http404
    existing = cycle_of(obj, scene, fiscal_year)
    form = _section_form(section, existing, request.POST)
    if not form.is_valid():
        return _render_turn(request, obj, scene, fiscal_year, bound={section: form}, status=400)
    cycle = cycle_services.cycle_open(plan=obj, scene=scene, fiscal_year=fiscal_year, membership=request.membership)
    notes = {name: value for name, value in form.cleaned_data.items() if name != "version"}
    try:
        cycle_services.cycle_notes_save(cycle=cycle, membership=request.membership,
                                        expected_version=form.cleaned_data.get("version"), **notes)
    except StaleEdit as stale:
        current = _section_form(section, stale.current)
        conflict = conflict_context(submitted=form, current=current, stale=stale,
                                    reload_url=reverse("pdca:cycle_detail", args=[obj.pk, scene, fiscal_year]))
        conflict["section"] = section
        rebound = _section_form(section, stale.current, with_version(request.POST, stale.current_version))
        rebound.is_valid()
        return _render_turn(request, obj, scene, fiscal_year, bound={section: rebound}, conflict=conflict,
                            status=409)
    return _done(request, obj, scene, fiscal_year, _("Saved."))


@policy.requires("pdca.edit_plan", get_object=_turn_plan)
@require_POST
def cycle_stage_view(request, plan_id, scene, fiscal_year, obj):
    """Move the turn one stage forward or back."""
    cycle = cycle_services.cycle_open(plan=obj, scene=scene, fiscal_year=fiscal_year, membership=request.membership)
    version = forms.IntegerField(required=False).clean(request.POST.get("version") or None)
    try:
        cycle = cycle_services.cycle_stage_set(cycle=cycle, stage=request.POST.get("stage", ""),
                                               membership=request.membership, expected_version=version)
    except StaleEdit:
        return _render_turn(request, obj, scene, fiscal_year, status=409, errors={"stage": _(
            "Someone else changed this turn after you opened the page. Check the turn below and try again.")})
    except ValidationError as error:
        return _render_turn(request, obj, scene, fiscal_year, status=400, errors={"stage": " ".join(error.messages)})
    return _done(request, obj, scene, fiscal_year,
                 _("The turn is now at the stage “%(stage)s”.") % {"stage": cycle.get_stage_display()})


@policy.requires("pdca.edit_plan", get_object=_turn_plan)
@require_POST
def cycle_next_version_view(request, plan_id, scene, fiscal_year, obj):
    """Record the act as the logic model's next version (effective the next fiscal year)."""
    cycle = cycle_services.cycle_open(plan=obj, scene=scene, fiscal_year=fiscal_year, membership=request.membership)
    version = forms.IntegerField(required=False).clean(request.POST.get("version") or None)
    try:
        revision = cycle_services.cycle_next_version_record(cycle=cycle, membership=request.membership,
                                                            expected_version=version)
    except StaleEdit:
        return _render_turn(request, obj, scene, fiscal_year, status=409, errors={"act": _(
            "Someone else changed this turn after you opened the page. Check the act below and try again.")})
    except ValidationError as error:
        return _render_turn(request, obj, scene, fiscal_year, status=400, errors={"act": " ".join(error.messages)})
    return _done(request, obj, scene, fiscal_year,
                 _("Recorded as revision %(revision)d of the logic model, from %(year)s.")
                 % {"revision": revision.revision, "year": fiscal_year_wareki(fiscal_year + 1)})


TURN = "turns/<int:plan_id>/<str:scene>/<int:fiscal_year>/"

urlpatterns = [
    path("", index_view, name="index"),
    path(TURN, cycle_detail_view, name="cycle_detail"),
    path(TURN + "stage/", cycle_stage_view, name="cycle_stage"),
    path(TURN + "next-version/", cycle_next_version_view, name="cycle_next_version"),
    path(TURN + "<str:section>/", cycle_section_view, name="cycle_section"),
]
