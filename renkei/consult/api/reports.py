"""The desk's counts as JSON (never a case's contents):

    GET /api/v1/desk/counts?municipality=262013&from=2025-04&to=2026-03

Monthly counts of cases received by scene, by requester kind, and of cases closed by outcome, with the month's
received/closed totals. `consult.view_reports` on the municipality (refused and logged for another municipality's
caller); counts from 1 to 9 come as null with `masked: true` for a caller outside the municipality (prefecture
staff), as on the report screen.
"""

from collections import Counter

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from renkei.core import policy
from renkei.core.models import Scene

from ..models import Outcome, RequesterKind
from ..selectors.reports import ReportError, count, monthly_counts, municipality_of_code, span_of

router = Router(tags=["consultation desk"])

VIEW_REPORTS = "consult.view_reports"


class CountsFilter(Schema):
    municipality: str = Field("", max_length=10, description="municipality code (6 digits or the 5-digit JIS code); "
                                                             "default: the caller's own")
    from_: str = Field("", alias="from", max_length=10, description="first month, YYYY-MM (default: April of this "
                                                                     "fiscal year)")
    to: str = Field("", max_length=10, description="last month, YYYY-MM (default: this month)")


def _counts(counter: Counter, choices, suppress: bool, flags: list) -> dict:
    out = {}
    for value, _label in choices:
        shown = count(counter.get(value, 0), suppress=suppress)
        if shown.is_masked:
            flags.append(True)
        out[value] = shown.number
    unrecorded = count(counter.get("", 0), suppress=suppress)
    if unrecorded.is_masked:
        flags.append(True)
    out["unrecorded"] = unrecorded.number
    return out


@router.get("/desk/counts", response=dict, summary="The desk's monthly counts for a municipality (no contents)")
@policy.api_requires(VIEW_REPORTS)
def counts(request, filters: Query[CountsFilter]):
    try:
        if filters.municipality:
            municipality = municipality_of_code(filters.municipality)
        else:
            municipality = request.membership.organization.municipality
            if municipality is None:
                raise ReportError("市区町村コードを指定してください。", "Give a municipality code.")
        start, end = span_of(filters.from_, filters.to)
    except ReportError as error:
        raise HttpError(400, str(error)) from error
    policy.require(request.membership, VIEW_REPORTS, municipality)
    suppress = not policy.check(request.membership, "consult.view_exact_counts", municipality)
    months = []
    for month in monthly_counts(municipality, start, end):
        flags: list = []
        received, closed = count(month.received, suppress=suppress), count(month.closed, suppress=suppress)
        flags += [received.is_masked, closed.is_masked]
        months.append({
            "month": f"{month.month:%Y-%m}", "received": received.number, "closed": closed.number,
            "by_scene": _counts(month.by_scene, [c for c in Scene.choices], suppress, flags),
            "by_requester_kind": _counts(month.by_requester_kind, RequesterKind.choices, suppress, flags),
            "closed_by_outcome": _counts(month.by_outcome, Outcome.choices, suppress, flags),
            "masked": any(flags)})
    return {"municipality": {"code": municipality.code, "name": municipality.name},
            "from": f"{start:%Y-%m}", "to": f"{end:%Y-%m}", "small_counts_masked": suppress,
            "mask_below": 10, "months": months}
