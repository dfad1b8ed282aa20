"""The desk's counts for a municipality and a span of months: the report screen, its files, the CLI and the API.

Counts only: nothing here reads a case's text, name or number. A designated city's counts include its wards'
cases. The definitions (the guide `docs/guide/consult_desk.md` explains them to staff):

- received in a month: cases whose `received_at` (local date) falls in it; closed: `closed_on` in it;
  open at the month's end: received by then and not closed by then (months after today are left blank).
- days to close: `closed_on` − received date, for the cases closed in the span: median, mean and the 90th
  percentile (nearest rank: the smallest number of days within which 90% of them closed).
- resolved within 30 days (ZT-C-P03 in `renkei/indicators/library.py`): of the cases received in the span that
  are closed or were received at least 30 days ago, the share closed within 30 days of receipt. An open case
  younger than 30 days cannot be judged yet and is left out of both counts.
- volumes by requester kind, channel, scene and topic: cases received in the span; outcomes: cases closed in it.

Small numbers: a viewer outside the municipality (prefecture staff: `consult.view_exact_counts` refused) sees a
count from 1 to 9 as "<10", and a statistic over 1 to 9 cases not at all (`Count`, `masked`).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core import small_numbers
from renkei.core.models import Municipality, Scene
from renkei.core.months import month_end, months_between, read_month
from renkei.indicators.models import fiscal_year_of

from ..models import Case, Channel, Outcome, RequesterKind, Topic

WITHIN_DAYS = 30
MAX_MONTHS = 60
_ERAS = [(dt.date(2019, 5, 1), "R"), (dt.date(1989, 1, 8), "H")]


class ReportError(ValueError):
    """A month, a span or a municipality that cannot be read; `ja` and `en` are the message."""

    def __init__(self, ja: str, en: str):
        super().__init__(en)
        self.ja, self.en = ja, en

    def __str__(self) -> str:
        return f"{self.ja} / {self.en}"


def parse_month(text: str) -> dt.date:
    """2025-04, 2025/4, 2025年4月 → the first day of that month; ReportError otherwise."""
    day = read_month(text)
    if day is None:
        raise ReportError(f"月「{text}」を読めません（例: 2025-04）。",
                          f"Cannot read the month “{text}” (e.g. 2025-04).")
    return day


def span_of(start_text: str = "", end_text: str = "", *, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """(first day, last day) from two months (YYYY-MM); by default the current fiscal year up to this month."""
    today = today or timezone.localdate()
    fiscal_start = dt.date(fiscal_year_of(today), 4, 1)
    start = parse_month(start_text) if start_text else fiscal_start
    end = parse_month(end_text) if end_text else (today.replace(day=1) if not start_text else
                                                   dt.date(fiscal_year_of(start) + 1, 3, 1))
    if start > end:
        raise ReportError("開始の月が終わりの月より後です。", "The first month is after the last.")
    if len(months_between(start, end)) > MAX_MONTHS:
        raise ReportError(f"期間は {MAX_MONTHS} か月までです。", f"The span is {MAX_MONTHS} months at most.")
    return start, month_end(end)


def municipality_of_code(code: str) -> Municipality:
    """A municipality by its 6-digit local government code or 5-digit JIS code; ReportError when unknown."""
    raw = unicodedata.normalize("NFKC", code or "").strip()
    found = None
    if raw.isdigit() and len(raw) in (5, 6):
        found = Municipality.objects.filter(Q(code=raw) if len(raw) == 6 else Q(jis_code=raw)).first()
    if found is None:
        raise ReportError(f"市区町村コード「{code}」が見つかりません。", f"Unknown municipality code “{code}”.")
    return found


def wareki_month(day: dt.date) -> str:
    """2025-04-01 → R7年4月 (the era initial, as offices abbreviate it in tables)."""
    for start, initial in _ERAS:
        if day >= start or (day.year == start.year and day.month == start.month):
            return f"{initial}{day.year - start.year + 1}年{day.month}月"
    return f"{day.year}年{day.month}月"


def fiscal_year_label(year: int) -> str:
    """2025 → R7年度."""
    return f"R{year - 2018}年度" if year >= 2019 else f"H{year - 1988}年度"


# --- small numbers ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShownCount:
    """A count as a viewer sees it: `text` for tables and files, `number` for charts and the API (None: masked)."""

    text: str
    number: int | None

    @property
    def is_masked(self) -> bool:
        return self.number is None and self.text != ""

    def __str__(self) -> str:
        return self.text


def count(value: int | None, *, suppress: bool) -> ShownCount:
    if value is None:
        return ShownCount("", None)
    if suppress and small_numbers.is_small(value):
        return ShownCount(small_numbers.masked_label(), None)
    return ShownCount(str(value), value)


def masked(value, over: int, *, suppress: bool):
    """A statistic (a median, a share) over `over` cases: None for a masked viewer when 1 ≤ over ≤ 9."""
    if value is None or (suppress and small_numbers.is_small(over)):
        return None
    return value


def masked_share(closing: Closing, *, suppress: bool) -> float | None:
    """The 30-day share, None for a masked viewer when its numerator or denominator is from 1 to 9 (the
    numerator could be worked back from the share and the denominator)."""
    if suppress and (small_numbers.is_small(closing.within_30) or small_numbers.is_small(closing.judged_30)):
        return None
    return closing.within_30_share


# --- the figures --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseFacts:
    """What a count needs to know of one case (no text, no name, no number)."""

    received_on: dt.date
    closed_on: dt.date | None
    channel: str
    requester_kind: str
    scene: str
    outcome: str

    @property
    def days_to_close(self) -> int | None:
        return (self.closed_on - self.received_on).days if self.closed_on else None


@dataclass
class Closing:
    """Time to close and the 30-day share over a set of cases."""

    closed: int = 0
    median_days: float | None = None
    mean_days: float | None = None
    p90_days: int | None = None
    within_30: int = 0  # closed within 30 days of receipt (numerator of ZT-C-P03)
    judged_30: int = 0  # closed, or received at least 30 days ago (denominator)

    @property
    def within_30_share(self) -> float | None:
        return round(100 * self.within_30 / self.judged_30, 1) if self.judged_30 else None


def percentile_nearest_rank(values: list[int], share: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def closing_of(received: list[CaseFacts], closed: list[CaseFacts], today: dt.date) -> Closing:
    """Days to close over `closed`; the 30-day share over `received` (see the module's definitions)."""
    days = [c.days_to_close for c in closed]
    judged = [c for c in received if c.closed_on or (today - c.received_on).days >= WITHIN_DAYS]
    return Closing(
        closed=len(days),
        median_days=float(statistics.median(days)) if days else None,
        mean_days=round(statistics.fmean(days), 1) if days else None,
        p90_days=percentile_nearest_rank(days, 0.9),
        within_30=sum(1 for c in judged if c.closed_on and c.days_to_close <= WITHIN_DAYS),
        judged_30=len(judged),
    )


@dataclass
class MonthRow:
    month: dt.date
    label: str
    received: int
    closed: int
    open_at_end: int | None  # None: the month has not ended
    closing: Closing


@dataclass
class YearRow:
    fiscal_year: int
    label: str
    received: int
    closed: int
    closing: Closing


@dataclass
class Breakdown:
    key: str
    title: object  # a lazy translation
    rows: list[tuple[str, object, int]]  # (code, label (lazy for choices), count)

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.rows)


@dataclass
class DeskReport:
    municipality: Municipality
    start: dt.date
    end: dt.date
    suppress: bool
    months: list[MonthRow]
    years: list[YearRow]
    total_received: int
    total_closed: int
    closing: Closing
    breakdowns: list[Breakdown] = field(default_factory=list)

    @property
    def span_label(self) -> str:
        return f"{wareki_month(self.start)}〜{wareki_month(self.end)}"

    def breakdown(self, key: str) -> Breakdown:
        return next(b for b in self.breakdowns if b.key == key)


def cases_of(municipality: Municipality):
    """The municipality's cases, a designated city's with its wards'."""
    return Case.objects.filter(Q(municipality=municipality) | Q(municipality__parent=municipality))


def _facts(queryset) -> list[CaseFacts]:
    rows = queryset.order_by().values_list("received_at", "closed_on", "channel", "requester_kind", "scene",
                                           "outcome")
    return [CaseFacts(timezone.localdate(received_at), closed_on, channel, kind, scene, outcome)
            for received_at, closed_on, channel, kind, scene, outcome in rows]


def _labelled(counter: Counter, choices) -> list[tuple[str, str, int]]:
    """The choices in their order (zero rows left out), then any value no longer among them, then blanks."""
    rows = [(value, label, counter[value]) for value, label in choices if counter.get(value)]
    known = {value for value, _ in choices}
    rows += [(value, value or "—", n) for value, n in counter.items() if value not in known and n]
    return rows


def _topic_rows(municipality: Municipality, start: dt.date, end: dt.date) -> list[tuple[str, str, int]]:
    received = cases_of(municipality).filter(**_received_between(start, end))
    rows = (Topic.objects.filter(cases__in=received).values("code", "name_ja", "order")
            .annotate(n=Count("cases", filter=Q(cases__in=received))).order_by("order", "name_ja"))
    return [(row["code"], row["name_ja"], row["n"]) for row in rows]


def _received_between(start: dt.date, end: dt.date) -> dict:
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return {"received_at__gte": first, "received_at__lt": after}


def desk_report(municipality: Municipality, start: dt.date, end: dt.date, *, suppress: bool,
                today: dt.date | None = None) -> DeskReport:
    """The municipality's desk report for the span [start, end] (two queries: the cases' facts and the topics).

    `suppress`: the viewer sees small counts as "<10" (the caller asks `consult.view_exact_counts`).
    """
    today = today or timezone.localdate()
    # Cases open at the span's start count in "open at month end": read those received before it too.
    facts = _facts(cases_of(municipality).filter(
        Q(**_received_between(dt.date(2000, 1, 1), end)) & (Q(closed_on__isnull=True) | Q(closed_on__gte=start))))
    in_span = [c for c in facts if start <= c.received_on <= end]
    closed_in_span = [c for c in facts if c.closed_on and start <= c.closed_on <= end]
    months = []
    for month in months_between(start, end):
        last = month_end(month)
        received = [c for c in in_span if month <= c.received_on <= last]
        closed = [c for c in closed_in_span if month <= c.closed_on <= last]
        still_open = None if last >= today else sum(
            1 for c in facts if c.received_on <= last and (c.closed_on is None or c.closed_on > last))
        months.append(MonthRow(month, wareki_month(month), len(received), len(closed), still_open,
                                closing_of(received, closed, today)))
    years = []
    for year in sorted({fiscal_year_of(m.month) for m in months}):
        received = [c for c in in_span if fiscal_year_of(c.received_on) == year]
        closed = [c for c in closed_in_span if fiscal_year_of(c.closed_on) == year]
        years.append(YearRow(year, fiscal_year_label(year), len(received), len(closed),
                             closing_of(received, closed, today)))
    breakdowns = [
        Breakdown("requester_kind", _("Who asked"), _labelled(Counter(c.requester_kind for c in in_span),
                                                             RequesterKind.choices)),
        Breakdown("channel", _("How"), _labelled(Counter(c.channel for c in in_span), Channel.choices)),
        Breakdown("scene", _("Scene"), _labelled(Counter(c.scene for c in in_span), Scene.choices)),
        Breakdown("topic", _("Topic"), _topic_rows(municipality, start, end)),
        Breakdown("outcome", _("Outcome"), _labelled(Counter(c.outcome for c in closed_in_span), Outcome.choices)),
    ]
    return DeskReport(municipality, start, end, suppress, months, years, len(in_span), len(closed_in_span),
                      closing_of(in_span, closed_in_span, today), breakdowns)


def chart_data(report: DeskReport) -> dict:
    """The bar charts' data (json_script): masked counts are null, so a chart never carries what the table hides."""
    def number(value: int) -> int | None:
        return count(value, suppress=report.suppress).number

    return {
        "months": {"labels": [row.label for row in report.months],
                   "received": [number(row.received) for row in report.months],
                   "closed": [number(row.closed) for row in report.months]},
        "breakdowns": {b.key: {"labels": [str(label) for _, label, _n in b.rows],
                               "counts": [number(n) for _, _l, n in b.rows]} for b in report.breakdowns},
    }


@dataclass
class MonthCounts:
    month: dt.date
    received: int
    closed: int
    by_scene: Counter
    by_requester_kind: Counter
    by_outcome: Counter  # of the cases closed in the month


def monthly_counts(municipality: Municipality, start: dt.date, end: dt.date) -> list[MonthCounts]:
    """Per month of the span: received (by scene and requester kind) and closed (by outcome); one query."""
    facts = _facts(cases_of(municipality).filter(
        Q(**_received_between(start, end)) | Q(closed_on__gte=start, closed_on__lte=end)))
    out = []
    for month in months_between(start, end):
        last = month_end(month)
        received = [c for c in facts if month <= c.received_on <= last]
        closed = [c for c in facts if c.closed_on and month <= c.closed_on <= last]
        out.append(MonthCounts(month, len(received), len(closed), Counter(c.scene for c in received),
                               Counter(c.requester_kind for c in received), Counter(c.outcome for c in closed)))
    return out
