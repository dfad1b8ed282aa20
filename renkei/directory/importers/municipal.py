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

from ..models import FacilityIdentifier, FacilityKind
from ..taxonomy import VISITING_NURSING_SERVICE_TYPE
from .common import (
    FacilityRecord,
    FileError,
    MunicipalityResolver,
    ParsedFile,
    RowError,
    clean,
    clean_header,
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
    parse_website,
    parse_weekdays,
    read_header,
    read_table,
    split_list,
)
from .kaigo import service_code

__all__ = ["FIELDS", "header_signature", "parse", "read_header", "standard_mapping", "suggest_mapping"]

# Our fields, in the order the mapping screen shows them, with their labels.
FIELDS: list[tuple[str, Any]] = [
    ("name", _("name")), ("kana", _("name in kana")), ("short_name", _("short name")),
    ("kind", _("kind of facility (column)")), ("service_type", _("care service type (column)")),
    ("postal_code", _("postal code")), ("address", _("address")), ("address_detail", _("building (方書)")),
    ("municipality_code", _("municipality code of the address")),
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
    "publisher_code": ["全国地方公共団体コード"],
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
    "hours_note": ["診療日時備考", "利用可能日時特記事項", "利用可能曜日特記事項", "休診日"],
    "opened_on": ["開設年月日", "開設日", "指定年月日", "開設許可年月日"],
    "valid_period": ["有効期間", "許可有効期間"],
}
# Header words that are never departments even though they end in 科.
_NOT_DEPARTMENTS = {"診療科", "診療科目", "標榜科"}
_DEPARTMENT_HEADER = re.compile(r"(科|科[（(].+[）)])$")

MEDICAL_STANDARD = {
    "publisher_code": "全国地方公共団体コード", "municipal_id": "ID", "name": "名称", "kana": "名称_カナ",
    "kind": "医療機関の種類", "address": "所在地_連結表記", "address_detail": "建物名等(方書)",
    "municipality_code": "所在地_全国地方公共団体コード", "latitude": "緯度", "longitude": "経度",
    "phone": "電話番号", "fax": "FAX番号", "corporate_number": "法人番号", "corporation_name": "法人の名称",
    "medical_institution_code": "医療機関コード", "departments_text": "診療科目", "hours_days": "診療日",
    "hours_open": "診療開始時間", "hours_close": "診療終了時間", "hours_note": "診療日時備考",
    "beds_total": "病床数", "website": "URL",
}
CARE_STANDARD = {
    "publisher_code": "全国地方公共団体コード", "municipal_id": "ID", "name": "名称", "kana": "名称_カナ",
    "service_type": "介護サービスの種類", "address": "所在地_連結表記", "address_detail": "建物名等(方書)",
    "municipality_code": "所在地_全国地方公共団体コード", "latitude": "緯度", "longitude": "経度",
    "phone": "電話番号", "fax": "FAX番号", "corporate_number": "法人番号", "corporation_name": "法人の名称",
    "care_office_number": "事業所番号", "hours_days": "利用可能曜日", "hours_open": "開始時間",
    "hours_close": "終了時間", "hours_note": "利用可能日時特記事項", "capacity": "定員", "website": "URL",
}
# Older editions and some municipalities name these columns differently.
_STANDARD_ALTERNATIVES = {"name": ["介護サービス事業所名称"], "kana": ["介護サービス事業所名称_カナ"],
                          "service_type": ["実施サービス"], "address_detail": ["方書", "建物名等（方書）"]}


def header_signature(headers: list[str]) -> str:
    """A stable fingerprint of a header (sorted, cleaned column names): the next edition finds its mapping."""
    names = sorted({clean_header(h) for h in headers if clean_header(h)})
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def standard_mapping(headers: list[str]) -> tuple[str, dict] | None:
    """("medical" | "care", mapping) when the header is a 自治体標準オープンデータセット layout, else None."""
    columns = {clean_header(h) for h in headers}
    if not {"全国地方公共団体コード", "所在地_連結表記"} <= columns:
        return None
    if "介護サービスの種類" in columns or "実施サービス" in columns:
        layout, base = "care", CARE_STANDARD
    elif "医療機関の種類" in columns:
        layout, base = "medical", MEDICAL_STANDARD
    else:
        return None
    mapping = {}
    for field, column in base.items():
        for candidate in [column, *_STANDARD_ALTERNATIVES.get(field, [])]:
            if candidate in columns:
                mapping[field] = candidate
                break
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


def kind_from_text(text: str) -> str | None:
    """"病院" → hospital, "歯科診療所" → dental clinic, "薬局" → pharmacy… (None when unknown)."""
    value = clean(text)
    if not value:
        return None
    if value in FacilityKind.values:
        return value
    if "歯科" in value:
        return FacilityKind.DENTAL_CLINIC
    if "薬局" in value:
        return FacilityKind.PHARMACY
    if "病院" in value:
        return FacilityKind.HOSPITAL
    if any(word in value for word in ("診療所", "医院", "クリニック", "医科")):
        return FacilityKind.CLINIC
    if "訪問看護" in value:
        return FacilityKind.VISITING_NURSING_STATION
    if "地域包括" in value:
        return FacilityKind.COMMUNITY_SUPPORT_CENTER
    if "介護" in value or "居宅" in value or "通所" in value:
        return FacilityKind.CARE_SERVICE
    return None


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
    prefixes the list's own IDs; addresses without a prefecture are read in its prefecture.
    """
    _, header, rows = read_table(data)  # CSV (UTF-8 or Shift_JIS) or an Excel workbook's first sheet
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
        owner = resolver.from_code(codes.pop()) if len(codes) == 1 else None
        rows = iter(rows)
    if owner is None:
        raise FileError("どの市区町村の一覧か指定してください。", "Choose the municipality whose list this is.")
    # Each list a municipality keeps is its own source: a 通いの場 list must not close the 認知症カフェ list's
    # entries. The standard layouts are one list each; an own layout is named by its saved mapping.
    list_key = layout if layout != "custom" else (list_name or "custom")
    parsed = ParsedFile(source_key=f"municipal:{owner.code}:{list_key}", layout=layout)
    index = {clean_header(name): i for i, name in enumerate(header)}
    departments = mapping.get("departments") or {}
    department_columns = [(name, index[name]) for name in departments.get("columns", [])]
    columns = {field: index[column] for field, column in mapping.items()
               if field != "departments" and isinstance(column, str) and column in index}
    for number, cells in rows:
        parsed.rows += 1
        try:
            record = _record(number, cells, columns, department_columns, resolver=resolver, owner=owner,
                             default_kind=default_kind)
        except RowError as error:
            error.row = number
            parsed.errors.append(error)
            continue
        parsed.kinds.add(record.kind)
        parsed.facilities.append(record)
    return parsed


def _record(number, cells, columns, department_columns, *, resolver, owner, default_kind) -> FacilityRecord:
    def get(field: str) -> str:
        i = columns.get(field)
        return cells[i] if i is not None and i < len(cells) else ""

    def has(field: str) -> bool:
        return field in columns

    name = clean(get("name"))
    if not name:
        raise RowError("名称がありません。", "The name is missing.", column="name")
    service = ""
    kind = kind_from_text(get("kind")) if has("kind") and clean(get("kind")) else None
    if has("service_type") and clean(get("service_type")):
        service = service_code(get("service_type"), None) or ""
        if not service and "地域包括" not in clean(get("service_type")):
            raise RowError(f"サービスの種類「{clean(get('service_type'))}」が分かりません。",
                           f"Unknown service type “{clean(get('service_type'))}”.", column="service_type")
        kind = kind or (FacilityKind.VISITING_NURSING_STATION if service == VISITING_NURSING_SERVICE_TYPE
                        else kind_from_text(get("service_type")) or FacilityKind.CARE_SERVICE)
    kind = kind or default_kind or None
    if kind is None:
        shown = clean(get("kind"))
        raise RowError(f"施設の種類「{shown}」が分かりません（対応づけ画面で種類を選んでください）。",
                       f"Unknown kind of facility “{shown}” (choose the kind on the mapping screen).",
                       column="kind")
    address = clean(get("address"))
    detail = clean(get("address_detail"))
    if detail and detail not in address:
        address = f"{address} {detail}"
    municipality = None
    if has("municipality_code") and clean(get("municipality_code")):
        municipality = resolver.from_code(get("municipality_code"))
    if municipality is None:
        if address:
            municipality = resolver.from_address(address)
        elif has("publisher_code"):
            municipality = resolver.resolve(code=get("publisher_code"), column="publisher_code")
        else:
            raise RowError("住所がありません。", "The address is missing.", column="address")
    values: dict[str, Any] = {"kind": kind, "name": name[:200], "address": address[:300]}
    if kind in (FacilityKind.CARE_SERVICE, FacilityKind.VISITING_NURSING_STATION) and service:
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
        names = [header for header, i in department_columns if i < len(cells) and is_marked(cells[i])]
        names += split_list(get("departments_text"))
        values["departments"] = departments_field(names)
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
    notes = [clean(get("hours_note"))] if has("hours_note") else []
    record = FacilityRecord(row=number, municipality=municipality, values=values)
    if has("hours_days"):
        days = parse_weekdays(get("hours_days"))
        try:
            opens, closes = parse_time(get("hours_open")), parse_time(get("hours_close"))
        except ValueError as error:
            raise RowError("開始・終了時間が時刻ではありません。", "The opening times are not times.",
                           column="hours_open") from error
        if days and opens and closes:
            record.opening_hours = [(d, a, b) for d in days for a, b in merge_intervals([(opens, closes)])]
        elif clean(get("hours_days")):
            notes.insert(0, clean(get("hours_days")))
    if notes:
        values["hours_note"] = "\n".join(n for n in notes if n)
    _identifiers(record, get, has, owner=owner, kind=kind, service=service)
    return record


def _identifiers(record: FacilityRecord, get, has, *, owner, kind: str, service: str) -> None:
    scheme = FacilityIdentifier.Scheme
    code = re.sub(r"\D", "", clean(get("medical_institution_code"))) if has("medical_institution_code") else ""
    if code:
        record.identifiers.append((scheme.MEDICAL_INSTITUTION_CODE, code))
    office = clean(get("care_office_number")) if has("care_office_number") else ""
    if office and service:
        record.identifiers.append((scheme.CARE_OFFICE, f"{office}-{service}"))
    own_id = clean(get("municipal_id")) if has("municipal_id") else ""
    if own_id:
        record.identifiers.append((scheme.MUNICIPAL_ID, f"{owner.code}:{kind}:{own_id}"[:64]))
    corporate = clean(get("corporate_number")) if has("corporate_number") else ""
    if re.fullmatch(r"\d{13}", corporate):
        record.corporate_number = corporate


def read_file_header(data: bytes) -> tuple[str, list[str], list[list[str]]]:
    """(encoding, header, sample rows): what the mapping screen shows."""
    return read_header(data)
