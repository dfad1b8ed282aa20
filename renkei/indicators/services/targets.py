"""A municipality's targets for an indicator over one plan period (介護保険事業計画: three fiscal years)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.concurrency import lock_checked, lock_in_order
from renkei.core.models import Municipality

from ..models import IndicatorDefinition, IndicatorTarget, IndicatorTargetYear
from ..selectors.definitions import PLAN_PERIOD_YEARS


def indicator_target_save(*, membership, definition: IndicatorDefinition, municipality: Municipality,
                          start_fiscal_year: int, baseline_value: Decimal | None = None,
                          baseline_fiscal_year: int | None = None, yearly: dict[int, Decimal | None] | None = None,
                          final_value: Decimal | None = None, note: str = "",
                          expected_version: int | None = None) -> IndicatorTarget:
    """Set (or change) the baseline, yearly targets and end-of-period target of one indicator for one
    municipality and plan period. Policy `indicators.manage_targets` on the municipality; the definition must
    be one the member may use. Audited (the target and each yearly target); raises StaleEdit when someone saved
    the target since `expected_version`, ValidationError on years outside the period."""
    policy.require(membership, "indicators.manage_targets", municipality)
    if not policy.scope(membership, "indicators.view_definitions",
                        IndicatorDefinition.objects.filter(pk=definition.pk)).exists():
        raise ValidationError(_("This indicator is not one your municipality uses."))
    end_fiscal_year = start_fiscal_year + PLAN_PERIOD_YEARS - 1
    yearly = {year: value for year, value in (yearly or {}).items() if value is not None}
    if any(not start_fiscal_year <= year <= end_fiscal_year for year in yearly):
        raise ValidationError(_("Yearly targets must lie inside the plan period."))
    if baseline_fiscal_year is not None and baseline_fiscal_year > end_fiscal_year:
        raise ValidationError(_("The baseline year must come before the end of the plan period."))
    if (baseline_value is None) != (baseline_fiscal_year is None):
        raise ValidationError(_("Give the baseline value and its year together."))
    with transaction.atomic():
        target = IndicatorTarget.objects.filter(definition=definition, municipality=municipality,
                                                start_fiscal_year=start_fiscal_year).first()
        if target is None:
            if expected_version is not None:  # the form was opened on a target that was since deleted
                expected_version = None
            target = IndicatorTarget(definition=definition, municipality=municipality,
                                     start_fiscal_year=start_fiscal_year)
        else:
            lock_checked(target, expected_version)
        # The lock order: the target, then its yearly rows, before the first audited save.
        existing = lock_in_order(IndicatorTargetYear, target.years.values_list("pk", flat=True)) if target.pk else {}
        existing = {row.fiscal_year: row for row in existing.values()}
        target.end_fiscal_year = end_fiscal_year
        target.baseline_value, target.baseline_fiscal_year = baseline_value, baseline_fiscal_year
        target.final_value, target.note, target.set_by = final_value, note, membership.user
        target.save()
        for year, row in existing.items():
            if year not in yearly:
                row.delete()  # audited like every delete of an audited model
        for year, value in sorted(yearly.items()):
            row = existing.get(year)
            if row is None:
                IndicatorTargetYear.objects.create(target=target, fiscal_year=year, value=value)
            elif Decimal(row.value) != Decimal(value):
                row.value = value
                row.save()
    return target
