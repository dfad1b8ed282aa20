"""The MHLW 介護サービス情報公表システム open data: one national CSV per service type (jigyosho_130.csv…).

Header (UTF-8 with BOM, 24 columns): 都道府県コード又は市町村コード, No, 都道府県名, 市区町村名, 事業所名,
事業所名カナ, サービスの種類, 住所, 方書（ビル名等）, 緯度, 経度, 電話番号, FAX番号, 法人番号, 法人の名称,
事業所番号, 利用可能曜日, 利用可能曜日特記事項, 定員, URL, 高齢者の方と障害者の方が同時一体的に利用できるサービス,
介護保険の通常の指定基準を満たしている, 障害福祉の通常の指定基準を満たしている, 備考.

One 事業所番号 covers several services, so the identifier is `<事業所番号>-<service code>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..models import FacilityIdentifier, FacilityKind
from ..taxonomy import SERVICE_TYPES, VISITING_NURSING_SERVICE_TYPE
from .common import (
    FacilityRecord,
    FileError,
    MunicipalityResolver,
    ParsedFile,
    RowError,
    clean,
    date_from_file_name,
    decode_bytes,
    parse_coordinates,
    parse_int,
    parse_phone,
    parse_website,
    read_csv_stream,
    read_csv_text,
)
from .positions import drop_far_positions

SOURCE_KEY = "kaigo"
REQUIRED = ("事業所名", "サービスの種類", "住所", "事業所番号")
CODE_COLUMN = "都道府県コード又は市町村コード"
COMMUNITY_SUPPORT_CENTER = "地域包括支援センター"
FILE_CODE = re.compile(r"jigyosho_(\d{3})")

# Service names as the 公表システム writes them → our codes; the names in taxonomy.SERVICE_TYPES, plus the
# variants seen in the open data (介護予防 services share the code of their main service).
SERVICE_CODES: dict[str, str] = {name: code for code, (name, _) in SERVICE_TYPES.items() if code.isdigit()}
SERVICE_CODES |= {
    "介護老人福祉施設（特別養護老人ホーム）": "510", "特別養護老人ホーム": "510",
    "介護老人保健施設（老健）": "520", "短期入所療養介護（介護老人保健施設）": "220",
    "特定施設入居者生活介護（有料老人ホーム）": "331", "有料老人ホーム": "331",
    "認知症対応型共同生活介護（グループホーム）": "320", "グループホーム": "320",
    "定期巡回・随時対応型訪問介護看護": "760", "看護小規模多機能型居宅介護（複合型サービス）": "770",
    "複合型サービス": "770",
}


def service_code(name: str, file_code: str | None) -> str | None:
    """The 介護保険サービス種別 code for a service name (or the file's code when the name is new to us)."""
    text = clean(name)
    if text in SERVICE_CODES:
        return SERVICE_CODES[text]
    base = re.sub(r"^介護予防", "", text)
    if base in SERVICE_CODES:
        return SERVICE_CODES[base]
    return file_code


def parse(data: bytes, *, file_name: str, resolver: MunicipalityResolver) -> ParsedFile:
    """Read one 介護サービス情報公表システム file into facility records."""
    text, _ = decode_bytes(data)
    header, rows = read_csv_text(text)
    parsed, items = _items(header, rows, file_name=file_name, resolver=resolver)
    for item in items:
        (parsed.errors if isinstance(item, RowError) else parsed.facilities).append(item)
    drop_far_positions(parsed)
    return parsed


def stream(binary, *, file_name: str, resolver: MunicipalityResolver) -> tuple[ParsedFile, Iterator]:
    """The file's ParsedFile (counts, kinds, messages; no lists) and an iterator of FacilityRecord or RowError."""
    _, header, rows = read_csv_stream(binary)
    return _items(header, rows, file_name=file_name, resolver=resolver)


def _items(header, rows, *, file_name, resolver) -> tuple[ParsedFile, Iterator]:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileError("介護サービス情報公表システムのファイルではありません（見出しに "
                        + "、".join(missing) + " がありません）。",
                        "Not a 介護サービス情報公表システム file (the header lacks " + ", ".join(missing) + ").")
    match = FILE_CODE.search(file_name)
    file_code = match.group(1) if match else None
    parsed = ParsedFile(source_key=SOURCE_KEY, edition=date_from_file_name(file_name), layout="kaigo")
    index = {name: i for i, name in enumerate(header)}

    def cell(cells, name):
        i = index.get(name)
        return cells[i] if i is not None and i < len(cells) else ""

    def items() -> Iterator:
        seen: set[str] = set()
        for number, cells in rows:
            parsed.rows += 1
            try:
                record = _record(number, cells, cell, file_code=file_code, resolver=resolver)
            except RowError as error:
                error.row = number
                yield error
                continue
            value = record.identifiers[0][1]
            if value in seen:  # the open data repeats some offices on several rows
                parsed.messages.append(f"row {number}: {value} listed twice; the first row is kept")
                continue
            seen.add(value)
            parsed.kinds.add(record.kind)
            yield record

    return parsed, items()


def _record(number, cells, cell, *, file_code, resolver) -> FacilityRecord:
    name = clean(cell(cells, "事業所名"))
    if not name:
        raise RowError("事業所名がありません。", "The office name is missing.", column="事業所名")
    office = clean(cell(cells, "事業所番号")) or clean(cell(cells, "No"))
    if not re.fullmatch(r"[0-9A-Za-z]{10}", office):
        raise RowError(f"事業所番号「{office}」が 10 桁ではありません。",
                       f"The office number “{office}” is not 10 characters.", column="事業所番号")
    service_name = clean(cell(cells, "サービスの種類"))
    if COMMUNITY_SUPPORT_CENTER in service_name:
        kind, code = FacilityKind.COMMUNITY_SUPPORT_CENTER, "csc"
    else:
        code = service_code(service_name, file_code)
        if code is None:
            raise RowError(f"サービスの種類「{service_name}」が分かりません。",
                           f"Unknown service type “{service_name}”.", column="サービスの種類")
        kind = (FacilityKind.VISITING_NURSING_STATION if code == VISITING_NURSING_SERVICE_TYPE
                else FacilityKind.CARE_SERVICE)
    address = clean(cell(cells, "住所"))
    building = clean(cell(cells, "方書（ビル名等）") or cell(cells, "方書"))
    if building and building not in address:
        address = f"{address} {building}"
    municipality = resolver.resolve(code=cell(cells, CODE_COLUMN), address=address, column=CODE_COLUMN)
    try:
        latitude, longitude = parse_coordinates(cell(cells, "緯度"), cell(cells, "経度"))
    except ValueError as error:
        raise RowError("緯度・経度が数値ではありません。", "Latitude or longitude is not a number.",
                       column="緯度") from error
    try:
        capacity = parse_int(cell(cells, "定員"))
    except ValueError as error:
        raise RowError(f"定員「{cell(cells, '定員')}」が数値ではありません。", "The capacity is not a number.",
                       column="定員") from error
    days = clean(cell(cells, "利用可能曜日"))
    days_note = clean(cell(cells, "利用可能曜日特記事項"))
    values = {
        "kind": kind, "service_type": "" if kind == FacilityKind.COMMUNITY_SUPPORT_CENTER else code,
        "name": name[:200], "kana": clean(cell(cells, "事業所名カナ"))[:400],
        "corporation_name": clean(cell(cells, "法人の名称"))[:200],
        "address": address[:300], "phone": parse_phone(cell(cells, "電話番号")),
        "fax": parse_phone(cell(cells, "FAX番号")), "website": parse_website(cell(cells, "URL")),
        "capacity": capacity,
        "hours_note": "\n".join(part for part in (f"利用可能曜日: {days}" if days else "", days_note) if part),
    }
    if latitude is not None:
        values |= {"latitude": latitude, "longitude": longitude, "coordinate_source": "kaigo",
                   "coordinate_quality": "address"}
    corporate = clean(cell(cells, "法人番号"))
    return FacilityRecord(row=number, municipality=municipality, values=values,
                          identifiers=[(FacilityIdentifier.Scheme.CARE_OFFICE, f"{office}-{code}")],
                          corporate_number=corporate if re.fullmatch(r"\d{13}", corporate) else "")
