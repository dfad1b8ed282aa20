"""The directory's JSON API: /api/v1/facilities and /api/v1/facilities/{id}.

Both operations also answer anonymous callers (the resident portal, open-data users) with public fields
only; a logged-in session (second factor passed) or a bearer token additionally sees professional-only
collaboration details. A bearer header that does not authenticate is refused (401), never downgraded.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from renkei.api import BearerToken, SessionWithTwoFactor, UTF8JSONRenderer
from renkei.core import audit, policy
from renkei.core.concurrency import StaleEdit, etag, parse_version

from .hours import hours_by_day, is_open_at
from .models import CollaborationDetail, Facility
from .selectors.facilities import (
    PROFESSIONAL_DATA,
    PROFESSIONAL_PERMISSION,
    visible_collaboration_details,
)
from .selectors.search import parse_facility_search, search_facilities
from .services import facilities as facility_services

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
    version: int = Field(description="increases at every save of the facility, its hours or its details; send it "
                                     "back (or the ETag as If-Match) when you change the facility")
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
        "id", "version", "kind", "service_type", "name", "kana", "status", "address", "postal_code", "phone", "website",
        "latitude", "longitude", "coordinate_quality", "departments", "closed_on_holidays", "hours_note")}
    values.update(municipality__code=facility.municipality.code, municipality__name=facility.municipality.name,
                  daily_living_area__name=facility.daily_living_area.name if facility.daily_living_area_id else None,
                  hours=list(facility.opening_hours.all()), details=list(facility.collaboration_details.all()))
    return row_out(values, membership, distance_km=distance_km, at=at)


def row_out(row: dict, membership, *, distance_km: float | None = None, at: dt.datetime | None = None) -> dict:
    """A facility read as values (`search.facility_rows`) in the shape of FacilityOut, ready to render."""
    hours = row["hours"]
    return {
        "id": row["id"], "version": row["version"], "kind": row["kind"], "service_type": row["service_type"],
        "name": row["name"], "kana": row["kana"], "status": row["status"], "address": row["address"],
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


def _facility_for_api(facility_id: int) -> Facility:
    if not 0 < facility_id < 2**62:  # larger ids overflow the database's integer, smaller ones never exist
        raise Http404
    details = CollaborationDetail.objects.select_related("attribute__category")
    facility = (Facility.objects.filter(pk=facility_id)
                .select_related("municipality", "daily_living_area")
                .prefetch_related("opening_hours", Prefetch("collaboration_details", queryset=details)).first())
    if facility is None:
        raise Http404
    return facility


@router.get("/facilities/{facility_id}", response=FacilityOut, auth=ANONYMOUS_ALLOWED)
@policy.api_public("directory.view")
def get_facility(request, facility_id: int, response: HttpResponse):
    """One facility (closed ones too, with their status); 404 when there is no such facility.

    The `ETag` header carries the facility's version: send it back as `If-Match` to change the facility.
    """
    facility = _facility_for_api(facility_id)
    item = facility_out(facility, getattr(request, "membership", None))
    if _shows_professional_data(item):
        audit.record_read(facility, what=PROFESSIONAL_DATA, permission=PROFESSIONAL_PERMISSION)
    response["ETag"] = etag(facility)
    return item


EDITABLE_BY_API = ("name", "kana", "short_name", "name_romaji", "postal_code", "address", "phone", "fax", "website",
                   "hours_note", "description")


class FacilityPatchIn(Schema):
    """The public fields to change (only those sent), and the version they were read at."""

    version: int | None = Field(None, description="the version read (GET's `version` or ETag); the `If-Match` "
                                                  "header may carry it instead. Without either, the change is "
                                                  "applied whatever was saved meanwhile (last write wins).")
    name: str | None = None
    kana: str | None = None
    short_name: str | None = None
    name_romaji: str | None = None
    postal_code: str | None = None
    address: str | None = None
    phone: str | None = None
    fax: str | None = None
    website: str | None = None
    hours_note: str | None = None
    description: str | None = None
    closed_on_holidays: bool | None = None


class ConflictOut(Schema):
    detail: str
    current_version: int
    your_version: int
    current: dict[str, object] = Field(description="the stored values of the fields you sent")


class ChangeErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class PreconditionOut(Schema):
    detail: str


def _expected_version(request, payload: FacilityPatchIn) -> tuple[int | None, bool]:
    """The version the caller read: `If-Match` first, else the body's; (None, True) when If-Match is unreadable."""
    header = request.headers.get("If-Match", "").strip()
    if header and header != "*":
        version = parse_version(header.split(",")[0])
        return version, version is None
    return payload.version, False


@router.patch("/facilities/{facility_id}",
              response={200: FacilityOut, 409: ConflictOut, 412: PreconditionOut, 422: ChangeErrorOut})
@policy.api_requires("directory.manage_facilities")
def change_facility(request, facility_id: int, payload: FacilityPatchIn, response: HttpResponse):
    """Change a facility's public fields. Optimistic locking: send the version read (`If-Match: "<version>"` or
    `version` in the body); when someone saved the facility since, nothing is written and the answer is 409
    with the current version and values. Without a version the change is applied (last write wins)."""
    facility = _facility_for_api(facility_id)
    policy.require(request.membership, "directory.manage_facilities", facility)
    expected, unreadable = _expected_version(request, payload)
    if unreadable:
        return Status(412, {"detail": 'If-Match は施設の ETag（例："3"）にしてください。 / '
                                      'If-Match must be the ETag of the facility, e.g. "3".'})
    sent = payload.model_dump(exclude_unset=True)
    sent.pop("version", None)
    try:
        changes = facility_services.clean_public_field_changes(
            facility, {k: v for k, v in sent.items() if k in EDITABLE_BY_API}, allowed=EDITABLE_BY_API)
    except ValidationError as error:
        return Status(422, {"detail": _("Some values are not valid. See “errors” for each one."),
                            "errors": error.message_dict})
    for name, value in changes.items():
        setattr(facility, name, value)
    if sent.get("closed_on_holidays") is not None:
        facility.closed_on_holidays = sent["closed_on_holidays"]
    try:
        facility_services.facility_save(facility=facility, expected_version=expected)
    except StaleEdit as stale:
        response["ETag"] = etag(stale.current)
        return Status(409, {
            # Both languages, as programs log this text whatever language the caller asked for.
            "detail": (f"あなたが読んだ後に他の人がこの施設を保存しました（読んだ版 {stale.expected_version}、"
                       f"現在の版 {stale.current_version}）。何も変更していません。"
                       "読み直して、新しい版で送ってください。"
                       f" / Someone else saved this facility after you read it (version {stale.expected_version}, "
                       f"now {stale.current_version}). Nothing was changed: read it again and send your change "
                       "with the new version."),
            "current_version": stale.current_version, "your_version": stale.expected_version,
            "current": {name: getattr(stale.current, name) for name in sent}})
    except ValidationError as error:
        return Status(422, {"detail": _("Some values are not valid. See “errors” for each one."),
                            "errors": error.message_dict})
    facility = _facility_for_api(facility_id)
    response["ETag"] = etag(facility)
    return Status(200, facility_out(facility, request.membership))
