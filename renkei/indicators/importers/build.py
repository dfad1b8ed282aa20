"""From a parsed file to the values to record: areas resolved, periods read, numbers parsed, rows rejected.

Every problem of a row becomes a `RowError` with the row number and the reason in Japanese and English; the
service rejects the whole file when there is one. Cells that hold no number on purpose (suppressed, "-",
"…") are counted and no value is written for them. Rows of aggregates the place master does not hold
(特別区部, 市部, 郡部, "再掲" rows) are skipped and listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from renkei.core.files import FileError, RowError

from ..areas import Area
from ..models import IndicatorDefinition
from ..periods import Period, PeriodError
from ..services.values import ValueInput
from .areas import AreaResolver
from .cells import PeriodText, parse_number, parse_period_text
from .layouts import ANY_VALUE, IndicatorSpec, ParsedFile, header_key

AGGREGATE_AREA = re.compile(r"特別区部|^市部$|^郡部$|^区部$|^町村部?$|再掲|^市計$|^町村計$|^人口\d|万人?以上|万人?未満"
                            r"|政令指定都市|中核市|^大都市|^その他|^計$|^合計$|^総数$|^不詳$")


@dataclass
class Planned:
    """One value to record and the rows of the file it comes from."""

    rows: list[int]
    item: ValueInput


@dataclass
class Built:
    items: list[Planned] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    suppressed: int = 0
    other_level: int = 0  # values for an area level the definition does not exist at
    specs: list[IndicatorSpec] = field(default_factory=list)
    missing_definitions: list[str] = field(default_factory=list)


def _error(row: int, ja: str, en: str, column: str = "") -> RowError:
    return RowError(ja, en, row=row, column=column)


def _pick(measures: dict[str, str], names: tuple[str, ...], parsed: ParsedFile) -> tuple[str | None, str]:
    """(raw cell, column) of the first of `names` the file holds; (None, "") when it holds none."""
    for name in names:
        if name == ANY_VALUE:
            if ANY_VALUE in measures:
                return measures[ANY_VALUE], ""
            if len(measures) == 1:
                key = next(iter(measures))
                return measures[key], key
            continue
        key = header_key(name)
        if key in measures:
            return measures[key], key
    return None, ""


def _has(parsed: ParsedFile, names: tuple[str, ...]) -> bool:
    for name in names:
        if name == ANY_VALUE:
            if ANY_VALUE in parsed.measures or len(parsed.measures) == 1:
                return True
        elif header_key(name) in parsed.measures:
            return True
    return False


def _auto_specs(parsed: ParsedFile, definitions: dict[str, IndicatorDefinition]) -> list[IndicatorSpec]:
    """A plain table without a mapping: columns named by a definition's code or Japanese name; "<code> 分子" and
    "<code> 分母" (or _numerator / _denominator) feed a rate."""
    specs = []
    for code, definition in definitions.items():
        names = {header_key(code), header_key(definition.name_ja)}
        value = next((k for k in parsed.measures if k in names), None)
        numerator = next((k for k in parsed.measures for n in names
                          if k in (f"{n}分子", f"{n}_分子", f"{n}_numerator", f"{n}numerator")), None)
        denominator = next((k for k in parsed.measures for n in names
                            if k in (f"{n}分母", f"{n}_分母", f"{n}_denominator", f"{n}denominator")), None)
        if numerator and (denominator or not definition.is_rate):
            specs.append(IndicatorSpec(code, numerator=(numerator,),
                                       denominator=(denominator,) if denominator else ()))
        elif value:
            specs.append(IndicatorSpec(code, value=(value,)))
    return specs


def values_from(parsed: ParsedFile, *, definitions: dict[str, IndicatorDefinition], resolver: AreaResolver,
                period: str = "", source_note: str = "") -> Built:
    """The values a parsed file holds for `definitions` (code → definition), with the rows' problems.

    `period` is the file's period when it has no period column (given by staff; else the file's title rows or
    name). FileError when the file feeds none of the definitions.
    """
    built = Built()
    layout = parsed.layout
    specs = list(layout.indicators)
    if not specs and not layout.needs_mapping:
        raise FileError("この形式には指標の対応がありません。", "This layout maps no indicators.")
    if not specs:
        specs = _auto_specs(parsed, definitions)
        if not specs:
            raise FileError(
                "列と指標の対応がありません。列の対応づけを保存するか、列名を指標のコードか名称にしてください。",
                "No column maps to an indicator. Save a column mapping, or name the columns by the indicators' "
                "codes or names.")
    for spec in specs:
        if spec.definition not in definitions:
            built.missing_definitions.append(spec.definition)
            continue
        definition = definitions[spec.definition]
        if spec.value and _has(parsed, spec.value) or spec.numerator and _has(parsed, spec.numerator) and (
                not definition.is_rate or spec.denominator and _has(parsed, spec.denominator)):
            built.specs.append(spec)
    if not built.specs:
        wanted = "、".join(sorted({n for s in specs for n in s.measures if n != ANY_VALUE})[:12]) or "—"
        missing = "、".join(built.missing_definitions[:8])
        raise FileError(
            f"ファイルに指標の列がありません（期待した列: {wanted}）。"
            + (f"指標の定義がありません: {missing}。" if missing else ""),
            f"The file holds none of the indicators' columns (expected: {wanted})."
            + (f" Definitions not found: {missing}." if missing else ""))

    file_period = period or parsed.layout.period_fixed or parsed.file_period
    file_period_text: PeriodText | None = None
    if file_period:
        try:
            file_period_text = parse_period_text(file_period)
        except ValueError:
            raise FileError(f"期間「{file_period}」を読めません（例: 2023、令和5年、FY2023、2023-05）。",
                            f"Cannot read the period “{file_period}” (e.g. 2023, 令和5年, FY2023, 2023-05).") from None

    seen: dict[tuple, int] = {}
    for group in parsed.groups:
        row = group.row
        try:
            area = resolver.resolve(code=group.area_code, name=group.area_name)
        except RowError as error:
            if AGGREGATE_AREA.search(re.sub(r"^\d{5,6}\s*", "", group.area_name or "")):
                built.skipped.append({"row": row, "ja": f"集計の行（{group.area_name}）は取り込みません。",
                                      "en": f"An aggregate row ({group.area_name}) is not imported."})
                continue
            error.row, error.column = row, "area"
            built.errors.append(error)
            continue
        if group.period:
            try:
                period_text = parse_period_text(group.period)
            except ValueError:
                built.errors.append(_error(row, f"期間「{group.period}」を読めません。",
                                           f"Cannot read the period “{group.period}”.", "period"))
                continue
        elif file_period_text is not None:
            period_text = file_period_text
        else:
            built.errors.append(_error(
                row, "期間がありません（期間の列がなく、ファイルの表題からも読めません）。"
                "取り込むときに期間を指定してください。",
                "No period: the file has no period column and its title names none. Give the period when "
                "importing.", "period"))
            continue
        for spec in built.specs:
            definition = definitions[spec.definition]
            planned = _value(group, spec, definition, area, period_text, parsed, built, source_note)
            if planned is None:
                continue
            identity = (definition.pk, area.key, planned.item.period.start)
            if identity in seen:
                built.errors.append(_error(
                    row, f"{definition.code}: {area.name} {planned.item.period.label} の値が {seen[identity]} 行目にも"
                    "あります。", f"{definition.code}: {area.key} {planned.item.period.key} is also on row "
                    f"{seen[identity]}."))
                continue
            seen[identity] = row
            built.items.append(planned)
    return built


def _value(group, spec: IndicatorSpec, definition: IndicatorDefinition, area: Area, period_text: PeriodText,
           parsed: ParsedFile, built: Built, source_note: str) -> Planned | None:
    row = group.row
    if definition.area_levels and area.level not in definition.area_levels:
        built.other_level += 1
        return None
    try:
        period: Period = period_text.to_period(definition.period_type)
    except PeriodError as error:
        built.errors.append(RowError(f"{definition.code}: {error.ja}", f"{definition.code}: {error.en}", row=row,
                                     column="period"))
        return None
    numbers: dict[str, Decimal | None] = {}
    for role in ("value", "numerator", "denominator"):
        names = getattr(spec, role)
        if not names:
            continue
        raw, column = _pick(group.measures, names, parsed)
        if raw is None:
            numbers[role] = None
            continue
        try:
            numbers[role] = parse_number(raw, dash_is_zero=parsed.layout.dash_is_zero)
        except ValueError:
            built.errors.append(_error(row, f"「{column or role}」の「{raw}」は数値ではありません。",
                                       f"“{raw}” in “{column or role}” is not a number.", column or role))
            return None
        if numbers[role] is not None and numbers[role] < 0:
            built.errors.append(_error(row, f"「{column or role}」に負の数（{raw}）は使えません。",
                                       f"“{column or role}” cannot be negative ({raw}).", column or role))
            return None
    if spec.value:
        if numbers.get("value") is None:
            built.suppressed += 1
            return None
        item = ValueInput(definition=definition, area=area, period=period, value=numbers["value"])
    else:
        numerator, denominator = numbers.get("numerator"), numbers.get("denominator")
        if numerator is None or definition.is_rate and denominator is None:
            built.suppressed += 1
            return None
        item = ValueInput(definition=definition, area=area, period=period, numerator=numerator,
                          denominator=denominator if definition.is_rate else None)
    item.source_note = source_note
    item.vintage = parsed.vintage
    return Planned(rows=list(group.rows), item=item)
