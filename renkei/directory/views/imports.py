"""Import screens: upload a file, read its dry-run report, apply it; map a municipality's own columns; history.

The uploaded file waits in DATA_DIR/imports under its sha256 between the dry run and the application, so
staff never upload twice; it is deleted once applied.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core import policy
from renkei.core.selectors import municipality_or_none

from ..importers.common import FileError, read_header
from ..importers.limits import too_large
from ..importers.municipal import FIELDS, standard_mapping, suggest_mapping
from ..models import FacilityKind, ImportRun
from ..selectors.imports import applied_after, import_report, import_run_for, import_runs_for
from ..services import imports as import_services

SOURCES = [(ImportRun.Source.MHLW, gettext_lazy("MHLW 医療情報ネット (facility or speciality-and-hours file)")),
           (ImportRun.Source.KAIGO, gettext_lazy("介護サービス情報公表システム (care services)")),
           (ImportRun.Source.MUNICIPAL, gettext_lazy("municipal list (standard open data or your own layout)"))]


class UploadForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Kind of file"), choices=SOURCES)
    file = forms.FileField(label=gettext_lazy("CSV file"),
                           help_text=gettext_lazy("UTF-8 or Shift_JIS, up to 200 MB."))
    municipality = forms.CharField(label=gettext_lazy("Municipality code (6 digits)"), required=False, max_length=6,
                                   help_text=gettext_lazy("The municipality whose list this is; leave empty for "
                                                          "your own municipality or for national files."))
    kind = forms.ChoiceField(label=gettext_lazy("Kind of facility when the list's kind column is empty"),
                             required=False, choices=[("", "—"), *FacilityKind.choices],
                             help_text=gettext_lazy("Municipal lists only: e.g. “dental clinic” for a list of "
                                                    "dental clinics that leaves the kind empty."))

    def __init__(self, *args, membership=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.data_bytes = b""
        self.header: list[str] = []

    def clean_file(self):
        upload = self.cleaned_data["file"]
        error = too_large(upload.size)
        if error is not None:
            raise forms.ValidationError(f"{error.reason} / {error.reason_en}")
        data = b"".join(upload.chunks())
        try:
            _encoding, self.header, _sample = read_header(data)
        except FileError as error:
            raise forms.ValidationError(f"{error.reason} / {error.reason_en}") from error
        self.data_bytes = data
        return upload

    def clean_municipality(self):
        code = self.cleaned_data["municipality"].strip()
        if not code:
            return _own_municipality(self.membership)
        municipality = municipality_or_none(code)
        if municipality is None:
            raise forms.ValidationError(_("No municipality has the code %(code)s.") % {"code": code})
        if not policy.check(self.membership, "directory.import", municipality):
            raise forms.ValidationError(_("You may not import lists of %(name)s.") % {"name": municipality})
        return municipality

    def clean(self):
        cleaned = super().clean()
        # A standard layout names its publisher (a municipality, or a prefecture for a prefecture-wide list).
        if (cleaned.get("source") == ImportRun.Source.MUNICIPAL and not cleaned.get("municipality")
                and not (self.header and standard_mapping(self.header))):
            self.add_error("municipality", _("Give the municipality whose list this is."))
        return cleaned


def _own_municipality(membership):
    organization = getattr(membership, "organization", None)
    return getattr(organization, "municipality", None)


@policy.requires("directory.import")
def import_list_view(request):
    page = Paginator(import_runs_for(request.membership), 30).get_page(request.GET.get("page"))
    return render(request, "directory/imports/list.html", {"page": page})


@policy.requires("directory.import")
def import_upload_view(request):
    form = UploadForm(request.POST or None, request.FILES or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"]
        municipality = form.cleaned_data["municipality"]
        file_name = form.cleaned_data["file"].name
        kind = form.cleaned_data["kind"] if source == ImportRun.Source.MUNICIPAL else ""
        sha = import_services.store_upload(form.data_bytes, meta={
            "file_name": file_name, "source": source, "municipality": municipality.code if municipality else "",
            "kind": kind})
        mapping = None
        if source == ImportRun.Source.MUNICIPAL and standard_mapping(form.header) is None:
            mapping = import_services.mapping_for_header(municipality=municipality, headers=form.header)
            if mapping is None:
                return redirect("directory:import_mapping", sha256=sha)
        run = import_services.import_file(source=source, file=form.data_bytes, file_name=file_name,
                                          membership=request.membership, dry_run=True, mapping=mapping,
                                          municipality=municipality, kind=kind)
        return redirect("directory:import_detail", run_id=run.pk)
    return render(request, "directory/imports/upload.html", {"form": form}, status=400 if form.errors else 200)


@policy.requires("directory.import")
def import_detail_view(request, run_id):
    run = import_run_for(request.membership, run_id)
    waiting = import_services.upload_is_waiting(run.sha256)
    is_waiting_dry_run = run.outcome == ImportRun.Outcome.DRY_RUN and waiting and applied_after(run) is None
    would_change = import_services.would_change(run)
    return render(request, "directory/imports/detail.html", {
        "run": run, "can_apply": is_waiting_dry_run and would_change,
        "nothing_to_apply": is_waiting_dry_run and not would_change, "waiting": waiting,
        "counts": import_services.counts_table(run.counts), "report": import_report(run),
    })


@policy.requires("directory.import")
def import_apply_view(request, run_id):
    run = import_run_for(request.membership, run_id)
    if request.method != "POST":
        return redirect("directory:import_detail", run_id=run.pk)
    stored = import_services.load_upload(run.sha256)
    if run.outcome != ImportRun.Outcome.DRY_RUN or stored is None:
        messages.error(request, _("This file is no longer waiting to be applied; upload it again."))
        return redirect("directory:import_detail", run_id=run.pk)
    if not import_services.would_change(run):
        messages.info(request, _("Nothing in this file would change the directory; there is nothing to apply."))
        return redirect("directory:import_detail", run_id=run.pk)
    data, meta = stored
    applied = import_services.import_file(source=run.source, file=data, file_name=run.file_name,
                                          membership=request.membership, mapping=run.mapping,
                                          municipality=run.municipality, kind=meta.get("kind", ""))
    if applied.outcome == ImportRun.Outcome.APPLIED:
        import_services.discard_upload(run.sha256)
        messages.success(request, _("Applied “%(file)s”.") % {"file": run.file_name})
    else:
        messages.error(request, _("The file was rejected; nothing was written."))
    return redirect("directory:import_detail", run_id=applied.pk)


@policy.requires("directory.import")
def import_mapping_view(request, sha256):
    stored = import_services.load_upload(sha256)
    if stored is None:
        raise Http404
    data, meta = stored
    municipality = municipality_or_none(meta.get("municipality", ""))
    if municipality is None or not policy.check(request.membership, "directory.import", municipality):
        raise PermissionDenied("directory.import")
    try:
        encoding, header, sample = read_header(data)
    except FileError as error:
        messages.error(request, f"{error.reason} / {error.reason_en}")
        return redirect("directory:import_upload")
    saved = import_services.mapping_for_header(municipality=municipality, headers=header)
    initial = saved.columns if saved else suggest_mapping(header, sample)
    form = MappingForm(request.POST or None, header=header, initial_mapping=initial,
                       initial_name=saved.name if saved else meta.get("file_name", "")[:120],
                       initial_kind=saved.kind if saved else "")
    if request.method == "POST" and form.is_valid():
        mapping = import_services.column_mapping_save(
            municipality=municipality, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
            columns=form.columns(), headers=header, user=request.user)
        run = import_services.import_file(source=ImportRun.Source.MUNICIPAL, file=data,
                                          file_name=meta.get("file_name", "list.csv"),
                                          membership=request.membership, dry_run=True, mapping=mapping,
                                          municipality=municipality)
        return redirect("directory:import_detail", run_id=run.pk)
    return render(request, "directory/imports/mapping.html", {
        "form": form, "header": header, "sample": sample, "encoding": encoding, "municipality": municipality,
        "file_name": meta.get("file_name", ""),
    }, status=400 if form.errors else 200)


class MappingForm(forms.Form):
    """One select per field of ours (prefilled from the suggestion) and the ○-marked department columns."""

    name = forms.CharField(label=gettext_lazy("Name of this mapping"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of facility when the list has no kind column"),
                             required=False, choices=[("", "—"), *FacilityKind.choices])
    mark = forms.CharField(label=gettext_lazy("Mark meaning “offered” in department columns"), max_length=4,
                           required=False, initial="○")

    def __init__(self, *args, header, initial_mapping, initial_name="", initial_kind="", **kwargs):
        super().__init__(*args, **kwargs)
        self.header = header
        choices = [("", "—")] + [(h, h) for h in header if h]
        self.fields["name"].initial = initial_name
        self.fields["kind"].initial = initial_kind
        departments = initial_mapping.get("departments") or {}
        self.fields["mark"].initial = departments.get("mark", "○")
        for field, label in FIELDS:
            self.fields[f"col_{field}"] = forms.ChoiceField(label=label, choices=choices, required=False,
                                                            initial=initial_mapping.get(field, ""))
        self.fields["departments"] = forms.MultipleChoiceField(
            label=gettext_lazy("Department columns (one column per department, marked ○)"),
            choices=[(h, h) for h in header if h], required=False, widget=forms.CheckboxSelectMultiple,
            initial=departments.get("columns", []))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("col_name"):
            self.add_error("col_name", _("Choose the column holding the name."))
        if not (cleaned.get("col_address") or cleaned.get("col_municipality_code")):
            self.add_error("col_address", _("Choose the column holding the address."))
        return cleaned

    def columns(self) -> dict:
        columns = {field: self.cleaned_data[f"col_{field}"] for field, _label in FIELDS
                   if self.cleaned_data.get(f"col_{field}")}
        if self.cleaned_data.get("departments"):
            columns["departments"] = {"columns": self.cleaned_data["departments"],
                                      "mark": self.cleaned_data.get("mark") or "○"}
        return columns

    def field_selects(self):
        return [self[f"col_{field}"] for field, _label in FIELDS]


urlpatterns = [
    path("imports/", import_list_view, name="import_list"),
    path("imports/upload/", import_upload_view, name="import_upload"),
    path("imports/<int:run_id>/", import_detail_view, name="import_detail"),
    path("imports/<int:run_id>/apply/", import_apply_view, name="import_apply"),
    path("imports/mapping/<str:sha256>/", import_mapping_view, name="import_mapping"),
]
