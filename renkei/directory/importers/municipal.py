"""Municipal lists: the 自治体標準オープンデータセット layouts and any list a municipality keeps itself.

A `ColumnMapping.columns` dict maps our field names to the municipality's column names, e.g.
`{"name": "施設正式名称", "address": "所在地", "departments": {"columns": ["内科", "外科"], "mark": "○"}}`.
The two standard layouts (医療機関一覧, 介護サービス事業所一覧, デジタル庁 推奨データセット) are built-in
mappings applied by the same engine. `suggest_mapping` proposes a mapping from the header alone (known
synonyms; one column per department marked ○ becomes the department list); staff confirm it once in the
browser and the mapping is found again for the next edition by `header_signature`.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from renkei.core.models import Prefecture

from ..models import FacilityIdentifier, FacilityKind
from ..taxonomy import INFORMAL_SERVICE_TYPES, SERVICE_TYPES, VISITING_NURSING_SERVICE_TYPE
from .common import (
    FacilityRecord,
    FileError,
    MunicipalityResolver,
    ParsedFile,
    RowError,
    clean,
    clean_header,
    clean_multiline,
    departments_field,
    is_marked,
    merge_intervals,
    parse_coordinates,
    parse_date,
    parse_date_range,
    parse_int,
    parse_phone,
    parse_postal_code,
    parse_time,
    parse_time_ranges,
    parse_website,
    parse_weekdays_exactly,
    read_header,
    read_table,
    split_list,
)
from .kaigo import SERVICE_CODES, service_code
from .positions import drop_far_positions

__all__ = ["FIELDS", "header_signature", "parse", "read_header", "standard_mapping", "suggest_mapping"]

# Our fields, in the order the mapping screen shows them, with their labels.
FIELDS: list[tuple[str, Any]] = [
    ("name", _("name")), ("kana", _("name in kana")), ("short_name", _("short name")),
    ("kind", _("kind of facility (column)")), ("service_type", _("care service type (column)")),
    ("postal_code", _("postal code")), ("address", _("address")), ("address_detail", _("building (方書)")),
    ("municipality_code", _("municipality code of the address")),
    ("municipality_name", _("municipality name of the address")),
    ("publisher_code", _("local government code of the publisher")),
    ("phone", _("phone")), ("fax", _("fax")), ("website", _("website")),
    ("latitude", _("latitude")), ("longitude", _("longitude")),
    ("corporate_number", _("corporate number")), ("corporation_name", _("operating corporation")),
    ("medical_institution_code", _("medical institution code")),
    ("care_office_number", _("care service office number")), ("municipal_id", _("ID in this list")),
    ("departments_text", _("departments (one column, listed)")), ("beds_total", _("beds (total)")),
    ("beds_general", _("general beds")), ("beds_long_term", _("long-term care beds")),
    ("beds_psychiatric", _("psychiatric beds")), ("beds_tuberculosis", _("tuberculosis beds")),
    ("beds_infectious", _("infectious disease beds")), ("capacity", _("capacity")),
    ("hours_days", _("opening days")), ("hours_open", _("opens at")), ("hours_close", _("closes at")),
    ("hours_time", _("opening hours (one column, e.g. 9:00～18:00)")),
    ("hours_note", _("notes on hours")), ("opened_on", _("opened on (date)")),
    ("valid_period", _("licence valid (date range)")),
]
FIELD_NAMES = [name for name, _label in FIELDS]

SYNONYMS: dict[str, list[str]] = {
    "name": ["名称", "施設名", "施設名称", "施設正式名称", "正式名称", "医療機関名", "医療機関名称", "病院名",
             "診療所名", "薬局名", "事業所名", "事業所名称", "介護サービス事業所名称", "店舗名"],
    "kana": ["名称_カナ", "名称カナ", "フリガナ", "ふりがな", "カナ", "施設名カナ", "事業所名カナ", "よみがな"],
    "short_name": ["略称"],
    "kind": ["医療機関の種類", "施設区分", "業務種別", "施設種別", "種別", "施設の種類", "区分", "業態"],
    "service_type": ["介護サービスの種類", "サービスの種類", "サービス種別", "実施サービス"],
    "postal_code": ["郵便番号", "〒", "郵便"],
    "address": ["所在地_連結表記", "所在地", "住所", "所在地住所", "所在地(住所)", "所在地（住所）"],
    "address_detail": ["建物名等(方書)", "建物名等（方書）", "方書", "方書(ビル名等)", "方書（ビル名等）"],
    "municipality_code": ["所在地_全国地方公共団体コード", "市区町村コード"],
    "municipality_name": ["市区町村名", "市町村名"],
    "publisher_code": ["全国地方公共団体コード", "都道府県コード又は市区町村コード", "都道府県コード又は市町村コード"],
    "phone": ["電話番号", "電話", "TEL", "Tel", "tel", "連絡先電話番号", "代表電話"],
    "fax": ["FAX番号", "FAX", "Fax", "ファックス", "ファクス"],
    "website": ["URL", "ホームページ", "HP", "ウェブサイト", "ホームページアドレス"],
    "latitude": ["緯度"], "longitude": ["経度"],
    "corporate_number": ["法人番号"],
    # Not 開設者氏名: a pharmacy or clinic opened by an individual would put a person's name in open data.
    "corporation_name": ["法人の名称", "開設者名", "開設者", "法人名", "運営法人", "設置者"],
    "medical_institution_code": ["医療機関コード", "保険医療機関コード"],
    "care_office_number": ["事業所番号", "介護保険事業所番号"],
    "municipal_id": ["ID", "許可番号", "施設ID", "整理番号"],
    "departments_text": ["診療科目", "診療科目その他", "標榜科目", "診療科"],
    "beds_total": ["病床数", "合計病床数", "許可病床数", "総病床数"],
    "beds_general": ["一般病床数", "一般病床"], "beds_long_term": ["療養病床数", "療養病床"],
    "beds_psychiatric": ["精神病床数", "精神病床"], "beds_tuberculosis": ["結核病床数", "結核病床"],
    "beds_infectious": ["感染症病床数", "感染症病床"],
    "capacity": ["定員", "利用定員", "入所定員"],
    "hours_days": ["診療日", "利用可能曜日", "営業日", "診療曜日"],
    "hours_open": ["診療開始時間", "開始時間", "開館時間", "営業開始時間"],
    "hours_close": ["診療終了時間", "終了時間", "閉館時間", "営業終了時間"],
    "hours_time": ["診療時間", "営業時間", "利用時間", "開館時間帯"],
    "hours_note": ["診療日時特記事項", "診療日時備考", "利用可能日時特記事項", "利用可能曜日特記事項", "休診日"],
    "opened_on": ["開設年月日", "開設日", "指定年月日", "開設許可年月日"],
    "valid_period": ["有効期間", "許可有効期間"],
}
# Header words that are never departments even though they end in 科.
_NOT_DEPARTMENTS = {"診療科", "診療科目", "標榜科"}
_DEPARTMENT_HEADER = re.compile(r"(科|科[（(].+[）)])$")

# The standard layouts, current and older, as candidate columns per field (the first present wins). The
# current 自治体標準オープンデータセット names its publisher 全国地方公共団体コード and its address 所在地_連結表記;
# the older 推奨データセット (still published by many municipalities) has 都道府県コード又は市区町村コード, NO, 住所
# and 方書. Its NO is a running number, not an ID: it is never used to recognise a facility again.
_STANDARD_COMMON: dict[str, list[str]] = {
    "publisher_code": ["全国地方公共団体コード", "都道府県コード又は市区町村コード", "都道府県コード又は市町村コード"],
    "municipal_id": ["ID"],
    "address": ["所在地_連結表記", "住所", "所在地"],
    "address_detail": ["建物名等(方書)", "建物名等（方書）", "方書"],
    "municipality_code": ["所在地_全国地方公共団体コード"],
    "municipality_name": ["所在地_市区町村", "市区町村名", "市町村名", "市町村"],
    "postal_code": ["郵便番号"], "latitude": ["緯度"], "longitude": ["経度"], "phone": ["電話番号"],
    "fax": ["FAX番号"], "corporate_number": ["法人番号"], "corporation_name": ["法人の名称"], "website": ["URL"],
}
STANDARD_LAYOUTS: dict[str, dict[str, list[str]]] = {
    "medical": _STANDARD_COMMON | {
        "name": ["名称"], "kana": ["名称_カナ"], "kind": ["医療機関の種類"],
        "medical_institution_code": ["医療機関コード"], "departments_text": ["診療科目"],
        "hours_days": ["診療曜日", "診療日"], "hours_open": ["診療開始時間"], "hours_close": ["診療終了時間"],
        "hours_time": ["診療時間"], "hours_note": ["診療日時特記事項", "診療日時備考"], "beds_total": ["病床数"],
    },
    "care": _STANDARD_COMMON | {
        "name": ["名称", "介護サービス事業所名称", "事業所名"],
        "kana": ["名称_カナ", "介護サービス事業所名称_カナ", "事業所名カナ"],
        "service_type": ["介護サービスの種類", "実施サービス", "サービスの種類"],
        "care_office_number": ["事業所番号"], "hours_days": ["利用可能曜日"], "hours_open": ["開始時間"],
        "hours_close": ["終了時間"], "hours_note": ["利用可能日時特記事項", "利用可能曜日特記事項"],
        "capacity": ["定員"],
    },
}
_CURRENT_MARKERS = {"全国地方公共団体コード", "所在地_連結表記"}
_OLDER_CODE_COLUMNS = {"都道府県コード又は市区町村コード", "都道府県コード又は市町村コード"}
_CARE_MARKERS = {"介護サービスの種類", "実施サービス", "サービスの種類"}
_MEDICAL_MARKERS = {"医療機関の種類", "医療機関コード", "診療科目"}


def header_signature(headers: list[str]) -> str:
    """A stable fingerprint of a header (sorted, cleaned column names): the next edition finds its mapping."""
    names = sorted({clean_header(h) for h in headers if clean_header(h)})
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def standard_mapping(headers: list[str]) -> tuple[str, dict] | None:
    """("medical" | "care", mapping) when the header is a standard layout (current or older), else None."""
    columns = {clean_header(h) for h in headers}
    is_current = columns >= _CURRENT_MARKERS
    is_older = bool(columns & _OLDER_CODE_COLUMNS) and bool(columns & {"住所", "所在地"})
    if not (is_current or is_older):
        return None
    if columns & _CARE_MARKERS:
        layout = "care"
    elif columns & _MEDICAL_MARKERS:
        layout = "medical"
    else:
        return None
    mapping = {}
    for field, candidates in STANDARD_LAYOUTS[layout].items():
        found = next((column for column in candidates if column in columns), None)
        if found:
            mapping[field] = found
    if "name" not in mapping:
        return None
    return layout, mapping


def suggest_mapping(headers: list[str], sample_rows: list[list[str]] | None = None) -> dict:
    """A first guess at the mapping from the column names (and sample values, when given)."""
    standard = standard_mapping(headers)
    if standard:
        return dict(standard[1])
    cleaned = [clean_header(h) for h in headers]
    mapping: dict[str, Any] = {}
    used: set[str] = set()
    for field in FIELD_NAMES:
        for synonym in SYNONYMS.get(field, []):
            if synonym in cleaned and synonym not in used:
                mapping[field] = synonym
                used.add(synonym)
                break
    # Second pass: a column that contains a synonym ("医療機関所在地", "代表電話番号").
    for field in ("name", "address", "phone", "fax", "postal_code", "kana"):
        if field in mapping:
            continue
        for header in cleaned:
            if header in used or header == "_id":
                continue
            if any(s in header for s in SYNONYMS[field] if len(s) >= 2):
                mapping[field] = header
                used.add(header)
                break
    departments = []
    for position, header in enumerate(cleaned):
        if header in used or header in _NOT_DEPARTMENTS or not _DEPARTMENT_HEADER.search(header):
            continue
        if header.endswith(("病床", "病床数")):
            continue
        if sample_rows is not None:
            values = {clean(row[position]) for row in sample_rows if position < len(row)} - {""}
            if values and not all(is_marked(v) for v in values):
                continue
        departments.append(header)
    if departments:
        mapping["departments"] = {"columns": departments, "mark": "○"}
    return mapping


# Words that name a 介護保険サービス種別 in lists kept by hand ("デイサービス", "訪問入浴"), longest first.
_SERVICE_WORDS: dict[str, str] = {
    "看護小規模多機能": "770", "看多機": "770", "小規模多機能": "730", "小多機": "730", "定期巡回": "760",
    "夜間対応型訪問介護": "710", "認知症対応型通所": "720", "グループホーム": "320", "認知症対応型共同生活": "320",
    "デイサービス": "150", "デイケア": "160", "ショートステイ": "210", "ホームヘルプ": "110", "ヘルパー": "110",
    "訪問入浴": "120", "訪問リハビリ": "140", "通所リハビリ": "160", "福祉用具貸与": "170", "福祉用具販売": "410",
    "ケアプラン": "430", "居宅介護支援": "430", "特別養護老人ホーム": "510", "特養": "510", "老人保健施設": "520",
    "老健": "520", "介護医療院": "550", "有料老人ホーム": "331", "訪問看護": "130", "訪問介護": "110",
    "通所介護": "150",
}
_INFORMAL_WORDS = {name: code for code, (name, _en) in SERVICE_TYPES.items() if code in INFORMAL_SERVICE_TYPES}
_INFORMAL_WORDS |= {"サロン": "kayoi_no_ba", "配食": "meal_delivery", "見守り": "watching", "ボランティア":
                    "visiting_volunteers", "オレンジカフェ": "dementia_cafe", "移送": "transport"}
_CARE_WORDS = ("介護", "居宅", "通所", "入所", "施設", "ホーム", "福祉用具", "入浴", "リハビリ", "デイ",
               "サービス付き高齢者向け住宅", "サ高住")
# Public bodies that lists of local resources include; the directory has no kind of their own for them.
_PUBLIC_BODY_WORDS = ("保健所", "保健センター", "保健福祉センター", "市役所", "町役場", "村役場", "社会福祉協議会")


def service_from_text(text: str) -> str:
    """The 介護保険サービス種別 code a service name or a common word names ("" when none)."""
    value = clean(text)
    if not value:
        return ""
    code = service_code(value, None)
    if code:
        return code
    for word, code in sorted(_SERVICE_WORDS.items(), key=lambda item: -len(item[0])):
        if word in value:
            return code
    # A shortened official name: "訪問リハビリテーション" is listed, "訪問入浴介護" shortened to "訪問入浴"…
    for name, code in sorted(SERVICE_CODES.items(), key=lambda item: -len(item[0])):
        if len(value) >= 4 and (value in name or name in value):
            return code
    return ""


def kind_and_service(text: str) -> tuple[str | None, str]:
    """(kind, service type) a kind or service cell names: "病院" → hospital, "訪問入浴" → care service 120…"""
    value = clean(text)
    if not value:
        return None, ""
    if value in FacilityKind.values:
        return value, ""
    if "歯科" in value:
        return FacilityKind.DENTAL_CLINIC, ""
    if "薬局" in value:
        return FacilityKind.PHARMACY, ""
    if "病院" in value:
        return FacilityKind.HOSPITAL, ""
    if any(word in value for word in ("診療所", "医院", "クリニック", "医科")):
        return FacilityKind.CLINIC, ""
    if "地域包括" in value:
        return FacilityKind.COMMUNITY_SUPPORT_CENTER, ""
    code = service_from_text(value)
    if code:
        nursing = code == VISITING_NURSING_SERVICE_TYPE
        return (FacilityKind.VISITING_NURSING_STATION if nursing else FacilityKind.CARE_SERVICE), code
    for word, code in _INFORMAL_WORDS.items():
        if word in value:
            return FacilityKind.INFORMAL_RESOURCE, code
    if any(word in value for word in _CARE_WORDS):
        return FacilityKind.CARE_SERVICE, ""
    if any(word in value for word in _PUBLIC_BODY_WORDS):
        return FacilityKind.INFORMAL_RESOURCE, ""
    return None, ""


def kind_from_text(text: str) -> str | None:
    """"病院" → hospital, "歯科診療所" → dental clinic, "薬局" → pharmacy… (None when unknown)."""
    return kind_and_service(text)[0]


def is_dental(name: str, departments: list[str]) -> bool:
    """A dental clinic by its name ("…歯科医院", "…デンタルクリニック") or departments that are all dental."""
    return any(word in name for word in ("歯科", "デンタル")) or bool(departments) and all(
        "歯" in department for department in departments)


def check_mapping(mapping: dict, headers: list[str]) -> None:
    """FileError naming the mapped columns this file lacks (a saved mapping that no longer fits)."""
    columns = {clean_header(h) for h in headers}
    wanted = [v for k, v in mapping.items() if k != "departments" and isinstance(v, str) and v]
    wanted += list((mapping.get("departments") or {}).get("columns", []))
    missing = [c for c in wanted if c not in columns]
    if missing:
        names = "、".join(missing[:10])
        raise FileError(f"対応づけた列がファイルにありません: {names}。列の対応づけをやり直してください。",
                        f"Mapped columns are missing from the file: {', '.join(missing[:10])}. Map the columns "
                        "again.")
    if not mapping.get("name"):
        raise FileError("「名称」に当たる列が対応づけられていません。", "No column is mapped to the name.")
    if not (mapping.get("address") or mapping.get("municipality_code")):
        raise FileError("「住所」に当たる列が対応づけられていません。", "No column is mapped to the address.")


def parse(data: bytes, *, file_name: str, resolver: MunicipalityResolver, mapping: dict | None,
          owner, default_kind: str = "", list_name: str = "") -> ParsedFile:
    """Read a municipal list with `mapping` (the standard layout's when None and the header is standard).

    `owner` is the municipality whose list it is: its code names the source in Facility.sources and
    prefixes the list's own IDs; addresses without a prefecture are read in its prefecture. When None, a
    standard layout names its publisher: a municipality, or a prefecture (a prefecture-wide list, "350001"),
    whose rows each go to the municipality of their address. `default_kind` is the kind of rows whose kind
    column is empty or absent (chosen for the whole file).
    """
    _, header, rows = read_table(data)  # CSV (UTF-8 or Shift_JIS, comma or tab) or an Excel workbook's first sheet
    layout = "custom"
    if mapping is None:
        standard = standard_mapping(header)
        if standard is None:
            raise FileError("自治体標準オープンデータセットの形式ではありません。"
                            "ブラウザで列の対応づけをしてください。",
                            "Not a 自治体標準オープンデータセット layout: map its columns in the browser first.")
        layout, mapping = f"standard_{standard[0]}", standard[1]
    check_mapping(mapping, header)
    if owner is None and mapping.get("publisher_code"):  # the standard layouts name their publisher
        rows = list(rows)
        position = [clean_header(h) for h in header].index(mapping["publisher_code"])
        codes = {clean(cells[position]) for _, cells in rows if position < len(cells)} - {""}
        if len(codes) == 1:
            code = codes.pop()
            owner = resolver.from_code(code) or resolver.prefecture_from_code(code)
        rows = iter(rows)
    if owner is None:
        raise FileError("どの市区町村の一覧か指定してください。", "Choose the municipality whose list this is.")
    if isinstance(owner, Prefecture):
        owner_code = owner.local_government_code
        if resolver.hint_prefecture_id is None:
            resolver.hint_prefecture_id = owner.pk
    else:
        owner_code = owner.code
    # Each list a municipality keeps is its own source: a 通いの場 list must not close the 認知症カフェ list's
    # entries. The standard layouts are one list each; an own layout is named by its saved mapping.
    list_key = layout if layout != "custom" else (list_name or "custom")
    parsed = ParsedFile(source_key=f"municipal:{owner_code}:{list_key}", layout=layout)
    index = {clean_header(name): i for i, name in enumerate(header)}
    departments = mapping.get("departments") or {}
    department_columns = [(name, index[name]) for name in departments.get("columns", [])]
    columns = {field: index[column] for field, column in mapping.items()
               if field != "departments" and isinstance(column, str) and column in index}
    labels = {field: clean_header(header[i]) for field, i in columns.items()}
    for number, cells in rows:
        parsed.rows += 1
        try:
            record = _record(number, cells, columns, department_columns, resolver=resolver, owner=owner,
                             owner_code=owner_code, default_kind=default_kind, labels=labels)
        except RowError as error:
            error.row = number
            parsed.errors.append(error)
            continue
        parsed.kinds.add(record.kind)
        parsed.facilities.append(record)
    drop_far_positions(parsed)
    return parsed


def _kind(get, has, *, name: str, departments: list[str], default_kind: str) -> tuple[str, str]:
    """(kind, service type) of a row: its kind and service columns, the kind chosen for the file, its name."""
    kind, service = kind_and_service(get("kind")) if has("kind") else (None, "")
    shown = clean(get("kind")) if has("kind") else ""
    service_text = clean(get("service_type")) if has("service_type") else ""
    if service_text:
        service_kind, code = kind_and_service(service_text)
        if service_kind is None:
            raise RowError(f"サービスの種類「{service_text}」が分かりません。",
                           f"Unknown service type “{service_text}”.", column="service_type")
        service = code or service
        kind = kind or service_kind
        shown = shown or service_text
    kind = kind or default_kind or None
    # 医療機関一覧 lists dental clinics as 無床診療所; a dental list may leave the kind column empty.
    if kind in (None, FacilityKind.CLINIC) and is_dental(name, departments):
        kind = FacilityKind.DENTAL_CLINIC
    if kind is None and not shown:
        kind, service = kind_and_service(name)  # "…病院", "…薬局", "…訪問看護ステーション"
    if kind is None:
        raise RowError(f"施設の種類「{shown}」が分かりません。取り込み画面の「施設の種類」（コマンドでは --kind、"
                       "独自の形式では列の対応づけ画面）でファイル全体の種類を選んでください。",
                       f"Unknown kind of facility “{shown}”: choose the kind for the whole file on the upload "
                       "screen (--kind on the command line, or on the mapping screen for your own layout).",
                       column="kind")
    return kind, service


def _municipality(get, has, address: str, *, resolver, owner):
    """The row's municipality: its code, else its address (completed by the municipality name column or the
    owner's name when the address starts with the town), else the publisher's code."""
    if has("municipality_code") and clean(get("municipality_code")):
        municipality = resolver.from_code(get("municipality_code"))
        if municipality is not None:
            return municipality
    name = clean(get("municipality_name")).replace(" ", "") if has("municipality_name") else ""
    if not address:
        if name:
            return resolver.from_address(name)
        if has("publisher_code"):
            return resolver.resolve(code=get("publisher_code"), column="publisher_code")
        raise RowError("住所がありません。", "The address is missing.", column="address")
    try:
        return resolver.from_address(address)
    except RowError as error:
        if _NAMES_A_PLACE.match(address.replace(" ", "")):
            raise  # it names a prefecture or city that is not ours: never read it as a town of the owner
        prefixes = [name] if name else []
        if not isinstance(owner, Prefecture):
            prefixes.append(owner.name)
        for prefix in prefixes:
            if prefix and not address.replace(" ", "").startswith(prefix):
                try:
                    return resolver.from_address(prefix + address)
                except RowError:
                    continue
        raise error


_NAMES_A_PLACE = re.compile(r"^(東京都|北海道|京都府|大阪府|.{2,3}県|\D{1,5}[市郡])")


def _opening_hours(get, has, labels) -> tuple[list | None, list[str]]:
    """([(weekday, opens, closes)] or None, the hours text that could not be read, labelled by its column)."""
    texts = {field: clean_multiline(get(field)) for field in ("hours_days", "hours_open", "hours_close", "hours_time")
             if has(field)}
    if not any(texts.values()):
        return None, []
    days = parse_weekdays_exactly(texts.get("hours_days", ""))
    periods: list = []
    try:
        if texts.get("hours_time"):
            periods = parse_time_ranges(texts["hours_time"])
        elif texts.get("hours_open") and texts.get("hours_close"):
            opens = [parse_time(t) for t in split_lines(texts["hours_open"])]
            closes = [parse_time(t) for t in split_lines(texts["hours_close"])]
            if len(opens) == len(closes):
                periods = list(zip(opens, closes, strict=True))
    except ValueError:
        periods = []
    periods = merge_intervals([p for p in periods if p[0] and p[1]])
    if days and periods:
        return [(d, a, b) for d in days for a, b in periods], []
    return None, [f"{labels.get(field, field)}: {text}" for field, text in texts.items() if text]


def split_lines(text: str) -> list[str]:
    """"9:00\n14:00" or "9:00、14:00" → ["9:00", "14:00"] (several periods in one start or end column)."""
    return [part for part in re.split(r"\s*[\n,、，/／]\s*", text) if part]


def _record(number, cells, columns, department_columns, *, resolver, owner, owner_code, default_kind,
            labels) -> FacilityRecord:
    def get(field: str) -> str:
        i = columns.get(field)
        return cells[i] if i is not None and i < len(cells) else ""

    def has(field: str) -> bool:
        return field in columns

    name = clean(get("name"))
    if not name:
        raise RowError("名称がありません。", "The name is missing.", column="name")
    department_names = [header for header, i in department_columns if i < len(cells) and is_marked(cells[i])]
    department_names += split_list(get("departments_text"))
    kind, service = _kind(get, has, name=name, departments=department_names, default_kind=default_kind)
    address = clean(get("address"))
    detail = clean(get("address_detail"))
    if detail and detail not in address:
        address = f"{address} {detail}"
    municipality = _municipality(get, has, address, resolver=resolver, owner=owner)
    values: dict[str, Any] = {"kind": kind, "name": name[:200], "address": address[:300]}
    if kind in (FacilityKind.CARE_SERVICE, FacilityKind.VISITING_NURSING_STATION,
                FacilityKind.INFORMAL_RESOURCE) and service:
        values["service_type"] = service
    for field in ("kana", "short_name", "corporation_name"):
        if has(field):
            values[field] = clean(get(field))[:{"kana": 400, "short_name": 120}.get(field, 200)]
    if has("postal_code"):
        try:
            values["postal_code"] = parse_postal_code(get("postal_code"))
        except ValueError as error:
            raise RowError(f"郵便番号「{clean(get('postal_code'))}」が 7 桁ではありません。",
                           f"The postal code “{clean(get('postal_code'))}” is not 7 digits.",
                           column="postal_code") from error
    if has("phone"):
        values["phone"] = parse_phone(get("phone"))
    if has("fax"):
        values["fax"] = parse_phone(get("fax"))
    if has("website"):
        values["website"] = parse_website(get("website"))
    if has("latitude") and has("longitude"):
        try:
            latitude, longitude = parse_coordinates(get("latitude"), get("longitude"))
        except ValueError as error:
            raise RowError("緯度・経度が数値ではありません。", "Latitude or longitude is not a number.",
                           column="latitude") from error
        if latitude is not None:
            values |= {"latitude": latitude, "longitude": longitude, "coordinate_source": "municipal",
                       "coordinate_quality": "address"}
    if department_columns or has("departments_text"):
        values["departments"] = departments_field(department_names)
    bed_fields = {"beds_general": "一般病床", "beds_long_term": "療養病床", "beds_psychiatric": "精神病床",
                  "beds_tuberculosis": "結核病床", "beds_infectious": "感染症病床"}
    try:
        if any(has(f) for f in bed_fields):
            beds = {key: count for f, key in bed_fields.items() if has(f) and (count := parse_int(get(f)))}
            values["beds"] = beds
            values["beds_total"] = sum(beds.values()) or None
        if has("beds_total"):
            values["beds_total"] = parse_int(get("beds_total"))
        if has("capacity"):
            values["capacity"] = parse_int(get("capacity"))
    except ValueError as error:
        raise RowError("病床数・定員が数値ではありません。", "A bed count or the capacity is not a number.",
                       column="beds_total") from error
    for field, label in (("opened_on", "開設年月日"), ("valid_period", "有効期間")):
        if has(field):
            try:
                parse_date_range(get(field)) if field == "valid_period" else parse_date(get(field))
            except ValueError as error:
                raise RowError(f"{label}「{clean(get(field))}」が日付として読めません。",
                               f"The {field.replace('_', ' ')} “{clean(get(field))}” is not a date.",
                               column=field) from error
    record = FacilityRecord(row=number, municipality=municipality, values=values)
    # Hours that cannot be read as weekdays and times ("休日、平日夜間") go to the note word for word.
    record.opening_hours, notes = _opening_hours(get, has, labels)
    if has("hours_note"):
        notes.append(clean_multiline(get("hours_note")))
    if has("hours_note") or notes:
        values["hours_note"] = "\n".join(n for n in notes if n)
    _identifiers(record, get, has, owner_code=owner_code, kind=kind, service=service)
    return record


def _identifiers(record: FacilityRecord, get, has, *, owner_code: str, kind: str, service: str) -> None:
    scheme = FacilityIdentifier.Scheme
    code = re.sub(r"\D", "", clean(get("medical_institution_code"))) if has("medical_institution_code") else ""
    if code:
        record.identifiers.append((scheme.MEDICAL_INSTITUTION_CODE, code))
    office = clean(get("care_office_number")) if has("care_office_number") else ""
    if office and service:
        record.identifiers.append((scheme.CARE_OFFICE, f"{office}-{service}"))
    own_id = clean(get("municipal_id")) if has("municipal_id") else ""
    if own_id:
        record.identifiers.append((scheme.MUNICIPAL_ID, f"{owner_code}:{kind}:{own_id}"[:64]))
    corporate = clean(get("corporate_number")) if has("corporate_number") else ""
    if re.fullmatch(r"\d{13}", corporate):
        record.corporate_number = corporate


def read_file_header(data: bytes) -> tuple[str, list[str], list[list[str]]]:
    """(encoding, header, sample rows): what the mapping screen shows."""
    return read_header(data)
