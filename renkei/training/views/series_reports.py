"""Reach (who the training reaches and who it never does) and the fiscal year's Excel workbook."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from renkei.core import policy

from ..selectors import series as selectors
from ..selectors import series_reach
from ..series_documents import series_workbook
from ..services import series as services
from . import _series_loaders as loaders

VIEW, PARTICIPANTS, MANAGE = "training.view_series", "training.view_participants", "training.manage_series"


@policy.requires(VIEW)
def reach_view(request):
    """Attendance by profession and organization over fiscal years, and the facilities that never sent anyone
    (their names for those who run the training; counts only for the prefecture's staff)."""
    membership = request.membership
    municipality = loaders.chosen_municipality(request, required=False)
    if municipality is None:
        return render(request, "training/series/choose.html",
                      {"municipalities": selectors.viewer_municipalities(membership), "target": "training:reach"})
    policy.require(membership, VIEW, municipality)
    first, last, errors = series_reach.reach_years(request.GET.get("from"), request.GET.get("to"),
                                                   selectors.current_fiscal_year())
    table = series_reach.reach(municipality, first, last)
    chart = {"labels": [str(label) or "—" for _, label in table.professions],
             "datasets": [{"label": str(year), "data": [table.by_year[year][code].people
                                                         for code, _ in table.professions]}
                          for year in table.years]}
    return render(request, "training/series/reach.html", {
        "municipality": municipality, "table": table, "first": first, "last": last, "errors": errors,
        "chart": chart, "shows_names": policy.check(membership, MANAGE, municipality),
        "rows": [{"year": y, "cells": [table.by_year[y][code] for code, _ in table.professions],
                  "total": table.totals[y]} for y in table.years],
    }, status=400 if errors else 200)


@policy.requires(VIEW)
def series_export_view(request):
    """The fiscal year's series, sessions and registrations as an Excel workbook (names only for those who run
    the training: the prefecture's staff get the figures)."""
    membership = request.membership
    municipality = loaders.chosen_municipality(request)
    policy.require(membership, VIEW, municipality)
    fiscal_year = loaders.fiscal_year(request)
    series_list = series_reach.export_series(membership, municipality, fiscal_year)
    with_names = policy.check(membership, PARTICIPANTS, municipality)
    content = series_workbook(series_list, fiscal_year, with_names=with_names)
    services.export_record(series_or_municipality=municipality, what="training series workbook",
                           count=len(series_list), fiscal_year=fiscal_year)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="training-{municipality.code}-FY{fiscal_year}.xlsx"'
    return response


urlpatterns = [
    path("reach/", reach_view, name="reach"),
    path("export/", series_export_view, name="series_export"),
]
