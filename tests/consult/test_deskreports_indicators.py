"""The desk's indicator providers: the same figures as the report, a ward's cases counted for its designated city,
and the engine writing them (run on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from renkei.consult.indicators import PROVIDERS
from renkei.core.models import Municipality
from renkei.indicators import registry
from renkei.indicators.models import IndicatorDefinition, IndicatorValue, PeriodType
from renkei.indicators.periods import Period, fiscal_year
from renkei.indicators.services.compute import indicators_compute
from tests.factories import MunicipalityFactory

from .factories import CaseFactory, DeskFactory

CODES = {"ZT-C-P02": "consult.cases_received", "ZT-C-P03": "consult.closed_within_30_days_share",
         "ZT-C-P09": "consult.mean_days_to_close", "ZT-D-P05": "consult.cases_daily_care",
         "ZT-A-P13": "consult.cases_admission_discharge", "ZT-E-P04": "consult.cases_emergency",
         "ZT-T-P03": "consult.cases_end_of_life"}
FY2025 = fiscal_year(2025)


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone())


def closed(desk, received: dt.date, days: int, **fields):
    return CaseFactory(desk=desk, received_at=at(received), status="closed", outcome="resolved",
                       closed_on=received + dt.timedelta(days=days), **fields)


@pytest.fixture
def cases(world):
    closed(world.desk, dt.date(2025, 4, 1), 5)
    closed(world.desk, dt.date(2025, 4, 10), 40, scene="admission_discharge")
    closed(world.desk, dt.date(2025, 5, 1), 30, scene="end_of_life")  # 30 days: within
    CaseFactory(desk=world.desk, received_at=at(dt.date(2025, 6, 1)), scene="emergency")  # open, long ago
    return world


def value(key: str, municipalities, period=FY2025):
    by_area = {c.area.key: c for c in PROVIDERS[key](municipalities, period)}
    return by_area


def test_every_definition_names_a_registered_provider(db):
    for code, key in CODES.items():
        definition = IndicatorDefinition.objects.get(code=code, owner_municipality__isnull=True)
        assert definition.provider == key and definition.origin == "computed"
        assert registry.provider(key) is PROVIDERS[key]


def test_the_counts_by_scene_and_in_all(cases):
    key = f"M{cases.municipality.code}"
    assert value("consult.cases_received", [cases.municipality])[key].numerator == 4
    assert value("consult.cases_daily_care", [cases.municipality])[key].numerator == 1
    assert value("consult.cases_admission_discharge", [cases.municipality])[key].numerator == 1
    assert value("consult.cases_emergency", [cases.municipality])[key].numerator == 1
    assert value("consult.cases_end_of_life", [cases.municipality])[key].numerator == 1


def test_a_month_counts_the_cases_received_in_it(cases):
    april = Period(dt.date(2025, 4, 1), PeriodType.MONTH)
    assert value("consult.cases_received", [cases.municipality], april)[f"M{cases.municipality.code}"].numerator == 2


def test_a_municipality_with_a_desk_and_no_case_counts_zero_and_one_without_a_desk_nothing(cases):
    nobody = MunicipalityFactory(prefecture=cases.municipality.prefecture)
    found = value("consult.cases_received", [cases.municipality, cases.neighbour_desk.municipality, nobody])
    assert found[f"M{cases.neighbour_desk.municipality.code}"].numerator == 0
    assert f"M{nobody.code}" not in found


def test_the_30_day_share_and_the_mean_days_match_the_report(cases):
    key = f"M{cases.municipality.code}"
    share = value("consult.closed_within_30_days_share", [cases.municipality])[key]
    assert (share.numerator, share.denominator) == (2, 4)
    mean = value("consult.mean_days_to_close", [cases.municipality])[key]
    assert (mean.numerator, mean.denominator) == (75, 3)


def test_a_wards_cases_also_count_for_its_designated_city(world):
    city = MunicipalityFactory(prefecture=world.municipality.prefecture, kind=Municipality.Kind.DESIGNATED_CITY)
    ward = MunicipalityFactory(prefecture=city.prefecture, kind=Municipality.Kind.WARD, parent=city)
    closed(DeskFactory(municipality=ward), dt.date(2025, 4, 3), 3)
    found = value("consult.cases_received", [city, ward])
    assert found[f"M{city.code}"].numerator == 1 and found[f"M{ward.code}"].numerator == 1
    assert value("consult.mean_days_to_close", [city, ward])[f"M{city.code}"].numerator == 3


def test_a_provider_takes_a_fixed_number_of_queries(cases, django_assert_max_num_queries):
    municipalities = [MunicipalityFactory(prefecture=cases.municipality.prefecture) for _ in range(5)]
    for municipality in municipalities:
        closed(DeskFactory(municipality=municipality), dt.date(2025, 4, 3), 3)
    for key in PROVIDERS:
        with django_assert_max_num_queries(1):
            list(PROVIDERS[key]([cases.municipality, *municipalities], FY2025))


def test_the_engine_writes_the_desks_values(cases):
    indicators_compute(municipality=cases.municipality, period=FY2025)
    values = {v.definition.code: v for v in IndicatorValue.objects.filter(
        municipality=cases.municipality, is_current=True, definition__code__in=list(CODES)).select_related(
        "definition")}
    assert float(values["ZT-C-P03"].value) == 50.0
    assert float(values["ZT-C-P09"].value) == 25.0
    assert float(values["ZT-T-P03"].value) == 1
