"""The surveys API: a series' paired effect table (statistics only, never answers or names)."""

from django.shortcuts import get_object_or_404
from ninja import Router

from renkei.core import policy

from ..models import TrainingSeries
from ..selectors.surveys import effect_table

router = Router(tags=["training and awareness"])


def _effect(row) -> dict:
    e = row.effect
    return {"kind": row.kind, "label": row.label, "item_id": row.item_id, "profession": row.profession or None,
            "pairs": e.pairs, "mean_before": e.mean_before, "mean_after": e.mean_after,
            "median_difference": e.median_difference, "improved": e.improved, "unchanged": e.unchanged,
            "worse": e.worse, "share_improved": e.share_improved, "p_value": e.p_value,
            "too_few_pairs": e.has_too_few_pairs, "effect_size": e.effect_size, "magnitude": e.magnitude or None}


@router.get("/training/series/{series_id}/effect", response=dict,
            summary="A training series' paired pre/post effect table")
@policy.api_requires("training.view_series")
def series_effect(request, series_id: int):
    series = get_object_or_404(TrainingSeries.objects.select_related("municipality"), pk=series_id)
    policy.require(request.membership, "training.view_series", series)
    table = effect_table(series)
    return {"series": {"id": series.pk, "title": series.title, "fiscal_year": series.fiscal_year},
            "pairs": table.pairs, "only_before": table.only_pre, "only_after": table.only_post,
            "rows": [_effect(row) for row in table.rows],
            "by_profession": [_effect(row) for row in table.by_profession_items]}
