"""awareness API: the residents' calendar feed, `GET /api/v1/events` (public: published fields only)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from renkei.core import policy
from renkei.core.selectors import municipality_or_none
from renkei.directory.api import ANONYMOUS_ALLOWED

from ..models import Theme
from ..selectors import awareness as selectors

router = Router(tags=["training and awareness"])


class MaterialOut(Schema):
    id: int
    title: str
    content_type: str
    size: int
    url: str


class EventOut(Schema):
    id: int
    municipality: str
    kind: str
    kind_label: str
    title: str
    description: str
    date: dt.date
    date_label: str
    starts_at: dt.time | None
    ends_at: dt.time | None
    place: str
    themes: list[str]
    theme_labels: list[str]
    audience: str
    capacity: int | None
    how_to_join: str
    contact: str
    url: str
    materials: list[MaterialOut]


class EventListOut(Schema):
    municipality: str
    count: int
    items: list[EventOut]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, str]


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@router.get("/events", response={200: EventListOut, 422: ErrorOut}, auth=ANONYMOUS_ALLOWED)
@policy.api_public("training.view_calendar")
def list_events(request, municipality: str = "", theme: str = "", to: str = ""):
    """Published, not cancelled awareness activities of a municipality (the residents' calendar; without
    `municipality`, of every municipality), by date: `from` and `to` are ISO dates (default: from today, no end);
    `theme` one of the theme codes."""
    errors = {}
    found = municipality_or_none(municipality) if municipality else None
    if municipality and found is None:
        errors["municipality"] = _("No municipality with this code.")
    start = end = None
    raw_from = request.GET.get("from", "")
    try:
        start = _day(raw_from)
    except ValueError:
        errors["from"] = _("Give a date as YYYY-MM-DD.")
    try:
        end = _day(to)
    except ValueError:
        errors["to"] = _("Give a date as YYYY-MM-DD.")
    if theme and theme not in Theme.values:
        errors["theme"] = _("Unknown theme.")
    if errors:
        return Status(422, {"detail": _("Some parameters are not valid. See “errors” for each one."),
                            "errors": errors})
    activities = selectors.calendar_activities(found, start=start or timezone.localdate(), end=end, theme=theme)
    items = []
    for activity in activities:
        fields = selectors.public_fields(activity)
        page = reverse("events:calendar", args=[activity.municipality.code])
        fields["url"] = request.build_absolute_uri(f"{page}#activity-{activity.pk}")
        fields["materials"] = [{**m, "url": request.build_absolute_uri(reverse("events:awareness_material",
                                                                                 args=[m["id"]]))}
                               for m in fields["materials"]]
        items.append(fields)
    return {"municipality": found.code if found else "", "count": len(items), "items": items}
