"""Computing indicators from Renkei's own records: every active computed definition, through its provider.

`indicators_compute` asks each registered provider once per prefecture and period for all the municipalities
asked (and their daily living areas), adds the prefecture's own value when a whole prefecture was computed,
and writes everything through `values_record(origin=COMPUTED)` in one transaction per prefecture: a value
that did not change writes nothing, a changed one keeps its history. Queued as the `indicators.compute`
background job after the directory's imports and coverage recomputations (`renkei/indicators/jobs.py`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import Municipality, Prefecture

from .. import registry
from ..areas import Area
from ..models import AreaLevel, IndicatorDefinition, Origin, PeriodType
from ..periods import Period, parse_period, period_of
from .values import ValueInput, values_record


@dataclass
class ComputeResult:
    counts: Counter = field(default_factory=Counter)  # created / corrected / unchanged
    definitions: int = 0  # computed definitions with a registered provider
    without_provider: list[str] = field(default_factory=list)  # codes whose provider is not registered
    prefectures: int = 0
    municipalities: int = 0
    periods: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.counts["created"], "corrected": self.counts["corrected"],
                "unchanged": self.counts["unchanged"], "definitions": self.definitions,
                "without_provider": self.without_provider, "prefectures": self.prefectures,
                "municipalities": self.municipalities, "periods": self.periods}


def periods_to_compute(definition_period_type: str, period: Period | None, today: dt.date) -> list[Period]:
    """The periods of one period type to compute for the period asked (None: the current one).

    A fiscal year asked for a monthly or quarterly definition means each of its months or quarters begun by today.
    A month or quarter asked only concerns definitions of that type.
    """
    if period is None:
        return [period_of(today, definition_period_type)]
    if period.type == definition_period_type:
        return [period]
    if period.type != PeriodType.FISCAL_YEAR:
        return []
    out, day = [], period.start
    while day <= min(period.end, today):
        sub = period_of(day, definition_period_type)
        out.append(sub)
        day = sub.end + dt.timedelta(days=1)
    return out


def _definitions(prefecture: Prefecture, municipality_ids: set[int]):
    """Active computed definitions usable here: the built-ins, the prefecture's own, the municipalities' own."""
    return list(IndicatorDefinition.objects.filter(is_active=True, origin=Origin.COMPUTED).exclude(provider="")
                .filter(Q(owner_municipality__isnull=True, owner_prefecture__isnull=True)
                        | Q(owner_municipality__isnull=True, owner_prefecture=prefecture)
                        | Q(owner_municipality_id__in=municipality_ids)))


def _prefecture_total(prefecture: Prefecture, results: list[registry.Computed], top_level_keys: set[str],
                      own: registry.Computed | None = None) -> registry.Computed | None:
    """The prefecture's value as the sum of its municipalities' numerators and denominators (wards are inside their
    city), when every municipality has one: providers' figures add up (counts, sums of people). A provider that
    counts one thing for several municipalities (a joint project's session) returns the prefecture's figure
    itself (`own`), used instead of the sum so that nothing is counted twice."""
    by_key = {r.area.key: r for r in results if r.area.level == AreaLevel.MUNICIPALITY}
    if not top_level_keys or not top_level_keys <= set(by_key):
        return None
    parts = [by_key[key] for key in top_level_keys]
    if any(p.numerator is None for p in parts):
        return None
    numerator = sum(Decimal(str(p.numerator)) for p in parts)
    denominators = [p.denominator for p in parts]
    if all(d is None for d in denominators):
        denominator = None
    elif any(d is None for d in denominators):
        return None
    else:
        denominator = sum(Decimal(str(d)) for d in denominators)
    if own is not None:
        return own
    return registry.Computed(Area.of_prefecture(prefecture), numerator, denominator,
                             f"{len(parts)} 市町村の合計")


def _compute_prefecture(prefecture: Prefecture, municipalities: list[Municipality], *, whole: bool,
                        period: Period | None, today: dt.date, membership, result: ComputeResult) -> None:
    definitions = _definitions(prefecture, {m.pk for m in municipalities})
    by_provider: dict[str, list[IndicatorDefinition]] = defaultdict(list)
    for definition in definitions:
        if registry.provider(definition.provider) is None:
            if definition.code not in result.without_provider:
                result.without_provider.append(definition.code)
            continue
        by_provider[definition.provider].append(definition)
    top_level = {f"M{m.code}" for m in municipalities if m.parent_id is None}
    items: list[ValueInput] = []
    for key, using in by_provider.items():
        provide = registry.provider(key)
        period_types = {d.period_type for d in using}
        for period_type in sorted(period_types):
            for each in periods_to_compute(period_type, period, today):
                provided = [c for c in provide(municipalities, each) if c.numerator is not None]
                own = next((c for c in provided if c.area.level == AreaLevel.PREFECTURE), None)
                computed = [c for c in provided if c.area.level != AreaLevel.PREFECTURE]
                if whole:
                    total = _prefecture_total(prefecture, computed, top_level, own)
                    if total is not None:
                        computed.append(total)
                if each.key not in result.periods:
                    result.periods.append(each.key)
                for definition in (d for d in using if d.period_type == period_type):
                    items.extend(_inputs(definition, computed, each))
    result.definitions += sum(len(v) for v in by_provider.values())
    if items:
        recorded = values_record(items=items, origin=Origin.COMPUTED, membership=membership)
        result.counts.update(recorded.counts)


def _inputs(definition: IndicatorDefinition, computed: list[registry.Computed], period: Period) -> list[ValueInput]:
    levels = set(definition.area_levels or [])
    own = definition.owner_municipality_id
    out = []
    for c in computed:
        if levels and c.area.level not in levels:
            continue
        if own and (c.area.municipality is None or c.area.municipality.pk != own):
            continue  # a municipality's own definition is computed for its own areas only
        if definition.is_rate and c.denominator is None:
            continue
        out.append(ValueInput(definition=definition, area=c.area, period=period, numerator=c.numerator,
                              denominator=c.denominator if definition.is_rate else None,
                              source_note=(c.note or definition.data_source)[:300], vintage=timezone.localdate()))
    return out


def indicators_compute(*, prefecture: Prefecture | None = None, municipality: Municipality | None = None,
                       period: Period | str | None = None, membership=None) -> ComputeResult:
    """Recompute every active computed indicator (its provider registered) for the area(s) and period.

    `municipality`: that municipality (and its daily living areas); `prefecture`: all its municipalities and
    the prefecture itself; neither: every prefecture with municipalities. `period`: a Period or key ("FY2024",
    "2024-05"); None is the current fiscal year for yearly definitions, the current month or quarter for the
    others. `membership` (a staff button) is asked `indicators.record_values` on the area; None is the system.
    Raises PeriodError for an unreadable period; values_record's errors leave the prefecture unwritten.
    """
    if isinstance(period, str):
        period = parse_period(period)
    if municipality is not None:
        prefecture = municipality.prefecture
    if membership is not None:
        policy.require(membership, "indicators.record_values", municipality or prefecture)
    today = timezone.localdate()
    result = ComputeResult()
    current = Municipality.objects.filter(abolished_on__isnull=True).select_related("prefecture").order_by("code")
    if municipality is not None:
        plan = [(prefecture, [municipality], False)]
    else:
        prefectures = [prefecture] if prefecture is not None else list(
            Prefecture.objects.filter(municipalities__abolished_on__isnull=True).distinct().order_by("code"))
        grouped: dict[int, list[Municipality]] = defaultdict(list)
        for m in current.filter(prefecture__in=prefectures):
            grouped[m.prefecture_id].append(m)
        plan = [(p, grouped[p.pk], True) for p in prefectures if grouped[p.pk]]
    for each_prefecture, municipalities, whole in plan:
        result.prefectures += 1
        result.municipalities += len(municipalities)
        _compute_prefecture(each_prefecture, municipalities, whole=whole, period=period, today=today,
                            membership=membership, result=result)
    return result
