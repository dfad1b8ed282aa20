"""API operations of the region's rules part (mounted under /api/v1/): the wide-area rules of the caller's
prefecture and one rule's before/after measures, masked for callers outside a municipality as on the screen."""

from ninja import Query, Router, Schema

from renkei.core import policy

from ..selectors import rules as selectors

router = Router(tags=["region"])

VIEW, MEASURES = "region.view_wide_rules", "region.view_wide_measures"


class MeasuresFilter(Schema):
    months: int = selectors.WINDOW_MONTHS


@router.get("/region/rules", response=list[dict], summary="The wide-area discharge coordination rules")
@policy.api_requires(VIEW)
def wide_rules(request):
    return [dict(id=rule.rule_set.pk, name=rule.rule_set.name, area_kind=rule.rule_set.area_kind,
                 area_name=rule.area_name, version=rule.rule_set.version,
                 effective_from=rule.rule_set.effective_from.isoformat(), owner=rule.owner,
                 municipalities_adopted=rule.municipalities_adopted, hospitals_adopted=rule.hospitals_adopted)
            for rule in selectors.wide_rules_visible(request.membership)]


@router.get("/region/rules/{rule_id}/measures", response=dict,
            summary="A wide-area rule's もれ率 and admission information before and after each adoption")
@policy.api_asks_on_object(MEASURES)
def wide_rule_measures(request, rule_id: int, filters: Query[MeasuresFilter]):
    rule_set = selectors.wide_rule_for(request.membership, rule_id)
    months = max(1, min(filters.months, selectors.MAX_WINDOW_MONTHS))
    return selectors.before_after(request.membership, rule_set, months=months).as_dict()
