"""The handoff's indicator providers for the PDCA engine (definitions ZT-A-P06…P12 in indicators/library.py).

Per municipality (the patient's at admission; a designated city also gets its wards' discharges) and period (a
fiscal year, up to today): one aggregate query over the handoffs' measure fields per provider, the same counts
as the もれ率 report (`selectors.measures.MEASURES`). A municipality without counted discharges has no value.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from renkei.indicators.areas import Area
from renkei.indicators.periods import Period
from renkei.indicators.registry import Computed, register

from . import registrations
from .models import Handoff
from .selectors.measures import MEASURES

NOTE = "Renkei の入退院の引継ぎの記録"

# provider key → (numerator, denominator) as names of MEASURES (a "-" subtracts the second name from the first)
RATIOS = {
    "handoff.coordination_rate_care": ("counted_care-missed_care", "counted_care"),
    "handoff.coordination_rate_support": ("counted_support-missed_support", "counted_support"),
    "handoff.missed_rate": ("missed", "counted"),
    "handoff.late_notice_share": ("late_notice", "counted"),
    "handoff.admission_info_sent_share": ("discharges-admission_info_missing", "discharges"),
    "handoff.conference_share": ("with_conference", "counted"),
    "handoff.without_key_person_share": ("without_key_person", "key_person_known"),
}


def _value(row: dict, expression: str) -> int:
    if "-" in expression:
        first, second = expression.split("-")
        return (row.get(first) or 0) - (row.get(second) or 0)
    return row.get(expression) or 0


def figures_by_municipality(municipalities: list, period: Period, names: tuple[str, ...]) -> dict[int, dict]:
    """{municipality id: {measure: count}} for the period's discharges; wards are added to their city too."""
    by_id = {m.pk: m for m in municipalities}
    end = min(period.end, timezone.localdate())
    wanted = {name: MEASURES[name] for name in names}
    rows = (Handoff.objects.filter(status=Handoff.Status.DISCHARGED, municipality_id__in=list(by_id),
                                   discharged_on__gte=period.start, discharged_on__lte=end)
            .order_by().values("municipality_id").annotate(**wanted))
    out: dict[int, dict] = defaultdict(lambda: dict.fromkeys(names, 0))
    for row in rows:
        targets = [row["municipality_id"]]
        parent = by_id[row["municipality_id"]].parent_id
        if parent in by_id:
            targets.append(parent)
        for target in targets:
            for name in names:
                out[target][name] += row[name] or 0
    return out


def _provider(key: str):
    numerator, denominator = RATIOS[key]
    names = tuple({*numerator.split("-"), denominator})

    def provide(municipalities: list, period: Period) -> list[Computed]:
        by_id = {m.pk: m for m in municipalities}
        figures = figures_by_municipality(municipalities, period, names)
        return [Computed(Area.of_municipality(by_id[pk]), _value(row, numerator), row[denominator], NOTE)
                for pk, row in figures.items() if row[denominator]]

    provide.__name__ = key.replace(".", "_")
    return provide


PROVIDERS = {key: _provider(key) for key in RATIOS}


@registrations.on_ready
def register_indicator_providers() -> None:
    for key, provider in PROVIDERS.items():
        register(key, provider)
