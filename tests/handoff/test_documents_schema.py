import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.core.wareki import to_wareki
from renkei.handoff import forms_schema as schema
from renkei.handoff.forms_schema import FormDataError


def test_every_key_of_every_form_has_a_label_and_a_place_on_the_paper_layout():
    for kind, keys in schema.FIELDS.items():
        laid_out = [f.key for _title, fields in schema.LAYOUT[kind] for f in fields]
        assert sorted(laid_out) == sorted(keys), kind
        assert all(str(schema.field(kind, key).label) for key in keys)


def test_the_fhir_keys_of_the_referral_and_the_discharge_summary_are_kept():
    assert "discharge_diagnoses" in schema.FIELDS["discharge_summary"]
    assert schema.field("discharge_summary", "discharge_medications").widget == schema.LIST
    assert schema.LIST_FIELDS["medications"] == ("name", "dose", "usage")


def test_the_mhlw_choices_are_offered():
    adl = schema.field("admission_info", "adl")
    assert [str(label) for _code, label in adl.choices] == ["自立", "見守り", "一部介助", "全介助"]
    assert "IIIb" in dict(schema.field("admission_info", "dementia_independence").choices)
    assert "C2" in dict(schema.field("admission_info", "disability_independence").choices)
    assert "嚥下障害食" in [str(label) for _c, label in schema.field("admission_info", "eating").choices]


def test_an_empty_form_is_every_key_empty():
    cleaned = schema.clean("nursing_summary", {})
    assert set(cleaned) == set(schema.FIELDS["nursing_summary"])
    assert cleaned["adl"] == {} and cleaned["medical_procedures"] == [] and cleaned["notes"] == ""


def test_unknown_keys_and_kinds_are_refused():
    with pytest.raises(FormDataError) as refused:
        schema.clean("referral", {"purpose": "紹介", "purpose_typo": "x"})
    assert refused.value.errors == {"purpose_typo": "この様式にない項目です。"}
    with pytest.raises(FormDataError):
        schema.clean("poem", {})
    with pytest.raises(FormDataError):
        schema.clean("referral", ["not", "a", "dict"])


def test_texts_are_limited_in_length():
    with pytest.raises(FormDataError) as refused:
        schema.clean("referral", {"to_doctor_name": "あ" * 201})
    assert "200 文字以内" in refused.value.errors["to_doctor_name"]
    assert schema.clean("referral", {"purpose": "あ" * 4000})["purpose"] == "あ" * 4000


def test_grid_multi_and_list_values_are_checked_and_put_in_the_papers_order():
    cleaned = schema.clean("admission_info", {
        "adl": {"eating": "partial", "moving": "watch", "bathing": ""},
        "medical_procedures": ["oxygen", "drip", "oxygen"]})
    assert list(cleaned["adl"].items()) == [("moving", "watch"), ("eating", "partial")]
    assert cleaned["medical_procedures"] == ["drip", "oxygen"]
    with pytest.raises(FormDataError):
        schema.clean("admission_info", {"adl": {"flying": "full"}})
    with pytest.raises(FormDataError):
        schema.clean("admission_info", {"adl": {"moving": "sometimes"}})
    with pytest.raises(FormDataError) as refused:
        schema.clean("referral", {"diagnoses": [{"name": "", "onset": "2020"}]})
    assert "名称" in refused.value.errors["diagnoses"]
    rows = schema.clean("referral", {"diagnoses": [{"name": "心不全", "onset": ""}, {"name": "", "onset": ""}]})
    assert rows["diagnoses"] == [{"name": "心不全", "onset": ""}]


def test_full_width_digits_become_half_width():
    assert schema.clean("screening", {"discharge_contact_phone": "０７７３－２２－１１１１"})[
        "discharge_contact_phone"] == "0773-22-1111"


@given(st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_a_date_written_in_wareki_reads_back_as_the_same_day(day):
    assert schema.parse_date(to_wareki(day)) == day
    assert schema.parse_date(day.isoformat()) == day
    assert schema.parse_date(day.strftime("%Y/%m/%d")) == day


@given(st.text(max_size=60))
def test_parsing_any_text_as_a_date_gives_a_date_none_or_a_value_error(text):
    try:
        result = schema.parse_date(text)
    except ValueError:
        return
    assert result is None or isinstance(result, dt.date)


@given(st.text(max_size=300))
def test_normalized_text_is_stable_and_has_no_control_characters(text):
    once = schema.normalize_text(text)
    assert schema.normalize_text(once) == once
    assert all(c in "\n\t" or ord(c) >= 32 for c in once if ord(c) < 128)


@given(st.dictionaries(st.sampled_from(schema.FIELDS["admission_info"]),
                       st.one_of(st.none(), st.text(max_size=30), st.integers(), st.lists(st.text(max_size=5)),
                                 st.dictionaries(st.text(max_size=5), st.text(max_size=5))), max_size=8))
def test_cleaning_any_admission_information_either_refuses_or_gives_a_stable_result(data):
    try:
        cleaned = schema.clean("admission_info", data)
    except FormDataError as error:
        assert error.errors and all(isinstance(m, str) and m for m in error.errors.values())
        return
    assert schema.clean("admission_info", cleaned) == cleaned


def test_changes_are_listed_by_label():
    older = schema.clean("admission_info", {"sleep": "good", "notes": "a"})
    newer = schema.clean("admission_info", {"sleep": "poor", "notes": "a"})
    assert schema.changes("admission_info", older, newer) == [
        {"key": "sleep", "label": "睡眠の状態", "before": "良", "after": "不良"}]


def test_yes_no_answers_are_read_in_japanese_and_english():
    assert schema.parse_yesno("はい") is True
    assert schema.parse_yesno("No") is False
    assert schema.parse_yesno("不明") is None
    with pytest.raises(ValueError):
        schema.parse_yesno("maybe")
