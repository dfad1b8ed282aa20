"""What every importer needs: decoding, CSV reading, cell cleaning, dates, postal codes, phones, positions, places.

Real files arrive as UTF-8 (with or without BOM) or CP932, hold full-width digits and spaces, quoted line
breaks, 和暦 dates, 0.0 coordinates meaning "unknown", and addresses with or without the prefecture.
Decoding and reading rows is `renkei.core.files` (re-exported here). Parsers raise `ValueError` on text
they cannot read; importers turn that into a `RowError` with a reason in Japanese and English, and the
service rejects the whole file (imports are all-or-nothing).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from renkei.core.files import (  # noqa: F401 (re-exported: the generic readers live in core)
    STREAM_CHUNK,
    FileError,
    RowError,
    clean,
    clean_header,
    clean_multiline,
    decode_bytes,
    is_xlsx,
    read_csv_stream,
    read_csv_text,
    read_header,
    read_table,
    read_xlsx,
)
from renkei.core.wareki import ERAS

# --- cells ----------------------------------------------------------------------------------------


def parse_int(value: str, *, allow_blank: bool = True) -> int | None:
    """"1,234" / "１２" / "" → int or None; ValueError otherwise (negative numbers included)."""
    text = clean(value).replace(",", "")
    if text in ("", "-", "－", "なし"):
        if allow_blank:
            return None
        raise ValueError("blank")
    if text.endswith(("床", "人", "名")):
        text = text[:-1]
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"not a whole number: {value!r}")
    return int(text)


# --- dates ----------------------------------------------------------------------------------------

_ERA_BY_NAME = {name: start for start, name, _ in ERAS} | {initial: start for start, _, initial in ERAS}
_ERA_BY_NAME |= {initial.lower(): start for start, _, initial in ERAS}
_WAREKI = re.compile(r"^(令和|平成|昭和|大正|明治|[RHSTMrhstm])\s*(元|\d{1,2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*"
                     r"(\d{1,2})\s*日?$")
_WESTERN = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_date(value: str) -> dt.date | None:
    """和暦 or western date → date; blank → None; ValueError when it is not a date.

    令和 02年05月01日, 令和元年5月1日, R2.5.1, H31/4/1, 2020/05/01, 2020-05-01, 2020年5月1日, 20200501.
    """
    text = clean(value)
    if not text:
        return None
    match = _WAREKI.match(text)
    if match:
        era, year, month, day = match.groups()
        start = _ERA_BY_NAME[era]
        number = 1 if year == "元" else int(year)
        if number < 1:
            raise ValueError(f"year 0 of an era: {value!r}")
        return dt.date(start.year + number - 1, int(month), int(day))
    match = _WESTERN.match(text) or _COMPACT.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    raise ValueError(f"not a date: {value!r}")


def parse_date_range(value: str) -> tuple[dt.date | None, dt.date | None]:
    """"令和6年1月1日～令和11年12月31日" → (start, end); a single date gives (date, None)."""
    text = clean(value)
    if not text:
        return None, None
    parts = re.split(r"\s*[～〜~]\s*|\s+-\s+", text)
    if len(parts) == 1:
        return parse_date(parts[0]), None
    if len(parts) == 2:
        return parse_date(parts[0]), parse_date(parts[1])
    raise ValueError(f"not a date range: {value!r}")


def date_from_file_name(name: str) -> dt.date | None:
    """The edition date in names such as 01-1_hospital_facility_info_20260601.csv (None when absent)."""
    for match in re.finditer(r"(?<!\d)(20\d{2})-?(\d{2})-?(\d{2})(?!\d)", name):
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            continue
    return None


# --- postal codes, phones, times, positions -------------------------------------------------------

def parse_postal_code(value: str) -> str:
    """"〒862-0975", "8620975", "８６２－０９７５" → "862-0975"; blank → ""; ValueError otherwise."""
    text = clean(value).replace("〒", "").replace(" ", "")
    if not text:
        return ""
    digits = re.sub(r"[-‐‑–—―−ー]", "", text)
    if len(digits) != 7 or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"not a postal code: {value!r}")
    return f"{digits[:3]}-{digits[3:]}"


_PHONE = re.compile(r"\+?\d[\d\-()]{5,}\d")


def parse_phone(value: str) -> str:
    """"０９６（３６６）３６６６", "代表 096-366-3666" → "096-366-3666"; blank → "".

    Keeps the digits and their grouping; text that holds no phone number is returned cleaned, not rejected
    (a remark in the phone column is no reason to refuse a whole list).
    """
    text = clean(value)
    if not text:
        return ""
    text = re.sub(r"[‐‑–—―−ー]", "-", text)
    match = _PHONE.search(text)
    if not match:
        return text[:40]
    number = match.group(0)
    number = re.sub(r"\((\d+)\)", r"-\1-", number).replace("(", "-").replace(")", "-")
    number = re.sub(r"-+", "-", number).strip("-")
    return number[:40]


_TIME = re.compile(r"^(\d{1,2})\s*[:：時]\s*(\d{1,2})\s*分?(?::00)?$|^(\d{1,2})(\d{2})$|^(\d{1,2})\s*時$")


def parse_time(value: str) -> dt.time | None:
    """"09:00", "9:00", "09:00:00" (Excel), "0900", "9時30分", "24:00" (→ 23:59) → time; blank → None;
    ValueError otherwise."""
    text = clean(value)
    if not text:
        return None
    match = _TIME.match(text)
    if not match:
        raise ValueError(f"not a time: {value!r}")
    if match.group(1) is not None:
        hour, minute = int(match.group(1)), int(match.group(2))
    elif match.group(3) is not None:
        hour, minute = int(match.group(3)), int(match.group(4))
    else:
        hour, minute = int(match.group(5)), 0
    if hour == 24 and minute == 0:
        return dt.time(23, 59)
    return dt.time(hour, minute)  # ValueError for 25:00 or 9:75


_RANGE_SEPARATOR = re.compile(r"\s*[～〜~\-－ー―‐]\s*")
_PERIOD_SEPARATOR = re.compile(r"\s*[,、，/／;；\n]\s*|\s+")


def parse_time_ranges(value: str) -> list[tuple[dt.time, dt.time]]:
    """"9:00～12:00、14:00～18:00" → [(09:00, 12:00), (14:00, 18:00)]; blank → []; ValueError otherwise.

    Every part must be a range of two times: text such as "午前のみ" is not guessed at (it goes to the note).
    """
    text = re.sub(r"\s*([～〜~\-－ー―‐])\s*", r"\1", clean_multiline(value))
    if not text:
        return []
    periods = []
    for part in _PERIOD_SEPARATOR.split(text):
        if not part:
            continue
        bounds = _RANGE_SEPARATOR.split(part)
        if len(bounds) != 2:
            raise ValueError(f"not a time range: {value!r}")
        opens, closes = parse_time(bounds[0]), parse_time(bounds[1])
        if opens is None or closes is None:
            raise ValueError(f"not a time range: {value!r}")
        periods.append((opens, closes))
    return periods


# The facility table's check constraint: positions outside these bounds are not in Japan.
LATITUDE_RANGE = (20.0, 46.0)
LONGITUDE_RANGE = (122.0, 154.0)


def parse_coordinates(latitude: str, longitude: str) -> tuple[float | None, float | None]:
    """(lat, lon) in Japan, or (None, None) when blank, 0.0 or outside Japan: never a point in the ocean.

    Text that is not a number at all raises ValueError (a shifted column, not an unknown position).
    """
    lat_text, lon_text = clean(latitude), clean(longitude)
    if not lat_text or not lon_text:
        return None, None
    lat, lon = float(lat_text), float(lon_text)  # ValueError on garbage
    if lat != lat or lon != lon:  # NaN
        return None, None
    if not (LATITUDE_RANGE[0] <= lat <= LATITUDE_RANGE[1] and LONGITUDE_RANGE[0] <= lon <= LONGITUDE_RANGE[1]):
        return None, None
    return lat, lon


def parse_website(value: str) -> str:
    """A URL for the website field ("" when the cell holds none); adds http:// to bare host names."""
    text = clean(value).replace(" ", "")
    if not text:
        return ""
    if re.match(r"^https?://[^\s/$.?#].[^\s]*$", text, re.IGNORECASE):
        return text[:500]
    if re.match(r"^(www\.)?[\w-]+(\.[\w-]+)+(/\S*)?$", text):
        return ("http://" + text)[:500]
    return ""


MARKS = frozenset({"○", "〇", "●", "◯", "◎", "1", "有", "あり", "可", "✓", "レ", "*", "true", "TRUE", "Y", "y"})


def is_marked(value: str) -> bool:
    """A department column "marked" as offered (○, 〇, ●, 1, 有…)."""
    return clean(value) in MARKS


def split_list(value: str) -> list[str]:
    """"内科 外科、小児科,眼科" → ["内科", "外科", "小児科", "眼科"]."""
    return [part for part in re.split(r"[\s,、，;；/|]+", clean(value)) if part]


def departments_field(names: list[str]) -> str:
    """["内科", "外科"] → "|内科|外科|" (the stored form; "" for none), duplicates dropped, order kept."""
    seen: list[str] = []
    for name in names:
        name = name.replace("|", "").strip()
        if name and name not in seen:
            seen.append(name)
    return f"|{'|'.join(seen)}|" if seen else ""


WEEKDAY_CHARACTERS = {"月": 0, "火": 1, "水": 2, "木": 3, "金": 4, "土": 5, "日": 6, "祝": 7}


def parse_weekdays(value: str) -> list[int]:
    """"月火水木金", "月～金", "平日,土曜", "月・水・金" → weekday numbers (0 = Monday, 7 = holidays)."""
    text = clean(value)
    days: set[int] = set()
    if "平日" in text:
        days.update(range(5))
    if "毎日" in text or "年中無休" in text:
        days.update(range(8))
    text = text.replace("平日", "").replace("毎日", "").replace("祝日", "祝").replace("曜日", "").replace("曜", "")
    for start, end in re.findall(r"([月火水木金土日])\s*[～〜~\-ー]\s*([月火水木金土日])", text):
        a, b = WEEKDAY_CHARACTERS[start], WEEKDAY_CHARACTERS[end]
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    for character in text:
        if character in WEEKDAY_CHARACTERS:
            days.add(WEEKDAY_CHARACTERS[character])
    return sorted(days)


_WEEKDAY_WORDS = re.compile(r"平日|毎日|年中無休|祝日|祝祭日|祭日|曜日|曜|[月火水木金土日祝]"
                            r"|[\s,、，・/／;；～〜~\-ー及びと]")


def parse_weekdays_exactly(value: str) -> list[int] | None:
    """Like `parse_weekdays`, but None when the text says more than weekdays ("休日、平日夜間", "第2土曜").

    Opening hours are only stored when the whole text is understood; the rest goes to the note unchanged.
    """
    text = clean(value)
    if not text or re.search(r"第\s*\d|夜間|午前|午後|隔週|除く|以外", text) or "休" in text.replace("年中無休", ""):
        return None
    if _WEEKDAY_WORDS.sub("", text):
        return None
    return parse_weekdays(text) or None


def merge_intervals(intervals: list[tuple[dt.time, dt.time]]) -> list[tuple[dt.time, dt.time]]:
    """Union of opening periods on one day (departments overlap); periods ending before they start are dropped."""
    merged: list[list[dt.time]] = []
    for opens, closes in sorted(i for i in intervals if i[0] < i[1]):
        if merged and opens <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], closes)
        else:
            merged.append([opens, closes])
    return [(a, b) for a, b in merged]


# --- the parsed record every importer produces ----------------------------------------------------

PUBLIC_FIELDS = ("kind", "service_type", "name", "kana", "short_name", "name_romaji", "corporation_name",
                 "postal_code", "address", "phone", "fax", "website", "latitude", "longitude",
                 "coordinate_source", "coordinate_quality", "departments", "beds", "beds_total", "capacity",
                 "closed_on_holidays", "hours_note")


@dataclass(eq=False)  # identity: records are dict keys while a plan is built
class FacilityRecord:
    """One facility as a source lists it. Only `fields` are written: a missing column never blanks a value."""

    row: int
    municipality: Any  # renkei.core.models.Municipality
    values: dict[str, Any]
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    corporate_number: str = ""
    # [(weekday, opens, closes)] or None when the source says nothing about hours.
    opening_hours: list[tuple[int, dt.time, dt.time]] | None = None

    @property
    def kind(self) -> str:
        return self.values["kind"]

    @property
    def name(self) -> str:
        return self.values["name"]


@dataclass
class HoursRecord:
    """Departments and opening hours for a facility already known by an identifier (MHLW 診療科目・診療時間票)."""

    row: int
    scheme: str
    value: str
    departments: list[str]
    opening_hours: list[tuple[int, dt.time, dt.time]]


@dataclass
class ParsedFile:
    """What an importer read from one file, before anything is matched or written."""

    source_key: str  # "mhlw", "kaigo", "municipal:431001": the key in Facility.sources
    facilities: list[FacilityRecord] = field(default_factory=list)
    hours: list[HoursRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    edition: dt.date | None = None
    # Facility kinds the file lists completely (a hospital file does not close clinics).
    kinds: set[str] = field(default_factory=set)
    messages: list[str] = field(default_factory=list)
    layout: str = ""
    # Rows whose position lay far from their municipality: the address is kept, the position dropped.
    positions_dropped: int = 0


def row_error(row: int, column: str, reason: str, reason_en: str) -> RowError:
    return RowError(reason, reason_en, row=row, column=column)


# --- municipalities ---------------------------------------------------------------------------------

_GUN = re.compile(r"^[^市区町村]+?郡")


class MunicipalityResolver:
    """Finds the municipality of a row from its code or its address, checked against the place master.

    Loads the master once (about 1,900 rows) so that a national file does not query per row. Addresses
    match the longest municipality name they start with, so "熊本市中央区…" finds the ward and "熊本市…"
    without a ward finds the designated city. Without the prefecture in the address, the `hint`
    (the importing municipality) narrows the search to its prefecture; several matches are ambiguous.
    """

    def __init__(self, hint=None):
        from renkei.core.models import Municipality, Prefecture

        self.by_code: dict[str, Any] = {}
        self.by_jis: dict[str, Any] = {}
        self.prefectures = {p.pk: p for p in Prefecture.objects.all()}
        self.prefecture_names = sorted(((p.name, p.pk) for p in self.prefectures.values()),
                                       key=lambda item: -len(item[0]))
        self.prefecture_by_code = {p.code: p for p in self.prefectures.values()}
        self.names: dict[str, list[Any]] = {}
        for municipality in Municipality.objects.all():
            municipality.prefecture = self.prefectures[municipality.prefecture_id]
            self.by_code[municipality.code] = municipality
            self.by_jis[municipality.jis_code] = municipality
            if municipality.abolished_on is not None:
                continue
            for name in {municipality.name, _GUN.sub("", municipality.name)}:
                self.names.setdefault(name, []).append(municipality)
        self.lengths = sorted({len(name) for name in self.names}, reverse=True)
        self.hint = hint
        # Addresses without a prefecture are read in this prefecture (the hint's, or a prefecture-wide list's).
        self.hint_prefecture_id = getattr(hint, "prefecture_id", None)

    def from_code(self, code: str):
        """A 6-digit 全国地方公共団体コード or 5-digit JIS code → Municipality, or None."""
        code = clean(code)
        if len(code) == 6:
            return self.by_code.get(code)
        if len(code) == 5:
            return self.by_jis.get(code)
        return None

    def prefecture_from_code(self, code: str):
        """The Prefecture whose 全国地方公共団体コード ("350001") or two-digit code ("35") this is, or None."""
        code = clean(code)
        if len(code) == 6 and code[2:5] == "000":
            prefecture = self.prefecture_by_code.get(code[:2])
            return prefecture if prefecture is not None and prefecture.local_government_code == code else None
        return self.prefecture_by_code.get(code) if len(code) == 2 else None

    def from_address(self, address: str):
        """Municipality named at the start of the address; raises RowError when none or several match."""
        text = clean(address).replace(" ", "")
        prefecture_id = None
        for name, pk in self.prefecture_names:
            if text.startswith(name):
                prefecture_id, text = pk, text[len(name):]
                break
        for length in self.lengths:
            candidates = self.names.get(text[:length])
            if not candidates:
                continue
            if prefecture_id is not None:
                candidates = [m for m in candidates if m.prefecture_id == prefecture_id]
            elif self.hint_prefecture_id is not None and len(candidates) > 1:
                near = [m for m in candidates if m.prefecture_id == self.hint_prefecture_id]
                candidates = near or candidates
            if len(candidates) == 1:
                return candidates[0]
            if len(candidates) > 1:
                names = "、".join(str(m) for m in candidates[:4])
                raise RowError(f"住所「{address}」の市区町村が複数あり特定できません（{names}）。"
                               "都道府県名から書いてください。",
                               f"The municipality of “{address}” is ambiguous ({names}); write the prefecture "
                               "first.", column="address")
        raise RowError(f"住所「{address}」の市区町村が地名マスタにありません。",
                       f"No municipality of the place master starts the address “{address}”.", column="address")

    def resolve(self, *, code: str = "", address: str = "", row: int | None = None, column: str = ""):
        """From the code when it is known, else from the address; RowError when neither works."""
        if clean(code):
            municipality = self.from_code(code)
            if municipality is not None:
                if municipality.abolished_on is not None and municipality.succeeded_by_id:
                    municipality = next((m for m in self.by_code.values()
                                         if m.pk == municipality.succeeded_by_id), municipality)
                return municipality
            if not clean(address):
                raise RowError(f"市区町村コード「{code}」が地名マスタにありません。",
                               f"The municipality code “{code}” is not in the place master.", row=row,
                               column=column)
        if not clean(address):
            raise RowError("市区町村コードも住所もありません。", "Neither a municipality code nor an address.",
                           row=row, column=column)
        try:
            return self.from_address(address)
        except RowError as error:
            error.row = row
            raise
