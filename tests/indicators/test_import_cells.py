"""Numbers, periods and areas as statistics tables write them (property tests for the cell readers)."""

import datetime as dt
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.core.files import RowError
from renkei.core.wareki import ERAS
from renkei.indicators.importers.areas import AreaResolver
from renkei.indicators.importers.cells import (
    SUPPRESSED,
    parse_number,
    parse_period_text,
    period_in_title,
    vintage_from_text,
)
from renkei.indicators.importers.layouts import header_key
from renkei.indicators.models import PeriodType

from .import_support import kyoto_places

FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


def grouped(number: int) -> str:
    return f"{number:,}"


@given(st.integers(min_value=0, max_value=10**12), st.booleans())
def test_whole_numbers_read_with_commas_in_either_width(number, full_width):
    text = grouped(number)
    if full_width:
        text = text.translate(FULL_WIDTH)
    assert parse_number(text) == number


@given(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False))
def test_decimals_and_percentages_read_exactly(number):
    assert parse_number(f"{number}") == number
    assert parse_number(f"{number}%") == number


@given(st.sampled_from(sorted(SUPPRESSED)), st.sampled_from(["", " ", "　"]))
def test_suppressed_and_blank_cells_hold_no_number(marker, padding):
    assert parse_number(f"{padding}{marker}{padding}") is None


@given(st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=6))
def test_words_are_not_numbers(text):
    if unicodedata.normalize("NFKC", text).strip() in SUPPRESSED:
        return
    with pytest.raises(ValueError):
        parse_number(text)


def test_the_japanese_minus_is_a_negative_number():
    assert parse_number("△12") == Decimal(-12)


@given(st.integers(min_value=1990, max_value=2100))
def test_a_year_in_western_reiwa_heisei_or_e_stat_code_form_is_the_same_fiscal_year(year):
    era_start, era_name, initial = next((s, n, i) for s, n, i in ERAS if s.year <= year)
    number = year - era_start.year + 1
    era_year = "元" if number == 1 else str(number)
    forms = [str(year), f"{year}年", f"{year}年度", f"{era_name}{era_year}年", f"{initial}{number}",
             f"{year}000000", f"{year}年（{era_name}{era_year}年）"]
    periods = {parse_period_text(form).to_period(PeriodType.FISCAL_YEAR).start for form in forms}
    assert periods == {dt.date(year, 4, 1)}


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_reference_date_falls_in_its_fiscal_year_and_month(day):
    text = parse_period_text(f"{day.year}年{day.month}月{day.day}日")
    fiscal = day.year if day.month >= 4 else day.year - 1
    assert text.to_period(PeriodType.FISCAL_YEAR).start == dt.date(fiscal, 4, 1)
    assert text.to_period(PeriodType.MONTH).start == day.replace(day=1)


def test_a_year_is_not_a_month():
    from renkei.indicators.periods import PeriodError

    with pytest.raises(PeriodError):
        parse_period_text("2023年").to_period(PeriodType.MONTH)


def test_titles_name_their_period():
    assert period_in_title("年齢別人口 令和5年1月1日現在") == "2023-01-01"
    assert period_in_title("死亡数，死亡の場所別 令和4年") == "2022"
    assert period_in_title("死亡の場所別にみた死亡数") == ""


def test_the_output_date_is_the_vintage():
    assert vintage_from_text("出力日：2024/06/01 10:12") == dt.date(2024, 6, 1)
    assert vintage_from_text("出力日:令和6年6月1日") == dt.date(2024, 6, 1)
    assert vintage_from_text("令和6年6月1日") is None


@given(st.sampled_from(["自宅", "自宅【人】", "自宅(人)", "/自宅", " 自宅 ", "07_自宅", "自宅（人）"]))
def test_headers_compare_without_units_numbers_and_slashes(header):
    assert header_key(header) == "自宅"


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "name", "key"), [
    ("", "26201 福知山市", "M262013"), ("", "262013_福知山市", "M262013"), ("26201", "", "M262013"),
    ("262013", "福知山市", "M262013"), ("", "京都府福知山市", "M262013"), ("", "京都府　舞鶴市", "M262021"),
    ("", "綾部市", "M262030"), ("26000", "京都府", "P26"), ("", "京都府", "P26"), ("", "大阪", "P27"),
    ("00000", "全国", "N"), ("", "全国", "N"),
])
def test_areas_resolve_from_codes_and_names_in_every_form(code, name, key):
    kyoto_places()
    assert AreaResolver().resolve(code=code, name=name).key == key


@pytest.mark.django_db
def test_an_unknown_area_is_a_row_error_in_both_languages():
    kyoto_places()
    with pytest.raises(RowError) as error:
        AreaResolver().resolve(name="どこか市")
    assert "どこか市" in error.value.reason and "not in the place master" in error.value.reason_en
