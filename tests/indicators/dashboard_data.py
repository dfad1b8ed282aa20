"""Test data for the dashboards and the residents' page: definitions, values written directly, targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from renkei.core.models import Organization, Prefecture, Role
from renkei.indicators.models import (
    AreaLevel,
    IndicatorDefinition,
    IndicatorPublication,
    IndicatorTarget,
    IndicatorTargetYear,
    IndicatorValue,
    Kind,
    Origin,
    PeriodType,
)

from ..factories import MembershipFactory, MunicipalityFactory, OrganizationFactory, PrefectureFactory

_codes = iter(range(1, 10_000))


def definition(*, scenes=("end_of_life",), code=None, rate=False, period_type=PeriodType.FISCAL_YEAR,
               **fields) -> IndicatorDefinition:
    defaults = {"name_ja": f"指標{code or ''}", "kind": Kind.OUTCOME, "higher_is_better": True, "decimals": 1,
                "data_source": "人口動態統計", "unit": "%" if rate else "人",
                "denominator_label": "死亡数" if rate else "", "factor": 100 if rate else 1,
                "area_levels": [AreaLevel.NATION, AreaLevel.PREFECTURE, AreaLevel.MUNICIPALITY,
                                AreaLevel.DAILY_LIVING_AREA]}
    defaults.update(fields)
    return IndicatorDefinition.objects.create(code=code or f"T{next(_codes):04d}", scenes=list(scenes),
                                              period_type=period_type, **defaults)


def value(definition, *, municipality=None, prefecture=None, daily_living_area=None, nation=False,
          start: dt.date | int, value, numerator=None, denominator=None, source="人口動態統計 令和5年",
          vintage=dt.date(2025, 9, 1)) -> IndicatorValue:
    """A current value; `start` a date or a fiscal year (April 1st)."""
    if isinstance(start, int):
        start = dt.date(start, 4, 1)
    if nation:
        level, key = AreaLevel.NATION, "N"
    elif daily_living_area is not None:
        level, key = AreaLevel.DAILY_LIVING_AREA, f"D{daily_living_area.pk}"
        prefecture = daily_living_area.municipality.prefecture
    elif municipality is not None:
        level, key, prefecture = AreaLevel.MUNICIPALITY, f"M{municipality.code}", municipality.prefecture
    else:
        level, key = AreaLevel.PREFECTURE, f"P{prefecture.code}"
    return IndicatorValue.objects.create(
        definition=definition, area_level=level, area_key=key, prefecture=prefecture, municipality=municipality,
        daily_living_area=daily_living_area, period_type=definition.period_type, period_start=start,
        value=Decimal(str(value)), numerator=None if numerator is None else Decimal(str(numerator)),
        denominator=None if denominator is None else Decimal(str(denominator)), origin=Origin.IMPORTED,
        source_note=source, vintage=vintage)


def target(definition, municipality, *, start=2024, end=2026, baseline=None, baseline_year=None, final=None,
           yearly=None) -> IndicatorTarget:
    made = IndicatorTarget.objects.create(
        definition=definition, municipality=municipality, start_fiscal_year=start, end_fiscal_year=end,
        baseline_value=None if baseline is None else Decimal(str(baseline)), baseline_fiscal_year=baseline_year,
        final_value=None if final is None else Decimal(str(final)))
    for year, amount in (yearly or {}).items():
        IndicatorTargetYear.objects.create(target=made, fiscal_year=year, value=Decimal(str(amount)))
    return made


def publish(definition, municipality, order=0) -> IndicatorPublication:
    return IndicatorPublication.objects.create(definition=definition, municipality=municipality, sort_order=order)


def staff_of(municipality, role=Role.MUNICIPAL_STAFF):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality,
                                 name=f"{municipality.name}役所")
    return MembershipFactory(role=role, organization=office)


def prefecture_staff(prefecture: Prefecture):
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=prefecture)
    return MembershipFactory(role=Role.PREFECTURE_STAFF, organization=office)


def other_prefecture_municipality():
    osaka = PrefectureFactory(code="27", name="大阪府", kana="オオサカフ")
    return MunicipalityFactory(jis_code="27100", name="大阪市", prefecture=osaka)
