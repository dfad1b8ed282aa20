"""Staff screens for the collaboration taxonomy: what facilities are asked about, per municipality."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import StaleEdit, render_conflict
from renkei.core.models import Municipality
from renkei.core.selectors import municipality_or_none

from ..forms import AttributeForm, CategoryForm
from ..models import CollaborationAttribute, CollaborationCategory
from ..selectors.taxonomy import taxonomy_by_category
from ..services import taxonomy as taxonomy_services


def _municipality(request, code, **kwargs) -> Municipality:
    return get_object_or_404(Municipality.objects.select_related("prefecture"), code=code)


def _attribute(request, attribute_id, **kwargs) -> CollaborationAttribute:
    return get_object_or_404(CollaborationAttribute.objects.select_related("category", "municipality"),
                             pk=attribute_id)


def _category(request, category_id, **kwargs) -> CollaborationCategory:
    return get_object_or_404(CollaborationCategory, pk=category_id)


def _list_url(attribute_or_municipality) -> str:
    from django.urls import reverse

    municipality = getattr(attribute_or_municipality, "municipality", attribute_or_municipality)
    url = reverse("directory:taxonomy")
    return f"{url}?municipality={municipality.code}" if isinstance(municipality, Municipality) else url


@policy.requires("directory.manage_taxonomy")
def taxonomy_view(request):
    """Categories and their attributes: the shared ones and the chosen municipality's own."""
    code = (request.GET.get("municipality") or "").strip()
    municipality = municipality_or_none(code) if code else request.membership.organization.municipality
    may_manage_own = municipality is not None and policy.check(request.membership, "directory.manage_taxonomy",
                                                              municipality)
    return render(request, "directory/taxonomy/list.html", {
        "categories": taxonomy_by_category(request.membership, municipality), "municipality": municipality,
        "may_manage_own": may_manage_own,
        "may_manage_shared": policy.check(request.membership, "directory.manage_shared_taxonomy"),
    })


def _attribute_form(request, *, municipality: Municipality | None, attribute: CollaborationAttribute | None):
    names_only = attribute is not None and attribute.is_builtin
    form = AttributeForm(request.POST or None, attribute=attribute, names_only=names_only)
    if request.method == "POST" and form.is_valid():
        try:
            if attribute is None:
                attribute = taxonomy_services.attribute_create(membership=request.membership,
                                                               municipality=municipality, **form.changes())
                messages.success(request, _("“%(name)s” was added. Facilities are asked about it from now on.")
                                 % {"name": attribute.name})
            else:
                taxonomy_services.attribute_update(membership=request.membership, attribute=attribute,
                                                   expected_version=form.cleaned_data.get("version"),
                                                   **form.changes())
                messages.success(request, _("Saved “%(name)s”.") % {"name": attribute.name})
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(
                request, "directory/taxonomy/attribute_form.html",
                {"attribute": stored, "municipality": municipality, "names_only": names_only, "may_edit": True},
                form=form, current_form=AttributeForm(attribute=stored, names_only=names_only), stale=stale,
                rebind=lambda data: AttributeForm(data, attribute=stored, names_only=names_only))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(_list_url(attribute.municipality or municipality))
    return render(request, "directory/taxonomy/attribute_form.html", {
        "form": form, "attribute": attribute, "municipality": municipality, "names_only": names_only,
        "may_edit": attribute is None or attribute.municipality_id is not None
        or policy.check(request.membership, "directory.manage_shared_taxonomy"),
    }, status=400 if form.errors else 200)


@policy.requires("directory.manage_taxonomy", get_object=_municipality)
def attribute_create_view(request, code, obj):
    return _attribute_form(request, municipality=obj, attribute=None)


@policy.requires("directory.manage_shared_taxonomy")
def shared_attribute_create_view(request):
    return _attribute_form(request, municipality=None, attribute=None)


@policy.requires("directory.manage_taxonomy", get_object=_attribute)
def attribute_edit_view(request, attribute_id, obj):
    """Shared attributes are shown to municipal staff read-only; saving them needs manage_shared_taxonomy."""
    if request.method == "POST" and obj.municipality_id is None:
        policy.require(request.membership, "directory.manage_shared_taxonomy", obj)
    return _attribute_form(request, municipality=obj.municipality, attribute=obj)


@policy.requires("directory.manage_taxonomy", get_object=_attribute)
def attribute_active_view(request, attribute_id, obj):
    if request.method == "POST":
        try:
            taxonomy_services.attribute_set_active(membership=request.membership, attribute=obj,
                                                   active=not obj.is_active)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, (_("“%(name)s” is in use again.") if obj.is_active
                                       else _("“%(name)s” is no longer asked; answers are kept."))
                             % {"name": obj.name})
    return redirect(_list_url(obj))


@policy.requires("directory.manage_taxonomy", get_object=_attribute)
def attribute_delete_view(request, attribute_id, obj):
    if request.method == "POST":
        back = _list_url(obj)
        try:
            taxonomy_services.attribute_delete(membership=request.membership, attribute=obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": obj.name})
        return redirect(back)
    return redirect(_list_url(obj))


def _category_form(request, category: CollaborationCategory):
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            taxonomy_services.category_save(membership=request.membership, category=form.instance,
                                            expected_version=form.cleaned_data.get("version"))
        except StaleEdit as stale:
            stored = stale.current
            return render_conflict(request, "directory/taxonomy/category_form.html", {"category": stored},
                                   form=form, current_form=CategoryForm(instance=stored), stale=stale,
                                   rebind=lambda data: CategoryForm(data, instance=stored))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved “%(name)s”.") % {"name": form.instance.name})
            return redirect("directory:taxonomy")
    return render(request, "directory/taxonomy/category_form.html", {"form": form, "category": category},
                  status=400 if form.errors else 200)


@policy.requires("directory.manage_shared_taxonomy")
def category_create_view(request):
    return _category_form(request, CollaborationCategory())


@policy.requires("directory.manage_shared_taxonomy", get_object=_category)
def category_edit_view(request, category_id, obj):
    return _category_form(request, obj)


urlpatterns = [
    path("taxonomy/", taxonomy_view, name="taxonomy"),
    path("taxonomy/m/<str:code>/new/", attribute_create_view, name="attribute_create"),
    path("taxonomy/shared/new/", shared_attribute_create_view, name="shared_attribute_create"),
    path("taxonomy/attributes/<int:attribute_id>/", attribute_edit_view, name="attribute_edit"),
    path("taxonomy/attributes/<int:attribute_id>/active/", attribute_active_view, name="attribute_toggle_active"),
    path("taxonomy/attributes/<int:attribute_id>/delete/", attribute_delete_view, name="attribute_delete"),
    path("taxonomy/categories/new/", category_create_view, name="category_create"),
    path("taxonomy/categories/<int:category_id>/", category_edit_view, name="category_edit"),
]
