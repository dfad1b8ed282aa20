"""careteams' indicator providers (item 9): computed per municipality and fiscal year from the patients' records.

Registered with `renkei.indicators.registry` in `CareteamsConfig.ready()`; the definitions naming them are in
`renkei/indicators/library.py` (ZT-C-P07, ZT-C-P08, ZT-E-P03, ZT-E-S05, ZT-T-O06, ZT-T-O07). Each calls the
counts of `selectors/counts.py` once for all the municipalities asked (one aggregate query): only numbers leave
the app. Counts of patients are read as of the period's last day (today for the current one); deaths are
those whose date falls in the period. A prefecture's value is the sum of its municipalities' (the engine's).
"""

from __future__ import annotations

from renkei.indicators.areas import Area
from renkei.indicators.periods import Period
from renkei.indicators.registry import Computed, register

from .selectors import counts

NOTE = "Renkei の患者・チームの記録から計算"


def _count_provider(function):
    """A count; only for municipalities where some patient was registered by then (elsewhere: no data, not 0)."""

    def provide(municipalities: list, period: Period) -> list[Computed]:
        ids = [m.pk for m in municipalities]
        using = counts.municipalities_with_patients(ids, period)
        if not using:
            return []
        found = function(sorted(using), period)
        return [Computed(Area.of_municipality(m), found.get(m.pk, 0), None, NOTE) for m in municipalities
                if m.pk in using]

    return provide


def _share_provider(numerator, denominator):
    """A share: no value where the denominator is zero (no data, not 0 %)."""

    def provide(municipalities: list, period: Period) -> list[Computed]:
        ids = [m.pk for m in municipalities]
        over, under = numerator(ids, period), denominator(ids, period)
        return [Computed(Area.of_municipality(m), over.get(m.pk, 0), under[m.pk], NOTE)
                for m in municipalities if under.get(m.pk)]

    return provide


PROVIDERS = {
    "careteams.patients_with_team": _count_provider(counts.count_with_team),
    "careteams.patients_with_consent": _count_provider(counts.count_with_consent),
    "careteams.patients_with_emergency_sheet": _count_provider(counts.count_with_sheet),
    "careteams.patients_with_backup_doctor": _count_provider(counts.count_with_backup_doctor),
    "careteams.deaths_at_home_share": _share_provider(counts.count_deaths_at_home, counts.count_deaths),
    "careteams.deaths_where_wished_share": _share_provider(counts.count_deaths_where_wished,
                                                          counts.count_deaths_with_known_wish),
}


def register_providers() -> None:
    """Called once from CareteamsConfig.ready()."""
    for key, provider in PROVIDERS.items():
        register(key, provider)
