"""Kana script conversion, width normalization and 和暦 dates."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.core.text import kana_variants, normalize_width, to_hiragana, to_katakana
from renkei.core.wareki import to_wareki

hiragana = st.text(alphabet=st.characters(min_codepoint=0x3041, max_codepoint=0x3096), min_size=1)
katakana = st.text(alphabet=st.characters(min_codepoint=0x30A1, max_codepoint=0x30F6), min_size=1)


def test_to_katakana_converts_hiragana_and_leaves_kanji_alone():
    assert to_katakana("ふくちやま市") == "フクチヤマ市"


def test_to_hiragana_converts_katakana_and_leaves_the_long_vowel_mark():
    assert to_hiragana("ケアマネージャー") == "けあまねーじゃー"


@given(hiragana)
def test_hiragana_survives_a_round_trip_through_katakana(text):
    assert to_hiragana(to_katakana(text)) == text


@given(katakana)
def test_katakana_survives_a_round_trip_through_hiragana(text):
    assert to_katakana(to_hiragana(text)) == text


@given(hiragana)
def test_to_katakana_leaves_no_hiragana(text):
    assert not any(0x3041 <= ord(c) <= 0x3096 for c in to_katakana(text))


@given(st.text(alphabet=st.characters(codec="ascii", categories=["L", "N"])))
def test_to_katakana_and_to_hiragana_leave_ascii_unchanged(text):
    assert to_katakana(text) == text
    assert to_hiragana(text) == text


def test_normalize_width_turns_half_width_kana_and_full_width_digits_into_standard_forms():
    assert normalize_width("ﾌｸﾁﾔﾏｼ２６２０１３") == "フクチヤマシ262013"


@given(st.text())
def test_normalize_width_is_idempotent(text):
    assert normalize_width(normalize_width(text)) == normalize_width(text)


def test_kana_variants_of_hiragana_offer_katakana_but_not_the_query_itself():
    assert kana_variants("ふくちやま") == ["フクチヤマ"]


def test_kana_variants_of_half_width_katakana_offer_both_full_width_scripts():
    assert kana_variants("ﾌｸﾁﾔﾏ") == ["ふくちやま", "フクチヤマ"]


def test_kana_variants_of_blank_text_are_empty():
    assert kana_variants("   ") == []


@pytest.mark.parametrize(("day", "wareki"), [
    (dt.date(2019, 5, 1), "令和元年5月1日"),
    (dt.date(2019, 4, 30), "平成31年4月30日"),
    (dt.date(2026, 11, 25), "令和8年11月25日"),
    (dt.date(1989, 1, 7), "昭和64年1月7日"),
    (dt.date(1989, 1, 8), "平成元年1月8日"),
    (dt.date(1926, 12, 25), "昭和元年12月25日"),
    (dt.date(1912, 7, 30), "大正元年7月30日"),
])
def test_to_wareki_writes_the_era_as_officials_do(day, wareki):
    assert to_wareki(day) == wareki


def test_to_wareki_accepts_a_datetime():
    assert to_wareki(dt.datetime(2026, 11, 25, 23, 59)) == "令和8年11月25日"


def test_to_wareki_falls_back_to_the_western_year_before_meiji_6():
    assert to_wareki(dt.date(1872, 12, 31)) == "1872年12月31日"


@given(st.dates(min_value=dt.date(2019, 5, 1), max_value=dt.date(2100, 12, 31)))
def test_to_wareki_counts_reiwa_years_from_2019(day):
    year = day.year - 2018
    assert to_wareki(day) == f"令和{'元' if year == 1 else year}年{day.month}月{day.day}日"


# --- roman letters → katakana (appended by the directory search work) -----------------------------------------

from renkei.core.text import katakana_to_hepburn, looks_like_romaji, romaji_to_katakana  # noqa: E402

_PLAIN = list("アイウエオカキクケコガギグゲゴサシスセソザジズゼゾタチツテトダデドナニヌネノハヒフヘホバビブベボ"
              "パピプペポマミムメモヤユヨラリルレロワ")
_YOUON = [k + s for k in "キギシジチニヒビピミリ" for s in "ャュョ"]
_MORAS = _PLAIN + _YOUON
# ッ doubles the next consonant: only before a mora that starts with one (not n, y, w or a vowel), and not m:
# Hepburn spells ン before b, m, p as "m" ("shimmachi" is シンマチ).
_DOUBLABLE = [m for m in _MORAS if katakana_to_hepburn(m)[0] not in "aiueonywm"]
_unit = st.one_of(
    st.sampled_from(_MORAS),
    st.sampled_from(_MORAS).map(lambda m: m + "ー"),
    st.sampled_from(_DOUBLABLE).map(lambda m: "ッ" + m),
    st.just("ン"),
)
generated_katakana = st.lists(_unit, min_size=1, max_size=12).map("".join)


@pytest.mark.parametrize(("romaji", "katakana"), [
    ("fukuchiyama", "フクチヤマ"), ("fukutiyama", "フクチヤマ"), ("hukutiyama", "フクチヤマ"),
    ("shinryoujo", "シンリョウジョ"), ("sinryouzyo", "シンリョウジョ"), ("shinryōjo", "シンリョージョ"),
    ("tsutsuji", "ツツジ"), ("tutuzi", "ツツジ"), ("jidou", "ジドウ"), ("zidou", "ジドウ"), ("didou", "ヂドウ"),
    ("oosaka", "オオサカ"), ("kyuushuu", "キュウシュウ"), ("matcha", "マッチャ"), ("kitte", "キッテ"),
    ("kan'i", "カンイ"), ("kanni", "カンニ"), ("shinnyo", "シンニョ"), ("onna", "オンナ"), ("hon", "ホン"),
    ("shimbun", "シンブン"), ("kenkou-", "ケンコウー"), ("Nishi Maizuru", "ニシマイズル"),
    ("kinn", "キン"), ("sha shu sho", "シャシュショ"),
])
def test_romaji_to_katakana_reads_hepburn_and_kunrei_spellings(romaji, katakana):
    assert romaji_to_katakana(romaji).replace(" ", "") == katakana


@given(generated_katakana)
def test_katakana_survives_a_round_trip_through_hepburn(text):
    assert romaji_to_katakana(katakana_to_hepburn(text)) == text


@given(generated_katakana)
def test_hepburn_of_katakana_is_plain_roman_letters(text):
    romaji = katakana_to_hepburn(text)
    assert looks_like_romaji(romaji)
    assert all(c.isascii() for c in romaji)


@pytest.mark.parametrize(("text", "expected"), [
    ("fukuchiyama", True), ("Fukuchiyama Iin", True), ("ＦＵＫＵ", True), ("tōkyō", True), ("kan'i", True),
    ("clinic2", True), ("福知山", False), ("ふくちやま", False), ("fuku山", False), ("123", False), ("", False),
    ("  ", False),
])
def test_looks_like_romaji_accepts_roman_letters_only(text, expected):
    assert looks_like_romaji(text) is expected


@given(st.text(max_size=30))
def test_romaji_to_katakana_never_fails(text):
    assert isinstance(romaji_to_katakana(text), str)
