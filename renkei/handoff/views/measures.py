"""The もれ率 report screens: an area's report (region staff), an organization's own figures (professionals), the
survey import and the baseline figures. Figures only: no patient row is ever shown here."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.models import Organization
from renkei.core.spreadsheets import SafeCsvWriter

from ..measures_forms import BaselineForm, CensusForm, ReportForm
from ..models import Baseline
from ..report_areas import AreaError, area_choices, area_from_key
from ..selectors import measures as measure_selectors
from ..selectors.report import TABLES, PeriodError, area_report, csv_rows, own_report, period_of
from ..services import measures as services

VIEW_REPORT, VIEW_OWN, IMPORT = "handoff.view_report", "handoff.view_own_measures", "handoff.import_census"
HOSPITAL_KINDS = (Organization.Kind.HOSPITAL, Organization.Kind.CLINIC)


def _chosen_area(request, **kwargs):
    """The area asked (?area= or the form's), else the first the member may choose; None when unreadable (the
    view answers 400 with the reason)."""
    key = request.POST.get("area") or request.GET.get("area") or ""
    if not key:
        choices = area_choices(request.membership) if getattr(request, "membership", None) else []
        if not choices:
            return None
        key = choices[0][0]
    try:
        return area_from_key(key)
    except AreaError as error:
        request.area_error = error
        return None


def _bad_request(request, ja: str, en: str):
    return render(request, "handoff/measures_error.html", {"message_ja": ja, "message_en": en}, status=400)


def _period(request):
    return period_of(request.GET.get("start", ""), request.GET.get("end", ""))


@policy.requires(VIEW_REPORT, get_object=_chosen_area)
def handoff_report(request, obj=None):
    """An area's もれ率 report: trend, by hospital, by care office, steps, exceptions, professions, survey."""
    error = getattr(request, "area_error", None)
    if obj is None:
        return _bad_request(request, error.ja if error else "選べる地域がありません。",
                            error.en if error else "There is no area you can choose.")
    try:
        start, end = _period(request)
    except PeriodError as error:
        return _bad_request(request, error.ja, error.en)
    areas = area_choices(request.membership)
    if obj.key not in dict(areas):
        areas = [(obj.key, obj.name), *areas]
    form = ReportForm(initial={"area": obj.key, "start": f"{start:%Y-%m}", "end": f"{end:%Y-%m}"}, areas=areas)
    report = area_report(obj, start, end)
    query = f"area={obj.key}&start={start:%Y-%m}&end={end:%Y-%m}"
    return render(request, "handoff/report.html", {
        "area": obj, "report": report, "form": form, "query": query, "tables": TABLES,
        "suppress_below": measure_selectors.SUPPRESS_BELOW,
        "may_import": policy.check(request.membership, IMPORT, obj)})


@policy.requires(VIEW_REPORT, get_object=_chosen_area)
def report_download(request, obj=None):
    """One table of the area's report as CSV (UTF-8 with BOM, for Excel), small counts suppressed as on screen."""
    table = request.GET.get("table", "hospital")
    if obj is None or table not in TABLES:
        return _bad_request(request, "表または地域の指定が正しくありません。", "Unknown table or area.")
    try:
        start, end = _period(request)
    except PeriodError as error:
        return _bad_request(request, error.ja, error.en)
    return _csv(area_report(obj, start, end), table, f"morerate-{obj.key}-{start:%Y%m}-{end:%Y%m}-{table}")


def _csv(report, table: str, name: str) -> HttpResponse:
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerows(csv_rows(report, table))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _own(membership, start, end):
    organization = membership.organization
    if organization.kind in HOSPITAL_KINDS:
        return "hospital", own_report(start=start, end=end, hospital_organization_id=organization.pk)
    return "care_office", own_report(start=start, end=end, care_office_id=organization.pk)


@policy.requires(VIEW_OWN)
def own_measures(request):
    """A professional's own organization: the hospital's もれ率 and on-time rates, or the care office's."""
    try:
        start, end = _period(request)
    except PeriodError as error:
        return _bad_request(request, error.ja, error.en)
    side, report = _own(request.membership, start, end)
    if request.GET.get("format") == "csv":
        table = request.GET.get("table", "month")
        if table not in ("month", "hospital", "steps"):
            return _bad_request(request, "表の指定が正しくありません。", "Unknown table.")
        return _csv(report, table, f"morerate-own-{start:%Y%m}-{end:%Y%m}-{table}")
    return render(request, "handoff/report_own.html", {
        "organization": request.membership.organization, "side": side, "report": report,
        "start": start, "end": end, "query": f"start={start:%Y-%m}&end={end:%Y-%m}"})


@policy.requires(IMPORT, get_object=_chosen_area)
def census_import(request, obj=None):
    """Upload the one-month survey for a municipality or a group: all rows or none, with the rejected rows."""
    if obj is None:
        error = getattr(request, "area_error", None)
        return _bad_request(request, error.ja if error else "選べる地域がありません。",
                            error.en if error else "There is no area you can choose.")
    areas = area_choices(request.membership)
    result = None
    if request.method == "POST":
        form = CensusForm(request.POST, request.FILES, areas=areas)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 20 * 1024 * 1024:
                form.add_error("file", _("The file is too large (20 MB at most)."))
            else:
                try:
                    result = services.census_import(membership=request.membership, area=obj,
                                                    month=form.cleaned_data["month"], file_name=upload.name,
                                                    data=upload.read())
                except ValidationError as error:
                    form.add_error("area", error)
                if result is not None and result.is_ok:
                    messages.success(request, _("The survey was imported: %(count)d discharges.")
                                     % {"count": result.census.row_count})
                    return redirect(f"{reverse('handoff:report')}?area={obj.key}")
    else:
        form = CensusForm(initial={"area": obj.key}, areas=areas)
    status = 400 if result is not None and not result.is_ok else 200
    return render(request, "handoff/census_import.html", {
        "form": form, "area": obj, "result": result, "imports": measure_selectors.census_imports(obj)[:24]},
        status=status)


@policy.requires(IMPORT, get_object=_chosen_area)
def baseline(request, obj=None):
    """The survey figure the region had before Renkei, drawn on the report's trend."""
    if obj is None:
        error = getattr(request, "area_error", None)
        return _bad_request(request, error.ja if error else "選べる地域がありません。",
                            error.en if error else "There is no area you can choose.")
    areas = area_choices(request.membership)
    if request.method == "POST":
        form = BaselineForm(request.POST, areas=areas)
        if form.is_valid():
            try:
                services.baseline_enter(membership=request.membership, area=obj,
                                        measured_in=form.cleaned_data["measured_in"],
                                        missed_rate=form.cleaned_data["missed_rate"],
                                        source=form.cleaned_data["source"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The baseline figure was saved."))
                return redirect(f"{reverse('handoff:baseline')}?area={obj.key}")
    else:
        form = BaselineForm(initial={"area": obj.key}, areas=areas)
    return render(request, "handoff/baseline.html", {
        "form": form, "area": obj, "baselines": measure_selectors.baselines(obj)})


def _baseline_area(request, baseline_id: int, **kwargs):
    from django.shortcuts import get_object_or_404

    from ..report_areas import of_area_group, of_municipality

    found = get_object_or_404(Baseline.objects.select_related("municipality", "area_group"), pk=baseline_id)
    request.baseline = found
    return of_municipality(found.municipality) if found.municipality_id else of_area_group(found.area_group)


@policy.requires(IMPORT, get_object=_baseline_area)
def baseline_delete(request, baseline_id: int, obj=None):
    """A baseline entered by mistake (POST)."""
    if request.method != "POST":
        return redirect(f"{reverse('handoff:baseline')}?area={obj.key}")
    services.baseline_delete(membership=request.membership, baseline=request.baseline)
    messages.success(request, _("The baseline figure was deleted."))
    return redirect(f"{reverse('handoff:baseline')}?area={obj.key}")


urlpatterns: list = [
    path("report/", handoff_report, name="report"),
    path("report/download/", report_download, name="report_download"),
    path("report/own/", own_measures, name="own_report"),
    path("report/census/", census_import, name="census_import"),
    path("report/baseline/", baseline, name="baseline"),
    path("report/baseline/<int:baseline_id>/delete/", baseline_delete, name="baseline_delete"),
]
