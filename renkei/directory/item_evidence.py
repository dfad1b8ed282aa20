"""Evidence for (ア) 地域の医療・介護の資源の把握 (region §1): facilities whose collaboration details were confirmed
in the fiscal year suggest the item is implemented; facilities with none confirmed suggest at most planned.
Counts only."""

from __future__ import annotations

from django.urls import reverse

from renkei.core import item_evidence
from renkei.core.item_evidence import Evidence

from .models import CollaborationDetail, Facility

IMPLEMENTED, PLANNED = "implemented", "planned"


def directory_evidence(municipality_ids: list[int], fiscal_year: int) -> dict[int, Evidence]:
    """Per municipality: open facilities, and those with a collaboration detail confirmed in the fiscal year."""
    mapping = item_evidence.counted_for(municipality_ids)
    start, end = item_evidence.fiscal_year_bounds(fiscal_year)
    facilities = item_evidence.count_by(Facility.objects.filter(status=Facility.Status.OPEN), "municipality_id",
                                        mapping)
    reviewed = item_evidence.count_by(CollaborationDetail.objects.filter(confirmed_on__range=(start, end)),
                                      "facility__municipality_id", mapping, counted="facility_id")
    url = reverse("directory:facility_list")
    out = {}
    for municipality_id, total in facilities.items():
        confirmed = reviewed.get(municipality_id, 0)
        figures = {"facilities": total, "reviewed": confirmed}
        if confirmed:
            out[municipality_id] = Evidence(
                IMPLEMENTED, f"資源リストの連携情報を今年度 {confirmed} 件の施設で確認済み（登録 {total} 件）",
                f"collaboration details of {confirmed} facilities confirmed this fiscal year ({total} listed)",
                url, figures=figures)
        else:
            out[municipality_id] = Evidence(
                PLANNED, f"資源リストに {total} 件の施設がありますが、今年度は連携情報を確認していません",
                f"{total} facilities listed, but no collaboration details confirmed this fiscal year",
                url, figures=figures)
    return out


def register() -> None:
    item_evidence.register("a", "directory", directory_evidence)
