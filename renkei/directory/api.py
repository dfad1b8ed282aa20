"""The directory's JSON API: /api/v1/facilities and /api/v1/facilities/{id}.

Both operations also answer anonymous callers (the resident portal, open-data users) with public fields
only; a logged-in session (second factor passed) or a bearer token additionally sees professional-only
collaboration details. A bearer header that does not authenticate is refused (401), never downgraded.
"""

import datetime as dt

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from renkei.api import BearerToken, SessionWithTwoFactor, UTF8JSONRenderer
from renkei.core import audit, policy

from .hours import hours_by_day, is_open_at
from .models import CollaborationDetail, Facility
from .selectors.facilities import (
    PROFESSIONAL_DATA,
    PROFESSIONAL_PERMISSION,
    visible_collaboration_details,
)
from .selectors.search import parse_facility_search, search_facilities

router = Router(tags=["directory"])


class AnonymousCaller:
    """Lets a caller without credentials through as a resident (request.membership None).

    Tried last: a valid session or token has already matched. A session still waiting for its second
    factor is served as anonymous; a request carrying an Authorization header that did not match is not.
    """

    def __call__(self, request):
        if request.headers.get("Authorization"):
            return None
        request.membership = None
        return "anonymous"


ANONYMOUS_ALLOWED = [SessionWithTwoFactor(), BearerToken(), AnonymousCaller()]


class FacilityQuery(Schema):
    """Search parameters (each is checked by the search itself, with messages in Japanese and English)."""

    q: str = Field("", description="name, kana or romaji; every space-separated term must match")
    kind: list[str] = Field([], description="facility kind (repeatable or comma-separated)")
    service: list[str] = Field([], description="介護保険サービス種別 code or informal resource type")
    capability: list[str] = Field([], description="collaboration attribute code answered yes (repeatable)")
    department: list[str] = Field([], description="department, e.g. 内科")
    area: str = Field("", description="daily living area id")
    municipality: str = Field("", description="6-digit local government code or 5-digit JIS code")
    open_at: str = Field("", description="ISO date-time (Japan time when no offset) or 'now'")
    lat: str = Field("", description="latitude of the centre")
    lon: str = Field("", description="longitude of the centre")
    radius_km: str = Field("", description="radius around the centre, at most 100 km")
    near: str = Field("", description="postal code, address or municipality name to use as the centre")
    include_closed: str = Field("", description="true to include closed facilities")
    limit: str = Field("", description="1–200, default 50")
    offset: str = Field("", description="0 or more")


class DetailOut(Schema):
    code: str
    name: str
    value: object = None
    display: str
    confirmed_on: dt.date
    confirmed_by: str
    is_professional: bool
    is_stale: bool


class CategoryOut(Schema):
    code: str
    name: str
    details: list[DetailOut]


class PeriodOut(Schema):
    weekday: int = Field(description="0 = Monday … 6 = Sunday, 7 = public holidays")
    opens: str
    closes: str


class FacilityOut(Schema):
    id: int
    kind: str
    service_type: str
    name: str
    kana: str
    status: str
    address: str
    postal_code: str
    phone: str
    website: str
    municipality_code: str
    municipality_name: str
    daily_living_area: str | None
    lat: float | None
    lon: float | None
    coordinate_quality: str
    distance_km: float | None
    departments: list[str]
    is_open: bool | None = Field(description="open at `open_at` (or now); null when no hours are known")
    closed_on_holidays: bool
    hours: list[PeriodOut]
    hours_note: str
    collaboration: list[CategoryOut]


class CenterOut(Schema):
    lat: float
    lon: float
    label: str
    quality: str
    note: str = ""  # e.g. the town asked for could not be placed: distances are from the municipality's centre


class FacilityListOut(Schema):
    count: int
    limit: int
    offset: int
    center: CenterOut | None
    items: list[FacilityOut]


class SearchErrorOut(Schema):
    detail: str
    errors: dict[str, str]


def facility_out(facility: Facility, membership, *, distance_km: float | None = None,
                 at: dt.datetime | None = None) -> dict:
    """One facility as the API shows it to this caller (public fields, plus professional details for members)."""
    values = {name: getattr(facility, name) for name in (
        "id", "kind", "service_type", "name", "kana", "status", "address", "postal_code", "phone", "website",
        "latitude", "longitude", "coordinate_quality", "departments", "closed_on_holidays", "hours_note")}
    values.update(municipality__code=facility.municipality.code, municipality__name=facility.municipality.name,
                  daily_living_area__name=facility.daily_living_area.name if facility.daily_living_area_id else None,
                  hours=list(facility.opening_hours.all()), details=list(facility.collaboration_details.all()))
    return row_out(values, membership, distance_km=distance_km, at=at)


def row_out(row: dict, membership, *, distance_km: float | None = None, at: dt.datetime | None = None) -> dict:
    """A facility read as values (`search.facility_rows`) in the shape of FacilityOut, ready to render."""
    hours = row["hours"]
    return {
        "id": row["id"], "kind": row["kind"], "service_type": row["service_type"], "name": row["name"],
        "kana": row["kana"], "status": row["status"], "address": row["address"],
        "postal_code": row["postal_code"], "phone": row["phone"], "website": row["website"],
        "municipality_code": row["municipality__code"], "municipality_name": row["municipality__name"],
        "daily_living_area": row["daily_living_area__name"],
        "lat": row["latitude"], "lon": row["longitude"], "coordinate_quality": row["coordinate_quality"],
        "distance_km": None if distance_km is None else round(distance_km, 3),
        "departments": [d for d in row["departments"].split("|") if d],
        "is_open": (is_open_at(hours, at or timezone.now(), row["closed_on_holidays"])
                    if hours and row["status"] == Facility.Status.OPEN else (False if hours else None)),
        "closed_on_holidays": row["closed_on_holidays"],
        "hours": [{"weekday": day, "opens": opens, "closes": closes}
                  for day, periods in hours_by_day(hours).items() for opens, closes in periods],
        "hours_note": row["hours_note"],
        "collaboration": [
            {"code": c.code, "name": c.name, "details": [
                {"code": d.code, "name": d.name, "value": d.value, "display": d.display,
                 "confirmed_on": d.confirmed_on, "confirmed_by": d.confirmed_by,
                 "is_professional": d.is_professional, "is_stale": d.is_stale} for d in c.details]}
            for c in visible_collaboration_details(None, membership, details=row["details"])],
    }


def _shows_professional_data(item: dict) -> bool:
    """True when a facility as shown holds professional-only details or who confirmed them (audited reads)."""
    return any(d["is_professional"] or d["confirmed_by"] for c in item["collaboration"] for d in c["details"])


def _invalid(errors: dict[str, str]):
    return Status(422, {"detail": _("Some parameters are not valid. See “errors” for each one."), "errors": errors})


@router.get("/facilities", response={200: FacilityListOut, 422: SearchErrorOut}, auth=ANONYMOUS_ALLOWED)
@policy.api_public("directory.view")
def list_facilities(request, filters: Query[FacilityQuery]):
    """Facilities matching the search, nearest first around `lat`/`lon` or `near`, else in kana order."""
    membership = getattr(request, "membership", None)
    params, errors = parse_facility_search(request.GET, membership=membership)
    if errors:
        return _invalid(errors)
    result = search_facilities(params, membership=membership, as_rows=True)
    if result.errors:
        return _invalid(result.errors)
    center = None
    if result.center is not None:
        center = {"lat": result.center[0], "lon": result.center[1], "label": result.center_label,
                  "quality": result.center_quality, "note": result.center_note}
    items = [row_out(hit.row, membership, distance_km=hit.distance_km, at=params.open_at) for hit in result.hits]
    professional = [item["id"] for item in items if _shows_professional_data(item)]
    if professional:
        shown = Facility.objects.in_bulk(professional)  # in the order of the page
        audit.record_reads([shown[i] for i in professional if i in shown], what=PROFESSIONAL_DATA,
                           permission=PROFESSIONAL_PERMISSION)
    # Already in the shape of FacilityListOut (the declared response, kept for the OpenAPI schema): rendered
    # as it is, without validating every hit a second time.
    renderer = UTF8JSONRenderer()
    return HttpResponse(renderer.render(request, {
        "count": result.total, "limit": params.limit, "offset": params.offset, "center": center, "items": items,
    }, response_status=200), content_type=f"{renderer.media_type}; charset={renderer.charset}")


@router.get("/facilities/{facility_id}", response=FacilityOut, auth=ANONYMOUS_ALLOWED)
@policy.api_public("directory.view")
def get_facility(request, facility_id: int):
    """One facility (closed ones too, with their status); 404 when there is no such facility."""
    if not 0 < facility_id < 2**62:  # larger ids overflow the database's integer, smaller ones never exist
        raise Http404
    details = CollaborationDetail.objects.select_related("attribute__category")
    facility = (Facility.objects.filter(pk=facility_id)
                .select_related("municipality", "daily_living_area")
                .prefetch_related("opening_hours", Prefetch("collaboration_details", queryset=details)).first())
    if facility is None:
        raise Http404
    item = facility_out(facility, getattr(request, "membership", None))
    if _shows_professional_data(item):
        audit.record_read(facility, what=PROFESSIONAL_DATA, permission=PROFESSIONAL_PERMISSION)
    return item
