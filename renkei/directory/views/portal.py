"""The resident portal (no login), mounted at /resources/: find care near home, on a phone first.

Residents see public fields and public collaboration details only. Every view passes no membership to the
selectors, even when a logged-in member opens the portal, so the portal shows what a resident sees.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.indicators.dashboards import has_public_indicators

from ..hours import hours_by_day, is_public_holiday
from ..models import Facility, FacilityKind
from ..selectors import maps as map_selectors
from ..selectors.facilities import attribute_label, visible_collaboration_details
from ..selectors.search import parse_facility_search, search_facilities
from .maps import (
    LIST_LIMIT,
    MAP_LIMIT,
    RADIUS_CHOICES,
    area_features,
    errors_response,
    facility_features,
    geojson_response,
    kind_label,
)

# Kinds a resident looks for; community support centers and informal resources are listed too.
PORTAL_KINDS = FacilityKind.choices


def public_facility_url(facility: Facility) -> str:
    return reverse("portal:facility", args=[facility.municipality.code, facility.pk])


def _portal_params(data, municipality=None, *, limit: int):
    if municipality is not None:  # also narrows an address typed without its municipality ("内記1丁目")
        data = data.copy()
        data["municipality"] = municipality.code
    params, errors = parse_facility_search(data)
    if municipality is not None:
        params.municipality_code = municipality.code
    params.include_closed = False
    params.limit = limit
    return params, errors


@policy.public
def index_view(request):
    """The municipalities whose directory is published (those with at least one open facility)."""
    return render(request, "directory/portal/index.html", {"municipalities": map_selectors.portal_municipalities()})


@policy.public
def search_view(request, code):
    """Search a municipality's directory: the result list (distance-sorted near a place) and the map."""
    municipality = map_selectors.municipality_by_code_or_404(code)
    params, errors = _portal_params(request.GET, municipality, limit=LIST_LIMIT)
    result = None if errors else search_facilities(params, membership=None, with_details=False)  # list only
    if result is not None and result.errors:
        errors, result = result.errors, None
    feed_query = request.GET.copy()
    feed_query.pop("offset", None)
    feed_query["municipality"] = municipality.code
    page_query = request.GET.copy()
    context = {
        "municipality": municipality,
        "has_public_indicators": has_public_indicators(municipality),
        "params": params,
        "errors": errors,
        "result": result,
        "hits": [(hit, reverse("portal:facility", args=[municipality.code, hit.facility.pk]))
                 for hit in result.hits] if result else [],
        "kinds": PORTAL_KINDS,
        "capabilities": [(a.code, attribute_label(a)) for a in map_selectors.resident_need_attributes()],
        "radius_choices": RADIUS_CHOICES,
        "open_now": request.GET.get("open_at") == "now",
        "facilities_url": "" if errors else reverse("portal:facilities_geojson") + "?" + feed_query.urlencode(),
        "areas_url": reverse("portal:areas_geojson") + "?" + urlencode({"municipality": municipality.code}),
        "center": f"{result.center[0]:.6f},{result.center[1]:.6f}" if result and result.center else "",
        "search_point": "1" if result and result.center else "",
        "radius_km": params.radius_km if result and result.center and params.radius_km else "",
        "previous_url": _page_url(page_query, params.offset - LIST_LIMIT) if params.offset > 0 else "",
        "next_url": (_page_url(page_query, params.offset + LIST_LIMIT)
                     if result and result.total > params.offset + LIST_LIMIT else ""),
    }
    return render(request, "directory/portal/search.html", context, status=400 if errors else 200)


def _page_url(query, offset: int) -> str:
    query = query.copy()
    query["offset"] = str(max(0, offset))
    return "?" + query.urlencode()


@dataclass
class HoursRow:
    label: str
    periods: list[str]
    is_today: bool
    note: str = ""


def hours_table(facility: Facility, today: dt.date | None = None) -> list[HoursRow]:
    """Monday to Sunday, then public holidays: the opening periods of each day ("09:00–12:30")."""
    today = today or timezone.localdate()
    today_index = 7 if is_public_holiday(today) else today.weekday()
    by_day = {day: [f"{opens}–{closes}" for opens, closes in periods]
              for day, periods in hours_by_day(facility.opening_hours.all()).items()}
    rows = [HoursRow(str(WEEKDAYS[day]), by_day.get(day, []), day == today_index) for day in range(7)]
    holiday = HoursRow(_("Public holidays"), by_day.get(7, []), today_index == 7)
    if not holiday.periods and not facility.closed_on_holidays:
        holiday.note = _("Usual hours of the weekday")  # hours.py: a holiday keeps the weekday's hours
    rows.append(holiday)
    return rows


@policy.public
def facility_view(request, code, facility_id):
    """A facility's public page: address, phone, hours, departments and public collaboration details."""
    municipality = map_selectors.municipality_by_code_or_404(code)
    facility = map_selectors.portal_facility(municipality, facility_id)
    categories = visible_collaboration_details(facility, None, details=list(facility.collaboration_details.all()))
    return render(request, "directory/portal/facility.html", {
        "municipality": municipality,
        "facility": facility,
        "kind_label": kind_label(facility),
        "is_closed": facility.status == Facility.Status.CLOSED,
        "categories": categories,
        "hours": hours_table(facility) if facility.opening_hours.all() or facility.closed_on_holidays else [],
        "gsi_map_url": (f"https://maps.gsi.go.jp/#16/{facility.latitude:.6f}/{facility.longitude:.6f}/"
                        if facility.has_position else ""),
    })


@policy.public
def about_view(request, code):
    """Where the directory's data comes from, how fresh it is, and how facilities correct their entry."""
    municipality = map_selectors.municipality_by_code_or_404(code)
    return render(request, "directory/portal/about.html", {
        "municipality": municipality, "vintage": map_selectors.data_vintage(municipality)})


@policy.public
def facilities_geojson_view(request):
    """Open facilities matching the search as GeoJSON, with public fields and public details only."""
    params, errors = _portal_params(request.GET, limit=MAP_LIMIT)
    if errors:
        return errors_response(errors)
    params.offset = 0
    result = search_facilities(params, membership=None, with_hours=False)  # popups show no hours
    if result.errors:
        return errors_response(result.errors)
    return geojson_response(facility_features(result.hits, membership=None, url_for=public_facility_url),
                            total=result.total)


@policy.public
def areas_geojson_view(request):
    """Daily living area outlines of `?municipality=CODE`."""
    code = (request.GET.get("municipality") or "").strip()
    if not code:
        return errors_response({"municipality": _("Give a municipality code.")})
    municipality = map_selectors.municipality_by_code_or_404(code)
    return geojson_response(area_features(map_selectors.area_outlines(municipality)))


urlpatterns = [
    path("", index_view, name="index"),
    path("facilities.geojson", facilities_geojson_view, name="facilities_geojson"),
    path("areas.geojson", areas_geojson_view, name="areas_geojson"),
    path("<str:code>/", search_view, name="search"),
    path("<str:code>/about/", about_view, name="about"),
    path("<str:code>/<int:facility_id>/", facility_view, name="facility"),
]
