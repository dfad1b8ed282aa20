"""The residents' page of a municipality's indicators (no login), and the staff screen that marks them public.

Residents see only the indicators the municipality marks public (`IndicatorPublication`), small counts
suppressed in charts and tables alike (see suppression.py); no ranks, no targets' internals beyond the line.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renkei.core import policy
from renkei.core.models import Municipality

from .. import dashboards as selectors
from ..models import IndicatorPublication
from ..policy import municipalities_scope
from ..services.publication import publication_set
from .dashboards import _municipality, cards


def _public_municipality(code: str) -> Municipality:
    field = "jis_code" if len(code) == 5 else "code"
    return get_object_or_404(Municipality.objects.select_related("prefecture"), **{field: code})


@policy.public
def public_view(request, code):
    """A municipality's public indicators for residents (the same page for members: what residents see)."""
    municipality = _public_municipality(code)
    panels = selectors.public_panels(municipality)
    return render(request, "indicators/public.html", {
        "municipality": municipality, "panels": panels, "cards": cards(panels), "public": True,
    })


class PublicationForm(forms.Form):
    definition = forms.IntegerField(widget=forms.HiddenInput)
    is_public = forms.TypedChoiceField(label=gettext_lazy("Show to residents"), coerce=lambda v: v == "1",
                                       choices=[("1", gettext_lazy("show")), ("0", gettext_lazy("hide"))])


@policy.requires("indicators.publish", get_object=_municipality)
def publication_view(request, obj):
    """Which indicators the municipality's residents' page shows; a button per indicator switches it."""
    if obj is None:
        return render(request, "indicators/dashboard_choose.html", {})
    definitions = selectors.visible_definitions(request.membership)
    if request.method == "POST":
        form = PublicationForm(request.POST)
        definition = next((d for d in definitions if form.is_valid() and d.pk == form.cleaned_data["definition"]),
                          None)
        if definition is None:
            messages.error(request, _("Choose an indicator from the list."))
        else:
            publication_set(membership=request.membership, municipality=obj, definition=definition,
                            is_public=form.cleaned_data["is_public"])
            text = (_("%(name)s is shown to residents.") if form.cleaned_data["is_public"]
                    else _("%(name)s is no longer shown to residents."))
            messages.success(request, text % {"name": definition.name_ja})
        return redirect(f"{request.path}?municipality={obj.code}")
    published = set(IndicatorPublication.objects.filter(municipality=obj).values_list("definition_id", flat=True))
    return render(request, "indicators/publication.html", {
        "municipality": obj, "rows": [(d, d.pk in published) for d in definitions],
        "municipalities": [m for m in municipalities_scope(request.membership, Municipality.objects.filter(
            prefecture_id=obj.prefecture_id).select_related("prefecture").order_by("code"))
            if policy.check(request.membership, "indicators.publish", m)],
    })


urlpatterns = [
    path("public/<str:code>/", public_view, name="public"),
    path("publication/", publication_view, name="publication"),
]
