"""Sharing definitions: download a package (JSON) and import one (check first, then apply)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import StaleEdit

from ..forms import PackageUploadForm
from ..selectors import definitions as selectors
from ..services.definitions import definition_new
from ..services.sharing import (
    PackageError,
    definitions_export,
    definitions_import,
    package_json,
    package_read,
)


@policy.requires("indicators.view_definitions")
def export_view(request):
    """The choice of definitions to download (own ones ticked); GET with `definition` ids downloads."""
    membership = request.membership
    chosen = [int(v) for v in request.GET.getlist("definition") if v.isdecimal() and len(v) < 12]
    if request.GET.get("download"):
        package = definitions_export(membership=membership, definition_ids=chosen or None)
        response = HttpResponse(package_json(package), content_type="application/json; charset=utf-8")
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="renkei-indicators-{stamp}.json"'
        return response
    own = set(selectors.definitions_visible(membership, selectors.DefinitionFilter(owner="own"))
              .values_list("pk", flat=True))
    return render(request, "indicators/sharing/export.html", {
        "definitions": selectors.definitions_visible(membership), "own": own,
    })


@policy.requires("indicators.manage_definitions")
def import_view(request):
    membership = request.membership
    form = PackageUploadForm(request.POST or None, request.FILES or None)
    report = package_text = None
    error = ""
    owner = definition_new(membership)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            raw = upload.read(2 * 1024 * 1024 + 1) if upload else form.cleaned_data["package"]
            package = package_read(raw)
            package_text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
            apply = bool(request.POST.get("apply")) and not upload
            report = definitions_import(membership=membership, package=package, dry_run=not apply)
        except PackageError as problem:
            error = problem.ja if request.LANGUAGE_CODE == "ja" else problem.en
        except StaleEdit:
            error = _("Someone changed one of these indicators meanwhile: nothing was imported. Check again.")
        else:
            if report.applied:
                messages.success(request, _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s "
                                            "unchanged.") % {"created": len(report.created),
                                                             "updated": len(report.updated),
                                                             "unchanged": len(report.unchanged)})
                return redirect("indicators:definition_list")
    return render(request, "indicators/sharing/import.html", {
        "form": form, "report": report, "error": error, "package_text": package_text if report and report.is_ok
        else None, "owner": owner, "ja": request.LANGUAGE_CODE == "ja",
    }, status=400 if (form.errors or error or (report and not report.is_ok)) else 200)


urlpatterns = [
    path("definitions/export/", export_view, name="definition_export"),
    path("definitions/import/", import_view, name="definition_import"),
]
