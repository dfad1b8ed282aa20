"""The observations schema: possible values are stored as numbers, impossible ones refused with a reason in
Japanese and English."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from renkei.careteams.observations import MEASURES, ObservationError, clean_observations, display_lines

BY_KEY = {m.key: m for m in MEASURES}


def test_a_set_of_vital_signs_is_stored_as_numbers():
    cleaned = clean_observations({"temperature": "37.24", "bp_systolic": "132", "bp_diastolic": 80, "pulse": "72",
                                  "spo2": "97", "respiration": "", "adl_eating": "partial"})
    assert cleaned == {"temperature": 37.2, "bp_systolic": 132, "bp_diastolic": 80, "pulse": 72, "spo2": 97,
                       "adl_eating": "partial"}


def test_full_width_digits_from_a_japanese_keyboard_are_read():
    assert clean_observations({"temperature": "３６．５", "weight": "４８．２"}) == {"temperature": 36.5,
                                                                                   "weight": 48.2}


@pytest.mark.parametrize("key", sorted(BY_KEY))
@given(data=st.data())
def test_every_value_inside_a_range_is_accepted(key, data):
    measure = BY_KEY[key]
    value = data.draw(st.decimals(min_value=measure.minimum, max_value=measure.maximum, places=measure.decimals,
                                  allow_nan=False, allow_infinity=False))
    observations = {key: str(value)}
    if key == "bp_diastolic":
        observations["bp_systolic"] = "300"
    if key == "bp_systolic":
        observations["bp_diastolic"] = "20" if value > 20 else None
    cleaned = clean_observations(observations)
    assert Decimal(str(cleaned[key])) == value


@pytest.mark.parametrize("key", sorted(BY_KEY))
@given(data=st.data())
def test_every_value_outside_a_range_is_refused_in_both_languages(key, data):
    measure = BY_KEY[key]
    value = data.draw(st.one_of(
        st.decimals(max_value=measure.minimum - Decimal("0.1"), places=1, allow_nan=False, allow_infinity=False),
        st.decimals(min_value=measure.maximum + Decimal("0.1"), places=1, allow_nan=False, allow_infinity=False)))
    with pytest.raises(ObservationError) as error:
        clean_observations({key: str(value)})
    japanese, english = error.value.errors[key]
    assert "範囲" in japanese and measure.label_ja in japanese
    assert "must be between" in english


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), min_size=1).filter(lambda t: t.strip()))
def test_text_where_a_number_belongs_is_refused_not_a_crash(text):
    with pytest.raises(ObservationError) as error:
        clean_observations({"pulse": text})
    assert "pulse" in error.value.errors


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "1e400", "NaN"])
def test_not_a_number_values_are_refused(value):
    with pytest.raises(ObservationError):
        clean_observations({"temperature": value})


def test_a_temperature_typed_without_its_decimal_point_is_impossible():
    with pytest.raises(ObservationError) as error:
        clean_observations({"temperature": "365"})
    assert error.value.errors["temperature"] == (
        "体温は 30〜43 ℃ の範囲で入力してください（365 はありえない値です）。",
        "Temperature must be between 30 and 43 ℃ (365 is not possible).")


def test_the_diastolic_pressure_must_be_below_the_systolic():
    with pytest.raises(ObservationError) as error:
        clean_observations({"bp_systolic": 80, "bp_diastolic": 120})
    assert "bp_diastolic" in error.value.errors


def test_every_impossible_value_is_listed_at_once():
    with pytest.raises(ObservationError) as error:
        clean_observations({"pulse": 0, "spo2": 120, "adl_moving": "flying", "unknown": 1})
    assert set(error.value.errors) == {"pulse", "spo2", "adl_moving", "unknown"}


def test_a_medication_change_needs_the_medicine_and_the_change():
    with pytest.raises(ObservationError):
        clean_observations({"medication_drug": "アムロジピン"})
    assert clean_observations({"medication_drug": "アムロジピン 5mg", "medication_change": "decrease",
                               "medication_reason": "血圧低下"}) == {
        "medication_drug": "アムロジピン 5mg", "medication_change": "decrease", "medication_reason": "血圧低下"}


def test_observations_must_be_an_object():
    with pytest.raises(ObservationError):
        clean_observations(["temperature", 37])


def test_display_shows_blood_pressure_as_one_line_with_units():
    with translation.override("en"):
        groups = display_lines({"bp_systolic": 132, "bp_diastolic": 80, "temperature": 37.2, "meal_lunch": 50})
        vitals = {str(label): value for label, value in groups[0]["items"]}
        meals = [(str(label), value) for label, value in groups[1]["items"]]
    assert vitals == {"Blood pressure": "132/80 mmHg", "Temperature": "37.2℃"}
    assert meals == [("Lunch eaten", "50%")]
