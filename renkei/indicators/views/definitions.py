"""Staff screens for indicator definitions: the library (filters), one definition with its values, targets and
status, creating and editing own definitions, and entering or correcting one value."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, render_conflict
from renkei.core.models.program import ProgramItem, Scene

from ..forms import DefinitionForm, ValueForm
from ..models import AreaLevel, IndicatorDefinition, Kind, Origin
from ..periods import PeriodError
from ..policy import NATION
from ..selectors import definitions as selectors
from ..services.definitions import definition_new, definition_save
from ..services.values import CORRECTED, CREATED, ValueError_, value_enter
from ..status import status_of

PAGE_SIZE = 50


def _definition(request, definition_id, **kwargs) -> IndicatorDefinition:
    """The definition if the viewer may use it: a 404 for missing and out of reach alike."""
    definition = selectors.definition_for_page(getattr(request, "membership", None), definition_id)
    if definition is None:
        raise Http404
    return definition


def _definition_to_manage(request, definition_id, **kwargs) -> IndicatorDefinition:
    """Any definition: the rule `indicators.manage_definitions` decides on it (a 403, as for every write)."""
    definition = selectors.definition_for_page(None, definition_id)
    if definition is None:
        raise Http404
    return definition


def scene_labels(definition) -> list[str]:
    labels = dict(Scene.choices)
    return [str(labels.get(s, s)) for s in definition.scenes]


def program_item_labels(definition) -> list[str]:
    labels = dict(ProgramItem.choices)
    return [str(labels.get(s, s)) for s in definition.program_items]


# --- the library ------------------------------------------------------------------------------------------

@policy.requires("indicators.view_definitions")
def definition_list_view(request):
    membership = request.membership
    filters = selectors.parse_definition_filter(request.GET)
    page = Paginator(selectors.definitions_visible(membership, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page, "filters": filters, "errors": filters.errors, "query": query.urlencode(),
        "rows": [{"definition": d, "scenes": scene_labels(d)} for d in page],
        "scenes": Scene.choices, "kinds": Kind.choices, "origins": Origin.choices, "program_items": ProgramItem.choices,
        "owners": [("builtin", _("built-in library")), ("own", _("our own")), ("shared", _("shared with us"))],
        "can_create": policy.check(membership, "indicators.manage_definitions", definition_new(membership)),
    }
    if request.htmx:
        return render(request, "indicators/definitions/_results.html", context)
    return render(request, "indicators/definitions/list.html", context)


# --- one definition ---------------------------------------------------------------------------------------

@policy.requires("indicators.view_definitions", get_object=_definition)
def definition_detail_view(request, definition_id, obj):
    membership = request.membership
    areas = selectors.areas_to_view(membership, obj) or [selectors.home_area(membership)]
    chosen = request.GET.get("area") or ""
    area = next((a for a in areas if a.key == chosen), areas[0])
    periods = selectors.values_with_history(membership, obj, area)
    context = {
        "definition": obj, "scenes": scene_labels(obj), "program_items": program_item_labels(obj),
        "area_levels": [str(AreaLevel(level).label) for level in obj.area_levels if level in AreaLevel.values],
        "areas": areas, "area": area, "periods": periods,
        "can_edit": policy.check(membership, "indicators.manage_definitions", obj),
        "can_enter": obj.origin != Origin.COMPUTED and bool(selectors.areas_for_entry(membership, obj))
        and policy.check(membership, "indicators.record_values", area.owner if area.owner is not None else NATION),
    }
    if area.level == AreaLevel.MUNICIPALITY:
        start = _start_year(request)
        target = selectors.target_for(obj, area.municipality, start)
        current = [p.current for p in periods if p.current is not None]
        context.update(
            plan_start=start, plan_end=start + selectors.PLAN_PERIOD_YEARS - 1,
            plan_number=selectors.plan_period_number(start), target=target,
            status=status_of(target, current, obj.higher_is_better),
            can_set_target=policy.check(membership, "indicators.manage_targets", area.municipality),
            municipality=area.municipality)
    return render(request, "indicators/definitions/detail.html", context)


def _start_year(request) -> int:
    text = request.GET.get("start") or ""
    if text.isdecimal() and len(text) == 4:
        return selectors.plan_period_start(int(text))
    return selectors.current_plan_period_start()


# --- create and edit ----------------------------------------------------------------------------------------

def _definition_form(request, definition: IndicatorDefinition, *, created: bool):
    membership = request.membership
    may_compute = definition.is_builtin or (definition.owner_municipality_id is None
                                            and definition.owner_prefecture_id is None)
    form = DefinitionForm(request.POST or None, instance=definition, may_compute=may_compute)
    if request.method == "POST" and form.is_valid():
        instance = form.save()
        try:
            definition_save(membership=membership, definition=instance,
                            expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = selectors.definition_for_page(membership, definition.pk)
            return render_conflict(request, "indicators/definitions/form.html",
                                   {"definition": stored, "created": False},
                                   form=form, current_form=DefinitionForm(instance=stored, may_compute=may_compute),
                                   stale=stale, rebind=lambda data: DefinitionForm(data, instance=stored,
                                                                                  may_compute=may_compute))
        except ValidationError as error:
            form.add_error(None, error)
            if created:
                instance.pk, instance._state.adding = None, True
        else:
            messages.success(request, _("Saved the indicator “%(code)s”.") % {"code": instance.code})
            return redirect("indicators:definition_detail", definition_id=instance.pk)
    return render(request, "indicators/definitions/form.html",
                  {"form": form, "definition": definition, "created": created},
                  status=400 if form.errors else 200)


@policy.requires("indicators.manage_definitions")
def definition_create_view(request):
    definition = definition_new(request.membership)
    if not policy.check(request.membership, "indicators.manage_definitions", definition):
        raise PermissionDenied
    return _definition_form(request, definition, created=True)


@policy.requires("indicators.manage_definitions", get_object=_definition_to_manage)
def definition_edit_view(request, definition_id, obj):
    return _definition_form(request, obj, created=False)


# --- one value ----------------------------------------------------------------------------------------------

@policy.requires("indicators.record_values")
def value_enter_view(request, definition_id):
    membership = request.membership
    definition = _definition(request, definition_id)
    areas = selectors.areas_for_entry(membership, definition)
    if definition.origin == Origin.COMPUTED or not areas:
        messages.error(request, _("Values of this indicator cannot be entered here.") if areas else
                       _("There is no area you may enter values of this indicator for."))
        return redirect("indicators:definition_detail", definition_id=definition.pk)
    initial = {"area": request.GET.get("area") or areas[0].key, "period": request.GET.get("period", "")[:20]}
    form = ValueForm(request.POST or None, definition=definition, areas=areas, initial=initial)
    current = None
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        try:
            outcome = value_enter(membership=membership, definition=definition, **arguments)
        except (ValueError_, PeriodError) as error:
            form.add_error(None, error.ja if request.LANGUAGE_CODE == "ja" else error.en)
        else:
            label = f"{arguments['area'].name} {arguments['period'].label}"
            if outcome == CREATED:
                messages.success(request, _("Recorded the value for %(what)s.") % {"what": label})
            elif outcome == CORRECTED:
                messages.success(request, _("Corrected the value for %(what)s; the old value is kept in its "
                                            "history.") % {"what": label})
            else:
                messages.info(request, _("The value for %(what)s was already this; nothing changed.")
                              % {"what": label})
            return redirect(f"{_detail_url(definition)}?area={arguments['area'].key}")
    elif request.method == "GET" and initial["period"]:
        current = _current_value(membership, definition, form, initial)
    return render(request, "indicators/definitions/value_form.html",
                  {"form": form, "definition": definition, "current": current},
                  status=400 if form.errors else 200)


def _current_value(membership, definition, form, initial):
    """The value now recorded for the area and period the form opens on (a correction shows what it replaces)."""
    from ..periods import parse_period

    area = form.areas.get(initial["area"])
    try:
        period = parse_period(initial["period"], definition.period_type)
    except PeriodError:
        return None
    if area is None:
        return None
    found = selectors.value_series(membership, definition, area_keys=[area.key], first=period, last=period)
    return found[0] if found else None


def _detail_url(definition) -> str:
    from django.urls import reverse

    return reverse("indicators:definition_detail", kwargs={"definition_id": definition.pk})


urlpatterns = [
    path("definitions/", definition_list_view, name="definition_list"),
    path("definitions/new/", definition_create_view, name="definition_create"),
    path("definitions/<int:definition_id>/", definition_detail_view, name="definition_detail"),
    path("definitions/<int:definition_id>/edit/", definition_edit_view, name="definition_edit"),
    path("definitions/<int:definition_id>/values/new/", value_enter_view, name="value_enter"),
]
