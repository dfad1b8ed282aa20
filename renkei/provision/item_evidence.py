"""Evidence for (ウ) 切れ目のない在宅医療と介護の提供体制の構築推進 (region §1): an active cover group whose rota
covers nights, weekend and holiday days suggests the item is implemented; open gaps (shifts nobody covers in the
next 14 days, for the current fiscal year) suggest planned. Counts only."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from renkei.core import item_evidence
from renkei.core.item_evidence import Evidence

from . import days
from .models import CoverGroup, RotaShift
from .selectors.rota import GAP_DAYS

IMPLEMENTED, PLANNED = "implemented", "planned"


def _open_gaps(groups: list[tuple[int, int]], start: dt.date) -> dict[int, int]:
    """{group id: shifts needed in the next GAP_DAYS days nobody covers}, in one query for every group."""
    end = start + dt.timedelta(days=GAP_DAYS - 1)
    covered = set(RotaShift.objects.filter(group_id__in=[pk for pk, _m in groups], date__range=(start, end),
                                           covering__isnull=False).values_list("group_id", "date", "kind"))
    needed = [(start + dt.timedelta(days=offset), kind) for offset in range(GAP_DAYS)
              for kind in days.needed_shifts(start + dt.timedelta(days=offset))]
    return {pk: sum(1 for day, kind in needed if (pk, day, kind) not in covered) for pk, _m in groups}


def provision_evidence(municipality_ids: list[int], fiscal_year: int) -> dict[int, Evidence]:
    """Per municipality: active cover groups, shifts covered in the fiscal year, and open gaps ahead."""
    mapping = item_evidence.counted_for(municipality_ids)
    start, end = item_evidence.fiscal_year_bounds(fiscal_year)
    groups = list(CoverGroup.objects.filter(municipality_id__in=mapping, is_active=True)
                  .values_list("pk", "municipality_id"))
    if not groups:
        return {}
    covered = dict(RotaShift.objects.filter(group_id__in=[pk for pk, _m in groups], date__range=(start, end),
                                            covering__isnull=False).order_by().values("group_id")
                   .annotate(n=Count("pk")).values_list("group_id", "n"))
    today = timezone.localdate()
    gaps = _open_gaps(groups, today) if start <= today <= end else {}
    per: dict[int, dict] = {}
    for pk, municipality_id in groups:
        figures = per.setdefault(mapping[municipality_id], {"groups": 0, "shifts_covered": 0, "open_gaps": 0})
        figures["groups"] += 1
        figures["shifts_covered"] += covered.get(pk, 0)
        figures["open_gaps"] += gaps.get(pk, 0)
    url = reverse("provision:index")
    out = {}
    for municipality_id, figures in per.items():
        if figures["open_gaps"]:
            out[municipality_id] = Evidence(
                PLANNED,
                f"当番表 {figures['groups']} グループのうち、今後 {GAP_DAYS} 日に空き {figures['open_gaps']} 枠",
                f"{figures['open_gaps']} uncovered shifts in the next {GAP_DAYS} days across {figures['groups']} "
                f"cover groups", url, figures=figures)
        elif figures["shifts_covered"]:
            out[municipality_id] = Evidence(
                IMPLEMENTED,
                f"当番表 {figures['groups']} グループ、今年度 {figures['shifts_covered']} 枠を担当済み・空きなし",
                f"{figures['groups']} cover groups, {figures['shifts_covered']} shifts covered this year, no open gaps",
                url, figures=figures)
        else:
            out[municipality_id] = Evidence(
                PLANNED, f"当番グループ {figures['groups']} 件がありますが、今年度の当番がまだありません",
                f"{figures['groups']} cover groups but no shifts covered this fiscal year", url, figures=figures)
    return out


def register() -> None:
    item_evidence.register("c", "provision", provision_evidence)
