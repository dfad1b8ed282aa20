"""Evidence for (オ) 在宅医療・介護連携に関する相談支援 (region §1): cases the desk received in the fiscal year
suggest the item is implemented; an active desk without cases suggests planned. Counts only."""

from __future__ import annotations

from django.urls import reverse

from renkei.core import item_evidence
from renkei.core.item_evidence import Evidence

from . import registrations
from .models import Case, Desk

IMPLEMENTED, PLANNED = "implemented", "planned"


def consult_evidence(municipality_ids: list[int], fiscal_year: int) -> dict[int, Evidence]:
    """Per municipality: active desks and the cases they received in the fiscal year."""
    mapping = item_evidence.counted_for(municipality_ids)
    start, end = item_evidence.fiscal_year_span(fiscal_year)
    desks = item_evidence.count_by(Desk.objects.filter(is_active=True), "municipality_id", mapping)
    cases = item_evidence.count_by(Case.objects.filter(received_at__gte=start, received_at__lt=end),
                                   "municipality_id", mapping)
    url = reverse("consult:index")
    out = {}
    for municipality_id in set(desks) | set(cases):
        figures = {"desks": desks.get(municipality_id, 0), "cases": cases.get(municipality_id, 0)}
        if figures["cases"]:
            out[municipality_id] = Evidence(
                IMPLEMENTED, f"相談窓口が今年度 {figures['cases']} 件の相談を受付",
                f"the desk received {figures['cases']} cases this fiscal year", url, figures=figures)
        else:
            out[municipality_id] = Evidence(
                PLANNED, "相談窓口はありますが、今年度の相談はまだありません",
                "a desk exists but has received no cases this fiscal year", url, figures=figures)
    return out


@registrations.on_ready
def register() -> None:
    item_evidence.register("e", "consult", consult_evidence)
