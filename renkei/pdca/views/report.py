"""PDCA screens (the yearly evaluation report): the report page and its two downloads, PDF and Excel.

Each download is an `export` audit entry naming the municipality, the fiscal year, the format and the file.
The downloads list action owners by name, so they ask for a recent second factor like the directory's exports.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from renkei.core import audit, policy
from renkei.core.models import AuditEntry
from renkei.core.second_factor import recent_second_factor
from renkei.core.selectors import municipality_by_code

from ..reports.pdf import report_pdf
from ..reports.xlsx import report_workbook
from ..selectors.report import TITLE, yearly_report
from .cycles import choose_municipality, chooser_context, fiscal_year_param, year_choices

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _municipality(request, code, **kwargs):
    return municipality_by_code(code)


@policy.requires("pdca.report")
def report_view(request):
    """The yearly report of a municipality's fiscal year: what it holds, and the PDF and Excel downloads."""
    fiscal_year = fiscal_year_param(request)
    municipality, error = choose_municipality(request, "pdca.report")
    context = {**chooser_context(request, fiscal_year), "error": error}
    if municipality is not None:
        context.update({"municipality": municipality, "years": year_choices(municipality, fiscal_year),
                        "report": yearly_report(municipality, fiscal_year)})
    return render(request, "pdca/report/page.html", context, status=400 if error else 200)


@policy.requires("pdca.report", get_object=_municipality)
@recent_second_factor  # the report names the owners of actions
def report_download_view(request, code, fiscal_year, fmt, obj):
    if fmt not in FORMATS:
        raise Http404
    report = yearly_report(obj, fiscal_year)
    if report is None:
        raise Http404
    content_type, extension = FORMATS[fmt]
    details = {}
    if fmt == "pdf":
        content, pages = report_pdf(report)
        details["pages"] = pages
    else:
        content = report_workbook(report)
    day = timezone.localdate().strftime("%Y%m%d")
    ascii_name = f"{obj.code}_pdca_report_FY{fiscal_year}_{day}.{extension}"
    japanese = f"{obj.name}_{report.fiscal_year_label}_{TITLE.replace(' ', '_')}.{extension}"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (f"attachment; filename=\"{ascii_name}\"; "
                                       f"filename*=UTF-8''{quote(japanese, safe='')}")
    response["X-Content-Type-Options"] = "nosniff"
    audit.record(action=AuditEntry.Action.EXPORT, obj=obj, permission="pdca.report",
                 changes={"format": fmt, "file": ascii_name, "fiscal_year": fiscal_year,
                          "scenes": len(report.turns), "overdue_actions": report.overdue_count, **details})
    return response


urlpatterns = [
    path("report/", report_view, name="report"),
    path("report/<str:code>/<int:fiscal_year>/<str:fmt>/", report_download_view, name="report_download"),
]
