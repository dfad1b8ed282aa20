"""The desk's report (counts only) and its files, and the export of a desk's records for the municipality's own
reports (no person data; a recent second factor and one `export` entry)."""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone

from renkei.core import audit, policy
from renkei.core.models import AuditEntry
from renkei.core.second_factor import recent_second_factor

from ..desk_exports import cases_workbook, report_csv, report_workbook
from ..models import Desk
from ..selectors.case_export import case_export_rows
from ..selectors.desks import report_municipalities
from ..selectors.reports import ReportError, chart_data, desk_report, municipality_of_code, span_of

VIEW_REPORTS, EXPORT_CASES = "consult.view_reports", "consult.export_cases"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _municipality(request, **kwargs):
    """`?municipality=CODE`, else the member's own; None when unreadable (the view answers 400 with the reason)."""
    code = request.GET.get("municipality", "")
    membership = getattr(request, "membership", None)
    if not code:
        own = membership.organization.municipality if membership is not None else None
        if own is None:
            request.consult_error = ReportError("市区町村を選んでください。", "Choose a municipality.")
        return own
    try:
        return municipality_of_code(code)
    except ReportError as error:
        request.consult_error = error
        return None


def _bad_request(request, error: ReportError, **context):
    return render(request, "consult/reports/error.html", {"error": error, **context}, status=400)


def _report_or_error(request, municipality):
    """(report, None) or (None, the 400 response)."""
    if municipality is None and not request.GET.get("municipality"):
        # Nothing chosen yet (prefecture staff from the menu): the chooser, not an error.
        return None, render(request, "consult/reports/error.html", {
            "choose": True, "municipalities": report_municipalities(request.membership)[:400]})
    if municipality is None:
        return None, _bad_request(request, getattr(request, "consult_error", None)
                                  or ReportError("市区町村を選んでください。", "Choose a municipality."),
                                  municipalities=report_municipalities(request.membership)[:400])
    try:
        start, end = span_of(request.GET.get("from", ""), request.GET.get("to", ""))
    except ReportError as error:
        return None, _bad_request(request, error, municipality=municipality)
    suppress = not policy.check(request.membership, "consult.view_exact_counts", municipality)
    return desk_report(municipality, start, end, suppress=suppress), None


@policy.requires(VIEW_REPORTS, get_object=_municipality)
def report(request, obj):
    """Monthly and yearly counts, volumes, time to close and the 30-day share, as tables and bar charts."""
    built, error = _report_or_error(request, obj)
    if error:
        return error
    query = f"municipality={obj.code}&from={built.start:%Y-%m}&to={built.end:%Y-%m}"
    return render(request, "consult/reports/report.html", {
        "report": built, "municipality": obj, "query": query, "chart": chart_data(built),
        "municipalities": report_municipalities(request.membership)[:400]})


@policy.requires(VIEW_REPORTS, get_object=_municipality)
def report_export(request, obj):
    """The report as .xlsx (`?format=xlsx`, default) or CSV, masked as on the screen; one `export` entry."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    built, error = _report_or_error(request, obj)
    if error:
        return error
    name = f"desk_report_{obj.code}_{built.start:%Y%m}-{built.end:%Y%m}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(report_workbook(built), content_type=XLSX)
    else:
        response = HttpResponse(report_csv(built), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    audit.record(action=AuditEntry.Action.EXPORT, obj=obj, permission=VIEW_REPORTS,
                 changes={"what": "desk report", "format": fmt, "file": name, "from": f"{built.start:%Y-%m}",
                          "to": f"{built.end:%Y-%m}", "masked": built.suppress})
    return response


def _desk(request, desk_id, **kwargs) -> Desk:
    return get_object_or_404(Desk.objects.select_related("municipality"), pk=desk_id)


@policy.requires(EXPORT_CASES, get_object=_desk)
@recent_second_factor  # the file holds every case of the desk (without names, but case by case)
def case_export(request, desk_id, obj):
    """The desk's records, one row per case, without the requester's name and contact, the person concerned, the
    question and the notes (see the guide: the file leaves the system)."""
    rows = case_export_rows(obj)
    day = timezone.localdate().strftime("%Y%m%d")
    ascii_name = f"desk_{obj.pk}_cases_{day}.xlsx"
    japanese = f"{obj.name}_相談記録_{day}.xlsx"
    response = HttpResponse(cases_workbook(obj, rows), content_type=XLSX)
    response["Content-Disposition"] = (f'attachment; filename="{ascii_name}"; '
                                       f"filename*=UTF-8''{quote(japanese, safe='')}")
    response["X-Content-Type-Options"] = "nosniff"
    audit.record(action=AuditEntry.Action.EXPORT, obj=obj, permission=EXPORT_CASES,
                 changes={"what": "desk case records", "format": "xlsx", "file": ascii_name, "count": len(rows)})
    return response


urlpatterns = [
    path("report/", report, name="report"),
    path("report/export/", report_export, name="report_export"),
    path("<int:desk_id>/cases/export.xlsx", case_export, name="case_export"),
]
