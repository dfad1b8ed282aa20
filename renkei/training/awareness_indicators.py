"""Public awareness indicator providers (definitions ZT-C-P15, P16, P17 and ZT-T-O08 in indicators/library.py).

Per municipality and period (a fiscal year, read up to today): activities held (not cancelled), their
attendance, the daily living areas reached, and the questionnaire answers about talking with the family about
ACP. A designated city also counts its wards' activities. Only municipalities that record awareness work in
Renkei (at least one activity, ever) get a value: a municipality that does not use this part is "no data", not
zero. Attendance per 1,000 aged 65+ divides by the imported population 65+ (ZT-BASE-03) of the period, or the
latest imported before it.

A joint project's activity (共同実施, `joint_project` set) counts for the project's municipalities: the activity
for every one of them (the prefecture's figure, returned by the provider, counts it once); its attendance once,
for the municipality of its daily living area when that is one of the project's, else divided among the
project's municipalities in proportion to their population aged 65+ (ZT-BASE-03 of the period, or the latest
before it), evenly when one of them has none; shares are rounded down to whole people and the remainder goes
to the lead municipality, so the parts add up to the attendance. The areas-reached share and the ACP answers
stay with the activity's owner municipality.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from renkei.core.models import DailyLivingArea, JointProject
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
    users.update(JointProject.municipalities.through.objects.filter(
        municipality_id__in=list(by_id),
        jointproject_id__in=AwarenessActivity.objects.filter(joint_project__isnull=False).values("joint_project_id"))
        .values_list("municipality_id", flat=True))
    return by_id, counts_for, users


@dataclass
class JointActivityShares:
    activities: dict[int, int]  # municipality id: joint activities held that count for it
    attendance: dict[int, int]  # municipality id: its share of the joint activities' attendance
    overcount: int  # activities counted for more than one of the municipalities asked, less one each


def _split(attendance: int, members: list[int], lead_id: int, population: dict[int, float]) -> dict[int, int]:
    """Divide `attendance` among `members` by population 65+ (evenly when one has none); rounded down, the
    remainder to the lead."""
    weights = {pk: population.get(pk) for pk in members}
    if any(not w for w in weights.values()):
        weights = dict.fromkeys(members, 1)
    total = sum(weights.values())
    parts = {pk: int(attendance * w // total) for pk, w in weights.items()}
    parts[lead_id] = parts.get(lead_id, 0) + attendance - sum(parts.values())
    return parts


def joint_activity_shares(period: Period, *, project_ids=None, municipality_ids=None) -> JointActivityShares:
    """Each project municipality's share of the joint activities held in the period (the rules above)."""
    from renkei.core.models import Municipality
    from renkei.indicators.selectors.values import latest_builtin_values

    end = min(period.end, timezone.localdate())
    rows = AwarenessActivity.objects.filter(joint_project__isnull=False, is_cancelled=False,
                                            date__gte=period.start, date__lte=end)
    if project_ids is not None:
        rows = rows.filter(joint_project_id__in=project_ids)
    activities = list(rows.order_by().values_list("joint_project_id", "joint_project__lead_municipality_id",
                                                  "kind", "attendance", "daily_living_area__municipality_id"))
    members: dict[int, list[int]] = defaultdict(list)
    for project_id, municipality_id in JointProject.municipalities.through.objects.filter(
            jointproject_id__in={a[0] for a in activities}).values_list("jointproject_id", "municipality_id"):
        members[project_id].append(municipality_id)
    everyone = {pk for pks in members.values() for pk in pks}
    codes = dict(Municipality.objects.filter(pk__in=everyone).values_list("pk", "code"))
    found = latest_builtin_values(code=POPULATION_65_PLUS, area_keys=[f"M{c}" for c in codes.values()],
                                  on_or_before=period.start) if codes else {}
    population = {pk: float(found[f"M{code}"][0]) for pk, code in codes.items() if f"M{code}" in found}
    counted: dict[int, int] = defaultdict(int)
    attendance: dict[int, int] = defaultdict(int)
    overcount = 0
    for project_id, lead_id, kind, people, area_municipality_id in activities:
        mine = [pk for pk in members[project_id] if municipality_ids is None or pk in municipality_ids]
        for pk in mine:
            counted[pk] += 1
        overcount += max(0, len(mine) - 1)
        if kind not in HELD_KINDS or not people:
            continue
        if area_municipality_id in members[project_id]:
            parts = {area_municipality_id: people}
        else:
            parts = _split(people, members[project_id], lead_id, population)
        for pk, n in parts.items():
            if municipality_ids is None or pk in municipality_ids:
                attendance[pk] += n
    return JointActivityShares(dict(counted), dict(attendance), overcount)


def _held(municipalities: list, period: Period):
    by_id, counts_for, users = _targets(municipalities)
    if not users:
        return by_id, {}, None
    end = min(period.end, timezone.localdate())
    rows = (AwarenessActivity.objects.filter(municipality_id__in=list(counts_for), is_cancelled=False,
                                             joint_project__isnull=True, date__gte=period.start, date__lte=end)
            .order_by().values("municipality_id")
            .annotate(activities=Count("pk"), attendance=Sum("attendance", filter=Q(kind__in=HELD_KINDS))))
    figures: dict[int, dict] = {pk: {"activities": 0, "attendance": 0} for pk in users}
    for row in rows:
        for target in counts_for[row["municipality_id"]]:
            figures.setdefault(target, {"activities": 0, "attendance": 0})
            figures[target]["activities"] += row["activities"]
            figures[target]["attendance"] += row["attendance"] or 0
    joint = joint_activity_shares(period, municipality_ids=set(by_id))
    for pk in set(joint.activities) | set(joint.attendance):
        figures.setdefault(pk, {"activities": 0, "attendance": 0})
        figures[pk]["activities"] += joint.activities.get(pk, 0)
        figures[pk]["attendance"] += joint.attendance.get(pk, 0)
    figures["overcount"] = joint.overcount
    return by_id, figures, end


def awareness_activities(municipalities: list, period: Period) -> list[Computed]:
    by_id, figures, _end = _held(municipalities, period)
    overcount = figures.pop("overcount", 0)
    out = [Computed(Area.of_municipality(by_id[pk]), row["activities"], None, NOTE)
           for pk, row in figures.items() if pk in by_id]
    if overcount:  # a joint activity counts once in the prefecture's figure
        total = sum(c.numerator for c in out if c.area.municipality.parent_id is None)
        out.append(Computed(Area.of_prefecture(municipalities[0].prefecture), total - overcount, None, NOTE))
    return out


def awareness_reach_per_1000_65plus(municipalities: list, period: Period) -> list[Computed]:
    from renkei.indicators.selectors.values import latest_builtin_values

    by_id, figures, _end = _held(municipalities, period)
    figures.pop("overcount", None)
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
