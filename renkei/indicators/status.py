"""Targets and status: on track / behind / no data, computed the same way on every screen, report and API.

The target for a fiscal year is the yearly target when one was set, else the straight line from the baseline
(value and year) to the end-of-period target, else the end-of-period target itself. The status compares the
latest current value inside the plan period (of the municipality) with the target for that value's fiscal
year: at or beyond it in the indicator's good direction is on track. An indicator with no good direction
(`higher_is_better` None), no target or no value in the period has no status beyond "no data"/"no target".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import IndicatorTarget, IndicatorValue

ON_TRACK, BEHIND, NO_DATA, NO_TARGET = "on_track", "behind", "no_data", "no_target"
LABELS = {ON_TRACK: _("on track"), BEHIND: _("behind"), NO_DATA: _("no data"), NO_TARGET: _("no target")}


def target_for_year(target: IndicatorTarget, fiscal_year: int, yearly: dict[int, Decimal] | None = None
                    ) -> Decimal | None:
    """The target value for `fiscal_year` (see the module's rule). `yearly` saves a query when prefetched."""
    if yearly is None:
        yearly = {year.fiscal_year: year.value for year in target.years.all()}
    if fiscal_year in yearly:
        return yearly[fiscal_year]
    final = target.final_value
    if final is None:
        return None
    if fiscal_year >= target.end_fiscal_year:
        return final
    base, base_year = target.baseline_value, target.baseline_fiscal_year
    if base is None or base_year is None or base_year >= target.end_fiscal_year or fiscal_year < base_year:
        return final if base is None else None
    share = Decimal(fiscal_year - base_year) / Decimal(target.end_fiscal_year - base_year)
    return base + (final - base) * share


@dataclass(frozen=True)
class Status:
    code: str
    value: IndicatorValue | None = None
    target: Decimal | None = None
    fiscal_year: int | None = None

    @property
    def label(self) -> str:
        return str(LABELS[self.code])


def status_of(target: IndicatorTarget | None, values: list[IndicatorValue], higher_is_better: bool | None) -> Status:
    """The status from a municipality's current values of one indicator (any order) and its target."""
    if target is None:
        return Status(NO_TARGET)
    inside = [v for v in values if v.value is not None and v.is_current
              and target.start_fiscal_year <= _fiscal_year(v) <= target.end_fiscal_year]
    if not inside:
        return Status(NO_DATA)
    latest = max(inside, key=lambda v: v.period_start)
    year = _fiscal_year(latest)
    goal = target_for_year(target, year)
    if goal is None or higher_is_better is None:
        return Status(NO_TARGET, latest, goal, year)
    good = latest.value >= goal if higher_is_better else latest.value <= goal
    return Status(ON_TRACK if good else BEHIND, latest, goal, year)


def _fiscal_year(value: IndicatorValue) -> int:
    start = value.period_start
    return start.year if start.month >= 4 else start.year - 1
