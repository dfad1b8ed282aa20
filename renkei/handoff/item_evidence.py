"""Evidence for (エ) 医療・介護関係者の情報共有の支援 (region §1): handoffs opened in the fiscal year and care teams
formed in it suggest the item is implemented. Counts only (no patient is named)."""

from __future__ import annotations

from django.urls import reverse

from renkei.careteams.models import CareTeam
from renkei.core import item_evidence
from renkei.core.item_evidence import Evidence

from . import registrations
from .models import Handoff

IMPLEMENTED = "implemented"


def handoff_evidence(municipality_ids: list[int], fiscal_year: int) -> dict[int, Evidence]:
    """Per municipality (the patient's, at admission): handoffs opened and care teams formed in the year."""
    mapping = item_evidence.counted_for(municipality_ids)
    start, end = item_evidence.fiscal_year_span(fiscal_year)
    handoffs = item_evidence.count_by(
        Handoff.objects.filter(created_at__gte=start, created_at__lt=end).exclude(status=Handoff.Status.CANCELLED),
        "patient__municipality_id", mapping)
    teams = item_evidence.count_by(CareTeam.objects.filter(created_at__gte=start, created_at__lt=end),
                                   "patient__municipality_id", mapping)
    url = reverse("handoff:handoff_list")
    out = {}
    for municipality_id in set(handoffs) | set(teams):
        figures = {"handoffs": handoffs.get(municipality_id, 0), "care_teams": teams.get(municipality_id, 0)}
        out[municipality_id] = Evidence(
            IMPLEMENTED,
            f"今年度の入退院の引継ぎ {figures['handoffs']} 件、新しいケアチーム {figures['care_teams']} 件",
            f"{figures['handoffs']} handoffs opened and {figures['care_teams']} care teams formed this fiscal year",
            url, figures=figures)
    return out


@registrations.on_ready
def register() -> None:
    item_evidence.register("d", "handoff", handoff_evidence)
