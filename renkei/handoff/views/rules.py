"""The rules screens: the rule that applies to the viewer and the region's rules, one rule as a timeline with
its versions and a deadline preview, writing a new rule or version, and a municipality's closed days.
Rules carry no patient data: everyone signed in reads them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.models import Municipality, Role

from .. import rule_templates
from ..forms.closed_days import ClosedDayForm, PreviewForm
from ..forms.rules import RuleForm, StepFormSet, rule_initial, step_initial
from ..models import ClosedDay, RuleSet
from ..rule_text import step_sentence
from ..selectors import rules as selectors
from ..services import rules as services

VIEW, MANAGE, CLOSED = "handoff.view_rules", "handoff.manage_rules", "handoff.manage_closed_days"


def load_rule_set(request, rule_set_id, **kwargs):
    return selectors.rule_set_of(rule_set_id)


def load_municipality(request, municipality_id, **kwargs):
    return get_object_or_404(Municipality, pk=municipality_id)


def load_closed_day(request, closed_day_id, **kwargs):
    return get_object_or_404(ClosedDay.objects.select_related("municipality"), pk=closed_day_id)


def _area_value(rule_set: RuleSet) -> str:
    if rule_set.area_kind == RuleSet.AreaKind.NATIONAL:
        return RuleSet.AreaKind.NATIONAL.value
    return f"{rule_set.area_kind}:{rule_set.municipality_id or rule_set.area_group_id or rule_set.prefecture_id}"


@policy.requires(VIEW)
def rule_list_view(request):
    membership = request.membership
    applicable = selectors.applicable_rule(membership)
    return render(request, "handoff/rules/list.html", {
        "applicable": applicable, "municipality": selectors.viewer_municipality(membership),
        "steps": [(step, step_sentence(step)) for step in applicable.steps.all()] if applicable else [],
        "areas": selectors.prefecture_areas(selectors.viewer_prefecture_id(membership)),
        "national": selectors.national_area(),
        "can_manage": bool(selectors.manageable_areas(membership)),
    })


@policy.requires(VIEW, get_object=load_rule_set)
def rule_detail_view(request, rule_set_id, obj):
    membership = request.membership
    versions = selectors.area_versions(obj)
    # Compare with the previous version, or with any version of the same area (?compare=<id>).
    compare = request.GET.get("compare", "")
    previous = None
    if compare.isascii() and compare.isdigit() and int(compare) != obj.pk:
        previous = selectors.rule_set_of(int(compare)) if selectors.same_area(obj).filter(pk=int(compare)).exists() \
            else None
    previous = previous or selectors.previous_version(obj)
    municipalities = list(selectors.area_municipalities(obj)[:200])
    own = selectors.viewer_municipality(membership)
    default_municipality = own if own and (not municipalities or own in municipalities) else (
        municipalities[0] if municipalities else None)
    preview_form = PreviewForm(request.GET if "admitted_at" in request.GET else None, municipalities=municipalities,
                               initial={"municipality": default_municipality.pk if default_municipality else None})
    closed_municipality = obj.municipality or default_municipality
    preview = None
    if preview_form.is_bound and preview_form.is_valid():
        data = preview_form.cleaned_data
        chosen = data.get("municipality") or default_municipality
        preview = {"municipality": chosen, "rows": selectors.deadline_preview(
            obj, municipality_id=chosen.pk if chosen else None, admitted_at=data["admitted_at"],
            planned_discharge_on=data.get("planned_discharge_on"))}
    context = {
        "rule_set": obj, "steps": [(step, step_sentence(step)) for step in obj.steps.all()],
        "versions": versions, "this_version": next((v for v in versions if v.rule_set.pk == obj.pk), None),
        "previous": previous, "diff": selectors.version_diff(previous, obj) if previous else None,
        "preview_form": preview_form, "preview": preview,
        "can_manage": policy.check(membership, MANAGE, obj),
        "closed_municipality": closed_municipality,
        "closed_upcoming": list(selectors.closed_days_of(closed_municipality, since=timezone.localdate())[:12])
        if closed_municipality else [],
    }
    if request.headers.get("HX-Request") and preview_form.is_bound:
        return render(request, "handoff/rules/_preview.html", context, status=200 if preview else 400)
    return render(request, "handoff/rules/detail.html", context, status=400 if preview_form.errors else 200)


def _save_rule(request, form, formset, previous: RuleSet | None):
    data = form.cleaned_data
    area = previous if previous is not None else data["area"]
    fields = dict(name=data["name"], effective_from=data["effective_from"],
                  covers_support_levels=data["covers_support_levels"], covers_uncertified=data["covers_uncertified"],
                  excluded_planned_stay_days=data["excluded_planned_stay_days"], note=data["note"],
                  source_url=data["source_url"], steps=formset.steps())
    return services.rule_set_create(membership=request.membership, area_kind=area.area_kind,
                                    municipality=area.municipality, area_group=area.area_group,
                                    prefecture=area.prefecture, **fields)


def _rule_form_page(request, *, previous: RuleSet | None):
    membership = request.membership
    choices = selectors.manageable_areas(membership)
    fixed = _area_value(previous) if previous is not None else None
    if fixed is not None and fixed not in dict(choices):
        choices = [(fixed, previous.area_name), *choices]
    template = rule_templates.template(request.GET.get("template", "")) if previous is None else None
    source = previous or template
    initial_steps = step_initial(previous.steps.all() if previous else template.steps if template else ())
    form = RuleForm(request.POST or None, area_choices=choices, fixed_area=fixed,
                    initial={**rule_initial(source, fixed or ""), "effective_from": timezone.localdate()})
    formset = StepFormSet(request.POST or None, initial=initial_steps, prefix="steps")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            rule_set = _save_rule(request, form, formset, previous)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The rule was saved as version %(version)s, effective from %(day)s.")
                             % {"version": rule_set.version, "day": rule_set.effective_from})
            return redirect("handoff:rule_detail", rule_set_id=rule_set.pk)
    invalid = request.method == "POST"
    return render(request, "handoff/rules/form.html", {
        "form": form, "formset": formset, "previous": previous, "template": template,
        "templates": list(rule_templates.TEMPLATES.values()) if previous is None else [],
    }, status=400 if invalid else 200)


@policy.requires(MANAGE)
def rule_new_view(request):
    return _rule_form_page(request, previous=None)


@policy.requires(MANAGE, get_object=load_rule_set)
def rule_new_version_view(request, rule_set_id, obj):
    return _rule_form_page(request, previous=selectors.latest_version(obj))


def _closed_days_municipality(request) -> Municipality | None:
    value = request.GET.get("municipality", "")
    if value.isascii() and value.isdigit():  # "²".isdigit() is True, int("²") fails
        return get_object_or_404(Municipality, pk=int(value))
    return selectors.viewer_municipality(request.membership)


@policy.requires(VIEW)
def closed_days_view(request):
    membership = request.membership
    municipality = _closed_days_municipality(request)
    prefecture_id = selectors.viewer_prefecture_id(membership)
    choices = (Municipality.objects.filter(prefecture_id=prefecture_id).order_by("code")
               if prefecture_id else Municipality.objects.none())
    today = timezone.localdate()
    days = list(selectors.closed_days_of(municipality)) if municipality else []
    return render(request, "handoff/rules/closed_days.html", {
        "municipality": municipality, "municipalities": choices, "today": today,
        "upcoming": [d for d in days if d.date > today], "past": [d for d in days if d.date <= today],
        "can_manage": municipality is not None and policy.check(membership, CLOSED, municipality),
        "applicable": services.rule_set_for(municipality) if municipality else None,
        "is_prefecture_staff": membership.role == Role.PREFECTURE_STAFF,
    })


@policy.requires(CLOSED, get_object=load_municipality)
def closed_day_add_view(request, municipality_id, obj):
    form = ClosedDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.closed_days_add(membership=request.membership, municipality=obj, first=data["first"],
                                             last=data.get("last"), name=data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(count)s closed days were added.") % {"count": len(added)})
            return redirect(f"{_closed_days_url()}?municipality={obj.pk}")
    return render(request, "handoff/rules/closed_day_add.html", {"municipality": obj, "form": form},
                  status=400 if form.errors else 200)


@policy.requires(CLOSED, get_object=load_closed_day)
def closed_day_remove_view(request, closed_day_id, obj):
    error = ""
    if request.method == "POST":
        try:
            services.closed_day_remove(membership=request.membership, closed_day=obj)
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            messages.success(request, _("The closed day was removed."))
            return redirect(f"{_closed_days_url()}?municipality={obj.municipality_id}")
    elif obj.date <= timezone.localdate():
        error = _("A closed day that has passed cannot be removed: deadlines were counted with it.")
    return render(request, "handoff/rules/closed_day_remove.html", {"closed_day": obj, "error": error},
                  status=400 if error and request.method == "POST" else 200)


def _closed_days_url() -> str:
    from django.urls import reverse

    return reverse("handoff:closed_days")


urlpatterns = [
    path("rules/", rule_list_view, name="rule_list"),
    path("rules/new/", rule_new_view, name="rule_new"),
    path("rules/<int:rule_set_id>/", rule_detail_view, name="rule_detail"),
    path("rules/<int:rule_set_id>/new-version/", rule_new_version_view, name="rule_new_version"),
    path("rules/closed-days/", closed_days_view, name="closed_days"),
    path("rules/closed-days/<int:municipality_id>/add/", closed_day_add_view, name="closed_day_add"),
    path("rules/closed-days/day/<int:closed_day_id>/remove/", closed_day_remove_view, name="closed_day_remove"),
]
