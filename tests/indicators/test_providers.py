"""The directory's indicator providers on factory data: the actual numbers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from renkei.core.models import Municipality
from renkei.directory.models import CollaborationDetail, CoverageRun, Facility
from renkei.indicators import registry
from renkei.indicators.areas import Area
from renkei.indicators.library import POPULATION_75_PLUS
from renkei.indicators.models import PeriodType
from renkei.indicators.periods import fiscal_year, period_of
from tests.factories import DailyLivingAreaFactory, FacilityFactory, MunicipalityFactory, set_details

from .factories import builtin, record


def this_year():
    return period_of(timezone.localdate(), PeriodType.FISCAL_YEAR)


def provide(key, municipalities, period=None):
    """{area key: (numerator, denominator)} from one provider."""
    municipalities = list(Municipality.objects.filter(pk__in=[m.pk for m in municipalities])
                          .select_related("prefecture"))
    return {c.area.key: (c.numerator, c.denominator)
            for c in registry.provider(key)(municipalities, period or this_year())}


def population_75(municipality, people, period=None):
    record(builtin(POPULATION_75_PLUS), Area.of_municipality(municipality), period or this_year(), numerator=people)


@pytest.fixture
def clinics(municipality, other_municipality):
    """福知山市: two clinics and a hospital doing home visits (one only 往診), one clinic not, one closed;
    舞鶴市: one hospital doing home visits."""
    scheduled = FacilityFactory(municipality=municipality)
    set_details(scheduled, scheduled_home_visit=True, home_care_support_certified=True)
    urgent_only = FacilityFactory(municipality=municipality)
    set_details(urgent_only, urgent_home_visit=True)
    hospital = FacilityFactory(municipality=municipality, kind="hospital")
    set_details(hospital, scheduled_home_visit=True, urgent_home_visit=True, home_care_support_certified=True)
    no_visits = FacilityFactory(municipality=municipality)
    set_details(no_visits, scheduled_home_visit=False, home_care_support_certified=False)
    closed = FacilityFactory(municipality=municipality, status=Facility.Status.CLOSED)
    set_details(closed, scheduled_home_visit=True, home_care_support_certified=True)
    pharmacy = FacilityFactory(municipality=municipality, kind="pharmacy")
    set_details(pharmacy, home_pharmacy_visit=True)
    elsewhere = FacilityFactory(municipality=other_municipality, kind="hospital")
    set_details(elsewhere, scheduled_home_visit=True)
    return {"scheduled": scheduled, "urgent_only": urgent_only, "hospital": hospital}


def test_home_visit_clinics_are_counted_per_100000_aged_75_and_over(clinics, municipality, other_municipality):
    population_75(municipality, 15000)
    population_75(other_municipality, 20000)
    found = provide("directory.home_visit_clinics_per_100k_75plus", [municipality, other_municipality])
    assert found == {"M262013": (3, Decimal("15000")), "M262021": (1, Decimal("20000"))}


def test_the_rate_divides_by_the_latest_population_imported_before_the_period(clinics, municipality):
    year = this_year()
    population_75(municipality, 14000, fiscal_year(year.fiscal_year - 2))
    population_75(municipality, 14500, fiscal_year(year.fiscal_year - 1))
    population_75(municipality, 99999, fiscal_year(year.fiscal_year + 1))  # a later year is never used
    computed = registry.provider("directory.home_visit_clinics_per_100k_75plus")(
        [Municipality.objects.select_related("prefecture").get(pk=municipality.pk)], year)
    assert [(c.numerator, c.denominator) for c in computed] == [(3, Decimal("14500"))]
    assert f"FY{year.fiscal_year - 1}" in computed[0].note


def test_a_municipality_without_imported_population_has_no_rate(clinics, municipality):
    assert provide("directory.home_visit_clinics_per_100k_75plus", [municipality]) == {}


def test_urgent_visits_count_only_clinics_answering_yes_to_urgent_home_visits(clinics, municipality):
    population_75(municipality, 10000)
    assert provide("directory.urgent_visit_clinics_per_100k_75plus", [municipality]) == {
        "M262013": (2, Decimal("10000"))}


def test_home_care_support_clinics_are_the_open_ones_that_notified_it(clinics, municipality, other_municipality):
    found = provide("directory.home_care_support_clinics", [municipality, other_municipality])
    assert found == {"M262013": (2, None), "M262021": (0, None)}


def test_a_facility_closed_after_a_past_year_still_counts_for_that_year(clinics, municipality):
    closed = Facility.objects.get(municipality=municipality, status=Facility.Status.CLOSED)
    year = fiscal_year(this_year().fiscal_year - 1)
    Facility.objects.filter(pk=closed.pk).update(closed_on=year.end + dt.timedelta(days=10))
    CollaborationDetail.objects.update(confirmed_on=year.start)
    assert provide("directory.home_care_support_clinics", [municipality], year) == {"M262013": (3, None)}


def test_a_past_year_before_any_confirmation_has_no_value_rather_than_zero(clinics, municipality):
    assert provide("directory.home_care_support_clinics", [municipality], fiscal_year(2015)) == {}


def test_pharmacies_doing_home_visits_are_counted(clinics, municipality):
    assert provide("directory.home_visit_pharmacies", [municipality]) == {"M262013": (1, None)}


def test_the_share_of_24_hour_nursing_counts_stations_and_visiting_nursing_offices(municipality):
    station = FacilityFactory(municipality=municipality, kind="visiting_nursing_station")
    set_details(station, round_the_clock=True)
    FacilityFactory(municipality=municipality, kind="visiting_nursing_station")  # no answer: not 24 hours
    office = FacilityFactory(municipality=municipality, kind="care_service", service_type="130")
    set_details(office, round_the_clock=True)
    home_help = FacilityFactory(municipality=municipality, kind="care_service", service_type="110")
    set_details(home_help, round_the_clock=True)  # home help is not visiting nursing
    assert provide("directory.round_the_clock_nursing_share", [municipality]) == {"M262013": (2, 3)}


def test_a_municipality_without_nursing_stations_has_no_share(municipality):
    assert provide("directory.round_the_clock_nursing_share", [municipality]) == {}


def test_daily_living_areas_get_their_own_counts(municipality):
    north, south = DailyLivingAreaFactory(municipality=municipality), DailyLivingAreaFactory(municipality=municipality)
    for area, certified in ((north, True), (north, True), (south, False)):
        set_details(FacilityFactory(municipality=municipality, daily_living_area=area),
                    home_care_support_certified=certified)
    found = provide("directory.home_care_support_clinics", [municipality])
    assert found == {"M262013": (2, None), f"D{north.pk}": (2, None), f"D{south.pk}": (0, None)}


def test_a_wards_facilities_count_for_the_designated_city_too(db):
    city = MunicipalityFactory(jis_code="26100", name="京都市", kind=Municipality.Kind.DESIGNATED_CITY)
    ward = MunicipalityFactory(jis_code="26101", name="北区", kind=Municipality.Kind.WARD, parent=city)
    set_details(FacilityFactory(municipality=ward), home_care_support_certified=True)
    set_details(FacilityFactory(municipality=city), home_care_support_certified=True)
    found = provide("directory.home_care_support_clinics", [city, ward])
    assert found == {f"M{city.code}": (2, None), f"M{ward.code}": (1, None)}


def test_details_confirmed_within_twelve_months_over_all_details_of_open_facilities(municipality):
    fresh, stale = FacilityFactory(municipality=municipality), FacilityFactory(municipality=municipality)
    set_details(fresh, scheduled_home_visit=True, urgent_home_visit=False)
    set_details(stale, scheduled_home_visit=True, round_the_clock=True, home_care_support_certified=False)
    today = timezone.localdate()
    CollaborationDetail.objects.filter(facility=stale).update(confirmed_on=today - dt.timedelta(days=400))
    CollaborationDetail.objects.filter(facility=stale, attribute__code="round_the_clock").update(
        confirmed_on=today - dt.timedelta(days=364))
    assert provide("directory.details_confirmed_within_12_months", [municipality]) == {"M262013": (3, 5)}


def _run(summary, **scope):
    return CoverageRun.objects.create(status=CoverageRun.Status.DONE, finished_at=timezone.now(), summary=summary,
                                      **scope)


def test_population_beyond_reach_comes_from_the_latest_coverage_run(municipality, other_municipality):
    area = DailyLivingAreaFactory(municipality=municipality)
    _run({"has_population": True, "population": 900, "population_uncovered_home_visit": 90}, municipality=municipality)
    _run({"has_population": True, "population": 1000, "population_uncovered_home_visit": 250,
          "population_uncovered_nursing_24h": 400,
          "by_area": [{"area_id": area.pk, "population": 600, "population_uncovered_home_visit": 200,
                       "population_uncovered_nursing_24h": 300}]}, municipality=municipality)
    # 舞鶴市 has no run of its own: its row of the prefecture's run.
    _run({"has_population": True, "population": 5000, "by_area": [
        {"municipality_id": other_municipality.pk, "population": 4000, "population_uncovered_home_visit": 40},
        {"municipality_id": municipality.pk, "population": 1, "population_uncovered_home_visit": 1}]},
        prefecture=municipality.prefecture)
    found = provide("directory.population_beyond_home_visit_reach", [municipality, other_municipality])
    assert found == {"M262013": (250, 1000), f"D{area.pk}": (200, 600), "M262021": (40, 4000)}
    assert provide("directory.population_beyond_nursing_reach", [municipality]) == {
        "M262013": (400, 1000), f"D{area.pk}": (300, 600)}


def test_a_coverage_run_without_population_gives_no_share(municipality):
    _run({"has_population": False, "cells": 40}, municipality=municipality)
    assert provide("directory.population_beyond_home_visit_reach", [municipality]) == {}
