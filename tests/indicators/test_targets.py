"""Targets over a plan period: the service, the screen, and the status shown with them."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from renkei.core.audit import object_type_of
from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry
from renkei.indicators.areas import Area
from renkei.indicators.models import IndicatorTarget
from renkei.indicators.periods import fiscal_year
from renkei.indicators.services.targets import indicator_target_save
from renkei.indicators.services.values import value_enter

from ..conftest import client_for
from .factories import LibraryDefinitionFactory


@pytest.fixture
def rate(places):
    return LibraryDefinitionFactory(code="EOL01", higher_is_better=True, decimals=1)


def test_a_target_is_saved_with_its_yearly_targets_and_audited(places, rate):
    target = indicator_target_save(membership=places.members.city, definition=rate, municipality=places.home,
                                   start_fiscal_year=2024, baseline_value=Decimal("20"), baseline_fiscal_year=2022,
                                   yearly={2024: Decimal("22"), 2025: None}, final_value=Decimal("30"))
    assert (target.start_fiscal_year, target.end_fiscal_year) == (2024, 2026)
    assert {y.fiscal_year: y.value for y in target.years.all()} == {2024: Decimal("22")}
    assert target.set_by == places.members.city.user
    assert AuditEntry.objects.filter(object_type=object_type_of(target), object_id=str(target.pk)).exists()


def test_changing_a_target_replaces_yearly_targets_and_checks_the_version(places, rate):
    args = {"membership": places.members.city, "definition": rate, "municipality": places.home,
            "start_fiscal_year": 2024}
    first = indicator_target_save(**args, yearly={2024: Decimal("22"), 2025: Decimal("25")}, final_value=30)
    second = indicator_target_save(**args, yearly={2025: Decimal("26")}, final_value=31,
                                   expected_version=first.version)
    assert second.pk == first.pk and second.version == first.version + 1
    assert {y.fiscal_year: y.value for y in second.years.all()} == {2025: Decimal("26")}
    with pytest.raises(StaleEdit):
        indicator_target_save(**args, final_value=40, expected_version=first.version)


def test_another_municipality_prefecture_staff_and_professionals_may_not_set_our_targets(places, rate):
    for member in (places.members.other_city, places.members.prefecture, places.members.doctor):
        with pytest.raises(PermissionDenied):
            indicator_target_save(membership=member, definition=rate, municipality=places.home,
                                  start_fiscal_year=2024, final_value=30)
    assert not IndicatorTarget.objects.exists()


def test_a_target_for_another_municipalitys_private_indicator_is_refused(places):
    private = LibraryDefinitionFactory(code="O01", owner_municipality=places.other)
    with pytest.raises(ValidationError):
        indicator_target_save(membership=places.members.city, definition=private, municipality=places.home,
                              start_fiscal_year=2024, final_value=1)


def test_yearly_targets_outside_the_period_are_refused(places, rate):
    with pytest.raises(ValidationError):
        indicator_target_save(membership=places.members.city, definition=rate, municipality=places.home,
                              start_fiscal_year=2024, yearly={2027: Decimal("1")}, final_value=2)


def test_the_screen_saves_a_target_and_the_detail_shows_its_status(places, rate):
    city = places.members.city
    value_enter(membership=city, definition=rate, area=Area.of_municipality(places.home), period=fiscal_year(2024),
                numerator=20, denominator=100)
    url = reverse("indicators:target_edit", args=[rate.pk, places.home.code])
    response = client_for(city).post(url + "?start=2024", {
        "start": "2024", "baseline_value": "18", "baseline_fiscal_year": "2022", "year_2024": "25",
        "year_2025": "", "final_value": "30", "note": "第9期計画"})
    assert response.status_code == 302
    target = IndicatorTarget.objects.get()
    assert (target.final_value, target.baseline_fiscal_year) == (Decimal("30"), 2022)
    detail = client_for(city).get(reverse("indicators:definition_detail", args=[rate.pk]),
                                  {"area": "M262013", "start": "2024"}).content.decode()
    assert 'data-status="behind"' in detail  # 20 % in FY2024 against the yearly target of 25 %


def test_the_status_is_on_track_when_the_value_meets_the_line(places, rate):
    city = places.members.city
    value_enter(membership=city, definition=rate, area=Area.of_municipality(places.home), period=fiscal_year(2025),
                numerator=28, denominator=100)
    indicator_target_save(membership=city, definition=rate, municipality=places.home, start_fiscal_year=2024,
                          baseline_value=Decimal("20"), baseline_fiscal_year=2023, final_value=Decimal("32"))
    detail = client_for(city).get(reverse("indicators:definition_detail", args=[rate.pk]),
                                  {"area": "M262013", "start": "2025"}).content.decode()
    assert 'data-status="on_track"' in detail  # the line gives 28 for FY2025


def test_no_target_and_no_data_show_as_such(places, rate):
    city = places.members.city
    url = reverse("indicators:definition_detail", args=[rate.pk])
    assert 'data-status="no_target"' in client_for(city).get(url, {"start": "2024"}).content.decode()
    indicator_target_save(membership=city, definition=rate, municipality=places.home, start_fiscal_year=2024,
                          final_value=Decimal("30"))
    assert 'data-status="no_data"' in client_for(city).get(url, {"start": "2024"}).content.decode()


def test_bad_target_input_is_a_message(places, rate):
    url = reverse("indicators:target_edit", args=[rate.pk, places.home.code])
    response = client_for(places.members.city).post(url, {"start": "2024", "baseline_value": "abc",
                                                          "final_value": "30"})
    assert response.status_code == 400
    response = client_for(places.members.city).post(url, {"start": "2024", "baseline_value": "18",
                                                          "final_value": "30"})
    assert response.status_code == 400  # a baseline without its year
    assert not IndicatorTarget.objects.exists()


def test_a_stale_target_form_shows_the_conflict_screen(places, rate):
    city = places.members.city
    target = indicator_target_save(membership=city, definition=rate, municipality=places.home,
                                   start_fiscal_year=2024, final_value=Decimal("30"))
    opened = target.version
    indicator_target_save(membership=city, definition=rate, municipality=places.home, start_fiscal_year=2024,
                          final_value=Decimal("31"), expected_version=opened)
    url = reverse("indicators:target_edit", args=[rate.pk, places.home.code])
    response = client_for(city).post(url, {"start": "2024", "final_value": "35", "version": str(opened)})
    assert response.status_code == 409
    target.refresh_from_db()
    assert target.final_value == Decimal("31")


def test_the_target_screen_is_refused_to_another_municipality(places, rate):
    url = reverse("indicators:target_edit", args=[rate.pk, places.home.code])
    assert client_for(places.members.other_city).get(url).status_code == 403
    assert client_for(places.members.city).get(url).status_code == 200
