"""The もれ率 report as JSON: an area's figures (region staff) and an organization's own (professionals).

    GET /api/v1/handoffs/report?area=262013&start=2024-04&end=2025-03
    GET /api/v1/handoffs/report/own?start=2024-04&end=2025-03

Figures only (no patient row); an area's counts 1–4 come as null with `suppressed: true`, as on the screen.
"""

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from renkei.core import policy
from renkei.core.models import Organization

from ..report_areas import AreaError, area_choices, area_from_key
from ..selectors import measures
from ..selectors.report import PeriodError, area_report, own_report, period_of

router = Router(tags=["handoffs"])

VIEW_REPORT, VIEW_OWN = "handoff.view_report", "handoff.view_own_measures"
COUNTS = ("discharges", "counted", "missed", "counted_care", "missed_care", "counted_support", "missed_support",
          "late_notice", "admission_info_missing", "exchanges", "conferences", "with_conference",
          "without_key_person", "key_person_known", "reported_afterwards")
RATES = ("missed_rate", "coordination_rate", "coordination_rate_care", "coordination_rate_support",
         "late_notice_share", "admission_info_sent_share", "conference_share", "without_key_person_share")
RATE_DENOMINATORS = {"missed_rate": "counted", "coordination_rate": "counted", "coordination_rate_care":
                     "counted_care", "coordination_rate_support": "counted_support", "late_notice_share": "counted",
                     "admission_info_sent_share": "discharges", "conference_share": "counted",
                     "without_key_person_share": "key_person_known"}


class ReportFilter(Schema):
    area: str = Field("", max_length=20, description="municipality code (6 or 5 digits), G<group id>, or a "
                                                     "2-digit prefecture code; default: the caller's first area")
    start: str = Field("", max_length=10, description="first month, YYYY-MM (default: 11 months before end)")
    end: str = Field("", max_length=10, description="last month, YYYY-MM (default: this month)")


class OwnFilter(Schema):
    start: str = Field("", max_length=10)
    end: str = Field("", max_length=10)


def _figures(f, suppress: bool) -> dict:
    small = measures.SUPPRESS_BELOW if suppress else 0
    out: dict = {"label": f.label, "suppressed": False}
    for name in COUNTS:
        value = getattr(f, name)
        if 0 < value < small:
            out[name], out["suppressed"] = None, True
        else:
            out[name] = value
    for name in RATES:
        value, denominator = getattr(f, name), getattr(f, RATE_DENOMINATORS[name])
        out[name] = None if value is None or 0 < denominator < small else float(value)
    return out


def _report(report) -> dict:
    s = report.suppress
    small = measures.SUPPRESS_BELOW if s else 0

    def count(value):
        return None if 0 < value < small else value

    return {
        "start": report.start.isoformat(), "end": report.end.isoformat(),
        "total": _figures(report.total, s),
        "months": [{"month": f.key.isoformat(), **_figures(f, s)} for f in report.months],
        "hospitals": [{"facility_id": f.key, **_figures(f, s)} for f in report.hospitals],
        "care_offices": [{"organization_id": f.key, **_figures(f, s)} for f in report.care_offices],
        "municipalities": [_figures(f, s) for f in report.municipalities],
        "steps": [{"key": x.key, "label": str(x.label), "due": count(x.due), "on_time": count(x.on_time),
                   "late": count(x.late), "not_done": count(x.not_done),
                   "on_time_rate": None if x.on_time_rate is None or 0 < x.due < small else float(x.on_time_rate)}
                  for x in report.steps],
        "conference_participation": [{"profession": p.profession, "invited": count(p.invited),
                                      "attended": count(p.attended)} for p in report.professions],
        "survey_months": [{"month": c.month.isoformat(), "discharges": c.discharges, "contacted": c.contacted,
                           "missed_rate": float(c.missed_rate) if c.missed_rate is not None else None}
                          for c in report.census],
        "baselines": [{"measured_in": b.measured_in.isoformat(), "missed_rate": float(b.missed_rate),
                       "source": b.source} for b in report.baselines],
    }


@router.get("/handoffs/report", response=dict, summary="An area's missed discharge coordination report")
@policy.api_requires(VIEW_REPORT)
def report(request, filters: Query[ReportFilter]):
    key = filters.area or next(iter(area_choices(request.membership)), ("", ""))[0]
    try:
        area = area_from_key(key)
        start, end = period_of(filters.start, filters.end)
    except (AreaError, PeriodError) as error:
        raise HttpError(400, f"{error.ja} / {error.en}") from error
    policy.require(request.membership, VIEW_REPORT, area)
    return {"area": {"key": area.key, "name": area.name, "kind": area.kind}, **_report(area_report(area, start, end))}


@router.get("/handoffs/report/own", response=dict, summary="The caller's organization's own figures")
@policy.api_requires(VIEW_OWN)
def own(request, filters: Query[OwnFilter]):
    try:
        start, end = period_of(filters.start, filters.end)
    except PeriodError as error:
        raise HttpError(400, f"{error.ja} / {error.en}") from error
    organization = request.membership.organization
    if organization.kind in (Organization.Kind.HOSPITAL, Organization.Kind.CLINIC):
        side, built = "hospital", own_report(start=start, end=end, hospital_organization_id=organization.pk)
    else:
        side, built = "care_office", own_report(start=start, end=end, care_office_id=organization.pk)
    return {"organization": {"id": organization.pk, "name": organization.name, "side": side}, **_report(built)}
