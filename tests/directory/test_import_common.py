"""Parsers shared by the importers: encodings, CSV, dates, postal codes, phones, positions, municipalities."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.core.wareki import to_wareki
from renkei.directory.importers.common import (
    FileError,
    MunicipalityResolver,
    RowError,
    decode_bytes,
    parse_coordinates,
    parse_date,
    parse_phone,
    parse_postal_code,
    parse_time,
    parse_time_ranges,
    parse_weekdays,
    parse_weekdays_exactly,
    read_csv_text,
)
from renkei.directory.importers.positions import is_in_prefecture

from .test_import_support import make_kumamoto

FULL_WIDTH = str.maketrans("0123456789-/", "０１２３４５６７８９－／")


@pytest.mark.parametrize("text, expected", [
    ("令和 02年05月01日", dt.date(2020, 5, 1)), ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("R2.5.1", dt.date(2020, 5, 1)), ("H31/4/1", dt.date(2019, 4, 1)), ("昭和 06年09月09日", dt.date(1931, 9, 9)),
    ("2020/05/01", dt.date(2020, 5, 1)), ("2020-05-01", dt.date(2020, 5, 1)),
    ("２０２０年５月１日", dt.date(2020, 5, 1)),
    ("20200501", dt.date(2020, 5, 1)), ("", None),
])
def test_dates_in_wareki_and_western_forms_are_read(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["令和", "2020/13/01", "R0.1.1", "さくら", "H31/2/30"])
def test_text_that_is_not_a_date_raises(text):
    with pytest.raises(ValueError):
        parse_date(text)


@given(st.dates(min_value=dt.date(1926, 12, 25), max_value=dt.date(2100, 12, 31)))
def test_every_wareki_date_reads_back_as_itself(day):
    assert parse_date(to_wareki(day)) == day


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)), st.booleans())
def test_western_dates_read_back_in_half_and_full_width(day, full_width):
    text = f"{day.year}/{day.month:02d}/{day.day:02d}"
    assert parse_date(text.translate(FULL_WIDTH) if full_width else text) == day


@given(st.from_regex(r"\A[0-9]{7}\Z"), st.booleans(), st.booleans(), st.booleans())
def test_postal_codes_normalise_with_or_without_hyphen_mark_and_width(digits, hyphen, mark, full_width):
    text = f"{digits[:3]}-{digits[3:]}" if hyphen else digits
    text = ("〒" if mark else "") + (text.translate(FULL_WIDTH) if full_width else text)
    assert parse_postal_code(text) == f"{digits[:3]}-{digits[3:]}"


@pytest.mark.parametrize("text", ["123-456", "12345678", "abc-defg"])
def test_malformed_postal_codes_raise(text):
    with pytest.raises(ValueError):
        parse_postal_code(text)


@given(st.floats(min_value=20, max_value=46), st.floats(min_value=122, max_value=154))
def test_positions_in_japan_are_kept(lat, lon):
    assert parse_coordinates(repr(lat), repr(lon)) == (lat, lon)


@given(st.floats(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False, allow_infinity=False))
def test_positions_are_never_outside_japan(lat, lon):
    result = parse_coordinates(repr(lat), repr(lon))
    assert result == (None, None) or (20 <= result[0] <= 46 and 122 <= result[1] <= 154)


@pytest.mark.parametrize("lat, lon", [("0.0", "0.0"), ("", ""), ("0", "130.7"), ("35.0", "")])
def test_zero_or_blank_positions_mean_unknown(lat, lon):
    assert parse_coordinates(lat, lon) == (None, None)


def test_phone_numbers_are_normalised():
    assert parse_phone("０９６（３６６）３６６６") == "096-366-3666"
    assert parse_phone("代表 096-366-3666") == "096-366-3666"
    assert parse_phone("") == ""


def test_times_and_weekdays_are_read():
    assert parse_time("9時30分") == dt.time(9, 30) and parse_time("24:00") == dt.time(23, 59)
    assert parse_weekdays("月～金") == [0, 1, 2, 3, 4] and parse_weekdays("平日,土曜,祝日") == [0, 1, 2, 3, 4, 5, 7]


def test_utf8_with_and_without_bom_and_cp932_are_recognised():
    text = "名称,住所\n熊本病院,熊本市中央区\n"
    assert decode_bytes(text.encode("utf-8-sig")) == (text, "utf-8-sig")
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")
    assert decode_bytes(text.encode("cp932")) == (text, "cp932")


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x89PNG\r\n\x1a\n\x00\x00", b"PK\x03\x04abc"])
def test_empty_and_binary_files_are_refused(data):
    with pytest.raises(FileError):
        decode_bytes(data)


def test_quoted_line_breaks_stay_inside_their_cell_and_rows_count_records():
    header, rows = read_csv_text('名称,備考\r\n"A","一行目\r\n二行目"\r\n"B",""\r\n')

    assert header == ["名称", "備考"]
    assert list(rows) == [(2, ["A", "一行目\r\n二行目"]), (3, ["B", ""])]


def test_municipalities_resolve_from_codes_and_addresses(db):
    city = make_kumamoto()
    resolver = MunicipalityResolver(hint=city)

    assert resolver.from_code("431010").name == "熊本市中央区"
    assert resolver.from_code("43101").name == "熊本市中央区"
    assert resolver.from_address("熊本県熊本市東区健軍1-1").name == "熊本市東区"
    assert resolver.from_address("熊本市北区楠1-1").name == "熊本市北区"
    assert resolver.from_address("熊本市水道町1-1") == city  # no ward: the designated city itself
    with pytest.raises(RowError):
        resolver.from_address("架空市1-1")


def test_tab_separated_text_saved_as_csv_is_read_by_columns():
    header, rows = read_csv_text("名称\t住所\t電話番号\nみなみ医院\t熊本市南区1-1\t096-000-0000\n")

    assert header == ["名称", "住所", "電話番号"]
    assert list(rows) == [(2, ["みなみ医院", "熊本市南区1-1", "096-000-0000"])]


def test_times_with_seconds_and_ranges_of_times_are_read():
    assert parse_time("09:00:00") == dt.time(9) and parse_time("9:00") == dt.time(9)
    assert parse_time_ranges("9:00～12:00、14:00 - 18:00") == [(dt.time(9), dt.time(12)), (dt.time(14), dt.time(18))]
    with pytest.raises(ValueError):
        parse_time_ranges("9:00～12:00（土曜は午前のみ）")


@pytest.mark.parametrize("text, expected", [
    ("月火水金土", [0, 1, 2, 4, 5]), ("月～金", [0, 1, 2, 3, 4]), ("平日・土曜日", [0, 1, 2, 3, 4, 5]),
    ("年中無休", list(range(8))), ("休日、平日夜間", None), ("第2・第4土曜", None), ("月水金（午前のみ）", None),
    ("", None),
])
def test_weekdays_are_only_read_when_the_whole_text_names_weekdays(text, expected):
    assert parse_weekdays_exactly(text) == expected


@pytest.mark.parametrize("prefecture, lat, lon, inside", [
    ("28", 34.8154, 134.6856, True),   # 姫路市 in 兵庫県
    ("28", 33.5902, 130.4017, False),  # 福岡市's position for a 姫路市 office
    ("01", 42.5513, 141.3555, True),   # 白老町 in 北海道
    ("01", 35.6812, 139.7671, False),  # Tokyo's position for a 白老町 office
    ("13", 27.0945, 142.1917, True),   # 父島 (小笠原村) is in 東京都
    ("46", 28.3771, 129.4938, True),   # 奄美市 is in 鹿児島県
])
def test_positions_are_checked_against_their_prefecture_and_its_islands(prefecture, lat, lon, inside):
    assert is_in_prefecture(prefecture, lat, lon) is inside


def test_a_prefecture_wide_list_code_names_its_prefecture(db):
    make_kumamoto()
    resolver = MunicipalityResolver()

    assert resolver.prefecture_from_code("430005").name == "熊本県"
    assert resolver.prefecture_from_code("431001") is None and resolver.from_code("430005") is None


@given(st.sets(st.sampled_from("月火水木金土日"), min_size=1), st.sampled_from(["", "・", "、", " "]))
def test_any_list_of_weekday_characters_reads_back_as_its_days(days, separator):
    text = separator.join(sorted(days, key="月火水木金土日".index))

    assert parse_weekdays_exactly(text) == sorted("月火水木金土日".index(d) for d in days)


@given(st.lists(st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45])), min_size=2, max_size=6,
                unique=True).map(sorted).filter(lambda times: len(times) % 2 == 0),
       st.sampled_from(["～", "-", "〜"]), st.sampled_from(["、", ",", "\n", " / "]))
def test_time_ranges_read_back_as_the_periods_written(times, dash, separator):
    periods = [(dt.time(*times[i]), dt.time(*times[i + 1])) for i in range(0, len(times), 2)]
    text = separator.join(f"{a.hour}:{a.minute:02d}{dash}{b.hour}:{b.minute:02d}" for a, b in periods)

    assert parse_time_ranges(text) == periods
