"""The staff and professional map, and the GeoJSON feeds every directory map reads.

Feeds take the same query string as the search (`q`, `kind`, `capability`, `municipality`, `near`…, see
selectors/search.py). Popups are built here with `format_html` (every value escaped) and shown by map.js as
HTML; they hold only what the viewer may see: `visible_collaboration_details` drops professional-only
details for residents, and the resident portal's feeds (views/portal.py) always pass no membership.
"""

from __future__ import annotations

import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from renkei.core import audit, policy

from ..models import Facility, FacilityKind
from ..selectors import maps as map_selectors
from ..selectors.facilities import (
    PROFESSIONAL_DATA,
    PROFESSIONAL_PERMISSION,
    attribute_label,
    has_professional_details,
    visible_collaboration_details,
)
from ..selectors.search import parse_facility_search, search_facilities
from ..taxonomy import SERVICE_TYPES

GEOJSON = "application/geo+json"
MAP_LIMIT = 3000  # markers in one feed; a municipality rarely lists more (福知山市: about 400)
LIST_LIMIT = 50  # results listed next to the map
KIND_SYMBOLS = {"hospital": "病", "clinic": "診", "dental_clinic": "歯", "pharmacy": "薬",
                "visiting_nursing_station": "看", "care_service": "介", "community_support_center": "包",
                "informal_resource": "地"}
POPUP_YES_DETAILS = 6  # "yes" details listed in a popup; the facility page has them all
PROFESSIONAL_CONTACT_CATEGORY = "professional_contact"
RADIUS_CHOICES = [1, 2, 5, 10, 16, 30]


def kind_group_label(facility: Facility) -> str:
    """The name of the facility's kind alone: what a map legend entry covering the whole kind says."""
    return str(FacilityKind(facility.kind).label) if facility.kind in FacilityKind.values else facility.kind


def kind_label(facility: Facility) -> str:
    """The kind with the service type by name (never its code): 「介護サービス事業所（訪問介護）」."""
    label = kind_group_label(facility)
    service = SERVICE_TYPES.get(facility.service_type)
    return f"{label}（{service[0]}）" if service else label


def geojson_response(features: list[dict], **extra) -> HttpResponse:
    body = {"type": "FeatureCollection", "features": features, **extra}
    return HttpResponse(json.dumps(body, ensure_ascii=False, separators=(",", ":")), content_type=GEOJSON)


def errors_response(errors: dict[str, str]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=400, json_dumps_params={"ensure_ascii": False})


def facility_popup(facility: Facility, categories, *, url: str | None, distance_km: float | None) -> str:
    """The popup of one marker: name, kind, address, phone, a few "yes" details, professional contact lines."""
    title = format_html('<a href="{}">{}</a>', url, facility.name) if url else format_html("{}", facility.name)
    lines = [format_html("<h3>{}</h3>", title), format_html('<p class="kind">{}</p>', kind_label(facility))]
    if distance_km is not None:
        lines.append(format_html('<p class="distance">{}</p>', _("%(km)s km away") % {"km": f"{distance_km:.1f}"}))
    if facility.address:
        lines.append(format_html("<p>{}</p>", facility.address))
    if facility.phone:
        lines.append(format_html('<p>{} <a href="tel:{}">{}</a></p>', _("Phone"), _tel(facility.phone),
                                 facility.phone))
    public_yes = [d.name for c in categories if c.code != PROFESSIONAL_CONTACT_CATEGORY
                  for d in c.details if d.is_yes and not d.is_professional][:POPUP_YES_DETAILS]
    if public_yes:
        lines.append(format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((n,) for n in public_yes))))
    professional = [d for c in categories for d in c.details if d.is_professional]
    if professional:
        lines.append(format_html(
            '<div class="professional"><p><strong>{}</strong></p><ul>{}</ul></div>', _("For professionals"),
            format_html_join("", "<li>{}: {}</li>", ((d.name, d.display) for d in professional))))
    return format_html('<div class="map-popup">{}</div>', format_html_join("", "{}", ((line,) for line in lines)))


def _tel(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def facility_features(hits, *, membership, url_for) -> list[dict]:
    """GeoJSON point features for search hits that have a position; `url_for(facility)` links the popup."""
    features = []
    for hit in hits:
        facility = hit.facility
        if not facility.has_position:
            continue
        # search_facilities prefetches the details (and their attributes) with the page's rows.
        categories = visible_collaboration_details(facility, membership,
                                                   details=list(facility.collaboration_details.all()))
        url = url_for(facility)
        features.append({
            "type": "Feature",
            "id": facility.pk,
            "geometry": {"type": "Point", "coordinates": [round(facility.longitude, 6), round(facility.latitude, 6)]},
            "properties": {
                "name": facility.name,
                "kind": facility.kind,
                "kind_label": kind_label(facility),
                # The legend names the whole group of markers of this kind, not one facility's service type.
                "kind_group_label": kind_group_label(facility),
                "symbol": KIND_SYMBOLS.get(facility.kind, "●"),
                "url": url or "",
                "distance_km": None if hit.distance_km is None else round(hit.distance_km, 2),
                "popup_html": facility_popup(facility, categories, url=url, distance_km=hit.distance_km),
            },
        })
    return features


def area_features(shapes) -> list[dict]:
    return [{
        "type": "Feature",
        "id": shape.pk,
        "geometry": shape.geometry,
        "properties": {
            "name": shape.daily_living_area.name if shape.daily_living_area else str(shape.municipality.name),
            "area_id": shape.daily_living_area_id,
            "kind": "daily_living_area" if shape.daily_living_area_id else "municipality",
        },
    } for shape in shapes]


def staff_facility_url(facility: Facility) -> str | None:
    return reverse("directory:facility_detail", args=[facility.pk])


def map_search_params(data, *, membership=None, limit: int = MAP_LIMIT):
    """Parse the search query string for a map: the member's own municipality when nothing narrows it."""
    params, errors = parse_facility_search(data, membership=membership)
    narrowed = any(data.get(key) for key in ("municipality", "near", "lat", "area"))
    own = membership.organization.municipality if membership is not None else None
    if not narrowed and own is not None:
        params.municipality_code = own.code
    params.limit, params.offset = limit, 0
    return params, errors


@policy.requires("directory.view")
def facilities_geojson_view(request):
    """Facilities matching the search, as GeoJSON points with popups for a logged-in viewer."""
    params, errors = map_search_params(request.GET, membership=request.membership)
    if errors:
        return errors_response(errors)
    result = search_facilities(params, membership=request.membership, with_hours=False)  # popups: no hours
    if result.errors:
        return errors_response(result.errors)
    features = facility_features(result.hits, membership=request.membership, url_for=staff_facility_url)
    audit.record_reads([hit.facility for hit in result.hits
                        if hit.facility.has_position and has_professional_details(hit.facility)],
                       what=PROFESSIONAL_DATA, permission=PROFESSIONAL_PERMISSION)
    return geojson_response(features, total=result.total)


@policy.requires("directory.view")
def areas_geojson_view(request):
    """Daily living area outlines of `?municipality=CODE` (the member's own municipality by default)."""
    code = (request.GET.get("municipality") or "").strip()
    if not code and request.membership.organization.municipality is not None:
        code = request.membership.organization.municipality.code
    if not code:
        return errors_response({"municipality": _("Give a municipality code.")})
    municipality = map_selectors.municipality_by_code_or_404(code)
    return geojson_response(area_features(map_selectors.area_outlines(municipality)))


@policy.requires("directory.view")
def map_view(request):
    """The map for staff and professionals: the search form, the result list and the map side by side."""
    params, errors = map_search_params(request.GET, membership=request.membership, limit=LIST_LIMIT)
    result = None if errors else search_facilities(params, membership=request.membership, with_details=False)
    if result is not None and result.errors:
        errors, result = result.errors, None
    query = request.GET.urlencode()
    municipality_code = params.municipality_code
    context = {
        "params": params,
        "errors": errors,
        "result": result,
        "hits": [(hit, staff_facility_url(hit.facility)) for hit in result.hits] if result else [],
        "kinds": FacilityKind.choices,
        "capabilities": [(a.code, attribute_label(a)) for a in map_selectors.staff_filter_attributes()],
        "radius_choices": RADIUS_CHOICES,
        "open_now": request.GET.get("open_at") == "now",
        "facilities_url": "" if errors else reverse("directory:facilities_geojson") + (f"?{query}" if query else ""),
        "areas_url": (reverse("directory:areas_geojson") + f"?municipality={municipality_code}"
                      if municipality_code else ""),
        "center": f"{result.center[0]:.6f},{result.center[1]:.6f}" if result and result.center else "",
        "search_point": "1" if result and result.center else "",
        "radius_km": params.radius_km if result and result.center else "",
    }
    return render(request, "directory/map.html", context, status=400 if errors else 200)


urlpatterns = [
    path("map/", map_view, name="map"),
    path("facilities.geojson", facilities_geojson_view, name="facilities_geojson"),
    path("areas.geojson", areas_geojson_view, name="areas_geojson"),
]
