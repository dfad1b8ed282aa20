"""The MHLW 医療情報ネット (医療機能情報提供制度) open data: facility files and speciality-and-hours files.

Layouts (厚生労働省 オープンデータ, one national file per kind, UTF-8, every field quoted but the two
coordinates, 0.0 for unknown positions):

- `01-1_hospital_facility_info_YYYYMMDD.csv`, `02-1_clinic_…`, `03-1_dental_…`: "ID", "正式名称",
  "正式名称（フリガナ）", "略称", "略称（フリガナ）", "英語表記（ローマ字表記）", "機関区分", "都道府県コード",
  "市区町村コード", "所在地", "所在地座標（緯度）", "所在地座標（経度）", "案内用ホームページアドレス",
  "毎週決まった曜日に休診（月）"…（日）, "決まった週に休診（定期週）第1週（月）"…, "祝日に休診",
  "その他の休診日（gw、お盆等）", then beds (hospitals, clinics): "一般病床", "療養病床",
  "療養病床のうち医療保険適用", "療養病床のうち介護保険適用", "精神病床", "結核病床", "感染症病床", "合計病床数".
- pharmacies: `05_pharmacy_YYYYMMDD.csv` (older briefs say `04-1_pharmacy_facility_info_…`; both are read):
  "名称", "フリガナ", "薬局のホームページアドレス", "営業日（月）"…"営業日（祝）", "定期閉店毎週（月）"…,
  "その他の閉店日（gw、お盆等）", "{曜}_開店時間帯{1-4}_開始時間"/"終了時間".
- `01-2_hospital_speciality_hours_YYYYMMDD.csv` (and 02-2, 03-2): "ID", "診療科目コード", "診療科目名",
  "診療時間帯", then for 月火水木金土日祝: "{曜}_診療開始時間", "{曜}_診療終了時間", "{曜}_外来受付開始時間",
  "{曜}_外来受付終了時間"; one row per facility × department × time band.

The day flags mean 1 = open, 0 = closed even where the column says 休診 (the definition sheet's
"フォーマット" column). The 13-digit ID is 都道府県コード (2) + 機関区分 (1) + a code; 機関区分 is
1 病院, 2 診療所, 3 歯科診療所, 4 助産所, 5 薬局 (助産所 are not directory resources and are skipped).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from typing import NamedTuple

from ..models import FacilityIdentifier, FacilityKind
from .common import (
    FacilityRecord,
    FileError,
    HoursRecord,
    MunicipalityResolver,
    ParsedFile,
    RowError,
    clean,
    clean_multiline,
    date_from_file_name,
    decode_bytes,
    merge_intervals,
    parse_coordinates,
    parse_int,
    parse_time,
    parse_website,
    read_csv_stream,
    read_csv_text,
)
from .positions import drop_far_positions

SOURCE_KEY = "mhlw"
DAYS = "月火水木金土日"
DAYS_WITH_HOLIDAY = DAYS + "祝"

FACILITY_FILE_PATTERNS = [
    (re.compile(r"01-1_hospital_facility_info"), FacilityKind.HOSPITAL),
    (re.compile(r"02-1_clinic_facility_info"), FacilityKind.CLINIC),
    (re.compile(r"03-1_dental_facility_info"), FacilityKind.DENTAL_CLINIC),
    (re.compile(r"(04-1_pharmacy_facility_info|05_pharmacy)"), FacilityKind.PHARMACY),
]
HOURS_FILE_PATTERN = re.compile(r"0[123]-2_(hospital|clinic|dental)_speciality_hours")
MATERNITY_FILE_PATTERN = re.compile(r"04_maternity_home")

INSTITUTION_KINDS = {"1": FacilityKind.HOSPITAL, "2": FacilityKind.CLINIC, "3": FacilityKind.DENTAL_CLINIC,
                     "5": FacilityKind.PHARMACY}
MATERNITY_HOME = "4"

# Facility.beds keys are the published bed types themselves (shown to staff as they are).
BED_COLUMNS = {name: name for name in ("一般病床", "療養病床", "療養病床のうち医療保険適用",
                                       "療養病床のうち介護保険適用", "精神病床", "結核病床", "感染症病床")}
TOTAL_BEDS = "合計病床数"

FACILITY_REQUIRED = ("ID", "都道府県コード", "市区町村コード", "所在地", "所在地座標（緯度）", "所在地座標（経度）")
HOURS_REQUIRED = ("ID", "診療科目名")


def file_kind(file_name: str, header: list[str]) -> str:
    """"facility" or "hours", from the file name and the header together; FileError when they disagree."""
    columns = set(header)
    looks_like_hours = all(c in columns for c in HOURS_REQUIRED) and any(c.endswith("_診療開始時間") for c in header)
    looks_like_facility = (all(c in columns for c in FACILITY_REQUIRED)
                           and bool(columns & {"正式名称", "名称"}))
    if MATERNITY_FILE_PATTERN.search(file_name):
        raise FileError("助産所のファイルは資源一覧に取り込みません。",
                        "Maternity home files are not imported into the directory.")
    named_hours = bool(HOURS_FILE_PATTERN.search(file_name))
    named_facility = any(p.search(file_name) for p, _ in FACILITY_FILE_PATTERNS)
    if looks_like_hours and not named_facility:
        return "hours"
    if looks_like_facility and not named_hours:
        return "facility"
    raise FileError(
        "医療情報ネットのファイルとして認識できません（ファイル名と見出しを確認してください: "
        "01-1_hospital_facility_info_YYYYMMDD.csv、01-2_hospital_speciality_hours_YYYYMMDD.csv など）。",
        "Not recognised as an MHLW 医療情報ネット file (check the file name and the header: "
        "01-1_hospital_facility_info_YYYYMMDD.csv, 01-2_hospital_speciality_hours_YYYYMMDD.csv…).")


def kind_from_file_name(file_name: str) -> str | None:
    for pattern, kind in FACILITY_FILE_PATTERNS:
        if pattern.search(file_name):
            return kind
    return None


def parse(data: bytes, *, file_name: str, resolver: MunicipalityResolver) -> ParsedFile:
    """Read one MHLW file into facility records (facility files) or hours records (speciality files)."""
    text, _ = decode_bytes(data)
    header, rows = read_csv_text(text)
    parsed, items = _items(header, rows, file_name=file_name, resolver=resolver)
    if parsed.layout == "mhlw_hours":
        by_id: OrderedDict[str, list[HoursRow]] = OrderedDict()
        for item in items:
            if isinstance(item, RowError):
                parsed.errors.append(item)
            else:
                by_id.setdefault(item.value, []).append(item)
        parsed.hours = [hours_record(rows) for rows in by_id.values()]
    else:
        for item in items:
            (parsed.errors if isinstance(item, RowError) else parsed.facilities).append(item)
    drop_far_positions(parsed)
    return parsed


def stream(binary, *, file_name: str, resolver: MunicipalityResolver) -> tuple[ParsedFile, Iterator]:
    """The file's ParsedFile (counts, kinds, messages; no lists) and an iterator of its rows, read as it goes.

    Facility files yield FacilityRecord or RowError, speciality files HoursRow or RowError: one per row, so
    a national file is never held whole. The caller groups HoursRow by code (`hours_record`) and checks
    positions per municipality (`drop_far_positions`).
    """
    _, header, rows = read_csv_stream(binary)
    return _items(header, rows, file_name=file_name, resolver=resolver)


def _items(header, rows, *, file_name, resolver) -> tuple[ParsedFile, Iterator]:
    kind = file_kind(file_name, header)
    parsed = ParsedFile(source_key=SOURCE_KEY, edition=date_from_file_name(file_name),
                        layout=f"mhlw_{kind}")
    if kind == "hours":
        return parsed, _hours_items(parsed, header, rows)
    return parsed, _facility_items(parsed, header, rows, file_kind=kind_from_file_name(file_name), resolver=resolver)


def _index(header: list[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(header)}


def _cell(cells: list[str], index: dict[str, int], *names: str) -> str:
    for name in names:
        i = index.get(name)
        if i is not None and i < len(cells):
            return cells[i]
    return ""


def _facility_items(parsed: ParsedFile, header, rows, *, file_kind: str | None, resolver) -> Iterator:
    index = _index(header)
    has_beds = TOTAL_BEDS in index
    holiday_column = next((c for c in ("祝日に休診", "営業日（祝）", "祝日") if c in index), None)
    weekly_closed = [(d, f"毎週決まった曜日に休診（{d}）") for d in DAYS if f"毎週決まった曜日に休診（{d}）" in index]
    weekly_open = [(d, f"営業日（{d}）") for d in DAYS if f"営業日（{d}）" in index]
    other_prefixes = ("その他の休診日", "その他の閉店日", "その他の休業日")
    other_column = next((c for c in header if c.startswith(other_prefixes)), None)
    inline_slots = [(day, slot) for day, character in enumerate(DAYS_WITH_HOLIDAY) for slot in range(1, 5)
                    if f"{character}_開店時間帯{slot}_開始時間" in index]
    website_column = next((c for c in ("案内用ホームページアドレス", "薬局のホームページアドレス") if c in index), None)
    if file_kind:
        parsed.kinds.add(file_kind)
    for number, cells in rows:
        parsed.rows += 1
        try:
            record = _facility_record(number, cells, index, file_kind=file_kind, resolver=resolver,
                                      has_beds=has_beds, holiday_column=holiday_column,
                                      weekly=weekly_closed or weekly_open, other_column=other_column,
                                      inline_slots=inline_slots, website_column=website_column)
        except RowError as error:
            error.row = number
            yield error
            continue
        if record is None:
            parsed.messages.append(f"row {number}: 助産所 skipped")
            continue
        parsed.kinds.add(record.kind)
        yield record


def _facility_record(number, cells, index, *, file_kind, resolver, has_beds, holiday_column, weekly,
                     other_column, inline_slots, website_column) -> FacilityRecord | None:
    mhlw_id = clean(_cell(cells, index, "ID"))
    if len(mhlw_id) != 13 or not (mhlw_id.isascii() and mhlw_id.isdigit()):
        raise RowError(f"ID「{mhlw_id}」が 13 桁の数字ではありません。", f"The ID “{mhlw_id}” is not 13 digits.",
                       column="ID")
    institution = clean(_cell(cells, index, "機関区分")) or mhlw_id[2]
    if institution == MATERNITY_HOME:
        return None
    kind = INSTITUTION_KINDS.get(institution)
    if kind is None:
        raise RowError(f"機関区分「{institution}」が不明です。", f"Unknown 機関区分 “{institution}”.",
                       column="機関区分")
    if file_kind and kind != file_kind:
        raise RowError(f"機関区分「{institution}」がファイルの種類と合いません。",
                       f"機関区分 “{institution}” does not match the kind of file.", column="機関区分")
    name = clean(_cell(cells, index, "正式名称", "名称"))
    if not name:
        raise RowError("名称がありません。", "The name is missing.", column="正式名称")
    prefecture_code = clean(_cell(cells, index, "都道府県コード")).zfill(2)
    city_code = clean(_cell(cells, index, "市区町村コード")).zfill(3)
    address = clean(_cell(cells, index, "所在地"))
    municipality = resolver.resolve(code=prefecture_code + city_code, address=address, column="市区町村コード")
    try:
        latitude, longitude = parse_coordinates(_cell(cells, index, "所在地座標（緯度）"),
                                                _cell(cells, index, "所在地座標（経度）"))
    except ValueError as error:
        raise RowError("所在地座標が数値ではありません。", "The coordinates are not numbers.",
                       column="所在地座標（緯度）") from error
    values = {
        "kind": kind, "name": name[:200],
        "kana": clean(_cell(cells, index, "正式名称（フリガナ）", "フリガナ"))[:400],
        "short_name": clean(_cell(cells, index, "略称"))[:120],
        "name_romaji": clean(_cell(cells, index, "英語表記（ローマ字表記）"))[:300],
        "address": address[:300],
    }
    if website_column:
        values["website"] = parse_website(_cell(cells, index, website_column))
    if latitude is not None:
        values |= {"latitude": latitude, "longitude": longitude, "coordinate_source": "mhlw",
                   "coordinate_quality": "address"}
    if holiday_column:
        flag = clean(_cell(cells, index, holiday_column))
        if flag in ("0", "1"):
            values["closed_on_holidays"] = flag == "0"  # 0 = closed (the definition sheet), whatever the title
    notes = []
    closed_days = [d for d, column in weekly if clean(_cell(cells, index, column)) == "0"]
    if closed_days:
        notes.append("定休日: " + "・".join(closed_days))
    if other_column:
        other = clean_multiline(_cell(cells, index, other_column))
        if other:
            notes.append("その他の休み: " + other.replace("\n", " / "))
    values["hours_note"] = "\n".join(notes)
    if has_beds:
        beds = {}
        try:
            for column, key in BED_COLUMNS.items():
                if column in index:
                    count = parse_int(_cell(cells, index, column))
                    if count:
                        beds[key] = count
            total = parse_int(_cell(cells, index, TOTAL_BEDS))
        except ValueError as error:
            raise RowError("病床数が数値ではありません。", "A bed count is not a number.", column=TOTAL_BEDS) from error
        values["beds"] = beds
        values["beds_total"] = total if total is not None else (sum(beds.values()) or None)
    record = FacilityRecord(row=number, municipality=municipality, values=values,
                            identifiers=[(FacilityIdentifier.Scheme.MHLW_ID, mhlw_id)])
    if inline_slots:
        record.opening_hours = _inline_hours(cells, index, inline_slots)
    return record


def _inline_hours(cells, index, slots):
    by_day: dict[int, list] = {}
    for day, slot in slots:
        character = DAYS_WITH_HOLIDAY[day]
        try:
            opens = parse_time(_cell(cells, index, f"{character}_開店時間帯{slot}_開始時間"))
            closes = parse_time(_cell(cells, index, f"{character}_開店時間帯{slot}_終了時間"))
        except ValueError as error:
            raise RowError(f"{character}曜の開店時間が時刻ではありません。",
                           f"An opening time on {character} is not a time.",
                           column=f"{character}_開店時間帯{slot}_開始時間") from error
        if opens and closes:
            by_day.setdefault(day, []).append((opens, closes))
    return [(day, a, b) for day, periods in sorted(by_day.items()) for a, b in merge_intervals(periods)]


class HoursRow(NamedTuple):
    """One row of a speciality-and-hours file: a department and its periods, for the facility of `value`."""

    row: int
    value: str
    department: str
    periods: dict[int, list]  # weekday → [(opens, closes)]


def hours_record(rows: list[HoursRow]) -> HoursRecord:
    """The departments and merged hours of one facility from its rows (in file order)."""
    departments: list[str] = []
    periods: dict[int, list] = {}
    for row in rows:
        if row.department and row.department not in departments:
            departments.append(row.department)
        for day, day_periods in row.periods.items():
            periods.setdefault(day, []).extend(day_periods)
    hours = [(day, a, b) for day, day_periods in sorted(periods.items()) for a, b in merge_intervals(day_periods)]
    return HoursRecord(row=rows[0].row, scheme=FacilityIdentifier.Scheme.MHLW_ID, value=rows[0].value,
                       departments=departments, opening_hours=hours)


def _hours_items(parsed: ParsedFile, header, rows) -> Iterator:
    index = _index(header)
    columns = [(day, index.get(f"{c}_診療開始時間"), index.get(f"{c}_診療終了時間"))
               for day, c in enumerate(DAYS_WITH_HOLIDAY)]
    columns = [(day, a, b) for day, a, b in columns if a is not None and b is not None]
    id_index, name_index = index["ID"], index["診療科目名"]
    for number, cells in rows:
        parsed.rows += 1
        mhlw_id = clean(cells[id_index]) if id_index < len(cells) else ""
        if len(mhlw_id) != 13 or not (mhlw_id.isascii() and mhlw_id.isdigit()):
            yield RowError(f"ID「{mhlw_id}」が 13 桁の数字ではありません。",
                           f"The ID “{mhlw_id}” is not 13 digits.", row=number, column="ID")
            continue
        department = clean(cells[name_index]) if name_index < len(cells) else ""
        periods: dict[int, list] = {}
        error = None
        for day, a, b in columns:
            start = cells[a] if a < len(cells) else ""
            end = cells[b] if b < len(cells) else ""
            if not start and not end:
                continue
            try:
                opens, closes = parse_time(start), parse_time(end)
            except ValueError:
                error = RowError(
                    f"{DAYS_WITH_HOLIDAY[day]}曜の診療時間「{start}〜{end}」が時刻ではありません。",
                    f"The hours “{start}–{end}” on {DAYS_WITH_HOLIDAY[day]} are not times.", row=number,
                    column=f"{DAYS_WITH_HOLIDAY[day]}_診療開始時間")
                break
            if opens and closes:
                periods.setdefault(day, []).append((opens, closes))
        yield HoursRow(number, mhlw_id, department, periods)
        if error is not None:
            yield error
