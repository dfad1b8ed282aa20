"""values_record and value_enter: created, unchanged, corrected with history; all or nothing; policy; audit."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from renkei.core.models import AuditEntry, Role
from renkei.indicators.areas import Area
from renkei.indicators.models import IndicatorValue, Origin
from renkei.indicators.periods import PeriodError, fiscal_year, parse_period
from renkei.indicators.policy import NATION
from renkei.indicators.services.values import ValueError_, ValueInput, value_enter, values_record
from tests.factories import DailyLivingAreaFactory, OrganizationFactory

from .factories import DefinitionFactory

FY2024 = fiscal_year(2024)


@pytest.fixture
def rate(db):
    return DefinitionFactory(code="RATE", factor=100)


@pytest.fixture
def count(db):
    return DefinitionFactory(code="COUNT", denominator_label="", factor=1, unit="人")


def item(definition, area, period=FY2024, **numbers):
    return ValueInput(definition=definition, area=area, period=period,
                      **{k: None if v is None else Decimal(str(v)) for k, v in numbers.items()})


def test_a_rate_is_numerator_over_denominator_times_the_factor(rate, municipality):
    result = values_record(items=[item(rate, Area.of_municipality(municipality), numerator=1, denominator=3)],
                           origin=Origin.IMPORTED)
    assert result.counts == {"created": 1}
    row = IndicatorValue.objects.get()
    assert row.value == Decimal("33.333333") and row.area_key == "M262013" and row.period_start == FY2024.start
    assert row.municipality == municipality and row.prefecture == municipality.prefecture


def test_a_count_ignores_a_denominator_given_with_it(count, municipality):
    values_record(items=[item(count, Area.of_municipality(municipality), numerator=12, denominator=4)],
                  origin=Origin.IMPORTED)
    assert IndicatorValue.objects.get().value == 12


def test_the_same_value_again_writes_nothing(rate, municipality):
    area = Area.of_municipality(municipality)
    values_record(items=[item(rate, area, numerator="2.123456", denominator=7)], origin=Origin.IMPORTED)
    again = values_record(items=[item(rate, area, numerator="2.123456", denominator=7)], origin=Origin.IMPORTED)
    assert again.counts == {"unchanged": 1} and again.values == []
    assert IndicatorValue.objects.count() == 1


def test_a_correction_keeps_the_old_value_in_its_history(rate, municipality):
    area = Area.of_municipality(municipality)
    values_record(items=[item(rate, area, numerator=1, denominator=4)], origin=Origin.IMPORTED)
    result = values_record(items=[item(rate, area, numerator=1, denominator=5)], origin=Origin.ENTERED)
    assert result.counts == {"corrected": 1}
    old, new = IndicatorValue.objects.order_by("pk")
    assert (old.value, old.is_current, old.superseded_by) == (Decimal("25"), False, new)
    assert (new.value, new.is_current, new.origin) == (Decimal("20"), True, Origin.ENTERED)
    assert list(new.corrects.all()) == [old]


def test_a_bad_item_writes_nothing_of_the_batch(rate, municipality, other_municipality):
    good = item(rate, Area.of_municipality(municipality), numerator=1, denominator=2)
    negative = item(rate, Area.of_municipality(other_municipality), numerator=-1, denominator=2)
    with pytest.raises(ValueError_) as refused:
        values_record(items=[good, negative], origin=Origin.IMPORTED)
    assert "負の数" in refused.value.ja and "negative" in refused.value.en
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(("numbers", "words"), [
    ({"numerator": 5}, "needs a denominator"),
    ({}, "no value"),
    ({"value": "NaN"}, "not a number"),
    ({"value": "1e20"}, "too large"),
])
def test_values_that_cannot_be_recorded_say_why(rate, municipality, numbers, words):
    with pytest.raises(ValueError_) as refused:
        values_record(items=[item(rate, Area.of_municipality(municipality), **numbers)], origin=Origin.ENTERED)
    assert words in refused.value.en and refused.value.ja


def test_a_period_of_another_type_or_an_undefined_area_level_is_refused(rate, municipality):
    with pytest.raises(PeriodError):
        values_record(items=[item(rate, Area.of_municipality(municipality), parse_period("2024-05"), value=1)],
                      origin=Origin.ENTERED)
    rate.area_levels = ["municipality"]
    with pytest.raises(ValueError_):
        values_record(items=[item(rate, Area.of_prefecture(municipality.prefecture), value=1)], origin=Origin.ENTERED)


def test_two_values_for_the_same_area_and_period_in_one_batch_are_refused(rate, municipality):
    area = Area.of_municipality(municipality)
    with pytest.raises(ValueError_):
        values_record(items=[item(rate, area, value=1), item(rate, area, value=2)], origin=Origin.ENTERED)
    assert not IndicatorValue.objects.exists()


def test_staff_may_not_record_another_municipalitys_values(rate, municipality, other_municipality, make_membership):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    own = item(rate, Area.of_municipality(municipality), value=1)
    theirs = item(rate, Area.of_municipality(other_municipality), value=2)
    with pytest.raises(PermissionDenied):
        values_record(items=[own, theirs], origin=Origin.ENTERED, membership=staff)
    assert not IndicatorValue.objects.exists()
    area = DailyLivingAreaFactory(municipality=other_municipality)
    with pytest.raises(PermissionDenied):
        value_enter(membership=staff, definition=rate, area=Area.of_daily_living_area(area), period=FY2024, value=3)


def test_staff_record_their_own_municipality_and_prefecture_but_a_professional_nothing(
        rate, municipality, make_membership):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    assert value_enter(membership=staff, definition=rate, area=Area.of_municipality(municipality), period=FY2024,
                       value=1) == "created"
    assert value_enter(membership=staff, definition=rate, area=Area.of_prefecture(municipality.prefecture),
                       period=FY2024, value=2) == "created"
    assert IndicatorValue.objects.get(area_key="M262013").recorded_by == staff.user
    professional = make_membership(Role.PROFESSIONAL, organization=OrganizationFactory(municipality=municipality))
    with pytest.raises(PermissionDenied):
        value_enter(membership=professional, definition=rate, area=Area.of_municipality(municipality),
                    period=FY2024, value=5)


def test_national_figures_are_recorded_by_any_staff(rate, make_membership):
    from renkei.core import policy

    staff = make_membership(Role.MUNICIPAL_STAFF)
    assert policy.check(staff, "indicators.record_values", NATION)
    assert value_enter(membership=staff, definition=rate, area=Area.nation(), period=FY2024, value=17) == "created"
    assert IndicatorValue.objects.get().area_key == "N"


def test_every_value_written_has_its_audit_entry(rate, municipality, other_municipality):
    areas = [Area.of_municipality(municipality), Area.of_municipality(other_municipality)]
    before = AuditEntry.objects.count()
    values_record(items=[item(rate, a, value=1) for a in areas], origin=Origin.IMPORTED)
    values_record(items=[item(rate, areas[0], value=1), item(rate, areas[1], value=9)], origin=Origin.IMPORTED)
    entries = list(AuditEntry.objects.filter(object_type="indicators.indicatorvalue").order_by("seq"))
    assert AuditEntry.objects.count() - before == 3 == len(entries)
    assert [e.action for e in entries] == ["create", "create", "update"]
    assert entries[2].changes["value"] == ["1.000000", "9.000000"]
    assert entries[2].owner_municipality_id == other_municipality.pk
    current = IndicatorValue.objects.get(area_key="M262021", is_current=True)
    assert entries[2].object_id == str(current.pk)
