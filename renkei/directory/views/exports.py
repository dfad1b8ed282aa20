"""Directory screens (exports): staff choose what to export and download it; every download is audited."""

from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.second_factor import recent_second_factor
from renkei.core.selectors import municipality_by_code, municipality_or_none

from ..exports.forms import ExportForm
from ..exports.responses import export_response
from ..exports.scope import exportable_municipalities, facility_counts
from ..models import FacilityKind


def _municipality(request, code, **kwargs):
    return municipality_by_code(code)


@policy.requires("directory.export")
def export_index_view(request):
    """Municipal staff go straight to their municipality; prefecture staff and administrators choose one."""
    membership = request.membership
    code = request.GET.get("municipality", "").strip()
    error = ""
    if code:
        municipality = municipality_or_none(code)
        if municipality is None:
            error = _("No municipality has the code “%(code)s”.") % {"code": code}
        else:
            policy.require(membership, "directory.export", municipality)
            return redirect("directory:export_page", code=municipality.code)
    municipalities = exportable_municipalities(membership)
    own = membership.organization.municipality
    # Staff of one municipality go straight to it; the chooser is for those who may export several.
    if not error and own is not None and policy.check(membership, "directory.export", own) \
            and not municipalities.exclude(Q(pk=own.pk) | Q(parent_id=own.pk)).exists():
        return redirect("directory:export_page", code=own.code)
    return render(request, "directory/exports/index.html", {
        "municipalities": municipalities, "code": code, "error": error,
    }, status=400 if error else 200)


@policy.requires("directory.export", get_object=_municipality)
def export_page_view(request, code, obj):
    form = ExportForm(municipality=obj, initial={"format": "pdf"})
    return _render_page(request, obj, form)


@policy.requires("directory.export", get_object=_municipality)
@recent_second_factor  # a download takes personal data (contact people) out of Renkei
def export_download_view(request, code, obj):
    form = ExportForm(request.GET, municipality=obj)
    if not form.is_valid():
        return _render_page(request, obj, form, status=400)
    return export_response(form.scope(), form.cleaned_data["format"], membership=request.membership)


def _render_page(request, municipality, form, status=200):
    counts = facility_counts(municipality)
    return render(request, "directory/exports/page.html", {
        "municipality": municipality, "form": form,
        "counts": [(label, counts.get(kind, 0)) for kind, label in FacilityKind.choices],
        "total": sum(counts.values()),
        "can_choose_municipality": exportable_municipalities(request.membership).exclude(
            Q(pk=municipality.pk) | Q(parent_id=municipality.pk)).exists(),
    }, status=status)


urlpatterns = [
    path("exports/", export_index_view, name="export_index"),
    path("exports/<str:code>/", export_page_view, name="export_page"),
    path("exports/<str:code>/download/", export_download_view, name="export_download"),
]
