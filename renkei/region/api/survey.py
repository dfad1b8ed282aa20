"""API operations of the region's survey part (mounted under /api/v1/): the survey report's tables as JSON."""

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from renkei.core import policy
from renkei.core.models import Prefecture

from ..selectors.report import report_scope, survey_report

router = Router(tags=["region"])


class ReportFilter(Schema):
    year: int
    prefecture: str = ""


@router.get("/implementation/report", response=dict,
            summary="The implementation survey's tables for a fiscal year (counts of municipalities)")
@policy.api_requires("region.view_report")
def report(request, filters: Query[ReportFilter]):
    if not 2000 <= filters.year <= 2100:
        raise HttpError(400, "年度が範囲外です / fiscal year out of range")
    prefecture = None
    if filters.prefecture:
        prefecture = Prefecture.objects.filter(code=filters.prefecture.zfill(2)).first()
        if prefecture is None:
            raise HttpError(400, "都道府県コードが不明です / unknown prefecture code")
    found = survey_report(report_scope(request.membership), fiscal_year=filters.year, prefecture=prefecture)
    return found.as_dict()
