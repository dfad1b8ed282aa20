"""Indicator import screens: upload a file with its layout, read the dry run, apply it; map a table's columns;
the history. Rule indicators.record_values; every value is authorised again on its area by the service.

The uploaded file waits in DATA_DIR/indicator-imports under its sha256 between the dry run and the
application (deleted once applied). A file that cannot be read is a rejected run with its reason, never a 500.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.files import FileError, too_large
from renkei.core.selectors import municipality_or_none

from ..importers.layouts import LAYOUTS
from ..models import IndicatorDefinition, IndicatorImportRun
from ..policy import definitions_scope
from ..selectors.imports import applied_after, import_run_for, import_runs_for, mappings_for
from ..services import imports as import_services

RULE = "indicators.record_values"
MAPPED_LAYOUTS = ("table", "kdb", "mieruka")


def _layout_label(name: str) -> str:
    layout = LAYOUTS[name]
    return layout.label_ja if (get_language() or "ja").startswith("ja") else layout.label_en


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV, tab-separated text or Excel .xlsx)"),
                           help_text=gettext_lazy("UTF-8 or Shift_JIS; title rows above the header and notes "
                                                  "below the table are fine."))
    mapping = forms.ChoiceField(label=gettext_lazy("Layout or saved column mapping"))
    period = forms.CharField(label=gettext_lazy("Period of the file (when it has no period column)"),
                             required=False, max_length=20,
                             help_text=gettext_lazy("e.g. 2023, 令和5年, FY2023, 2024-05. Leave empty when the "
                                                    "file or its title names it."))
    skip_other_areas = forms.BooleanField(
        label=gettext_lazy("Leave out the rows of municipalities whose values I may not record (instead of "
                           "rejecting the file)"), required=False,
        help_text=gettext_lazy("For a prefecture-wide table: your municipality, your prefecture and the nation are "
                               "imported, the other rows are listed as left out."))
    municipality = forms.CharField(label=gettext_lazy("Importing municipality (6-digit code)"), required=False,
                                   max_length=6,
                                   help_text=gettext_lazy("Leave empty for your own municipality."))

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.data_bytes = b""
        self.saved = {str(m.pk): m for m in mappings_for(membership)}
        self.fields["mapping"].choices = [
            (gettext_lazy("Layouts"), [(name, _layout_label(name)) for name in LAYOUTS]),
            *([(gettext_lazy("Saved column mappings"), [(f"m{pk}", f"{m.name} ({m.layout})")
                                                        for pk, m in self.saved.items()])] if self.saved else []),
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        error = too_large(upload.size)
        if error is not None:
            raise forms.ValidationError(f"{error.reason} / {error.reason_en}")
        self.data_bytes = b"".join(upload.chunks())
        return upload

    def clean_mapping(self):
        value = self.cleaned_data["mapping"]
        if value.startswith("m") and value[1:] in self.saved:
            return self.saved[value[1:]]
        if value in LAYOUTS:
            return value
        raise forms.ValidationError(_("Choose a layout."))

    def clean_municipality(self):
        code = self.cleaned_data["municipality"].strip()
        if not code:
            return self.membership.organization.municipality
        municipality = municipality_or_none(code)
        if municipality is None:
            raise forms.ValidationError(_("No municipality has the code %(code)s.") % {"code": code})
        if not policy.check(self.membership, RULE, municipality):
            raise forms.ValidationError(_("You may not record values of %(name)s.") % {"name": municipality})
        return municipality


@policy.requires(RULE)
def import_list_view(request):
    page = Paginator(import_runs_for(request.membership), 30).get_page(request.GET.get("page"))
    return render(request, "indicators/imports/list.html", {
        "page": page, "mappings": mappings_for(request.membership)[:50]})


@policy.requires(RULE)
def import_upload_view(request):
    form = UploadForm(request.POST or None, request.FILES or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        sha = import_services.store_upload(form.data_bytes)
        run = import_services.indicator_file_import(
            path_or_file=form.data_bytes, file_name=form.cleaned_data["file"].name,
            mapping=form.cleaned_data["mapping"], membership=request.membership,
            municipality=form.cleaned_data["municipality"], dry_run=True, period=form.cleaned_data["period"],
            skip_other_areas=form.cleaned_data["skip_other_areas"])
        run.report = {**run.report, "period_given": form.cleaned_data["period"],
                      "skip_other_areas": form.cleaned_data["skip_other_areas"]}
        run.save(update_fields=["report"])
        if run.status == IndicatorImportRun.Status.REJECTED and not _mappable(run):
            import_services.discard_upload(sha)  # kept only while its columns can still be mapped
        return redirect("indicators:import_detail", run_id=run.pk)
    return render(request, "indicators/imports/upload.html", {"form": form}, status=400 if form.errors else 200)


def _mappable(run) -> bool:
    """A file of a mapped layout that was read but fed no indicator: its columns can be mapped."""
    return run.layout in MAPPED_LAYOUTS and bool((run.report or {}).get("header"))


def _may_map(membership, run) -> bool:
    """A mapping belongs to the run's municipality or prefecture: only its recorders may save one."""
    owner = run.municipality or run.prefecture
    return owner is not None and policy.check(membership, RULE, owner)


@policy.requires(RULE)
def import_detail_view(request, run_id):
    run = import_run_for(request.membership, run_id)
    report = run.report or {}
    waiting = import_services.stored_upload(run.file_sha256) is not None if run.file_sha256 else False
    is_waiting_dry_run = (run.status == IndicatorImportRun.Status.DRY_RUN and waiting
                          and applied_after(run) is None)
    would_change = bool(run.values_created or run.values_corrected)
    language_en = not (get_language() or "ja").startswith("ja")
    return render(request, "indicators/imports/detail.html", {
        "run": run, "report": report, "can_apply": is_waiting_dry_run and would_change,
        "nothing_to_apply": is_waiting_dry_run and not would_change,
        "can_map": waiting and _mappable(run) and _may_map(request.membership, run), "language_en": language_en,
        "layout_label": _layout_label(run.layout) if run.layout in LAYOUTS else run.layout,
    })


@policy.requires(RULE)
def import_apply_view(request, run_id):
    run = import_run_for(request.membership, run_id)
    if request.method != "POST":
        return redirect("indicators:import_detail", run_id=run.pk)
    data = import_services.stored_upload(run.file_sha256)
    if run.status != IndicatorImportRun.Status.DRY_RUN or data is None or applied_after(run) is not None:
        messages.error(request, _("This file is no longer waiting to be applied; upload it again."))
        return redirect("indicators:import_detail", run_id=run.pk)
    applied = import_services.indicator_file_import(
        path_or_file=data, file_name=run.file_name, mapping=run.mapping or run.layout,
        membership=request.membership, municipality=run.municipality,
        period=(run.report or {}).get("period_given", ""),
        skip_other_areas=bool((run.report or {}).get("skip_other_areas")))
    if applied.status == IndicatorImportRun.Status.APPLIED:
        import_services.discard_upload(run.file_sha256)
        messages.success(request, _("Applied “%(file)s”.") % {"file": run.file_name})
    else:
        messages.error(request, _("The file was rejected; nothing was written."))
    return redirect("indicators:import_detail", run_id=applied.pk)


ROLE_CHOICES = [("value", gettext_lazy("value")), ("numerator", gettext_lazy("numerator")),
                ("denominator", gettext_lazy("denominator"))]


class MappingForm(forms.Form):
    """Name, layout, the area and period columns, and for each other column the definition (and role) it feeds."""

    name = forms.CharField(label=gettext_lazy("Name of this mapping"), max_length=120)
    layout = forms.ChoiceField(label=gettext_lazy("Layout"))
    area_code = forms.ChoiceField(label=gettext_lazy("Column of the area code"), required=False)
    area_name = forms.ChoiceField(label=gettext_lazy("Column of the area name"), required=False)
    period = forms.ChoiceField(label=gettext_lazy("Column of the period"), required=False)
    period_fixed = forms.CharField(label=gettext_lazy("Period of the whole file (when no column holds it)"),
                                   required=False, max_length=20)
    source_note = forms.CharField(label=gettext_lazy("Source"), required=False, max_length=300)

    def __init__(self, *args, header, definitions, initial_columns, initial_name="", initial_layout="table",
                 initial_source="", **kwargs):
        super().__init__(*args, **kwargs)
        self.header = [h for h in header if h]
        columns = [("", "—")] + [(h, h) for h in self.header]
        self.fields["layout"].choices = [(name, _layout_label(name)) for name in MAPPED_LAYOUTS]
        self.fields["layout"].initial = initial_layout
        self.fields["name"].initial = initial_name
        self.fields["source_note"].initial = initial_source
        for key in ("area_code", "area_name", "period"):
            self.fields[key].choices = columns
            initial = initial_columns.get(key)
            self.fields[key].initial = initial if isinstance(initial, str) else ""
        self.fields["period_fixed"].initial = initial_columns.get("period_fixed", "")
        definition_choices = [("", "—")] + [(d.code, f"{d.code} {d.name_ja}") for d in definitions]
        fed: dict[str, tuple[str, str]] = {}
        for item in initial_columns.get("indicators") or []:
            for role in ("value", "numerator", "denominator"):
                names = item.get(role)
                for name in [names] if isinstance(names, str) else names or []:
                    fed[name] = (item.get("definition", ""), role)
        self.column_fields = []
        for index, column in enumerate(self.header):
            definition_field = f"def_{index}"
            role_field = f"role_{index}"
            self.fields[definition_field] = forms.ChoiceField(
                label=_("“%(column)s” feeds") % {"column": column}, choices=definition_choices, required=False,
                initial=fed.get(column, ("", ""))[0])
            self.fields[role_field] = forms.ChoiceField(
                label=_("as the"), choices=ROLE_CHOICES, required=False, initial=fed.get(column, ("", "value"))[1])
            self.column_fields.append((column, definition_field, role_field))

    def column_rows(self):
        """(column, its definition select, its role select) for the template."""
        return [(column, self[definition_field], self[role_field])
                for column, definition_field, role_field in self.column_fields]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("area_code") or cleaned.get("area_name")):
            self.add_error("area_name", _("Choose the column naming the area."))
        if not self.indicators():
            raise forms.ValidationError(_("Choose the indicator at least one column feeds."))
        return cleaned

    def indicators(self) -> list[dict]:
        by_definition: dict[str, dict] = {}
        for column, definition_field, role_field in self.column_fields:
            code = self.cleaned_data.get(definition_field)
            if not code:
                continue
            role = self.cleaned_data.get(role_field) or "value"
            by_definition.setdefault(code, {"definition": code})[role] = column
        return [item for item in by_definition.values() if "value" in item or "numerator" in item]

    def columns(self) -> dict:
        return {**{key: self.cleaned_data.get(key, "") for key in ("area_code", "area_name", "period", "period_fixed")},
                "indicators": self.indicators()}


@policy.requires(RULE)
def import_mapping_view(request, sha256):
    data = import_services.stored_upload(sha256)
    if data is None:
        raise Http404
    # The run that brought the file names its layout and place; a member may map only their own runs' files.
    run = import_runs_for(request.membership).filter(file_sha256=sha256).order_by("-started_at").first()
    if run is None:
        raise Http404
    if not _may_map(request.membership, run):
        raise PermissionDenied(RULE)
    layout = request.POST.get("layout") or request.GET.get("layout") or (
        run.layout if run.layout in MAPPED_LAYOUTS else "table")
    if layout not in MAPPED_LAYOUTS:
        layout = "table"
    try:
        header, sample = import_services.file_header(data, layout, file_name=run.file_name)
    except FileError as error:
        messages.error(request, f"{error.reason} / {error.reason_en}")
        return redirect("indicators:import_detail", run_id=run.pk)
    saved = import_services.indicator_mapping_for_header(municipality=run.municipality, prefecture=run.prefecture,
                                                        headers=header)
    definitions = definitions_scope(request.membership, IndicatorDefinition.objects.filter(is_active=True))
    form = MappingForm(request.POST or None, header=header, definitions=list(definitions.order_by("code")),
                       initial_columns=saved.columns if saved else {},
                       initial_name=saved.name if saved else run.file_name[:120], initial_layout=layout,
                       initial_source=saved.source_note if saved else "")
    if request.method == "POST" and form.is_valid():
        mapping = import_services.indicator_mapping_save(
            name=form.cleaned_data["name"], layout=form.cleaned_data["layout"], columns=form.columns(),
            headers=header, municipality=run.municipality, prefecture=run.prefecture,
            source_note=form.cleaned_data["source_note"], membership=request.membership)
        checked = import_services.indicator_file_import(
            path_or_file=data, file_name=run.file_name, mapping=mapping, membership=request.membership,
            municipality=run.municipality, dry_run=True)
        return redirect("indicators:import_detail", run_id=checked.pk)
    return render(request, "indicators/imports/mapping.html", {
        "form": form, "header": header, "sample": sample, "run": run, "saved": saved,
    }, status=400 if form.errors else 200)


urlpatterns = [
    path("imports/", import_list_view, name="import_list"),
    path("imports/upload/", import_upload_view, name="import_upload"),
    path("imports/<int:run_id>/", import_detail_view, name="import_detail"),
    path("imports/<int:run_id>/apply/", import_apply_view, name="import_apply"),
    path("imports/mapping/<str:sha256>/", import_mapping_view, name="import_mapping"),
]
