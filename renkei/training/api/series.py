"""Series under /api/v1/training/series: a municipality's series of a fiscal year with their sessions and counts
(never participants' names), for those who may read its training."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from renkei.core import policy
from renkei.core.selectors import municipality_or_none

from ..selectors import series as selectors

router = Router(tags=["training and awareness"])

VIEW = "training.view_series"


class ErrorOut(Schema):
    detail: str


class SessionOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str
    has_video_link: bool
    capacity: int | None
    status: str
    attended: int


class SeriesOut(Schema):
    id: int
    kind: str
    title: str
    fiscal_year: int
    municipality: str = Field(..., description="local government code")
    target_professions: list[str]
    organizer: str
    is_open_for_registration: bool
    registrations: int
    attendances: int
    sessions: list[SessionOut]


@router.get("/training/series", response={200: list[SeriesOut], 403: ErrorOut, 404: ErrorOut})
@policy.api_requires(VIEW)
def list_series(request, municipality: str | None = Query(None, description="local government code; without it, "
                                                           "every municipality the caller may read"),
                fiscal_year: int | None = Query(None, ge=2000, le=2100)):
    """The series of the fiscal year (default: the current one), sessions in order, with counts."""
    membership = request.membership
    year = fiscal_year or selectors.current_fiscal_year()
    if municipality:
        place = municipality_or_none(municipality)
        if place is None:
            return Status(404, {"detail": _("No municipality has the code %(code)s.") % {"code": municipality}})
        policy.require(membership, VIEW, place)
        series_list = selectors.year_series(membership, place, year)
    else:
        series_list = selectors.year_series(membership, None, year)
    out = []
    rows = selectors.attended_by_session(series_list)  # one query, not one per series
    for series in series_list:
        out.append(SeriesOut(
            id=series.pk, kind=series.kind, title=series.title, fiscal_year=series.fiscal_year,
            municipality=series.municipality.code, target_professions=list(series.target_professions),
            organizer=series.organizer.name if series.organizer_id else "",
            is_open_for_registration=series.is_open_for_registration, registrations=series.registration_count,
            attendances=series.attendance_count,
            sessions=[SessionOut(id=s.pk, title=s.title, starts_at=timezone.localtime(s.starts_at),
                                 ends_at=timezone.localtime(s.ends_at) if s.ends_at else None, place=s.place,
                                 has_video_link=bool(s.video_url), capacity=s.capacity, status=s.status,
                                 attended=rows.get(s.pk, 0)) for s in series.sessions.all()]))
    return out
