"""API operations of the region's survey part (mounted under /api/v1/): the survey report's tables as JSON."""

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from renkei.core import policy
from renkei.core.models import Prefecture

from ..selectors.report import report_scope, survey_report

router = Router(tags=["region"])


class ReportFilter(Schema):
    year: int | None = None  # default: the current fiscal year
    prefecture: str = ""


@router.get("/implementation/report", response=dict,
            summary="The implementation survey's tables for a fiscal year (counts of municipalities)")
@policy.api_requires("region.view_report")
def report(request, filters: Query[ReportFilter]):
    today = timezone.localdate()
    year = filters.year or (today.year if today.month >= 4 else today.year - 1)
    if not 2000 <= year <= 2100:
        raise HttpError(400, "年度が範囲外です / fiscal year out of range")
    prefecture = None
    if filters.prefecture:
        prefecture = Prefecture.objects.filter(code=filters.prefecture.zfill(2)).first()
        if prefecture is None:
            raise HttpError(400, "都道府県コードが不明です / unknown prefecture code")
    found = survey_report(report_scope(request.membership), fiscal_year=year, prefecture=prefecture)
    return found.as_dict()
