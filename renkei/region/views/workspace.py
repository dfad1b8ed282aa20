"""Screens of §3: the (ク) entry page, the prefecture's and 保健所's workspace home, a municipality's profile, the
prefecture's resource map, data provision and the 保健所's jurisdictions."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core import policy
from renkei.core.models import Municipality, Organization, Role

from ..selectors import workspace as selectors
from ..services.workspace import JurisdictionError, health_center_area_set

GEOJSON = "application/geo+json"

# The (ク) hub's links: (URL name, rule, label). A link is shown only when its name reverses and the rule passes
# (an unregistered rule fails closed), so nobody meets a 404 or a 403 from here.
HUB_LINKS = [
    ("region:implementation_list", "region.view_implementation", gettext_lazy("Implementation status")),
    ("region:report", "region.view_report", gettext_lazy("The prefecture's report")),
    ("region:wide_rules", "region.view_wide_rules", gettext_lazy("Wide-area rules")),
    ("region:joint_list", "region.view_joint_projects", gettext_lazy("Joint projects")),
    ("region:practice_list", "region.view_practices", gettext_lazy("Good practices")),
    ("region:meeting_list", "region.view_meetings", gettext_lazy("Sharing meetings")),
]
WORKSPACE_LINKS = [
    ("region:resource_map", "region.view_workspace", gettext_lazy("Resource map")),
    ("region:data_provision", "region.view_data_provision", gettext_lazy("Data provided to municipalities")),
    ("region:health_center_areas", "region.view_workspace", gettext_lazy("Health center jurisdictions")),
]


def links_for(membership, entries) -> list[dict]:
    """The entries whose URL exists and whose rule lets the member in."""
    links = []
    for name, rule, label in entries:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if policy.check(membership, rule):
            links.append({"url": url, "label": label, "name": name})
    return links


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _home_context(request) -> dict:
    membership = request.membership
    whole = request.GET.get("whole") == "1"
    area = selectors.health_center_area_of(membership)
    municipalities = selectors.workspace_municipalities(membership, whole_prefecture=whole)
    year = _year(request, selectors.default_fiscal_year(membership, municipalities))
    rows = selectors.status_rows(membership, municipalities, year)
    shapes = selectors.area_shapes(municipalities)
    query = f"year={year}" + ("&whole=1" if whole else "")
    return {
        "area": area, "whole": whole, "municipalities": municipalities, "year": year, "rows": rows,
        "years": selectors.fiscal_years(membership, municipalities), "items": selectors.item_labels(),
        "not_started": sum(1 for r in rows if not r.has_started),
        "progress": selectors.progress(membership, municipalities), "legend": selectors.legend(),
        "has_shapes": bool(shapes), "map_feed_url": reverse("region:progress_geojson") + "?" + query,
        "workspace_links": links_for(membership, WORKSPACE_LINKS),
    }


@policy.requires("region.view_report")
def index_view(request):
    """(ク): the prefecture's and 保健所's workspace home, or the municipality's hub."""
    membership = request.membership
    links = links_for(membership, HUB_LINKS)
    if policy.check(membership, "region.view_workspace") and membership.organization.prefecture_id and \
            membership.role != Role.SYSTEM_ADMIN:
        context = _home_context(request)
        context["hub_links"] = links
        return render(request, "region/workspace/home.html", context)
    municipality = membership.organization.municipality
    return render(request, "region/workspace/hub.html", {
        "municipality": municipality, "hub_links": links,
        "may_profile": municipality is not None and policy.check(
            membership, "region.view_municipality_profile", municipality)})


@policy.requires("region.view_workspace")
def progress_geojson_view(request):
    """The choropleth of items implemented, as GeoJSON styled per municipality (directory/map.js draws it)."""
    context = _home_context(request)
    features = selectors.progress_features(context["rows"], selectors.area_shapes(context["municipalities"]))
    return _geojson(features)


def _geojson(features) -> HttpResponse:
    body = {"type": "FeatureCollection", "features": features}
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")), content_type=GEOJSON)


def _municipality(request, code: str):
    municipality = Municipality.objects.select_related("prefecture").filter(code=code).first()
    if municipality is None:
        raise Http404("municipality")
    return municipality


@policy.requires("region.view_municipality_profile", get_object=_municipality)
def municipality_profile_view(request, code, obj):
    membership = request.membership
    year = _year(request, selectors.current_fiscal_year())
    return render(request, "region/workspace/profile.html", {
        "municipality": obj, "history": selectors.status_history(membership, obj), "items": selectors.item_labels(),
        "scenes": selectors.municipality_indicators(membership, obj, fiscal_year=year),
        "band": selectors.population_band_label(obj, year), "year": year,
        "outside": selectors.is_outside(membership, obj),
        "may_workspace": policy.check(membership, "region.view_workspace", obj),
    })


LAYERS = (("aged", gettext_lazy("Share of people aged 75+")),
          ("progress", gettext_lazy("Items implemented")))


@policy.requires("region.view_workspace")
def resource_map_view(request):
    """The prefecture's resource map: facilities by kind, with the 75+ share or the progress as areas."""
    membership = request.membership
    municipalities = selectors.workspace_municipalities(membership, whole_prefecture=True)
    year = selectors.current_fiscal_year()
    layer = request.GET.get("layer") if request.GET.get("layer") in dict(LAYERS) else "aged"
    kinds, counts = selectors.facility_counts(municipalities)
    aged = selectors.aged_rows(municipalities, year)
    overlay = (reverse("region:aged_geojson") if layer == "aged"
               else reverse("region:progress_geojson") + "?whole=1")
    return render(request, "region/workspace/resource_map.html", {
        "municipalities": municipalities, "layer": layer, "layers": LAYERS, "kinds": kinds,
        "kind_labels": _kind_labels(), "count_rows": [(m, [counts.get(m.pk, {}).get(k, 0) for k in kinds])
                                                      for m in municipalities],
        "aged": aged, "aged_legend": selectors.aged_legend(), "legend": selectors.legend(),
        "overlay_url": overlay, "overlay_name": dict(LAYERS)[layer],
        "facilities_url": reverse("region:resource_facilities_geojson"),
        "has_shapes": bool(selectors.area_shapes(municipalities)),
    })


def _kind_labels() -> dict[str, str]:
    from renkei.directory.models import FacilityKind

    return {value: str(label) for value, label in FacilityKind.choices}


@policy.requires("region.view_workspace")
def aged_geojson_view(request):
    municipalities = selectors.workspace_municipalities(request.membership, whole_prefecture=True)
    rows = selectors.aged_rows(municipalities, selectors.current_fiscal_year())
    return _geojson(selectors.aged_features(rows, selectors.area_shapes(municipalities)))


@policy.requires("region.view_workspace")
def resource_facilities_geojson_view(request):
    """The prefecture's open facilities with a position (name, kind, address: public fields only)."""
    from django.utils.html import format_html

    from renkei.directory.selectors.maps import prefecture_map_facilities
    from renkei.directory.views.maps import KIND_SYMBOLS, kind_group_label, kind_label

    features = []
    for facility in prefecture_map_facilities(request.membership.organization.prefecture_id):
        features.append({
            "type": "Feature", "id": facility.pk,
            "geometry": {"type": "Point", "coordinates": [round(facility.longitude, 6), round(facility.latitude, 6)]},
            "properties": {
                "name": facility.name, "kind": facility.kind, "kind_label": kind_label(facility),
                "kind_group_label": kind_group_label(facility), "symbol": KIND_SYMBOLS.get(facility.kind, "●"),
                "popup_html": str(format_html('<div class="map-popup"><h3><a href="{}">{}</a></h3><p>{}</p><p>{}</p>'
                                              '</div>', reverse("directory:facility_detail", args=[facility.pk]),
                                              facility.name, kind_label(facility), facility.address)),
            }})
    return _geojson(features)


@policy.requires("region.view_data_provision")
def data_provision_view(request):
    membership = request.membership
    municipalities = selectors.workspace_municipalities(membership, whole_prefecture=True)
    rows = selectors.data_provision(membership, municipalities)
    codes = list(selectors.PROVIDED_CODES)
    import_links = []
    for name, rule, label in (("directory:import_list", "directory.import", _("Directory imports")),
                              ("indicators:import_list", "indicators.record_values", _("Indicator imports"))):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if policy.check(membership, rule):
            import_links.append({"url": url, "label": label})
    return render(request, "region/workspace/data_provision.html", {
        "rows": [(r, [r.indicator_values.get(c) for c in codes]) for r in rows], "codes": codes,
        "import_links": import_links,
    })


def _health_center(request, health_center_id: int):
    return get_object_or_404(Organization, pk=health_center_id, kind=Organization.Kind.PUBLIC_HEALTH_CENTER)


@policy.requires("region.view_workspace")
def health_center_areas_view(request):
    """The prefecture's 保健所 and their municipalities; the office sets them (POST), a 保健所 reads its own."""
    membership = request.membership
    if request.method == "POST":
        health_center = Organization.objects.filter(
            pk=request.POST.get("health_center") if (request.POST.get("health_center") or "").isdecimal() else None,
            kind=Organization.Kind.PUBLIC_HEALTH_CENTER).first()
        if health_center is None:
            raise Http404("health center")
        policy.require(membership, "region.manage_health_center_area", health_center)
        codes = request.POST.getlist("municipalities")
        chosen = list(Municipality.objects.filter(code__in=codes))
        try:
            health_center_area_set(membership=membership, health_center=health_center, municipalities=chosen)
        except JurisdictionError as error:
            messages.error(request, f"{error.ja} / {error.en}")
        else:
            messages.success(request, _("The jurisdiction of %(name)s was saved.") % {"name": health_center.name})
        return redirect("region:health_center_areas")
    centers = selectors.health_center_areas(membership)
    may_manage = policy.check(membership, "region.manage_health_center_area")
    municipalities = selectors.workspace_municipalities(membership, whole_prefecture=True)
    rows = []
    for center in centers:
        area = getattr(center, "health_center_area", None)
        chosen = {m.pk for m in area.municipalities.all()} if area else set()
        rows.append({"center": center, "chosen": chosen,
                     "names": [m for m in municipalities if m.pk in chosen],
                     "may_edit": may_manage and policy.check(membership, "region.manage_health_center_area",
                                                             center)})
    return render(request, "region/workspace/health_centers.html", {
        "rows": rows, "municipalities": municipalities})


urlpatterns: list = [
    path("", index_view, name="index"),
    path("map/progress.geojson", progress_geojson_view, name="progress_geojson"),
    path("map/aged.geojson", aged_geojson_view, name="aged_geojson"),
    path("map/facilities.geojson", resource_facilities_geojson_view, name="resource_facilities_geojson"),
    path("map/", resource_map_view, name="resource_map"),
    path("municipalities/<str:code>/", municipality_profile_view, name="municipality_profile"),
    path("data/", data_provision_view, name="data_provision"),
    path("health-centers/", health_center_areas_view, name="health_center_areas"),
]
