"""Reading the classic one-month survey (退院調整状況調査) care managers answer (research A2.3: 広島県, 県中).

Two layouts, told apart by their headers:

- one row per discharged person: 事業所名, 病院名, 退院日, 要介護度 (要介護1…5 / 要支援1・2, or 要介護 / 要支援),
  退院前の連絡 (有/無, あり/なし, ○/×, 1/0, はい/いいえ);
- one row per hospital (the tally many regions keep): 病院名, 退院者数, 連絡あり (optionally 要介護度).

CSV in UTF-8 or Shift_JIS (cp932), commas or tabs, or XLSX (first sheet), read through `renkei.core.files`.
Headers are read broadly: full-width letters, spaces, brackets such as 「退院前の連絡（有・無）」 and common
synonyms. All or nothing: `read_census` returns the rows and every rejected row with its reason (Japanese and
English); the service writes nothing when one row is rejected.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from renkei.core.files import FileError, RowError, clean, read_table
from renkei.directory.normalize import name_key

from .. import forms_schema
from ..models import CareLevelGroup

# Column → the header names it is found under (compared after `_header_key`).
PERSON_COLUMNS = {
    "care_office": ("事業所名", "事業所", "事業所名称", "居宅介護支援事業所", "居宅介護支援事業所名", "ケアマネ事業所",
                    "地域包括支援センター", "包括", "回答事業所", "所属"),
    "hospital": ("病院名", "病院", "医療機関名", "医療機関", "退院元", "退院元病院", "退院元医療機関", "入院先",
                 "入院先医療機関", "入院先病院", "病院名称"),
    "discharged_on": ("退院日", "退院年月日", "退院した日", "退院日付"),
    "care_level": ("要介護度", "介護度", "要介護状態区分", "認定区分", "要介護要支援", "要介護度区分", "介護区分",
                   "要介護認定"),
    "contacted": ("退院前の連絡", "退院前連絡", "病院からの連絡", "連絡の有無", "連絡", "退院調整", "退院調整の有無",
                  "引継ぎ", "引き継ぎ", "引継ぎの有無", "引き継ぎの有無", "退院前の引継ぎ", "退院前の引き継ぎ",
                  "退院前の連絡の有無", "事前連絡", "連絡有無"),
}
AGGREGATE_COLUMNS = {
    "hospital": PERSON_COLUMNS["hospital"],
    "discharges": ("退院者数", "退院数", "退院者", "退院件数", "件数", "人数", "退院人数"),
    "contacted_count": ("連絡あり", "連絡有", "連絡あり件数", "連絡ありの数", "連絡があった数", "退院調整あり",
                        "調整あり", "引継ぎあり", "引き継ぎあり", "連絡あり人数"),
    "care_level": PERSON_COLUMNS["care_level"],
}
YES = {"有", "あり", "有り", "○", "〇", "◯", "1", "はい", "yes", "y", "true", "済", "あった", "有った", "○有"}
NO = {"無", "なし", "無し", "×", "✕", "✖", "x", "0", "いいえ", "no", "n", "false", "なかった", "無かった", "-", "ー"}
NONE_LEVELS = {"未認定", "申請中", "未申請", "非該当", "事業対象者", "総合事業対象者", "なし", "無し", "認定なし"}

_BRACKETS = re.compile(r"[（(【\[〔].*?[）)】\]〕]")
_IGNORED = re.compile(r"[\s・:：/／_\-‐ー※*＊]")


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _BRACKETS.sub("", text)
    return _IGNORED.sub("", text).lower()


def _find_columns(header: list[str], columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    keys = [_header_key(h) for h in header]
    found: dict[str, int] = {}
    for column, names in columns.items():
        wanted = [_header_key(n) for n in names]
        exact = next((i for i, k in enumerate(keys) if k in wanted and i not in found.values()), None)
        if exact is None:  # 「退院前の病院からの連絡」, 「入院していた病院名」…
            exact = next((i for i, k in enumerate(keys) if k and i not in found.values()
                          and any(len(w) >= 2 and w in k for w in wanted)), None)
        if exact is not None:
            found[column] = exact
    return found


@dataclass
class CensusRow:
    row: int
    hospital_name: str
    care_office_name: str = ""
    care_level_group: str = CareLevelGroup.NONE
    discharged_on: dt.date | None = None
    was_contacted: bool = False
    count: int = 1  # an aggregate row stands for `count` discharges…
    contacted_count: int = 0  # …of which this many were contacted


@dataclass
class ParsedCensus:
    layout: str  # "person" or "aggregate"
    encoding: str
    rows: list[CensusRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def discharges(self) -> int:
        return sum(r.count for r in self.rows)


def care_level_group(text: str) -> str | None:
    """要介護1…5 / 要介護 → care; 要支援1・2 / 要支援 → support; 未認定・申請中… → none; else None."""
    value = _IGNORED.sub("", unicodedata.normalize("NFKC", text or ""))
    if not value:
        return None
    if value.startswith(("要介護", "介護")) or value.lower().startswith("care"):
        return CareLevelGroup.CARE
    if value.startswith(("要支援", "支援")) or value.lower().startswith("support"):
        return CareLevelGroup.SUPPORT
    if value in NONE_LEVELS:
        return CareLevelGroup.NONE
    return None


def yes_no(text: str) -> bool | None:
    value = unicodedata.normalize("NFKC", text or "").strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    return None


_MONTH_DAY = re.compile(r"^(\d{1,2})[/月](\d{1,2})日?$")


def parse_date(text: str, *, month: dt.date) -> dt.date | None:
    """2024-07-03, 2024/7/3, 2024年7月3日, 令和6年7月3日, R6.7.3 (the forms' one date reader), or 7/3 (the survey
    month's year). Raises ValueError when unreadable; None when blank."""
    value = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").upper()
    if not value:
        return None
    if m := _MONTH_DAY.match(value):
        return dt.date(month.year, int(m[1]), int(m[2]))
    return forms_schema.parse_date(value)


def _count(text: str) -> int | None:
    value = unicodedata.normalize("NFKC", text or "").strip().replace(",", "").rstrip("人件名")
    return int(value) if value.isascii() and value.isdigit() else None


def read_census(data: bytes, *, month: dt.date) -> ParsedCensus:
    """The rows of a survey file and every row it rejects; FileError when the file itself cannot be read."""
    encoding, header, rows = read_table(data)
    person = _find_columns(header, PERSON_COLUMNS)
    aggregate = _find_columns(header, AGGREGATE_COLUMNS)
    if {"hospital", "discharges", "contacted_count"} <= set(aggregate):
        return _read_aggregate(encoding, aggregate, rows)
    missing = [name for name, key in (("病院名", "hospital"), ("要介護度", "care_level"),
                                      ("退院前の連絡", "contacted")) if key not in person]
    if missing:
        raise FileError(
            "見出しが読めません。1 人 1 行の形式では「病院名」「要介護度」「退院前の連絡」"
            "（任意で「事業所名」「退院日」）、病院ごとの集計の形式では「病院名」「退院者数」「連絡あり」の列が"
            "必要です。見つからない列: "
            + "、".join(missing),
            "Cannot read the headers. One row per person needs 病院名, 要介護度 and 退院前の連絡 (optionally 事業所名 "
            "and 退院日); one row per hospital needs 病院名, 退院者数 and 連絡あり. Missing: " + ", ".join(missing))
    parsed = ParsedCensus("person", encoding)
    last_day = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)

    def cell(cells, key):
        index = person.get(key)
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    for number, cells in rows:
        hospital = cell(cells, "hospital")
        level = care_level_group(cell(cells, "care_level"))
        contacted = yes_no(cell(cells, "contacted"))
        problems: list[tuple[str, str, str]] = []
        if not hospital:
            problems.append(("病院名", "病院名がありません。", "The hospital is missing."))
        if level is None:
            text = cell(cells, "care_level")
            problems.append(("要介護度", f"要介護度「{text}」を読めません（要介護1〜5、要支援1・2、要介護、要支援、"
                                         "未認定）。",
                             f"Cannot read the care level “{text}” (要介護1–5, 要支援1–2, 要介護, 要支援, 未認定)."))
        if contacted is None:
            text = cell(cells, "contacted")
            problems.append(("退院前の連絡", f"退院前の連絡「{text}」を読めません（有／無、あり／なし、○／×、"
                                             "1／0）。",
                             f"Cannot read the contact before discharge “{text}” (有/無, あり/なし, ○/×, 1/0)."))
        discharged_on = None
        try:
            discharged_on = parse_date(cell(cells, "discharged_on"), month=month)
        except ValueError:
            text = cell(cells, "discharged_on")
            problems.append(("退院日", f"退院日「{text}」を読めません（例: 2024/7/3、令和6年7月3日）。",
                             f"Cannot read the discharge date “{text}” (e.g. 2024/7/3)."))
        if discharged_on is not None and not month <= discharged_on <= last_day:
            problems.append(("退院日", f"退院日 {discharged_on} が調査月（{month.year}年{month.month}月）の外です。",
                             f"The discharge date {discharged_on} is outside the survey month ({month:%Y-%m})."))
        if problems:
            parsed.errors.extend(RowError(ja, en, row=number, column=column) for column, ja, en in problems)
            continue
        parsed.rows.append(CensusRow(row=number, hospital_name=hospital[:200],
                                     care_office_name=cell(cells, "care_office")[:200], care_level_group=level,
                                     discharged_on=discharged_on, was_contacted=contacted,
                                     contacted_count=1 if contacted else 0))
    return parsed


def _read_aggregate(encoding: str, columns: dict[str, int], rows) -> ParsedCensus:
    parsed = ParsedCensus("aggregate", encoding)

    def cell(cells, key):
        index = columns.get(key)
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    for number, cells in rows:
        hospital = cell(cells, "hospital")
        if hospital in ("合計", "計", "総計", "小計"):
            continue  # the tally's own total line
        total, contacted = _count(cell(cells, "discharges")), _count(cell(cells, "contacted_count"))
        level = care_level_group(cell(cells, "care_level")) if "care_level" in columns else CareLevelGroup.NONE
        problems = []
        if not hospital:
            problems.append(("病院名", "病院名がありません。", "The hospital is missing."))
        if total is None:
            problems.append(("退院者数", f"退院者数「{cell(cells, 'discharges')}」が数字ではありません。",
                             f"The number of discharges “{cell(cells, 'discharges')}” is not a number."))
        if contacted is None:
            problems.append(("連絡あり", f"連絡ありの数「{cell(cells, 'contacted_count')}」が数字ではありません。",
                             f"The number contacted “{cell(cells, 'contacted_count')}” is not a number."))
        if total is not None and contacted is not None and contacted > total:
            problems.append(("連絡あり", f"連絡ありの数（{contacted}）が退院者数（{total}）より多くなっています。",
                             f"More contacted ({contacted}) than discharged ({total})."))
        if level is None:
            problems.append(("要介護度", f"要介護度「{cell(cells, 'care_level')}」を読めません。",
                             f"Cannot read the care level “{cell(cells, 'care_level')}”."))
        if total is not None and total > 10_000:
            problems.append(("退院者数", "退院者数が多すぎます（1 か月の調査で 10,000 人まで）。",
                             "Too many discharges for a one-month survey (10,000 at most)."))
        if problems:
            parsed.errors.extend(RowError(ja, en, row=number, column=column) for column, ja, en in problems)
            continue
        parsed.rows.append(CensusRow(row=number, hospital_name=hospital[:200], care_level_group=level,
                                     count=total, contacted_count=contacted, was_contacted=contacted == total))
    return parsed


# --- hospitals of the directory ------------------------------------------------------------------------

def match_hospitals(names: list[str], facilities) -> dict[str, object]:
    """{name as written: Facility} for the names that match exactly one hospital of the area by name (operating
    corporation, spaces and width ignored; a name that is the end of one facility's name matches too)."""
    by_key: dict[str, list] = {}
    for facility in facilities:
        for name in {facility.name, facility.short_name} - {""}:
            by_key.setdefault(name_key(name), []).append(facility)
    out = {}
    for name in set(names):
        key = name_key(name)
        found = {f.pk: f for f in by_key.get(key, [])}
        if not found and len(key) >= 3:
            found = {f.pk: f for k, fs in by_key.items()
                     if k.endswith(key) or (len(k) >= 4 and key.endswith(k)) for f in fs}
        if len(found) == 1:
            out[name] = next(iter(found.values()))
    return out
