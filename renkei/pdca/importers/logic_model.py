"""The logic-model table as municipalities print it: read from and written to .csv and .xlsx.

Columns (row 1): 番号, 場面, 具体的な施策, 成果指標 (items joined by " / "), 取り組みの方向性（中間アウトカム）,
目指す姿.
The printed table gives the indicators and the intermediate outcome only on the first row of each block: a row
without them belongs to the block above. The overall 目指す姿 is on the first data row. A "(再)" row is a measure
listed again under another scene: the same measure, found by its text without the "(再)" prefix and without a
trailing "(※…)" note; the row's own printed text is kept, so the export gives the file back cell for cell.
Parsing writes nothing: `services/logic_model_files.py` turns a parsed file into a revision.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field

from renkei.core.models import Scene
from renkei.core.spreadsheets import SafeCsvWriter, excel_row
from renkei.directory.importers.common import read_table
from renkei.directory.importers.errors import FileError, RowError

NUMBER, SCENE, MEASURE, INDICATORS, OUTCOME, GOAL = "番号", "場面", "具体的な施策", "成果指標", \
    "取り組みの方向性（中間アウトカム）", "目指す姿"
HEADER = [NUMBER, SCENE, MEASURE, INDICATORS, OUTCOME, GOAL]
REQUIRED = (NUMBER, SCENE, MEASURE, INDICATORS, OUTCOME)
INDICATOR_SEPARATOR = " / "

# The label each scene is written with when the imported file did not name it otherwise (福知山市's words).
SCENE_LABELS = {
    Scene.ADMISSION_DISCHARGE: "入退院支援",
    Scene.DAILY_CARE: "日常の療養支援",
    Scene.EMERGENCY: "急変時の対応",
    Scene.END_OF_LIFE: "看取り",
    Scene.DEMENTIA: "認知症",
    Scene.INFECTION_DISASTER: "災害・感染症",
    Scene.COLLABORATION_SYSTEM: "多職種連携の体制",
}
_SCENE_ALIASES = {
    **{label: str(scene) for scene, label in SCENE_LABELS.items()},
    "退院支援": Scene.ADMISSION_DISCHARGE, "入退院時の支援": Scene.ADMISSION_DISCHARGE,
    "日常の療養": Scene.DAILY_CARE, "急変時": Scene.EMERGENCY, "看取り支援": Scene.END_OF_LIFE,
    "感染症・災害": Scene.INFECTION_DISASTER, "災害": Scene.INFECTION_DISASTER, "感染症": Scene.INFECTION_DISASTER,
    "多職種連携": Scene.COLLABORATION_SYSTEM, "多職種連携体制": Scene.COLLABORATION_SYSTEM,
    **{str(scene): str(scene) for scene in Scene.values},
}
_HEADER_ALIASES = {
    "番号": NUMBER, "no": NUMBER, "no.": NUMBER, "場面": SCENE, "具体的な施策": MEASURE, "施策": MEASURE,
    "成果指標": INDICATORS, "取り組みの方向性(中間アウトカム)": OUTCOME, "取組の方向性(中間アウトカム)": OUTCOME,
    "取り組みの方向性": OUTCOME, "中間アウトカム": OUTCOME, "目指す姿": GOAL, "めざす姿": GOAL,
}
_REPEAT = re.compile(r"^\s*[（(]再[)）]\s*")
_TRAILING_NOTE = re.compile(r"\s*[（(]※[^()（）]*[)）]\s*$")
_FORMULA_QUOTE = re.compile(r"^'(?=[=+\-@\t\r])")


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).lower()


def scene_for_label(label: str) -> str | None:
    """The Scene value a 場面 label names (with the usual variants), or None."""
    normal = _normal(label)
    for alias, scene in _SCENE_ALIASES.items():
        if _normal(alias) == normal:
            return str(scene)
    return None


def measure_match_key(text: str) -> str:
    """What makes two rows the same measure: the text without "(再)", a trailing "(※…)" note and spaces."""
    text = _REPEAT.sub("", text or "")
    text = _TRAILING_NOTE.sub("", text)
    return _normal(text)


def split_repeat(text: str) -> tuple[bool, str]:
    """(is a "(再)" row, the printed text without the prefix)."""
    match = _REPEAT.match(text)
    return (True, text[match.end():]) if match else (False, text)


@dataclass
class ParsedRow:
    row: int
    number: int
    scene: str
    text: str  # as printed, without "(再)"
    is_repeat: bool
    measure: int = -1  # index into ParsedLogicModel.measures


@dataclass
class ParsedBlock:
    scene: str
    outcome: str
    indicators: list[str]
    rows: list[ParsedRow] = field(default_factory=list)


@dataclass
class ParsedLogicModel:
    file_name: str
    encoding: str = ""
    overall_goal: str = ""
    blocks: list[ParsedBlock] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)  # each measure's own text (its first listing's)
    scene_labels: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    file_error: FileError | None = None
    orphan_repeats: list[int] = field(default_factory=list)  # "(再)" rows whose first listing is not in the file

    @property
    def is_valid(self) -> bool:
        return self.file_error is None and not self.errors

    @property
    def rows(self) -> list[ParsedRow]:
        return [row for block in self.blocks for row in block.rows]

    @property
    def scenes(self) -> list[str]:
        return list(dict.fromkeys(block.scene for block in self.blocks))


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return _FORMULA_QUOTE.sub("", (cells[index] or "").strip())


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        column = _HEADER_ALIASES.get(unicodedata.normalize("NFKC", name).replace(" ", "").lower())
        if column and column not in found:
            found[column] = index
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise FileError(
            f"見出しに必要な列がありません: {'、'.join(missing)}（1 行目は {'、'.join(HEADER)}）。",
            f"The header lacks the columns {', '.join(missing)} (row 1 must be {', '.join(HEADER)}).")
    return found


def parse_logic_model(data: bytes, file_name: str = "") -> ParsedLogicModel:
    """Read a logic-model file (.csv in UTF-8/UTF-8 with BOM/CP932, commas or tabs; or .xlsx). Never raises for
    bad content: problems are in `file_error` (the file) and `errors` (rows, in Japanese and English)."""
    parsed = ParsedLogicModel(file_name=file_name)
    try:
        parsed.encoding, header, rows = read_table(data)
        columns = _columns(header)
        _read_rows(parsed, columns, rows)
    except FileError as error:
        parsed.file_error = error
        return parsed
    if not parsed.blocks and not parsed.errors:
        parsed.file_error = FileError("施策の行がありません。", "The file has no measure rows.")
    if parsed.errors:
        return parsed
    _match_repeats(parsed)
    return parsed


def _read_rows(parsed: ParsedLogicModel, columns: dict[str, int], rows) -> None:
    numbers: dict[int, int] = {}
    block: ParsedBlock | None = None
    first = True
    known = "、".join(SCENE_LABELS.values())
    for row_number, cells in rows:
        def error(ja, en, column="", row_number=row_number):
            parsed.errors.append(RowError(ja, en, row=row_number, column=column))

        raw_number, label = _cell(cells, columns[NUMBER]), _cell(cells, columns[SCENE])
        text, indicators_cell = _cell(cells, columns[MEASURE]), _cell(cells, columns[INDICATORS])
        outcome, goal = _cell(cells, columns[OUTCOME]), _cell(cells, columns.get(GOAL))
        if first:
            parsed.overall_goal = goal
            first = False
        elif goal and goal != parsed.overall_goal:
            error("目指す姿（全体）は 1 行目のデータにだけ書いてください。",
                  "Write the overall goal (目指す姿) on the first data row only.", GOAL)
        number_text = unicodedata.normalize("NFKC", raw_number)
        if not number_text.isdigit() or int(number_text) < 1:
            error(f"番号「{raw_number}」は 1 以上の整数にしてください。",
                  f"The number “{raw_number}” must be a whole number from 1.", NUMBER)
            number = 0
        else:
            number = int(number_text)
            if number in numbers:
                error(f"番号 {number} が {numbers[number]} 行目と重複しています。",
                      f"Number {number} is also on row {numbers[number]}.", NUMBER)
            numbers[number] = row_number
        scene = None
        if label:
            scene = scene_for_label(label)
            if scene is None:
                error(f"場面「{label}」は分かりません（使える場面: {known}）。",
                      f"Unknown scene “{label}” (known scenes: {', '.join(SCENE_LABELS.values())}).", SCENE)
            elif scene in parsed.scene_labels and parsed.scene_labels[scene] != label:
                error(f"場面「{label}」は「{parsed.scene_labels[scene]}」と同じ場面です。"
                      "同じ書き方にそろえてください。",
                      f"The scene “{label}” is the same as “{parsed.scene_labels[scene]}”: write it the same way.",
                      SCENE)
            else:
                parsed.scene_labels.setdefault(scene, label)
        if not text:
            error("具体的な施策が空です。", "The measure (具体的な施策) is empty.", MEASURE)
        indicators = [item.strip() for item in indicators_cell.split(INDICATOR_SEPARATOR) if item.strip()]
        starts_block = bool(indicators or outcome)
        if starts_block:
            if not outcome:
                error("成果指標のある行には取り組みの方向性（中間アウトカム）も書いてください。",
                      "A row with indicators (成果指標) needs its intermediate outcome too.", OUTCOME)
            if not label:
                error("ブロックの最初の行には場面を書いてください。", "The first row of a block needs its scene.",
                      SCENE)
            block = ParsedBlock(scene=scene or "", outcome=outcome, indicators=indicators)
            parsed.blocks.append(block)
        elif block is None:
            error("最初の施策の行には成果指標と取り組みの方向性（中間アウトカム）が必要です。",
                  "The first measure row needs its indicators and intermediate outcome.", OUTCOME)
            continue
        elif scene and block.scene and scene != block.scene:
            error("成果指標と中間アウトカムのない行は上のブロックの続きですが、場面が違います。"
                  "新しいブロックなら成果指標と中間アウトカムを書いてください。",
                  "A row without indicators and outcome continues the block above, but its scene differs. "
                  "Start a new block with its indicators and intermediate outcome.", SCENE)
        is_repeat, printed = split_repeat(text)
        block.rows.append(ParsedRow(row=row_number, number=number, scene=block.scene, text=printed,
                                    is_repeat=is_repeat))


def _match_repeats(parsed: ParsedLogicModel) -> None:
    """Give each row its measure: first listings are measures; "(再)" rows point at the first listing with the
    same match key (or, when none is in the file, at a measure of their own, noted in `orphan_repeats`)."""
    by_key: dict[str, int] = {}
    for row in parsed.rows:
        if not row.is_repeat:
            key = measure_match_key(row.text)
            if key in by_key:
                # Printed twice without "(再)": two measures of the same words, kept apart as printed.
                key = f"{key}#{row.number}"
            parsed.measures.append(row.text)
            row.measure = len(parsed.measures) - 1
            by_key.setdefault(key, row.measure)
    for row in parsed.rows:
        if row.is_repeat:
            key = measure_match_key(row.text)
            if key not in by_key:
                parsed.measures.append(row.text)
                by_key[key] = len(parsed.measures) - 1
                parsed.orphan_repeats.append(row.row)
            row.measure = by_key[key]


# --- writing ----------------------------------------------------------------------------------------------

def export_rows(logic_model, overall_goal: str = "") -> list[list]:
    """The table as rows (header first), in number order: each block's indicators and outcome on its first row."""
    labels = {**{str(k): v for k, v in SCENE_LABELS.items()}, **(logic_model.scene_labels or {})}
    placements = list(logic_model.placements.select_related("measure", "outcome").order_by("number"))
    indicators: dict[int, list[str]] = {}
    for indicator in logic_model.indicators.order_by("outcome_id", "sort_order", "pk"):
        indicators.setdefault(indicator.outcome_id, []).append(indicator.label)
    rows: list[list] = [list(HEADER)]
    seen_outcomes: set[int] = set()
    for index, placement in enumerate(placements):
        outcome = placement.outcome
        first_of_block = outcome.pk not in seen_outcomes
        seen_outcomes.add(outcome.pk)
        text = placement.text_override or placement.measure.text
        rows.append([
            placement.number,
            labels.get(outcome.scene, outcome.scene),
            ("(再)" if placement.is_repeat else "") + text,
            INDICATOR_SEPARATOR.join(indicators.get(outcome.pk, [])) if first_of_block else "",
            outcome.text if first_of_block else "",
            overall_goal if index == 0 else "",
        ])
    return rows


def write_csv(rows: list[list], *, encoding: str = "utf-8") -> bytes:
    """CSV bytes (CRLF lines, as Excel writes them); every cell through `SafeCsvWriter`."""
    buffer = io.StringIO(newline="")
    SafeCsvWriter(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace" if encoding == "cp932" else "strict")


def write_xlsx(rows: list[list], *, title: str = "ロジックモデル") -> bytes:
    """An .xlsx workbook of one sheet holding the rows; every cell through `excel_row`."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(excel_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
