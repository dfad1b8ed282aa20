"""Numbers and periods as statistics tables write them.

Numbers: full-width digits and commas ("１，２３４"), "12.5%", "△5" (the Japanese minus). Cells that hold no
number on purpose — suppressed or not applicable: "-", "…", "x", "X", "χ", "＊", "***", blank — give None and
no value is recorded for them (e-Stat writes "-" for none and "…" for unknown; we do not guess a zero).
Periods: "2023", "2023年", "2023年度", "令和5年", "R5", "H30年度", e-Stat time codes ("2023000000"),
"2023年5月", "2023-05", "2023年10月1日" (a population's reference date), "FY2023", "2023Q1".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from renkei.core.files import clean

from ..models import PeriodType
from ..periods import Period, PeriodError, fiscal_year, period_of

SUPPRESSED = frozenset({"", "-", "−", "–", "—", "―", "‐", "ー", "…", "...", "・・・", "‥", "x", "X", "χ", "Χ",
                        "*", "**", "***", "＊", "※", "秘匿", "不詳", "na", "NA", "N/A", "n/a"})
_SUPPRESSED_KEYS = frozenset(clean(marker).replace(" ", "") for marker in SUPPRESSED)  # "‥" is ".." once cleaned
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def is_suppressed(raw: str) -> bool:
    """A cell that holds no number on purpose (suppressed, none, unknown) or nothing at all."""
    return clean(raw).replace(" ", "") in _SUPPRESSED_KEYS


DASHES = frozenset({"-", "−", "–", "—", "―", "‐", "ー", "－"})


def parse_number(raw: str, *, dash_is_zero: bool = False) -> Decimal | None:
    """"1,234" / "１，２３４" / "12.5%" / "△5" → Decimal; a suppressed or blank cell → None; ValueError otherwise.

    `dash_is_zero`: e-Stat's tables write a dash for "none" (計数のない場合), i.e. 0.
    """
    text = clean(raw).replace(" ", "")
    if dash_is_zero and text in DASHES:
        return Decimal(0)
    if text in _SUPPRESSED_KEYS:
        return None
    text = text.replace(",", "").replace("、", "")
    if text.endswith("%"):
        text = text[:-1]
    if text[:1] in ("△", "▲"):
        text = "-" + text[1:]
    if not _NUMBER.match(text):
        raise ValueError(f"not a number: {raw!r}")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"not a number: {raw!r}") from error
    return number


@dataclass(frozen=True)
class PeriodText:
    """What a period cell says before the indicator's period type is known."""

    kind: str  # "year", "month", "quarter", "date"
    year: int
    month: int = 0  # or the quarter
    day: dt.date | None = None

    def to_period(self, period_type: str) -> Period:
        """The period of `period_type` this text names; PeriodError when it names a period of another kind.

        A year ("2023年", "令和5年") is the fiscal year of that number for yearly indicators: statistics of the
        calendar year 2023 (人口動態) sit in FY2023, as the 見える化 system shows them.
        """
        if self.kind == "date":
            return period_of(self.day, period_type)
        if period_type == PeriodType.FISCAL_YEAR and self.kind == "year":
            return fiscal_year(self.year)
        if period_type == PeriodType.MONTH and self.kind == "month":
            return Period(dt.date(self.year, self.month, 1), PeriodType.MONTH)
        if period_type == PeriodType.QUARTER and self.kind == "quarter":
            month = 4 + (self.month - 1) * 3
            return Period(dt.date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1), PeriodType.QUARTER)
        kind = PeriodType(period_type).label
        raise PeriodError(f"期間「{self.label}」はこの指標の期間の種類（{kind}）と合いません。",
                          f"The period “{self.label}” does not match the indicator's period type ({period_type}).")

    @property
    def label(self) -> str:
        if self.kind == "date":
            return self.day.isoformat()
        if self.kind == "month":
            return f"{self.year}-{self.month:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.month}"
        return str(self.year)


_ERA_START = {"R": 2018, "令和": 2018, "H": 1988, "平成": 1988, "S": 1925, "昭和": 1925}
_ERA = r"(令和|平成|昭和|[RHS])\s*(元|\d{1,2})"
_YEAR_ONLY = re.compile(r"^(?:FY)?(\d{4})\s*(?:年度?|年次|暦年)?$", re.IGNORECASE)
_ERA_YEAR = re.compile(rf"^{_ERA}\s*(?:年度?)?$", re.IGNORECASE)
_ESTAT_TIME = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{2})$|^(\d{4})(\d{6})$")
_MONTH = re.compile(r"^(\d{4})\s*[-/年.]\s*(\d{1,2})\s*月?$")
_ERA_MONTH = re.compile(rf"^{_ERA}\s*[年.]\s*(\d{{1,2}})\s*月?$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?(?:現在|時点)?$")
_ERA_DATE = re.compile(rf"^{_ERA}\s*[-/年.]\s*(\d{{1,2}})\s*[-/月.]\s*(\d{{1,2}})\s*日?(?:現在|時点)?$", re.IGNORECASE)
_QUARTER = re.compile(r"^(?:FY)?(\d{4})\s*Q([1-4])$", re.IGNORECASE)
_YEAR_INSIDE = re.compile(r"(\d{4})\s*年(?!\s*\d{1,2}\s*月)")
_ERA_INSIDE = re.compile(rf"{_ERA}\s*年(?!\s*\d{{1,2}}\s*月)")


def _era_year(era: str, number: str) -> int:
    return _ERA_START[era.upper() if len(era) == 1 else era] + (1 if number == "元" else int(number))


def parse_period_text(raw: str) -> PeriodText:
    """Read a period as files write it; ValueError when it names none (see the module's list)."""
    text = clean(raw).replace(" ", "").strip("()（）")
    if not text:
        raise ValueError("blank period")
    if m := _QUARTER.match(text):
        return PeriodText("quarter", int(m[1]), int(m[2]))
    if m := _YEAR_ONLY.match(text):
        return _checked(PeriodText("year", int(m[1])))
    if m := _ERA_YEAR.match(text):
        return _checked(PeriodText("year", _era_year(m[1], m[2])))
    if m := _ESTAT_TIME.match(text):
        # e-Stat time codes: yyyy000000 a year, yyyy00mmmm a month (the month written twice).
        if m[1]:
            year, zero, first, second = int(m[1]), m[2], int(m[3]), int(m[4])
            if zero == "00" and first == second == 0:
                return _checked(PeriodText("year", year))
            if zero == "00" and first == second and 1 <= first <= 12:
                return _checked(PeriodText("month", year, first))
        elif m[6] == "000000":
            return _checked(PeriodText("year", int(m[5])))
    if (m := _DATE.match(text)) or (m := _ERA_DATE.match(text)):
        try:
            year = int(m[1]) if m.re is _DATE else _era_year(m[1], m[2])
            day = dt.date(year, int(m[m.re.groups - 1]), int(m[m.re.groups]))
        except ValueError as error:
            raise ValueError(f"not a period: {raw!r}") from error
        return _checked(PeriodText("date", day.year, day.month, day))
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        return _checked(PeriodText("month", int(m[1]), int(m[2])))
    if (m := _ERA_MONTH.match(text)) and 1 <= int(m[3]) <= 12:
        return _checked(PeriodText("month", _era_year(m[1], m[2]), int(m[3])))
    # "2023年（令和5年）", "令和5年(2023)": a year written twice, or a year inside a longer label.
    if m := _YEAR_INSIDE.search(text):
        return _checked(PeriodText("year", int(m[1])))
    if m := _ERA_INSIDE.search(text):
        return _checked(PeriodText("year", _era_year(m[1], m[2])))
    raise ValueError(f"not a period: {raw!r}")


def _checked(found: PeriodText) -> PeriodText:
    if not 1900 <= found.year <= 2200:
        raise ValueError(f"not a plausible year: {found.year}")
    return found


def looks_like_period(raw: str) -> bool:
    """True when the text reads as a period (a header of a time-series table)."""
    try:
        parse_period_text(raw)
    except ValueError:
        return False
    return True


_VINTAGE = re.compile(r"(?:出力日|作成日|公表日|更新日|データ取得日|取得日|時点)\s*[:：]?\s*(.+)$")


def vintage_from_text(raw: str) -> dt.date | None:
    """The date in "出力日：2024/06/01" / "出力日:令和6年6月1日" (the 見える化 system's cell A1), else None."""
    m = _VINTAGE.search(clean(raw))
    if not m:
        return None
    try:
        found = parse_period_text(m[1].strip().split(" ")[0])
    except ValueError:
        return None
    return found.day


_DATE_INSIDE = re.compile(r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?")
_ERA_DATE_INSIDE = re.compile(rf"{_ERA}\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日")


def period_in_title(raw: str) -> str:
    """The period a table's title names ("年齢別人口 令和5年1月1日現在" → "2023-01-01", "… 令和5年" → "2023"),
    else ""; for files whose rows carry no period."""
    text = clean(raw)
    for pattern in (_DATE_INSIDE, _ERA_DATE_INSIDE):
        if m := pattern.search(text):
            try:
                year = int(m[1]) if pattern is _DATE_INSIDE else _era_year(m[1], m[2])
                day = dt.date(year, int(m[m.re.groups - 1]), int(m[m.re.groups]))
            except ValueError:
                continue
            return day.isoformat()
    for pattern in (_YEAR_INSIDE, _ERA_INSIDE):
        if m := pattern.search(text):
            year = int(m[1]) if pattern is _YEAR_INSIDE else _era_year(m[1], m[2])
            if 1900 <= year <= 2200:
                return str(year)
    try:
        return parse_period_text(text).label
    except ValueError:
        return ""
