"""The layouts of the files staff have, and how a file becomes observations (area, period, measure → cell).

A layout says where the header is likely to be (statistics tables put titles, the survey's name and its
table number above it, notes below), which columns name the area and the period, and which measures
(column names, or classification values in e-Stat's long format) feed which indicator definitions.
Three shapes are read, whichever the layout:

- **wide**: one row per area (and period), one column per measure: "総数, 病院, …, 自宅, その他";
- **long**: e-Stat's API and database downloads, one row per area × period × classification with a value
  column ("地域 コード, 地域, 時間軸(年次) コード, 時間軸(年次), 死亡の場所, 単位, 値" / "area_code, …, value");
- **periods across**: the 見える化 system's time series, one row per area, one column per year.

Built-in layouts refer to definitions by code (`DEATH_PLACE_SPECS`, `POPULATION_SPECS`: the library's
ZT-BASE-0x and ZT-T-O0x codes). Saved mappings (`IndicatorColumnMapping.columns`) override a
layout's columns: `{"area_code": "…", "area_name": "…", "period": "…", "period_fixed": "FY2023",
"indicators": [{"definition": CODE, "value": "column"} | {"definition": CODE, "numerator": "column",
"denominator": "column"}]}`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from renkei.core.files import FileError, clean, read_grid

from .cells import looks_like_period, period_in_title, vintage_from_text

HEADER_SCAN_ROWS = 60  # title and explanation rows above a header; more is not a table we know
ANY_VALUE = "*"  # an indicator's value is the one value column (見える化: the file holds one indicator)


def header_key(text: str) -> str:
    """A column name as compared: width-normalized, no spaces, no leading "/" (e-Stat's "/項目"), no unit in
    brackets at the end ("自宅【人】", "総数(人)"), no leading item number ("01_総数", "1.総数")."""
    key = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    key = re.sub(r"\s+", "", key).lstrip("/／")
    key = re.sub(r"[\(\[【（][^\)\]】）]*[\)\]】）]$", "", key) or key
    stripped = re.sub(r"^\d{1,3}[_.:：\-]", "", key)
    return stripped or key


@dataclass(frozen=True)
class IndicatorSpec:
    """One definition fed by the file: from a numerator (and denominator) measure, or from a value measure."""

    definition: str
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    value: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: dict) -> IndicatorSpec:
        def names(key):
            found = data.get(key) or ()
            return (found,) if isinstance(found, str) else tuple(found)

        return cls(definition=str(data.get("definition", "")).strip(), numerator=names("numerator"),
                   denominator=names("denominator"), value=names("value"))

    def as_json(self) -> dict:
        out: dict = {"definition": self.definition}
        for key in ("numerator", "denominator", "value"):
            names = getattr(self, key)
            if names:
                out[key] = names[0] if len(names) == 1 else list(names)
        return out

    @property
    def measures(self) -> tuple[str, ...]:
        return (*self.numerator, *self.denominator, *self.value)


@dataclass(frozen=True)
class Layout:
    """How to read one kind of file (see the module docstring)."""

    name: str
    label_ja: str
    label_en: str
    source_note: str = ""
    area_code: tuple[str, ...] = ()
    area_name: tuple[str, ...] = ()
    period: tuple[str, ...] = ()
    value_column: tuple[str, ...] = ("値", "value", "数値", "データ")
    period_fixed: str = ""
    indicators: tuple[IndicatorSpec, ...] = ()
    sheet_prefixes: tuple[str, ...] = ()
    # None: the file decides (a header of periods reads as a time series); False: never periods across.
    periods_across: bool | None = False
    derive: Callable[[dict[str, str]], None] | None = None
    # A plain table's columns are named by the one who maps them: without a mapping, columns named by a
    # definition's code or Japanese name are taken ("auto").
    needs_mapping: bool = False
    # e-Stat's tables write "-" for none (計数のない場合: 0), "…" for unknown and "x" for secret; other files
    # use "-" for "not available", read as no value.
    dash_is_zero: bool = False

    def with_columns(self, columns: dict) -> Layout:
        """This layout with a saved mapping's columns (a name or a list of candidate names each)."""
        def names(key, default):
            found = columns.get(key)
            if found in (None, "", []):
                return default
            return (found,) if isinstance(found, str) else tuple(found)

        indicators = tuple(IndicatorSpec.from_json(item) for item in columns.get("indicators") or ()
                           if isinstance(item, dict) and item.get("definition"))
        return replace(self, area_code=names("area_code", self.area_code),
                       area_name=names("area_name", self.area_name), period=names("period", self.period),
                       period_fixed=str(columns.get("period_fixed") or self.period_fixed),
                       indicators=indicators or self.indicators)


# --- the built-in layouts ---------------------------------------------------------------------------

AREA_CODE_NAMES = ("地域コード", "area_code", "市区町村コード", "市町村コード", "団体コード", "全国地方公共団体コード",
                   "自治体コード", "地域(コード)", "コード", "code")
AREA_NAME_NAMES = ("地域", "市区町村", "市区町村名", "市町村", "市町村名", "自治体", "自治体名", "地域名", "保険者名",
                   "都道府県・市区町村", "都道府県市区町村", "area", "地域(名称)", "名称", "保険者")
PERIOD_NAMES = ("時間軸(年次)", "時間軸(年度次)", "時間軸(年)", "時間軸(年度)", "時間軸(月次)", "時間軸", "年次",
                "年度", "年", "調査年", "対象年度", "年月", "診療年月", "time", "period", "期間")

# Codes of the built-in library's definitions these layouts feed (renkei/indicators/library.py).
DEATHS_TOTAL = "ZT-BASE-04"  # 死亡数（総数）
DEATHS_AT_HOME_SHARE = "ZT-T-O01"  # 自宅での死亡の割合
DEATHS_IN_CARE_HOMES_SHARE = "ZT-T-O02"  # 老人ホームでの死亡の割合
DEATHS_AT_HOME_OR_CARE_HOMES_SHARE = "ZT-T-O03"  # 自宅・老人ホームでの死亡の割合（在宅等死亡割合）
DEATHS_IN_CARE_FACILITIES_SHARE = "ZT-T-O04"  # 介護医療院・介護老人保健施設での死亡の割合
DEATHS_IN_HOSPITALS_SHARE = "ZT-T-O05"  # 病院・診療所での死亡の割合
POPULATION_TOTAL = "ZT-BASE-01"
POPULATION_75_PLUS = "ZT-BASE-02"
POPULATION_65_PLUS = "ZT-BASE-03"

DEATH_TOTAL_NAMES = ("総数", "死亡総数", "死亡数総数", "死亡数", "総計", "計")
# Before 2018 the column was 介護老人保健施設 alone.
CARE_FACILITY_NAMES = ("介護医療院・介護老人保健施設", "介護医療院･介護老人保健施設", "介護老人保健施設",
                       "介護医療院・老健", "老健")
HOME_OR_CARE_HOME = "自宅・老人ホーム"  # summed from 自宅 and 老人ホーム when the file has no such column
HOSPITAL_OR_CLINIC = "病院・診療所"  # summed from 病院 and 診療所
DEATH_PLACE_SPECS = (
    IndicatorSpec(DEATHS_TOTAL, numerator=DEATH_TOTAL_NAMES),
    IndicatorSpec(DEATHS_AT_HOME_SHARE, numerator=("自宅",), denominator=DEATH_TOTAL_NAMES),
    IndicatorSpec(DEATHS_IN_CARE_HOMES_SHARE, numerator=("老人ホーム",), denominator=DEATH_TOTAL_NAMES),
    IndicatorSpec(DEATHS_AT_HOME_OR_CARE_HOMES_SHARE, numerator=(HOME_OR_CARE_HOME, "在宅等"),
                  denominator=DEATH_TOTAL_NAMES),
    IndicatorSpec(DEATHS_IN_CARE_FACILITIES_SHARE, numerator=CARE_FACILITY_NAMES, denominator=DEATH_TOTAL_NAMES),
    IndicatorSpec(DEATHS_IN_HOSPITALS_SHARE, numerator=(HOSPITAL_OR_CLINIC, "病院・診療所計"),
                  denominator=DEATH_TOTAL_NAMES),
)
POPULATION_SPECS = (
    IndicatorSpec(POPULATION_TOTAL, numerator=("総数", "総人口", "人口総数", "人口", "総計", "年齢総数", "計")),
    IndicatorSpec(POPULATION_65_PLUS, numerator=("65歳以上", "65歳以上人口", "老年人口", "高齢者人口")),
    IndicatorSpec(POPULATION_75_PLUS, numerator=("75歳以上", "75歳以上人口", "後期高齢者人口")),
)
BUILTIN_CODES = tuple(spec.definition for spec in (*DEATH_PLACE_SPECS, *POPULATION_SPECS))


def derive_death_place_sums(measures: dict[str, str]) -> None:
    """Add 自宅・老人ホーム and 病院・診療所 summed from their columns when the file has none ("-" is none: 0)."""
    from .cells import parse_number

    for target, parts in ((HOME_OR_CARE_HOME, ("自宅", "老人ホーム")), (HOSPITAL_OR_CLINIC, ("病院", "診療所"))):
        if target in measures or not all(part in measures for part in parts):
            continue
        numbers = []
        for part in parts:
            try:
                numbers.append(parse_number(measures[part], dash_is_zero=True))
            except ValueError:
                numbers = measures[part]  # the sum's indicator reports the cell that is not a number
                break
        if isinstance(numbers, str):
            measures[target] = numbers
        else:
            measures[target] = "" if any(n is None for n in numbers) else str(sum(numbers))


_AGE_RANGE = re.compile(r"^(\d{1,3})[~〜\-－ー](\d{1,3})歳$")
_AGE_OVER = re.compile(r"^(\d{1,3})歳以上$")


def derive_age_totals(measures: dict[str, str]) -> None:
    """Add 65歳以上 / 75歳以上 summed from five-year groups ("65～69歳" … "100歳以上") when the file has none."""
    from .cells import parse_number

    groups: list[tuple[int, int | None, str]] = []
    for key, raw in measures.items():
        if m := _AGE_RANGE.match(key):
            groups.append((int(m[1]), int(m[2]), raw))
        elif m := _AGE_OVER.match(key):
            groups.append((int(m[1]), None, raw))
    for lower in (65, 75):
        key = f"{lower}歳以上"
        if key in measures:
            continue
        parts = sorted(g for g in groups if g[0] >= lower)
        # Contiguous from `lower` up to an open-ended group: otherwise the sum would miss ages.
        if not parts or parts[0][0] != lower or parts[-1][1] is not None:
            continue
        if any(b[0] != a[1] + 1 for a, b in zip(parts, parts[1:], strict=False) if a[1] is not None):
            continue
        try:
            numbers = [parse_number(raw) for _, _, raw in parts]
        except ValueError:
            continue
        if any(n is None for n in numbers):
            continue
        measures[key] = str(sum(numbers))


LAYOUTS: dict[str, Layout] = {
    "estat-death-place": Layout(
        name="estat-death-place", label_ja="e-Stat 人口動態統計 死亡の場所別（市区町村別）",
        label_en="e-Stat vital statistics: deaths by place of death, by municipality",
        source_note="厚生労働省「人口動態統計」死亡の場所別 (e-Stat)",
        area_code=AREA_CODE_NAMES, area_name=AREA_NAME_NAMES, period=PERIOD_NAMES,
        indicators=DEATH_PLACE_SPECS, derive=derive_death_place_sums, dash_is_zero=True),
    "estat-population-age": Layout(
        name="estat-population-age", label_ja="e-Stat 年齢別人口（市区町村別）",
        label_en="e-Stat population by age group, by municipality",
        source_note="総務省「国勢調査」/「住民基本台帳に基づく人口」年齢別人口 (e-Stat)",
        area_code=AREA_CODE_NAMES, area_name=AREA_NAME_NAMES, period=PERIOD_NAMES,
        indicators=POPULATION_SPECS, derive=derive_age_totals, dash_is_zero=True),
    "mieruka": Layout(
        name="mieruka", label_ja="地域包括ケア「見える化」システム（Excel）",
        label_en="地域包括ケア「見える化」system download (Excel)",
        source_note="厚生労働省 地域包括ケア「見える化」システム",
        area_code=AREA_CODE_NAMES, area_name=(*AREA_NAME_NAMES, "保険者名", "地域名称", "区分"),
        period=PERIOD_NAMES, sheet_prefixes=("表形式",), periods_across=None, needs_mapping=True),
    "kdb": Layout(
        name="kdb", label_ja="KDB（国保データベース）CSV", label_en="KDB (national health insurance database) CSV",
        source_note="国保データベース（KDB）システム",
        # KDB's 保険者番号 is not a municipality code: areas are read by name.
        area_code=("市区町村コード", "市町村コード", "地域コード", "団体コード"),
        area_name=("保険者名", "市町村名", "市区町村名", "地域名", "地域", "自治体名"),
        period=("年度", "対象年度", "作成年度", "診療年月", "作成年月", "年月", "期間"), needs_mapping=True),
    "table": Layout(
        name="table", label_ja="表（地域・期間・指標ごとの列）",
        label_en="Plain table (area, period, one column per indicator)",
        area_code=AREA_CODE_NAMES, area_name=AREA_NAME_NAMES, period=PERIOD_NAMES, needs_mapping=True),
}


def layout_named(name: str) -> Layout:
    try:
        return LAYOUTS[name]
    except KeyError:
        names = ", ".join(LAYOUTS)
        raise FileError(f"取り込みの形式「{name}」はありません（{names}）。",
                        f"There is no import layout “{name}” ({names}).") from None


# --- reading a file ---------------------------------------------------------------------------------

@dataclass
class Group:
    """One area and period of the file with its measures (header key → raw cell); `row` is the first row."""

    row: int
    area_code: str
    area_name: str
    period: str
    measures: dict[str, str] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)


@dataclass
class ParsedFile:
    layout: Layout
    encoding: str = ""
    sheet: str = ""
    header: list[str] = field(default_factory=list)
    header_row: int = 0
    shape: str = "wide"  # wide, long, periods_across
    groups: list[Group] = field(default_factory=list)
    rows_read: int = 0
    notes_skipped: int = 0
    vintage: dt.date | None = None
    file_period: str = ""  # a period for the whole file, from its title rows or its name
    measures: set[str] = field(default_factory=set)  # every measure key the file holds

    @property
    def header_signature(self) -> str:
        return header_signature(self.header)


def header_signature(headers: list[str]) -> str:
    """What finds a saved mapping again for the next edition: the header's column names, order kept."""
    keys = [header_key(h) for h in headers if header_key(h)]
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()


def _find(header_keys: list[str], names: tuple[str, ...]) -> int | None:
    keys = [header_key(n) for n in names]
    for key in keys:  # candidates in order of preference
        if key in header_keys:
            return header_keys.index(key)
    return None


def _is_code_column(key: str) -> bool:
    return key.endswith(("コード", "_code", "code")) and key not in ("コード", "code")


def _column_plan(header: list[str], layout: Layout) -> dict | None:
    """Which column is what, for a header candidate; None when the row is not the layout's header."""
    keys = [header_key(h) for h in header]
    area_code = _find(keys, layout.area_code)
    area_name = _find(keys, layout.area_name)
    if area_name is None:  # "都道府県・市区町村名", "市区町村(名称)": a column naming areas by another word
        area_name = next((i for i, k in enumerate(keys) if not _is_code_column(k)
                          and re.search(r"地域|市区町村|市町村|自治体|保険者名", k)), None)
    if area_code is None and area_name is None:
        return None
    if area_code is not None and area_name is not None and area_code == area_name:
        area_code = None
    period = _find(keys, layout.period)
    period_code = None
    if period is not None and keys[period].endswith("コード") or period is None:
        # e-Stat writes the time axis twice: "時間軸(年次) コード" and "時間軸(年次)"; prefer the label.
        code_like = next((i for i, k in enumerate(keys) if k.startswith("時間軸") and _is_code_column(k)), None)
        label = next((i for i, k in enumerate(keys) if k.startswith("時間軸") and not _is_code_column(k)), None)
        period_code = code_like
        period = label if label is not None else period if period is not None else code_like
    value = _find(keys, layout.value_column)
    used = {i for i in (area_code, area_name, period, period_code) if i is not None}
    measure_columns = [i for i, k in enumerate(keys) if i not in used and k]
    wanted = {header_key(n) for spec in layout.indicators for n in spec.measures if n != ANY_VALUE}
    plan = {"area_code": area_code, "area_name": area_name, "period": period, "period_code": period_code,
            "keys": keys}
    if value is not None and not wanted & set(keys):
        plan.update(shape="long", value=value)
        return plan
    period_columns = [i for i in measure_columns if looks_like_period(header[i])
                      and not re.fullmatch(r"\d{5,6}", keys[i])]
    if layout.periods_across is not False and len(period_columns) >= 1 and period is None:
        plan.update(shape="periods_across", measure_columns=period_columns)
        return plan
    found = [i for i in measure_columns if keys[i] in wanted]
    if wanted and not found:
        return None
    if not wanted and not measure_columns:
        return None
    plan.update(shape="wide", measure_columns=measure_columns)
    return plan


_NOTE_START = re.compile(r"^(注|※|\*|資料|出典|出所|備考|\(注|（注|[0-9]+\)|[0-9]+）)")
TOTAL_WORDS = frozenset({"総数", "総計", "計", "合計", "男女計", "全体", "全年齢", "総数(男女計)"})


def read_file(data: bytes, layout: Layout, *, file_name: str = "") -> ParsedFile:
    """Observations of a whole file (CSV, TSV or Excel), grouped by area and period; FileError when the file
    is not one the layout can read. Cells are kept raw: numbers and periods are read when values are built."""
    encoding, sheet, grid = read_grid(data, sheet_prefixes=layout.sheet_prefixes)
    parsed = ParsedFile(layout=layout, encoding=encoding, sheet=sheet)
    plan = None
    for index, (number, cells) in enumerate(grid[:HEADER_SCAN_ROWS]):
        plan = _column_plan(cells, layout)
        if plan is not None:
            header_index = index
            parsed.header, parsed.header_row = [clean(c) for c in cells], number
            break
    if plan is None:
        raise FileError(
            f"見出しの行が見つかりません（「{layout.label_ja}」の形式として、地域の列と指標の列を含む行が先頭"
            f"{HEADER_SCAN_ROWS}行にありません）。形式の選択と列の対応づけを確かめてください。",
            f"No header row found: none of the first {HEADER_SCAN_ROWS} rows holds an area column and the "
            f"columns of “{layout.label_en}”. Check the layout chosen and the column mapping.")
    parsed.shape = plan["shape"]
    for _number, cells in grid[:header_index]:
        for cell in cells:
            if parsed.vintage is None and (found := vintage_from_text(cell)):
                parsed.vintage = found
                continue
            if not parsed.file_period and not vintage_from_text(cell):
                text = clean(cell)
                text = re.split(r"[:：]", text, maxsplit=1)[-1] if re.match(r"^[^:：]{1,12}[:：]", text) else text
                if not re.fullmatch(r"\d{7,}", text.replace(" ", "")):
                    parsed.file_period = period_in_title(text)
    if not parsed.file_period:
        # "…_2023.csv", "R5_死亡の場所.xlsx": the year in the file's name.
        stem = re.sub(r"\.[A-Za-z]{2,4}$", "", file_name or "")
        for part in re.split(r"[_\-\s]+", stem):
            if part and looks_like_period(part) and not re.fullmatch(r"\d{5,}", part):
                parsed.file_period = part
                break
    rows = grid[header_index + 1:]
    if parsed.shape == "long":
        _read_long(parsed, plan, rows)
    else:
        _read_wide(parsed, plan, rows)
    if layout.derive:
        for group in parsed.groups:
            layout.derive(group.measures)
            parsed.measures.update(group.measures)
    return parsed


def _cell(cells: list[str], index: int | None) -> str:
    return clean(cells[index]) if index is not None and index < len(cells) else ""


def _is_note(cells: list[str]) -> bool:
    filled = [clean(c) for c in cells if clean(c)]
    return len(filled) <= 1 and (not filled or bool(_NOTE_START.match(filled[0])) or len(filled[0]) > 20)


def _read_wide(parsed: ParsedFile, plan: dict, rows) -> None:
    keys, columns = plan["keys"], plan["measure_columns"]
    across = parsed.shape == "periods_across"
    parsed.measures = {ANY_VALUE} if across else {keys[i] for i in columns}
    for number, cells in rows:
        parsed.rows_read += 1
        area_code, area_name = _cell(cells, plan["area_code"]), _cell(cells, plan["area_name"])
        if not area_code and not area_name:
            if _is_note(cells) or not any(_cell(cells, i) for i in columns):
                parsed.notes_skipped += 1
                continue
        elif _is_note(cells) and _NOTE_START.match(area_code or area_name):
            parsed.notes_skipped += 1
            continue
        period = _cell(cells, plan["period"]) or _cell(cells, plan.get("period_code"))
        if across:
            for i in columns:
                parsed.groups.append(Group(row=number, area_code=area_code, area_name=area_name,
                                           period=parsed.header[i], measures={ANY_VALUE: _cell(cells, i)},
                                           rows=[number]))
        else:
            parsed.groups.append(Group(row=number, area_code=area_code, area_name=area_name, period=period,
                                       measures={keys[i]: _cell(cells, i) for i in columns}, rows=[number]))


def _read_long(parsed: ParsedFile, plan: dict, rows) -> None:
    keys = plan["keys"]
    skip = {plan[k] for k in ("area_code", "area_name", "period", "period_code", "value") if plan[k] is not None}
    classification = [i for i, k in enumerate(keys) if i not in skip and k and not _is_code_column(k)
                      and k not in ("単位", "unit", "注釈", "annotation", "注記", "備考")]
    records = []
    for number, cells in rows:
        parsed.rows_read += 1
        area_code, area_name = _cell(cells, plan["area_code"]), _cell(cells, plan["area_name"])
        if not area_code and not area_name:
            parsed.notes_skipped += 1
            continue
        classes = {i: _cell(cells, i) for i in classification}
        period = _cell(cells, plan["period"]) or _cell(cells, plan["period_code"])
        records.append((number, area_code, area_name, period, classes, _cell(cells, plan["value"])))
    varying = [i for i in classification if len({r[4][i] for r in records}) > 1]
    groups: dict[tuple, Group] = {}
    for number, area_code, area_name, period, classes, value in records:
        group = groups.get((area_code, area_name, period))
        if group is None:
            group = groups[(area_code, area_name, period)] = Group(row=number, area_code=area_code,
                                                                  area_name=area_name, period=period)
            parsed.groups.append(group)
        group.rows.append(number)
        if varying:
            # A row feeds the measure its varying classification names when every other varying one is a
            # total (sex 総数 × place 自宅 → 自宅); rows of a breakdown (男 × 自宅) feed nothing.
            names = [classes[i] for i in varying if all(header_key(classes[j]) in TOTAL_WORDS
                                                         for j in varying if j != i)]
        else:
            names = [classes[i] for i in classification] or [ANY_VALUE]
        for name in names:
            group.measures.setdefault(header_key(name), value)
            parsed.measures.add(header_key(name))
