"""The survey part's screens: the national implementation survey's report (tables and stacked bar charts, with
downloads) and the prefecture staff's import of answers (check first, then apply)."""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from renkei.core import audit, policy
from renkei.core.files import FileError
from renkei.core.models import Prefecture

from .. import report_formats
from ..selectors.report import report_scope, survey_report
from ..services.implementation_import import implementation_import

MAX_UPLOAD = 5 * 1024 * 1024


class ReportChoice(forms.Form):
    year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100, required=False)
    prefecture = forms.CharField(label=_("Prefecture"), max_length=2, required=False)


def _choice(request):
    """(fiscal year, prefecture or None, error) from the query string; bad input falls back to defaults."""
    form = ReportChoice(request.GET or None)
    today = timezone.localdate()
    year = today.year if today.month >= 4 else today.year - 1
    prefecture = None
    if form.is_valid():
        year = form.cleaned_data.get("year") or year
        code = (form.cleaned_data.get("prefecture") or "").strip()
        if code:
            prefecture = Prefecture.objects.filter(code=code.zfill(2)).first()
    return year, prefecture


def chart_data(report) -> dict:
    """For survey.js: one entry per table of counts, the labels and one dataset per column (percentages)."""
    charts = {}
    for table in report.tables:
        if table.key == "prefectures" or not table.rows:
            continue
        charts[table.key] = {
            "labels": [row.label for row in table.rows],
            "columns": table.columns,
            "percents": [[float(c.percent) if getattr(c, "percent", None) is not None else 0 for c in row.cells]
                         for row in table.rows],
        }
    return charts


def _years():
    from ..models import Implementation

    return list(Implementation.objects.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())


@policy.requires("region.view_report")
def report_view(request):
    """The survey's tables for the year and prefecture chosen, over the answers the viewer may count."""
    year, prefecture = _choice(request)
    report = survey_report(report_scope(request.membership), fiscal_year=year, prefecture=prefecture)
    query = f"year={year}" + (f"&prefecture={prefecture.code}" if prefecture else "")
    return render(request, "region/survey/report.html", {
        "report": report, "year": year, "prefecture": prefecture, "query": query,
        "years": sorted({year, *_years()}, reverse=True), "prefectures": Prefecture.objects.order_by("code"),
        "charts": chart_data(report), "formats": ("csv", "xlsx", "md"),
        "can_import": policy.check(request.membership, "region.import_implementation"),
    })


@policy.requires("region.view_report")
def report_download_view(request):
    """The same tables as a file: ?format=csv|xlsx|md."""
    year, prefecture = _choice(request)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx", "md"):
        fmt = "csv"
    report = survey_report(report_scope(request.membership), fiscal_year=year, prefecture=prefecture)
    response = HttpResponse(report_formats.render(report, fmt), content_type=report_formats.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report_formats.filename(report, fmt)}"'
    return response


class ImportForm(forms.Form):
    year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("Answer file (CSV or Excel: 市区町村コード,取組,回答)"), required=False)
    checked = forms.CharField(widget=forms.HiddenInput, required=False)  # the checked file, for apply


@policy.requires("region.import_implementation")
def import_view(request):
    """Upload the long CSV: a dry run lists what would be created or updated and every rejected row; applying
    writes the same file (all or nothing, each row authorised on its municipality)."""
    today = timezone.localdate()
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"year": today.year if today.month >= 4 else today.year - 1})
    report, error, checked = None, "", ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        apply = bool(request.POST.get("apply")) and not upload
        try:
            if upload:
                if upload.size > MAX_UPLOAD:
                    raise FileError("ファイルが大きすぎます（5 MB まで）。", "The file is too large (5 MB at most).")
                data = upload.read()
            else:
                data = base64.b64decode(form.cleaned_data.get("checked") or "", validate=True)
                if not data:
                    raise FileError("ファイルを選んでください。", "Choose a file.")
            with audit.bind_membership(request.membership):
                report = implementation_import(data=data, fiscal_year=form.cleaned_data["year"],
                                               membership=request.membership, dry_run=not apply)
            if report.ok and not apply:
                checked = base64.b64encode(data).decode("ascii")
        except FileError as problem:
            error = problem.reason if (get_language() or "ja").startswith("ja") else problem.reason_en
        except binascii.Error:
            error = "ファイルを選び直してください。 / Choose the file again."
    return render(request, "region/survey/import.html", {
        "form": form, "report": report, "error": error, "checked": checked,
        "ja": (get_language() or "ja").startswith("ja"),
    })


urlpatterns = [
    path("report/", report_view, name="report"),
    path("report/download/", report_download_view, name="report_download"),
    path("implementation/import/", import_view, name="implementation_import"),
]
