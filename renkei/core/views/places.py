"""Screens for the place master: prefectures, municipalities, daily living areas, area groups."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import policy, selectors
from ..forms import AreaGroupForm, DailyLivingAreaForm
from ..models import AreaGroup, DailyLivingArea, Municipality, Prefecture
from ..services import places as place_services


def _municipality(request, code, **kwargs):
    return selectors.municipality_by_code(code)


def _prefecture(request, code, **kwargs):
    return get_object_or_404(Prefecture, code=code)


@policy.requires("core.view_places")
def place_list_view(request):
    q = request.GET.get("q", "")
    municipalities = selectors.municipalities_search(q=q)[:50] if q else None
    return render(request, "core/place_list.html", {
        "prefectures": selectors.prefectures_with_counts(), "q": q, "municipalities": municipalities,
    })


@policy.requires("core.view_places", get_object=_prefecture)
def prefecture_detail_view(request, code, obj):
    municipalities = selectors.municipalities_search(prefecture_code=obj.code, include_abolished=True)
    return render(request, "core/prefecture_detail.html", {
        "prefecture": obj,
        "page": Paginator(municipalities, 100).get_page(request.GET.get("page")),
        "area_groups": selectors.area_groups_for(obj),
        "can_manage_groups": policy.check(request.membership, "core.manage_area_groups", obj),
    })


@policy.requires("core.view_places", get_object=_municipality)
def municipality_detail_view(request, code, obj):
    return render(request, "core/municipality_detail.html", {
        "municipality": obj,
        "areas": obj.daily_living_areas.all(),
        "wards": obj.wards.all(),
        "area_groups": obj.area_groups.all(),
        "can_manage_areas": policy.check(request.membership, "core.manage_daily_living_areas", obj),
    })


@policy.requires("core.manage_daily_living_areas", get_object=_municipality)
def daily_living_area_edit_view(request, code, obj, area_id=None):
    area = get_object_or_404(DailyLivingArea, pk=area_id, municipality=obj) if area_id else DailyLivingArea(
        municipality=obj)
    form = DailyLivingAreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        place_services.daily_living_area_save(area=form.instance)
        messages.success(request, _("Saved the daily living area “%(name)s”.") % {"name": area.name})
        return redirect("core:municipality_detail", code=obj.code)
    return render(request, "core/daily_living_area_form.html", {"form": form, "municipality": obj, "area": area},
                  status=400 if form.errors else 200)


@policy.requires("core.manage_daily_living_areas", get_object=_municipality)
def daily_living_area_delete_view(request, code, obj, area_id):
    area = get_object_or_404(DailyLivingArea, pk=area_id, municipality=obj)
    if request.method == "POST":
        try:
            place_services.daily_living_area_delete(area=area)
        except ProtectedError:
            messages.error(request, _("“%(name)s” is still used by other records and cannot be removed.")
                           % {"name": area.name})
        else:
            messages.success(request, _("Removed the daily living area “%(name)s”.") % {"name": area.name})
        return redirect("core:municipality_detail", code=obj.code)
    cancel_url = reverse("core:municipality_detail", args=[obj.code])
    return render(request, "core/confirm_delete.html", {"object": area, "cancel_url": cancel_url})


@policy.requires("core.manage_area_groups", get_object=_prefecture)
def area_group_edit_view(request, code, obj, group_id=None):
    group = get_object_or_404(AreaGroup, pk=group_id, prefecture=obj) if group_id else AreaGroup(prefecture=obj)
    form = AreaGroupForm(request.POST or None, instance=group, prefecture=obj)
    if request.method == "POST" and form.is_valid():
        place_services.area_group_save(group=form.instance,
                                       municipality_ids=[m.pk for m in form.cleaned_data["municipalities"]])
        messages.success(request, _("Saved the grouping “%(name)s”.") % {"name": group.name})
        return redirect("core:prefecture_detail", code=obj.code)
    return render(request, "core/area_group_form.html", {"form": form, "prefecture": obj, "group": group,
                                                         "kinds": Municipality.Kind},
                  status=400 if form.errors else 200)
