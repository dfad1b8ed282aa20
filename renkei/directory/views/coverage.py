"""Directory screens (coverage): gaps by daily living area, the map layer, shape and population uploads."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renkei.core import policy
from renkei.core.models import Municipality, Prefecture
from renkei.core.selectors import municipality_by_code, municipality_or_none

from .. import jobs
from ..models import CoverageRun, ImportRun
from ..selectors import coverage as selectors
from ..services import coverage as coverage_services
from ..services import population as population_services
from ..services import shapes as shape_services

MAX_GEOJSON_BYTES = 100 * 1024 * 1024  # a prefecture-wide N03 file is about 50 MB
MAX_POPULATION_BYTES = 50 * 1024 * 1024
METHOD_LABELS = {
    coverage_services.METHOD_SHAPES: gettext_lazy("daily living area shapes (or the municipality outline)"),
    coverage_services.METHOD_POPULATION: gettext_lazy(
        "approximate: populated mesh cells around the municipality's facilities (no shapes loaded)"),
    coverage_services.METHOD_BBOX: gettext_lazy(
        "approximate: every mesh cell in the box around the municipality's facilities (no shapes or population)"),
    coverage_services.METHOD_NONE: gettext_lazy("nothing to evaluate: no shapes and no positioned facilities"),
}

COUNT_LABELS = {
    "features": gettext_lazy("areas in the file"), "created": gettext_lazy("added"),
    "updated": gettext_lazy("updated"), "unchanged": gettext_lazy("unchanged"),
    "skipped": gettext_lazy("features of other municipalities (skipped)"), "rejected": gettext_lazy("rejected"),
    "facilities_assigned": gettext_lazy("facilities placed in an area"), "rows": gettext_lazy("rows"),
    "suppressed": gettext_lazy("suppressed cells (*)"), "population": gettext_lazy("population in the file"),
    "outside_area": gettext_lazy("cells outside the municipality (not imported)"),
}


def _report_counts(report) -> list[tuple[str, int]]:
    return [(COUNT_LABELS.get(key, key), value) for key, value in report.run.counts.items()] if report else []


def _municipality(request, code, **kwargs) -> Municipality:
    return municipality_by_code(code)


def _prefecture(request, code, **kwargs) -> Prefecture:
    # The policy decides on the prefecture itself (its staff and admins): see directory/policy.py.
    return get_object_or_404(Prefecture, code=code)


def _run(request, run_id, **kwargs) -> CoverageRun:
    return selectors.coverage_run(run_id)


def _map_available() -> bool:
    try:
        get_template("directory/_map.html")
    except TemplateDoesNotExist:
        return False
    return True


class RecomputeForm(forms.Form):
    mesh = forms.ChoiceField(label=gettext_lazy("Mesh"), choices=[("1km", gettext_lazy("1 km")),
                                                                   ("500m", gettext_lazy("500 m"))], initial="1km")
    radius_km = forms.FloatField(label=gettext_lazy("Radius (km)"), min_value=0.5, max_value=100,
                                 initial=coverage_services.DEFAULT_RADIUS_KM,
                                 help_text=gettext_lazy("16 km is the usual limit for home visits."))
    area = forms.ModelChoiceField(label=gettext_lazy("Daily living area"), queryset=None, required=False,
                                  empty_label=gettext_lazy("the whole municipality"))

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = municipality.daily_living_areas.all()


class PrefectureRecomputeForm(forms.Form):
    mesh = RecomputeForm.base_fields["mesh"]
    radius_km = RecomputeForm.base_fields["radius_km"]


class ShapeUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"), initial=shape_services.Kind.AREAS,
                             widget=forms.RadioSelect, choices=[
                                 (shape_services.Kind.AREAS, gettext_lazy("daily living areas (one name per area)")),
                                 (shape_services.Kind.OUTLINE, gettext_lazy(
                                     "the outline of the whole municipality (e.g. 国土数値情報 N03 行政区域)"))])
    file = forms.FileField(label=gettext_lazy("GeoJSON file"))
    name_property = forms.CharField(
        label=gettext_lazy("Property holding the area name"), required=False, max_length=60,
        help_text=gettext_lazy("Leave empty to try name, area, 日常生活圏域 and 圏域名."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_GEOJSON_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_GEOJSON_BYTES >> 20})
        return upload


class PopulationUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("e-Stat mesh statistics file (CSV/TXT)"))
    survey_year = forms.IntegerField(label=gettext_lazy("Census year"), required=False, min_value=1970,
                                     max_value=2100, help_text=gettext_lazy("For example 2020."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_POPULATION_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_POPULATION_BYTES >> 20})
        return upload


@policy.requires("directory.view_coverage")
def coverage_index_view(request):
    code = request.GET.get("code", "").strip()
    if code:
        municipality = municipality_or_none(code)
        if municipality is not None:
            return redirect("directory:coverage_municipality", code=municipality.code)
        messages.error(request, _("No municipality has the code %(code)s.") % {"code": code})
    runs = policy.scope(request.membership, "directory.view_coverage",
                        CoverageRun.objects.filter(municipality__isnull=False).select_related(
                            "municipality", "daily_living_area"))[:20]
    own = request.membership.organization.municipality
    prefecture = request.membership.organization.prefecture
    if prefecture is not None and not selectors.may_view_prefecture(request.membership, prefecture):
        prefecture = None
    return render(request, "directory/coverage/index.html", {"runs": runs, "own": own, "code": code,
                                                              "prefecture": prefecture})


@policy.requires("directory.view_coverage", get_object=_municipality)
def coverage_municipality_view(request, code, obj):
    run = selectors.latest_run(obj)
    return render(request, "directory/coverage/municipality.html", {
        "municipality": obj, "run": run, "method_label": METHOD_LABELS.get(run.summary.get("method")) if run else "",
        "form": RecomputeForm(municipality=obj), "recent_runs": selectors.recent_runs(obj),
        "waiting": selectors.has_waiting_run(obj), "shapes": selectors.shapes_of(obj),
        "map_available": _map_available() and run is not None,
        "can_import": policy.check(request.membership, "directory.import", obj),
    })


@policy.requires("directory.view_coverage", get_object=_municipality)
@require_POST
def coverage_recompute_view(request, code, obj):
    form = RecomputeForm(request.POST, municipality=obj)
    if not form.is_valid():
        messages.error(request, _("Check the mesh and radius: %(errors)s") % {
            "errors": " ".join(e for errors in form.errors.values() for e in errors)})
        return redirect("directory:coverage_municipality", code=obj.code)
    area = form.cleaned_data["area"]
    run = coverage_services.coverage_compute(
        municipality=None if area else obj, daily_living_area=area, mesh=form.cleaned_data["mesh"],
        radius_km=form.cleaned_data["radius_km"])
    if run.status == CoverageRun.Status.FAILED:
        messages.error(request, _("The computation failed: %(error)s") % {"error": run.error})
        return redirect("directory:coverage_municipality", code=obj.code)
    messages.success(request, _("Coverage computed: %(cells)d cells, %(gaps)d out of reach of home visits.") % {
        "cells": run.summary["cells"], "gaps": run.summary["uncovered_home_visit"]})
    if area:
        return redirect("directory:coverage_run", run_id=run.pk)
    return redirect("directory:coverage_municipality", code=obj.code)


@policy.requires("directory.view_coverage", get_object=_prefecture)
def coverage_prefecture_view(request, code, obj):
    run = selectors.latest_prefecture_run(obj)
    return render(request, "directory/coverage/prefecture.html", {
        "prefecture": obj, "run": run, "recent_runs": selectors.recent_prefecture_runs(obj),
        "method_label": METHOD_LABELS.get(run.summary.get("method"), run.summary.get("method")) if run else "",
        "form": PrefectureRecomputeForm(), "map_available": _map_available() and run is not None,
        "waiting": selectors.has_waiting_prefecture_run(obj),
    })


@policy.requires("directory.view_coverage", get_object=_prefecture)
@require_POST
def coverage_prefecture_recompute_view(request, code, obj):
    form = PrefectureRecomputeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the mesh and radius: %(errors)s") % {
            "errors": " ".join(e for errors in form.errors.values() for e in errors)})
        return redirect("directory:coverage_prefecture", code=obj.code)
    run = jobs.schedule_prefecture_coverage(obj.pk, mesh=form.cleaned_data["mesh"],
                                            radius_km=form.cleaned_data["radius_km"], requested_by=request.user)
    if run.status == CoverageRun.Status.DONE:
        messages.success(request, _("Coverage computed."))
    else:
        messages.success(request, _("The computation runs in the background; reload this page in a few minutes."))
    return redirect("directory:coverage_prefecture", code=obj.code)


@policy.requires("directory.view_coverage", get_object=_run)
def coverage_run_view(request, run_id, obj):
    page = Paginator(selectors.uncovered_cells(obj), 100).get_page(request.GET.get("page"))
    return render(request, "directory/coverage/run.html", {
        "run": obj, "page": page, "method_label": METHOD_LABELS.get(obj.summary.get("method"), obj.summary.get(
            "method", "")), "map_available": _map_available() and obj.status == CoverageRun.Status.DONE,
        "beyond_km": 2 * obj.radius_km,
    })


@policy.requires("directory.view_coverage", get_object=_run)
def coverage_cells_geojson_view(request, run_id, obj):
    response = JsonResponse(selectors.gap_cells_geojson(obj), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/geo+json; charset=utf-8"
    return response


@policy.requires("directory.import", get_object=_municipality)
def coverage_shapes_upload_view(request, code, obj):
    form = ShapeUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = shape_services.area_shapes_import(
            file=upload, file_name=upload.name, municipality=obj, kind=form.cleaned_data["kind"],
            name_property=form.cleaned_data["name_property"].strip(), user=request.user)
    return render(request, "directory/coverage/shapes_upload.html", {
        "municipality": obj, "form": form, "report": report, "shapes": selectors.shapes_of(obj),
        "report_counts": _report_counts(report),
        "runs": selectors.recent_imports(obj, ImportRun.Source.AREA_SHAPES),
    }, status=400 if form.errors or (report and report.is_rejected) else 200)


@policy.requires("directory.import", get_object=_municipality)
def coverage_population_upload_view(request, code, obj):
    form = PopulationUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = population_services.mesh_population_import(
            file=upload, file_name=upload.name, municipality=obj, survey_year=form.cleaned_data["survey_year"],
            user=request.user)
    return render(request, "directory/coverage/population_upload.html", {
        "municipality": obj, "form": form, "report": report, "report_counts": _report_counts(report),
        "runs": selectors.recent_imports(obj, ImportRun.Source.MESH_POPULATION),
        "first_meshes": selectors.first_meshes_for(obj),
    }, status=400 if form.errors or (report and report.is_rejected) else 200)


def cells_geojson_url(run: CoverageRun) -> str:
    return reverse("directory:coverage_cells_geojson", args=[run.pk])


urlpatterns = [
    path("coverage/", coverage_index_view, name="coverage_index"),
    path("coverage/m/<str:code>/", coverage_municipality_view, name="coverage_municipality"),
    path("coverage/m/<str:code>/recompute/", coverage_recompute_view, name="coverage_recompute"),
    path("coverage/m/<str:code>/shapes/", coverage_shapes_upload_view, name="coverage_shapes_upload"),
    path("coverage/m/<str:code>/population/", coverage_population_upload_view, name="coverage_population_upload"),
    path("coverage/p/<str:code>/", coverage_prefecture_view, name="coverage_prefecture"),
    path("coverage/p/<str:code>/recompute/", coverage_prefecture_recompute_view,
         name="coverage_prefecture_recompute"),
    path("coverage/<int:run_id>/", coverage_run_view, name="coverage_run"),
    path("coverage/<int:run_id>/cells.geojson", coverage_cells_geojson_view, name="coverage_cells_geojson"),
]
