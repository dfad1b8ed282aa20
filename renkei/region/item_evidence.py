"""Evidence for (ク) 在宅医療・介護連携に関する関係市区町村の連携 (region §1): a wide-area 退院調整ルール adopted by
the municipality, membership of a joint project active in the fiscal year, or attendance of a 情報共有の場 in the
year suggests the item is implemented. Counts only."""

from __future__ import annotations

from django.db.models import Q

from renkei.core import item_evidence
from renkei.core.item_evidence import Evidence
from renkei.core.models import JointProject

from . import registrations
from .models import RuleAdoption, SharingMeeting

IMPLEMENTED = "implemented"


def region_evidence(municipality_ids: list[int], fiscal_year: int) -> dict[int, Evidence]:
    """Per municipality: wide-area rules adopted and in force in the year, joint projects active in it,
    sharing meetings attended in it."""
    mapping = item_evidence.counted_for(municipality_ids)
    start, end = item_evidence.fiscal_year_bounds(fiscal_year)
    span_start, span_end = item_evidence.fiscal_year_span(fiscal_year)
    rules = item_evidence.count_by(
        RuleAdoption.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start), adopted_on__lte=end),
        "municipality_id", mapping)
    projects = item_evidence.count_by(
        JointProject.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start), started_on__lte=end),
        "municipalities__id", mapping)
    meetings = item_evidence.count_by(
        SharingMeeting.objects.filter(held_at__gte=span_start, held_at__lt=span_end), "attended__id", mapping)
    out = {}
    for municipality_id in set(rules) | set(projects) | set(meetings):
        figures = {"rules": rules.get(municipality_id, 0), "joint_projects": projects.get(municipality_id, 0),
                   "meetings": meetings.get(municipality_id, 0)}
        out[municipality_id] = Evidence(
            IMPLEMENTED, f"広域の退院調整ルール {figures['rules']} 件を採用、共同実施 {figures['joint_projects']} 件、"
                         f"情報共有の場に {figures['meetings']} 回参加",
            f"{figures['rules']} wide-area rules adopted, {figures['joint_projects']} joint projects, "
            f"{figures['meetings']} sharing meetings attended", "", figures=figures)
    return out


@registrations.on_ready
def register() -> None:
    item_evidence.register("h", "region", region_evidence)
