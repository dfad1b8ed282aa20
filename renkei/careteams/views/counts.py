"""counts screen: the municipality's numbers about patients (never a patient row), small counts suppressed."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path

from renkei.core import policy

from ..forms.emergency import CountsYearForm
from ..selectors.counts import SUPPRESS_BELOW, counts_table, suppressed


@policy.requires("careteams.view_counts")
def counts(request):
    """Counts for the viewer's municipality (prefecture staff: by municipality) in a fiscal year."""
    form = CountsYearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    table = counts_table(request.membership, year=year)
    return render(request, "careteams/counts.html",
                  {"table": table, "form": form, "suppress_top": SUPPRESS_BELOW - 1,
                   "suppress_mark": suppressed(1)})


urlpatterns: list = [
    path("counts/", counts, name="counts"),
]
