"""The directory's panel on the home page: what needs doing, for staff; where to look, for everyone."""

from __future__ import annotations

from renkei.core import policy

from ..models import CoverageRun, Facility
from .directory import merge_candidate_count
from .surveys import pending_reviews, stale_facilities

STALE_MONTHS = 12


def directory_panel(membership) -> dict | None:
    """Open facilities of the member's municipality; for its staff also reviews, stale entries, duplicates, gaps."""
    municipality = membership.organization.municipality
    if municipality is None or not policy.check(membership, "directory.view"):
        return None
    panel = {
        "template": "directory/_home_panel.html", "municipality": municipality,
        "facilities": Facility.objects.filter(municipality__in=[municipality.pk, *municipality.wards.values_list(
            "pk", flat=True)], status=Facility.Status.OPEN).count(),
    }
    if policy.check(membership, "directory.manage_surveys", municipality):
        panel["pending_reviews"] = pending_reviews(membership).count()
        panel["stale"] = stale_facilities(municipality, STALE_MONTHS).count()
        panel["stale_months"] = STALE_MONTHS
    if policy.check(membership, "directory.merge_facilities", municipality):
        panel["duplicates"] = merge_candidate_count(membership)
    if policy.check(membership, "directory.view_coverage", municipality):
        panel["coverage"] = (CoverageRun.objects.filter(municipality=municipality, daily_living_area=None,
                                                        status=CoverageRun.Status.DONE)
                             .order_by("-finished_at", "-pk").first())
    return panel
