"""Municipalities' population (for the survey's population bands and the 75+ share layer), written through the
indicators engine as the built-in ZT-BASE-01 (総人口) and ZT-BASE-02 (75歳以上人口) values: one source for every
screen that divides by population."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from renkei.indicators.areas import Area
from renkei.indicators.models import IndicatorDefinition, Origin
from renkei.indicators.periods import fiscal_year
from renkei.indicators.services.values import RecordResult, ValueInput, values_record

from ..selectors.population import AGED_75_CODE, POPULATION_CODE


@dataclass(frozen=True)
class PopulationRow:
    municipality: object
    fiscal_year: int
    total: int
    aged_75_plus: int | None = None


def _builtin(code: str) -> IndicatorDefinition:
    return IndicatorDefinition.objects.get(code=code, owner_municipality__isnull=True,
                                           owner_prefecture__isnull=True)


def population_record(rows: list[PopulationRow], *, membership=None, source_note: str = "") -> RecordResult:
    """Record every row's figures in one transaction (all or nothing); unchanged figures write nothing.
    `membership` is asked `indicators.record_values` on each municipality (None: the system)."""
    total, aged = _builtin(POPULATION_CODE), _builtin(AGED_75_CODE)
    items = []
    for row in rows:
        area, period = Area.of_municipality(row.municipality), fiscal_year(row.fiscal_year)
        items.append(ValueInput(definition=total, area=area, period=period, numerator=Decimal(row.total),
                                source_note=source_note))
        if row.aged_75_plus is not None:
            items.append(ValueInput(definition=aged, area=area, period=period, numerator=Decimal(row.aged_75_plus),
                                    source_note=source_note))
    return values_record(items=items, origin=Origin.IMPORTED, membership=membership)


@dataclass
class PopulationImportResult:
    rows: int = 0
    municipalities: int = 0
    errors: list = field(default_factory=list)  # RowError
    recorded: RecordResult | None = None


def _number(text: str) -> int | None:
    text = text.replace(",", "").replace("人", "").strip()
    # No municipality has 50 million people: a bigger figure is a typing error (and would overflow the store).
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 8 else None


def population_import(*, data: bytes, fiscal_year: int | None = None, membership=None) -> PopulationImportResult:
    """Read `市区町村コード,総人口[,75歳以上人口][,年度]` (CSV or .xlsx) and record it; nothing when a row is wrong."""
    from renkei.core.files import FileError, RowError, clean, read_table

    from ..importers.implementation import _key, code_problem, municipality_index

    _encoding, header, rows = read_table(data)
    keys = [_key(h) for h in header]

    def column(*names):
        return next((keys.index(n) for n in names if n in keys), None)

    code_at = column("市区町村コード", "市町村コード", "団体コード", "コード")
    total_at = column("総人口", "人口")
    aged_at = column("75歳以上人口", "75歳以上")
    year_at = column("年度")
    if code_at is None or total_at is None:
        raise FileError("見出しに「市区町村コード」と「総人口」の列が必要です。",
                        "The header needs the columns 市区町村コード and 総人口.")
    parsed = [(n, [clean(c) for c in [*cells, "", "", "", ""]]) for n, cells in rows]
    index = municipality_index({cells[code_at] for _n, cells in parsed})
    result = PopulationImportResult(rows=len(parsed))
    seen: dict[tuple, int] = {}
    items = []
    for number, cells in parsed:
        code = cells[code_at]
        problem = code_problem(code)
        municipality = index.get(code)
        if problem is None and municipality is None:
            problem = (f"市区町村コード「{code}」の市区町村はありません", f"no municipality has the code {code!r}")
        if problem:
            result.errors.append(RowError(*problem, row=number, column="市区町村コード"))
            continue
        total = _number(cells[total_at])
        aged = _number(cells[aged_at]) if aged_at is not None and cells[aged_at] else None
        if total is None or (aged_at is not None and cells[aged_at] and aged is None):
            result.errors.append(RowError("人口は 0 以上の整数で書いてください", "population must be a whole number",
                                          row=number, column="総人口"))
            continue
        if aged is not None and aged > total:
            result.errors.append(RowError("75歳以上人口が総人口を超えています", "aged 75+ exceeds the total",
                                          row=number, column="75歳以上人口"))
            continue
        raw_year = cells[year_at].removesuffix("年度") if year_at is not None else ""
        year = int(raw_year) if raw_year.isascii() and raw_year.isdigit() else (None if raw_year else fiscal_year)
        if year is None or not 2000 <= year <= 2100:
            result.errors.append(RowError("年度がありません（年度の列か --year で指定してください）",
                                          "no fiscal year (give a 年度 column or --year)", row=number, column="年度"))
            continue
        key = (municipality.pk, year)
        if key in seen:
            result.errors.append(RowError(f"{seen[key]} 行目と同じ市区町村・年度です",
                                          f"duplicate of row {seen[key]}", row=number, column="市区町村コード"))
            continue
        seen[key] = number
        items.append(PopulationRow(municipality, year, total, aged))
    result.municipalities = len({row.municipality.pk for row in items})
    if result.errors or not items:
        if not items and not result.errors:
            result.errors.append(RowError("人口の行がありません", "the file holds no rows", row=None))
        return result
    result.recorded = population_record(items, membership=membership, source_note="population import")
    return result
