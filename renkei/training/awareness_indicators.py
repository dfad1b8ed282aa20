"""Public awareness indicator providers (definitions ZT-C-P15, P16, P17 and ZT-T-O08 in indicators/library.py).

Per municipality and period (a fiscal year, read up to today): activities held (not cancelled), their
attendance, the daily living areas reached, and the questionnaire answers about talking with the family about
ACP. A designated city also counts its wards' activities. Only municipalities that record awareness work in
Renkei (at least one activity, ever) get a value: a municipality that does not use this part is "no data", not
zero. Attendance per 1,000 aged 65+ divides by the imported population 65+ (ZT-BASE-03) of the period, or the
latest imported before it.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone

from renkei.core.models import DailyLivingArea
from renkei.indicators.areas import Area
from renkei.indicators.library import POPULATION_65_PLUS
from renkei.indicators.periods import Period
from renkei.indicators.registry import Computed, register

from . import registrations
from .models import AcpIntention, AwarenessActivity, AwarenessResponse
from .selectors.awareness import HELD_KINDS

NOTE = "Renkei の普及啓発の記録"
POSITIVE_INTENTIONS = (AcpIntention.WILL_TALK, AcpIntention.ALREADY)


def _targets(municipalities: list) -> tuple[dict, dict, set[int]]:
    """({id: municipality}, {id of a municipality or ward: [ids it counts for]}, ids of the municipalities that
    record awareness work at all), in one query."""
    by_id = {m.pk: m for m in municipalities}
    counts_for: dict[int, list[int]] = defaultdict(list)
    for m in municipalities:
        counts_for[m.pk].append(m.pk)
    users: set[int] = set()
    rows = (AwarenessActivity.objects.filter(Q(municipality_id__in=list(by_id))
                                             | Q(municipality__parent_id__in=list(by_id)))
            .order_by().values_list("municipality_id", "municipality__parent_id").distinct())
    for municipality_id, parent_id in rows:
        if parent_id in by_id and parent_id not in counts_for[municipality_id]:
            counts_for[municipality_id].append(parent_id)
        users.update(target for target in counts_for[municipality_id] if target in by_id)
    return by_id, counts_for, users


def _held(municipalities: list, period: Period):
    by_id, counts_for, users = _targets(municipalities)
    if not users:
        return by_id, {}, None
    end = min(period.end, timezone.localdate())
    rows = (AwarenessActivity.objects.filter(municipality_id__in=list(counts_for), is_cancelled=False,
                                             date__gte=period.start, date__lte=end)
            .order_by().values("municipality_id")
            .annotate(activities=Count("pk"), attendance=Sum("attendance", filter=Q(kind__in=HELD_KINDS))))
    figures: dict[int, dict] = {pk: {"activities": 0, "attendance": 0} for pk in users}
    for row in rows:
        for target in counts_for[row["municipality_id"]]:
            figures.setdefault(target, {"activities": 0, "attendance": 0})
            figures[target]["activities"] += row["activities"]
            figures[target]["attendance"] += row["attendance"] or 0
    return by_id, figures, end


def awareness_activities(municipalities: list, period: Period) -> list[Computed]:
    by_id, figures, _end = _held(municipalities, period)
    return [Computed(Area.of_municipality(by_id[pk]), row["activities"], None, NOTE)
            for pk, row in figures.items() if pk in by_id]


def awareness_reach_per_1000_65plus(municipalities: list, period: Period) -> list[Computed]:
    from renkei.indicators.selectors.values import latest_builtin_values

    by_id, figures, _end = _held(municipalities, period)
    if not figures:
        return []
    keys = {pk: f"M{by_id[pk].code}" for pk in figures if pk in by_id}
    population = latest_builtin_values(code=POPULATION_65_PLUS, area_keys=keys.values(),
                                       on_or_before=period.start)
    out = []
    for pk, key in keys.items():
        if key not in population:
            continue
        value, start = population[key]
        note = NOTE if start == period.start else f"{NOTE}; 65歳以上人口は {Period(start, period.type).key}"
        out.append(Computed(Area.of_municipality(by_id[pk]), figures[pk]["attendance"], value, note))
    return out


def awareness_areas_reached_share(municipalities: list, period: Period) -> list[Computed]:
    by_id, _counts_for, users = _targets(municipalities)
    if not users:
        return []
    end = min(period.end, timezone.localdate())
    totals = dict(DailyLivingArea.objects.filter(municipality_id__in=list(users)).order_by()
                  .values("municipality_id").annotate(n=Count("pk")).values_list("municipality_id", "n"))
    reached = dict(AwarenessActivity.objects.filter(
        municipality_id__in=list(totals), is_cancelled=False, date__gte=period.start, date__lte=end,
        daily_living_area__isnull=False).order_by().values("municipality_id")
        .annotate(n=Count("daily_living_area", distinct=True)).values_list("municipality_id", "n"))
    return [Computed(Area.of_municipality(by_id[pk]), reached.get(pk, 0), total, NOTE)
            for pk, total in totals.items() if total]


def acp_intention_share(municipalities: list, period: Period) -> list[Computed]:
    by_id, counts_for, users = _targets(municipalities)
    if not users:
        return []
    end = min(period.end, timezone.localdate())
    rows = (AwarenessResponse.objects.filter(activity__municipality_id__in=list(counts_for),
                                             activity__date__gte=period.start, activity__date__lte=end)
            .exclude(acp_intention="").order_by().values("activity__municipality_id")
            .annotate(answered=Count("pk"), positive=Count("pk", filter=Q(acp_intention__in=POSITIVE_INTENTIONS))))
    figures: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for target in counts_for[row["activity__municipality_id"]]:
            figures[target][0] += row["positive"]
            figures[target][1] += row["answered"]
    return [Computed(Area.of_municipality(by_id[pk]), positive, answered,
                     NOTE + "（アンケートの回答数: 共有リンクのため人数ではありません）")
            for pk, (positive, answered) in figures.items() if pk in by_id and answered]


PROVIDERS = {
    "training.awareness_activities": (awareness_activities, ()),
    "training.awareness_reach_per_1000_65plus": (awareness_reach_per_1000_65plus, (POPULATION_65_PLUS,)),
    "training.awareness_areas_reached_share": (awareness_areas_reached_share, ()),
    "training.acp_intention_share": (acp_intention_share, ()),
}


@registrations.on_ready
def register_awareness_providers() -> None:
    for key, (provider, reads) in PROVIDERS.items():
        register(key, provider, reads=reads)
