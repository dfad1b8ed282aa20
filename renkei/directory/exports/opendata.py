"""CSV in the 自治体標準オープンデータセット format, so a municipality can publish its own open data.

Version followed: デジタル庁「自治体標準オープンデータセット（正式版）」, the column layout after the
revision that aligned every dataset's address block with the GIF (政府相互運用性フレームワーク) address
vocabulary (所在地_全国地方公共団体コード, 町字ID, 所在地_連結表記, 所在地_都道府県, 所在地_市区町村,
所在地_町字, 所在地_番地以下, 建物名等(方書)); the dataset-specific columns are those of
「03 医療機関一覧」 and 「02 介護サービス事業所一覧」 (the 2019 推奨データセット's items, kept by 正式版).
The official 定義書 was not reachable while writing this; the lists were cross-checked against
municipalities' published files in that layout. Check `MEDICAL_COLUMNS` / `CARE_COLUMNS` against the
current 定義書 before publishing and adjust them here (the tests pin them).

Rules applied (the standard's 作成ルール):
- UTF-8 with a BOM (Excel, which most staff open the file with, needs it to detect UTF-8), CRLF line
  ends (RFC 4180), a single header row, comma separated, fields quoted only when needed.
- Column order exactly as listed; every column present even when empty.
- 全国地方公共団体コード: the publishing municipality's 6-digit code with check digit; 地方公共団体名:
  都道府県名 + 市区町村名 ("京都府福知山市").
- Several values in one field are separated by a half-width semicolon (診療科目, 診療曜日).
- 緯度/経度: decimal degrees (世界測地系), empty when the position is unknown (never 0).
- Text beginning with = + - @ (or a tab/CR) gets a leading ' so no cell runs as a formula
  (`renkei.core.spreadsheets`).
- Times as hh:mm; dates as YYYY-MM-DD (none of the current columns are dates).

Which facilities go where: hospitals, clinics and dental clinics (医療法の病院・診療所) → 医療機関一覧
(医療機関の種類: 病院 / 有床診療所 / 無床診療所, the standard's three values); care services and visiting
nursing stations (訪問看護, 介護保険 130) → 介護サービス事業所一覧. Pharmacies, community support centers
and informal resources have no dataset in the standard and are left out of both (they are in the
GeoJSON, Excel and booklet exports). Only public fields are written: no professional-only detail.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from renkei.core.spreadsheets import SafeCsvWriter

from ..models import Facility, FacilityIdentifier
from . import common
from .scope import ExportScope, export_facilities, iter_export_facilities

MEDICAL = "medical"
CARE = "care"

ADDRESS_COLUMNS = [
    "所在地_全国地方公共団体コード", "町字ID", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村",
    "所在地_町字", "所在地_番地以下", "建物名等(方書)", "緯度", "経度",
]
MEDICAL_COLUMNS = [
    "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", "医療機関の種類",
    *ADDRESS_COLUMNS,
    "電話番号", "内線番号", "FAX番号", "法人番号", "法人の名称", "医療機関コード", "診療曜日", "診療開始時間",
    "診療終了時間", "診療日時特記事項", "時間外における対応", "診療科目", "病床数", "URL", "備考",
]
CARE_COLUMNS = [
    "全国地方公共団体コード", "ID", "地方公共団体名", "介護サービス事業所名称", "介護サービス事業所名称_カナ",
    "介護サービス事業所名称_英字", "実施サービス",
    *ADDRESS_COLUMNS,
    "電話番号", "内線番号", "FAX番号", "法人番号", "法人の名称", "事業所番号", "利用可能曜日", "利用可能曜日特記事項",
    "定員", "URL", "備考",
]
DATASETS = {
    # dataset: (columns, facility kinds, file name part, Japanese title)
    MEDICAL: (MEDICAL_COLUMNS, ("hospital", "clinic", "dental_clinic"), "iryokikan", "医療機関一覧"),
    CARE: (CARE_COLUMNS, ("care_service", "visiting_nursing_station"), "kaigo_jigyosho", "介護サービス事業所一覧"),
}
BOM = "\ufeff"


def dataset_scope(scope: ExportScope, dataset: str) -> ExportScope:
    """The scope narrowed to the kinds the dataset holds (keeping any narrower choice the user made)."""
    kinds = DATASETS[dataset][1]
    chosen = tuple(k for k in (scope.kinds or kinds) if k in kinds) or ("__none__",)
    return ExportScope(municipality=scope.municipality, area=scope.area, area_not_set=scope.area_not_set,
                       kinds=chosen, include_closed=scope.include_closed)


def count_rows(scope: ExportScope, dataset: str) -> int:
    return export_facilities(dataset_scope(scope, dataset)).count()


def _publisher(scope: ExportScope) -> tuple[str, str]:
    municipality = scope.municipality
    return municipality.code, municipality.prefecture.name + common.municipality_label(municipality)


def _record_id(facility: Facility) -> str:
    """The municipality's own ID for the facility when it has one (kept across editions), else ours."""
    return common.identifier(facility, FacilityIdentifier.Scheme.MUNICIPAL_ID) or str(facility.pk)


def _address_values(facility: Facility) -> list[str]:
    town, rest = common.split_address(facility)
    return [
        facility.municipality.code, "", common.full_address(facility), facility.prefecture.name,
        common.municipality_label(facility.municipality), town, rest, "",
        common.coordinate(facility.latitude), common.coordinate(facility.longitude),
    ]


def medical_type(facility: Facility) -> str:
    """医療機関の種類: 病院, or a 診療所 with or without beds (the standard's three values)."""
    if facility.kind == "hospital":
        return "病院"
    return "有床診療所" if facility.beds_total else "無床診療所"


def medical_row(facility: Facility, code: str, publisher: str) -> list[str]:
    days, opens, closes, note = common.hours_summary(facility)
    after_hours = "24時間対応" if common.public_yes(facility, "round_the_clock") else ""
    return [
        code, _record_id(facility), publisher, facility.name, common.katakana(facility.kana),
        facility.name_romaji, medical_type(facility),
        *_address_values(facility),
        facility.phone, "", facility.fax, common.identifier(facility, FacilityIdentifier.Scheme.CORPORATE_NUMBER),
        facility.corporation_name,
        common.identifier(facility, FacilityIdentifier.Scheme.MEDICAL_INSTITUTION_CODE),
        days, opens, closes, note, after_hours, ";".join(facility.department_list),
        "" if facility.beds_total is None else str(facility.beds_total), facility.website, "",
    ]


def care_row(facility: Facility, code: str, publisher: str) -> list[str]:
    days, opens, closes, note = common.hours_summary(facility)
    if opens:
        note = "／".join(part for part in (f"{opens}～{closes}", note) if part)
    return [
        code, _record_id(facility), publisher, facility.name, common.katakana(facility.kana),
        facility.name_romaji, common.service_type_label(facility),
        *_address_values(facility),
        facility.phone, "", facility.fax, common.identifier(facility, FacilityIdentifier.Scheme.CORPORATE_NUMBER),
        facility.corporation_name, common.care_office_number(facility), days, note,
        "" if facility.capacity is None else str(facility.capacity), facility.website, "",
    ]


def dataset_rows(scope: ExportScope, dataset: str) -> Iterator[list[str]]:
    """The data rows (no header) of a dataset for the scope, streamed."""
    code, publisher = _publisher(scope)
    make_row = medical_row if dataset == MEDICAL else care_row
    for facility in iter_export_facilities(dataset_scope(scope, dataset)):
        yield make_row(facility, code, publisher)


def csv_chunks(header: list[str], rows: Iterable[list[str]], *, rows_per_chunk: int = 200) -> Iterator[bytes]:
    """Encode rows as the standard's CSV (UTF-8 with BOM, CRLF), a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= rows_per_chunk:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue().encode("utf-8")


def opendata_csv(scope: ExportScope, dataset: str) -> Iterator[bytes]:
    """The whole CSV of one dataset (医療機関一覧 or 介護サービス事業所一覧) as a stream of bytes."""
    return csv_chunks(DATASETS[dataset][0], dataset_rows(scope, dataset))
