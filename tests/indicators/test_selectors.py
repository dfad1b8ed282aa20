"""Reads: which definitions a member sees, how a code resolves, value series and history, targets."""

import datetime as dt
from decimal import Decimal

import pytest

from renkei.indicators.areas import Area
from renkei.indicators.models import IndicatorPublication, IndicatorTarget, Kind
from renkei.indicators.periods import fiscal_year
from renkei.indicators.selectors import definitions as selectors
from renkei.indicators.services.values import ValueInput, value_enter, values_record

from .factories import LibraryDefinitionFactory


@pytest.fixture
def library(places):
    return {
        "builtin": LibraryDefinitionFactory(code="A01", scenes=["end_of_life"], kind=Kind.OUTCOME),
        "home": LibraryDefinitionFactory(code="A01", owner_municipality=places.home, scenes=["daily_care"],
                                  kind=Kind.PROCESS),
        "home_private": LibraryDefinitionFactory(code="H01", owner_municipality=places.home),
        "other_shared": LibraryDefinitionFactory(code="S01", owner_municipality=places.other, is_shared=True,
                                          name_ja="舞鶴の共有指標"),
        "other_private": LibraryDefinitionFactory(code="O01", owner_municipality=places.other),
        "kyoto": LibraryDefinitionFactory(code="K01", owner_prefecture=places.kyoto, is_shared=True),
        "tokyo": LibraryDefinitionFactory(code="X01", owner_prefecture=places.tokyo, is_shared=True),
    }


def _codes(queryset):
    return sorted((d.code, d.owner_municipality.name if d.owner_municipality else
                   d.owner_prefecture.name if d.owner_prefecture else "") for d in queryset)


def test_municipal_staff_see_the_library_their_own_their_prefectures_and_shared_ones(places, library):
    seen = _codes(selectors.definitions_visible(places.members.city))
    assert seen == [("A01", ""), ("A01", "福知山市"), ("H01", "福知山市"), ("K01", "京都府"), ("S01", "舞鶴市")]


def test_another_municipality_does_not_see_our_private_definitions(places, library):
    seen = _codes(selectors.definitions_visible(places.members.other_city))
    assert ("H01", "福知山市") not in seen and ("O01", "舞鶴市") in seen


def test_staff_of_another_prefecture_see_neither_kyotos_nor_its_municipalities(places, library):
    seen = _codes(selectors.definitions_visible(places.members.other_prefecture))
    assert seen == [("A01", ""), ("X01", "東京都")]


def test_filters_by_scene_type_owner_and_text(places, library):
    city = places.members.city
    by_scene = selectors.definitions_visible(city, selectors.parse_definition_filter({"scene": "daily_care"}))
    assert [d.pk for d in by_scene] == [library["home"].pk]
    by_kind = selectors.definitions_visible(city, selectors.parse_definition_filter({"kind": "process"}))
    assert [d.pk for d in by_kind] == [library["home"].pk]
    own = selectors.definitions_visible(city, selectors.parse_definition_filter({"owner": "own"}))
    assert {d.code for d in own} == {"A01", "H01"}
    shared = selectors.definitions_visible(city, selectors.parse_definition_filter({"owner": "shared"}))
    assert {d.code for d in shared} == {"S01", "K01"}
    text = selectors.definitions_visible(city, selectors.parse_definition_filter({"q": "舞鶴"}))
    assert [d.code for d in text] == ["S01"]


def test_an_unknown_filter_value_is_dropped_with_a_message(places, library):
    filters = selectors.parse_definition_filter({"scene": "nowhere", "kind": "process"})
    assert filters.scene == "" and "scene" in filters.errors and filters.kind == "process"


def test_a_code_resolves_to_the_members_own_definition_before_the_built_in_one(places, library):
    assert selectors.definition_by_code(places.members.city, "A01") == library["home"]
    assert selectors.definition_by_code(places.members.other_city, "A01") == library["builtin"]
    assert selectors.definition_by_code(places.members.other_city, "H01") is None
    assert selectors.definition_by_code(places.members.city, "S01") == library["other_shared"]


def test_the_definition_list_takes_a_fixed_number_of_queries(places, library, django_assert_max_num_queries):
    for n in range(20):
        LibraryDefinitionFactory(code=f"M{n:02d}", owner_municipality=places.home)
    with django_assert_max_num_queries(2):
        rows = list(selectors.definitions_visible(places.members.city))
        names = [d.owner_municipality.name for d in rows if d.owner_municipality]
    assert len(rows) == 25 and names


def test_value_series_returns_current_values_in_scope_and_range(places, library):
    definition = library["builtin"]
    city = places.members.city
    for year, deaths in ((2022, 30), (2023, 35), (2024, 40)):
        value_enter(membership=city, definition=definition, area=Area.of_municipality(places.home),
                    period=fiscal_year(year), numerator=deaths, denominator=100)
    value_enter(membership=places.members.other_prefecture, definition=definition,
                area=Area.of_prefecture(places.tokyo), period=fiscal_year(2023), numerator=1, denominator=4)
    series = selectors.value_series(city, definition, area_keys=[], first=fiscal_year(2023), last=fiscal_year(2024))
    assert [(v.area_key, v.period_start.year, v.value) for v in series] == [
        ("M262013", 2023, Decimal("35")), ("M262013", 2024, Decimal("40"))]


def test_value_series_takes_one_query(places, library, django_assert_num_queries):
    definition = library["builtin"]
    values_record(items=[ValueInput(definition=definition, area=Area.of_municipality(places.home),
                                    period=fiscal_year(2000 + n), numerator=n, denominator=10) for n in range(10)],
                  origin="imported")
    with django_assert_num_queries(1):
        series = selectors.value_series(places.members.city, definition, area_keys=["M262013"])
        assert all(v.recorded_by is None for v in series)
    assert len(series) == 10


def test_a_correction_shows_in_the_history_of_its_period(places, library):
    definition = library["builtin"]
    area = Area.of_municipality(places.home)
    value_enter(membership=places.members.city, definition=definition, area=area, period=fiscal_year(2024),
                numerator=30, denominator=100)
    value_enter(membership=places.members.city, definition=definition, area=area, period=fiscal_year(2024),
                numerator=32, denominator=100)
    periods = selectors.values_with_history(places.members.city, definition, area)
    assert len(periods) == 1
    assert periods[0].current.value == Decimal("32")
    assert [v.value for v in periods[0].history] == [Decimal("30")]
    assert [v.value for v in selectors.value_history(periods[0].current)] == [Decimal("32"), Decimal("30")]


def test_the_plan_period_is_three_fiscal_years_from_2024():
    assert selectors.plan_period_start(2024) == 2024
    assert selectors.plan_period_start(2026) == 2024
    assert selectors.plan_period_start(2027) == 2027
    assert selectors.plan_period_start(2023) == 2021
    assert selectors.plan_period_number(2024) == 9
    assert selectors.current_plan_period_start(dt.date(2027, 3, 31)) == 2024
    assert selectors.current_plan_period_start(dt.date(2027, 4, 1)) == 2027


def test_targets_of_a_municipality_are_for_definitions_the_member_uses(places, library):
    IndicatorTarget.objects.create(definition=library["builtin"], municipality=places.home, start_fiscal_year=2024,
                                   end_fiscal_year=2026, final_value=50)
    IndicatorTarget.objects.create(definition=library["home_private"], municipality=places.home,
                                   start_fiscal_year=2024, end_fiscal_year=2026, final_value=5)
    assert {t.definition.code for t in selectors.targets_of(places.members.city, places.home)} == {"A01", "H01"}
    assert {t.definition.code for t in selectors.targets_of(places.members.other_city, places.home)} == {"A01"}
    assert selectors.targets_of(places.members.other_prefecture, places.home) == []


def test_area_keys_and_municipality_codes_are_read_and_bad_ones_refused(places):
    assert selectors.area_from_key("M262013").municipality == places.home
    assert selectors.area_from_key("262013").municipality == places.home
    assert selectors.area_from_key("26201").municipality == places.home
    assert selectors.area_from_key("P26").prefecture == places.kyoto
    assert selectors.area_from_key("n").key == "N"
    assert selectors.area_from_key(f"D{places.area.pk}").daily_living_area == places.area
    for bad in ("M999999", "Q1", "P", "D99999999999999"):
        with pytest.raises(selectors.AreaError):
            selectors.area_from_key(bad)


def test_the_public_reach_is_only_what_a_municipality_published(places, library):
    definition = library["builtin"]
    area = Area.of_municipality(places.home)
    value_enter(membership=places.members.city, definition=definition, area=area, period=fiscal_year(2024),
                numerator=3, denominator=100)
    value_enter(membership=places.members.other_city, definition=definition,
                area=Area.of_municipality(places.other), period=fiscal_year(2024), numerator=20, denominator=100)
    assert selectors.public_definition_by_code("A01") is None
    IndicatorPublication.objects.create(municipality=places.home, definition=definition)
    assert selectors.public_definition_by_code("A01") == definition
    assert [v.area_key for v in selectors.public_values(definition, area_keys=[])] == ["M262013"]
