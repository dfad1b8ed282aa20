"""Survey instrument screens: the list (built-in and the municipality's own), an instrument's questions, creating
one, copying one to adapt, adding, reordering and retiring questions. Reading needs `training.view_instruments`,
changing `training.manage_instruments` (never on a built-in instrument, which has no municipality)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.forms import add_service_errors

from ..models import Instrument, InstrumentItem
from ..selectors import surveys as selectors
from ..services import instruments as services
from ..survey_forms import InstrumentForm, ItemForm

VIEW = "training.view_instruments"
MANAGE = services.MANAGE


def _instrument(request, pk, **kwargs) -> Instrument:
    return get_object_or_404(Instrument.objects.select_related("municipality"), pk=pk)


def _item(request, pk, **kwargs) -> InstrumentItem:
    return get_object_or_404(InstrumentItem.objects.select_related("instrument__municipality"), pk=pk)


def _own_municipality(request):
    return request.membership.organization.municipality


@policy.requires(VIEW)
def instrument_list_view(request):
    municipality = _own_municipality(request)
    may_create = municipality is not None and policy.check(request.membership, MANAGE, municipality)
    form = InstrumentForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.membership, MANAGE, municipality)
        if form.is_valid():
            try:
                instrument = services.instrument_create(municipality=municipality, membership=request.membership,
                                                        **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("training:instrument_detail", pk=instrument.pk)
    return render(request, "training/surveys/instrument_list.html", {
        "instruments": selectors.instruments_for(request.membership), "form": form, "may_create": may_create,
    }, status=400 if form.errors else 200)


@policy.requires(VIEW, get_object=_instrument)
def instrument_detail_view(request, pk, obj):
    municipality = _own_municipality(request)
    form = ItemForm(request.POST or None)
    if request.method == "POST":
        policy.require(request.membership, MANAGE, obj)
        if form.is_valid():
            try:
                services.instrument_item_add(instrument=obj, membership=request.membership, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The question was added."))
                return redirect("training:instrument_detail", pk=obj.pk)
    return render(request, "training/surveys/instrument_detail.html", {
        "instrument": obj, "items": selectors.instrument_items(obj), "form": form,
        "may_copy": municipality is not None and policy.check(request.membership, MANAGE, municipality),
    }, status=400 if form.errors else 200)


@policy.requires(VIEW, get_object=_instrument)
def instrument_copy_view(request, pk, obj):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    copy = services.instrument_copy(instrument=obj, municipality=_own_municipality(request),
                                    membership=request.membership)
    messages.success(request, _("A copy was made: adapt its questions here."))
    return redirect("training:instrument_detail", pk=copy.pk)


@policy.requires(MANAGE, get_object=lambda request, pk, **kw: _item(request, pk).instrument)
def instrument_item_action_view(request, pk, action, obj):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if action not in ("up", "down", "retire"):
        raise Http404
    item = _item(request, pk)
    if action == "retire":
        services.instrument_item_retire(item=item, membership=request.membership)
        messages.success(request, _("The question is no longer asked; its answers are kept."))
    else:
        services.instrument_item_move(item=item, direction=action, membership=request.membership)
    return redirect("training:instrument_detail", pk=item.instrument_id)


urlpatterns = [
    path("instruments/", instrument_list_view, name="instrument_list"),
    path("instruments/<int:pk>/", instrument_detail_view, name="instrument_detail"),
    path("instruments/<int:pk>/copy/", instrument_copy_view, name="instrument_copy"),
    path("instruments/items/<int:pk>/<str:action>/", instrument_item_action_view, name="instrument_item_action"),
]
