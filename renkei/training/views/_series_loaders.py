"""Loaders for `@policy.requires(get_object=…)` on the series screens, and the municipality a screen works in."""

from __future__ import annotations

from django.http import Http404

from renkei.core.selectors import municipality_or_none

from ..selectors import series as selectors


def series(request, series_id, **kwargs):
    return selectors.series_or_404(series_id)


def session(request, session_id, **kwargs):
    return selectors.session_or_404(session_id)


def registration(request, registration_id, **kwargs):
    return selectors.registration_or_404(registration_id)


def chosen_municipality(request, *, required: bool = True):
    """`?municipality=CODE` (a 404 when unknown), else the member's own municipality (None for prefecture staff
    without a choice, unless `required`)."""
    code = (request.GET.get("municipality") or request.POST.get("municipality") or "").strip()
    if code:
        found = municipality_or_none(code)
        if found is None:
            raise Http404("no such municipality")
        return found
    own = request.membership.organization.municipality if getattr(request, "membership", None) else None
    if own is None and required:
        raise Http404("no municipality chosen")
    return own


def fiscal_year(request) -> int:
    value = (request.GET.get("fy") or "").strip()
    if value.isdecimal() and len(value) == 4:
        return int(value)
    return selectors.current_fiscal_year()
