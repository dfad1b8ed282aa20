"""The national survey's answers as a long CSV (one answer a row): reading and checking, no writes.

Columns `市区町村コード,取組,回答` (names compared without spaces and width; `団体コード` and `コード` also name the
first). The file is read by `renkei.core.files` (UTF-8 with or without BOM, CP932, commas or tabs, .xlsx).
取組 codes (docs/guide/region_survey.md lists them with every phrase):

- `ア` … `ク`: the item's status — 実施している / 年度内に実施予定 (実施していないが年度内に実施予定) / 実施していない;
- `イ段階`: the (イ) stage, 1 / 2 / 3 or the survey's phrases;
- `ア委託` … `ク委託`, `ア共同実施` … `ク共同実施`: はい / いいえ (how the item is run; いいえ to both: 直営);
- `ア支援` … `ク支援`: はい / いいえ (the prefecture or 保健所 supported the item);
- `カ内容`: 1 / 2 / 3 (the (カ) training contents; one row per content);
- `問40`: 1–15 and `問42`: 1–10 (one row per choice; a municipality with any such row answered both questions).

Every problem is a `RowError` with the row number staff see in Excel (the header is row 1); the caller rejects
the whole file when there is any.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from renkei.core.files import FileError, RowError, clean, read_table
from renkei.core.models import Municipality, ProgramItem

from ..models import Difficulty, ItemStatus, Operation, PdcaStage, SupportWish, TrainingContent

KANA_ITEMS = "アイウエオカキク"
ITEM_OF_KANA = dict(zip(KANA_ITEMS, ProgramItem.values, strict=True))  # "ア" → "a"
KANA_OF_ITEM = {item: kana for kana, item in ITEM_OF_KANA.items()}

STATUS_PHRASES = {
    "実施している": ItemStatus.IMPLEMENTED,
    "年度内に実施予定": ItemStatus.PLANNED,
    "実施していないが年度内に実施予定": ItemStatus.PLANNED,
    "実施していないが、年度内に実施する予定である": ItemStatus.PLANNED,
    "実施していないが年度内に実施する予定である": ItemStatus.PLANNED,
    "実施していない": ItemStatus.NOT_IMPLEMENTED,
}
STAGE_PHRASES = {
    "1": PdcaStage.ASSESSING,
    "在宅医療・介護連携の現状の把握や課題の抽出、対応策について検討している": PdcaStage.ASSESSING,
    "現状把握・課題抽出・対応策の検討": PdcaStage.ASSESSING,
    "2": PdcaStage.CONCRETE,
    "1を踏まえたうえで、検討された対応策が具体化されている。": PdcaStage.CONCRETE,
    "対応策が具体化": PdcaStage.CONCRETE,
    "3": PdcaStage.EVALUATING,
    "2を踏まえたうえで、検討された対応策が具体化され、その実施状況について評価及び改善を行っている。":
        PdcaStage.EVALUATING,
    "実施状況の評価・改善": PdcaStage.EVALUATING,
}
YES_NO = {"はい": True, "あり": True, "1": True, "いいえ": False, "なし": False, "0": False}
TRAINING_CONTENTS = dict(zip("123", TrainingContent.values, strict=True))
DIFFICULTIES = {str(n): value for n, value in enumerate(Difficulty.values, start=1)}
SUPPORT_WISHES = {str(n): value for n, value in enumerate(SupportWish.values, start=1)}

CODE_COLUMNS = ("市区町村コード", "市町村コード", "団体コード", "コード")
QUESTION_COLUMNS = ("取組", "設問")
ANSWER_COLUMNS = ("回答",)


def _key(text: str) -> str:
    """Compare phrases and names without width, spaces, brackets or a trailing 。."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\u3000()（）「」]", "", text).rstrip("。")


_STATUS = {_key(k): v for k, v in STATUS_PHRASES.items()}
_STAGE = {_key(k): v for k, v in STAGE_PHRASES.items()}
_YES_NO = {_key(k): v for k, v in YES_NO.items()}


@dataclass
class Sheet:
    """One municipality's answers as the file gives them."""

    municipality: Municipality
    first_row: int
    statuses: dict[str, str] = field(default_factory=dict)  # item → ItemStatus
    stage: str = ""
    contracted: dict[str, bool] = field(default_factory=dict)
    joint: dict[str, bool] = field(default_factory=dict)
    supported: dict[str, bool] = field(default_factory=dict)
    training_contents: list[str] = field(default_factory=list)
    difficulties: list[str] = field(default_factory=list)
    support_wishes: list[str] = field(default_factory=list)

    @property
    def answered_questions(self) -> bool:
        return bool(self.difficulties or self.support_wishes)

    def operation(self, item: str) -> str:
        if self.contracted.get(item):
            return Operation.CONTRACTED
        if self.joint.get(item):
            return Operation.JOINT
        if item in self.contracted or item in self.joint:
            return Operation.DIRECT
        return ""


@dataclass
class ReadResult:
    sheets: list[Sheet]
    rows: int
    errors: list[RowError]
    encoding: str = ""


def _column(header: list[str], names: tuple[str, ...], ja: str, en: str) -> int:
    keys = [_key(h) for h in header]
    for name in names:
        if name in keys:
            return keys.index(name)
    raise FileError(f"見出しに「{ja}」の列がありません（必要な列：市区町村コード,取組,回答）。",
                    f"No column {en!r} in the header (columns needed: 市区町村コード,取組,回答).")


def _question(raw: str) -> tuple[str, str] | None:
    """(kind, item) for a 取組 code: ("status", "a"), ("stage", "b"), ("contracted", "c"), ("contents", "f")…"""
    key = _key(raw)
    if key in ITEM_OF_KANA:
        return "status", ITEM_OF_KANA[key]
    if key in ("イ段階", "段階"):
        return "stage", ProgramItem.B
    if key in ("カ内容", "研修内容"):
        return "contents", ProgramItem.F
    if key in ("問40", "Q40", "Q.40"):
        return "q40", ""
    if key in ("問42", "Q42", "Q.42"):
        return "q42", ""
    if len(key) >= 2 and key[0] in ITEM_OF_KANA:
        kind = {"委託": "contracted", "共同実施": "joint", "支援": "supported"}.get(key[1:])
        if kind:
            return kind, ITEM_OF_KANA[key[0]]
    return None


def municipality_index(codes: set[str]) -> dict[str, Municipality]:
    """{6- or 5-digit code: municipality} for the codes of a file (one query)."""
    six = {c for c in codes if len(c) == 6}
    five = {c for c in codes if len(c) == 5}
    found = {}
    for m in Municipality.objects.filter(code__in=six).select_related("prefecture"):
        found[m.code] = m
    for m in Municipality.objects.filter(jis_code__in=five).select_related("prefecture"):
        found[m.jis_code] = m
    return found


def code_problem(code: str) -> tuple[str, str] | None:
    from renkei.core.services.places import check_digit

    if not (code.isascii() and code.isdigit() and len(code) in (5, 6)):
        return (f"市区町村コード「{code}」は 6 桁（または 5 桁）の数字ではありません",
                f"municipality code {code!r} is not 6 (or 5) digits")
    if len(code) == 6 and check_digit(code[:5]) != code[5]:
        return (f"市区町村コード「{code}」の検査数字が違います（{code[:5]}{check_digit(code[:5])} ではありませんか）",
                f"municipality code {code!r}: wrong check digit")
    return None


def read_answers(data: bytes) -> ReadResult:
    """Every row of the file checked; sheets in the order municipalities first appear. Raises FileError."""
    encoding, header, rows = read_table(data)
    code_at = _column(header, CODE_COLUMNS, "市区町村コード", "municipality code")
    question_at = _column(header, QUESTION_COLUMNS, "取組", "item")
    answer_at = _column(header, ANSWER_COLUMNS, "回答", "answer")
    parsed = []
    for number, cells in rows:
        cells = [*cells, "", "", ""]
        parsed.append((number, clean(cells[code_at]), clean(cells[question_at]), clean(cells[answer_at])))
    index = municipality_index({code for _n, code, _q, _a in parsed})
    errors: list[RowError] = []
    sheets: dict[int, Sheet] = {}
    seen: dict[tuple, int] = {}

    def reject(number: int, column: str, ja: str, en: str) -> None:
        errors.append(RowError(ja, en, row=number, column=column))

    for number, code, raw_question, raw_answer in parsed:
        problem = code_problem(code)
        if problem:
            reject(number, "市区町村コード", *problem)
            continue
        municipality = index.get(code)
        if municipality is None:
            reject(number, "市区町村コード", f"市区町村コード「{code}」の市区町村はありません",
                   f"no municipality has the code {code!r}")
            continue
        if municipality.abolished_on is not None:
            reject(number, "市区町村コード",
                   f"{municipality.name}（{code}）は {municipality.abolished_on:%Y-%m-%d} に廃止されています",
                   f"{code} was abolished on {municipality.abolished_on:%Y-%m-%d}")
            continue
        if municipality.parent_id is not None or municipality.kind == Municipality.Kind.WARD:
            reject(number, "市区町村コード",
                   f"{municipality.name}（{code}）は政令指定都市の区です。調査は市として回答します",
                   f"{code} is a ward of a designated city; the survey counts the city")
            continue
        question = _question(raw_question)
        if question is None:
            reject(number, "取組", f"取組「{raw_question}」は不明です（ア〜ク、イ段階、ア委託、ア共同実施、ア支援、"
                   "カ内容、問40、問42）", f"unknown item code {raw_question!r}")
            continue
        kind, item = question
        value = _value(kind, raw_answer)
        if value is None:
            reject(number, "回答", f"取組「{raw_question}」の回答「{raw_answer}」は選べません",
                   f"answer {raw_answer!r} is not one of the choices of {raw_question!r}")
            continue
        multiple = kind in ("contents", "q40", "q42")
        key = (municipality.pk, kind, item, value if multiple else None)
        if key in seen:
            reject(number, "取組", f"{municipality.name} の「{raw_question}」は {seen[key]} 行目と重複しています",
                   f"{code} {raw_question}: duplicate of row {seen[key]}")
            continue
        seen[key] = number
        sheet = sheets.get(municipality.pk)
        if sheet is None:
            sheet = sheets[municipality.pk] = Sheet(municipality=municipality, first_row=number)
        _apply(sheet, kind, item, value)
    for sheet in sheets.values():
        for item in sorted(set(sheet.contracted) | set(sheet.joint) | set(sheet.supported)):
            if item not in sheet.statuses:
                kana = KANA_OF_ITEM[item]
                reject(sheet.first_row, "取組", f"{sheet.municipality.name}：（{kana}）の実施状況の行がありません",
                       f"{sheet.municipality.code}: no status row for item ({kana})")
            elif sheet.contracted.get(item) and sheet.joint.get(item):
                kana = KANA_OF_ITEM[item]
                reject(sheet.first_row, "取組", f"{sheet.municipality.name}：（{kana}）は委託と共同実施の両方です",
                       f"{sheet.municipality.code}: item ({kana}) is both contracted and joint")
        if sheet.stage and ProgramItem.B not in sheet.statuses:
            reject(sheet.first_row, "取組", f"{sheet.municipality.name}：イ段階 には（イ）の実施状況の行が必要です",
                   f"{sheet.municipality.code}: a (b) stage needs the (b) status row")
    errors.sort(key=lambda e: e.row or 0)
    return ReadResult(sheets=list(sheets.values()), rows=len(parsed), errors=errors, encoding=encoding)


def _value(kind: str, raw: str):
    key = _key(raw)
    if kind == "status":
        return _STATUS.get(key)
    if kind == "stage":
        return _STAGE.get(key)
    if kind in ("contracted", "joint", "supported"):
        return _YES_NO.get(key)
    if kind == "contents":
        return TRAINING_CONTENTS.get(key)
    if kind == "q40":
        return DIFFICULTIES.get(key.lstrip("0") or key)
    if kind == "q42":
        return SUPPORT_WISHES.get(key.lstrip("0") or key)
    return None


def _apply(sheet: Sheet, kind: str, item: str, value) -> None:
    if kind == "status":
        sheet.statuses[item] = value
    elif kind == "stage":
        sheet.stage = value
    elif kind == "contracted":
        sheet.contracted[item] = value
    elif kind == "joint":
        sheet.joint[item] = value
    elif kind == "supported":
        sheet.supported[item] = value
    elif kind == "contents":
        sheet.training_contents.append(value)
    elif kind == "q40":
        sheet.difficulties.append(value)
    elif kind == "q42":
        sheet.support_wishes.append(value)
