"""What the import tests share: definitions as the library will ship them, places, files in published shapes.

The built-in library is written apart (renkei/indicators/library.py); these tests create the few
definitions the imports feed, by the codes the layouts refer to (importers/layouts.py).
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from renkei.core.models import Municipality
from renkei.indicators.models import AreaLevel, IndicatorDefinition, Kind, Origin, PeriodType

from ..factories import MunicipalityFactory, PrefectureFactory

ALL_LEVELS = [AreaLevel.NATION, AreaLevel.PREFECTURE, AreaLevel.MUNICIPALITY]


def make_definition(code: str, *, rate: bool = False, factor: int = 1, period_type=PeriodType.FISCAL_YEAR,
                    levels=None, owner_municipality=None, name_ja: str = "") -> IndicatorDefinition:
    return IndicatorDefinition.objects.create(
        code=code, name_ja=name_ja or code, kind=Kind.OUTCOME, numerator_label="分子",
        denominator_label="分母" if rate else "", factor=factor if rate else 1, period_type=period_type,
        area_levels=ALL_LEVELS if levels is None else levels, origin=Origin.IMPORTED,
        owner_municipality=owner_municipality, is_builtin=owner_municipality is None)


def _builtins(*codes: str) -> dict[str, IndicatorDefinition]:
    """The shipped library's definitions (seeded by the indicators' data migration), as the layouts use them."""
    found = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=codes, owner_municipality=None,
                                                                    owner_prefecture=None)}
    assert set(found) == set(codes), f"missing from the library: {set(codes) - set(found)}"
    return found


def death_place_definitions() -> dict[str, IndicatorDefinition]:
    """死亡数（総数） and the five shares of the place of death, by the library's codes."""
    return _builtins("ZT-BASE-04", "ZT-T-O01", "ZT-T-O02", "ZT-T-O03", "ZT-T-O04", "ZT-T-O05")


def population_definitions() -> dict[str, IndicatorDefinition]:
    """総人口, 75歳以上人口, 65歳以上人口 by the library's codes."""
    return _builtins("ZT-BASE-01", "ZT-BASE-02", "ZT-BASE-03")


def kyoto_places() -> dict[str, Municipality]:
    """京都府 and three of its cities, 大阪府 and one (a name two prefectures share is added by the tests)."""
    kyoto = PrefectureFactory(code="26", name="京都府")
    osaka = PrefectureFactory(code="27", name="大阪府", kana="オオサカフ")
    return {
        "fukuchiyama": MunicipalityFactory(jis_code="26201", name="福知山市", prefecture=kyoto),
        "maizuru": MunicipalityFactory(jis_code="26202", name="舞鶴市", prefecture=kyoto),
        "ayabe": MunicipalityFactory(jis_code="26203", name="綾部市", prefecture=kyoto),
        "suita": MunicipalityFactory(jis_code="27205", name="吹田市", prefecture=osaka),
    }


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    lines = []
    for row in rows:
        cells = []
        for cell in row:
            text = str(cell)
            if delimiter in text or '"' in text or "\n" in text:
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


DEATH_PLACE_COLUMNS = ["総数", "病院", "診療所", "介護医療院・介護老人保健施設", "助産所", "老人ホーム", "自宅",
                       "その他"]


def death_place_wide(rows: list[tuple[str, list]], *, title_year: str = "令和5年") -> list[list[str]]:
    """A 人口動態統計 table as e-Stat's file downloads show it: a title, the survey, a header, rows "26201 福知山市",
    a note line at the end."""
    return [
        ["人口動態調査 人口動態統計 確定数 死亡"],
        [f"死亡数，死亡の場所・市区町村別 {title_year}"],
        [],
        ["地域", *DEATH_PLACE_COLUMNS],
        *[[area, *[str(v) for v in values]] for area, values in rows],
        ["注：老人ホームとは、養護老人ホーム、特別養護老人ホーム、軽費老人ホーム及び有料老人ホームをいう。"],
    ]
