"""The report the council reads, composed from `selectors.measures`: an area's (or an organization's own) tables,
the trend with the survey months and the baseline, and the same tables as CSV rows.

Area reports show counts 1–4 as "<5" (and no rate over fewer than 5); an organization's own figures are shown
whole. No patient row is ever read here: every table is a GROUP BY over the handoffs' measure fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core.months import read_month

from . import measures
from .measures import Figures

MAX_MONTHS = 60


class PeriodError(ValueError):
    def __init__(self, ja: str, en: str):
        super().__init__(en)
        self.ja, self.en = ja, en




def parse_month(text: str) -> dt.date:
    """2024-05, 2024/5, 2024年5月 → the first day of that month; PeriodError otherwise."""
    day = read_month(text)
    if day is None:
        raise PeriodError(f"月「{text}」を読めません（例: 2024-05）。",
                          f"Cannot read the month “{text}” (e.g. 2024-05).")
    return day


def period_of(start_text: str = "", end_text: str = "") -> tuple[dt.date, dt.date]:
    """(first day, last day) from two months (YYYY-MM); by default the last twelve months."""
    today = timezone.localdate()
    end = parse_month(end_text) if end_text else today.replace(day=1)
    start = parse_month(start_text) if start_text else (end - dt.timedelta(days=335)).replace(day=1)
    if start > end:
        raise PeriodError("開始の月が終わりの月より後です。", "The first month is after the last.")
    if len(measures.months_between(start, end)) > MAX_MONTHS:
        raise PeriodError(f"期間は {MAX_MONTHS} か月までです。", f"The period is {MAX_MONTHS} months at most.")
    return start, measures.month_end(end)


@dataclass
class Report:
    start: dt.date
    end: dt.date
    suppress: bool
    total: Figures
    months: list[Figures]
    hospitals: list[Figures]
    care_offices: list[Figures] = field(default_factory=list)
    municipalities: list[Figures] = field(default_factory=list)
    steps: list = field(default_factory=list)
    professions: list = field(default_factory=list)
    conferences_without_care_manager: int = 0
    census: list = field(default_factory=list)
    baselines: list = field(default_factory=list)
    trend: dict = field(default_factory=dict)


def area_report(area, start: dt.date, end: dt.date) -> Report:
    """Everything the report screen shows for an area (about ten aggregate queries, whatever the size)."""
    handoffs = measures.discharges(start=start, end=end, area=area)
    report = Report(
        start=start, end=end, suppress=True, total=measures.totals(handoffs), months=measures.by_month(handoffs),
        hospitals=measures.by_hospital(handoffs), care_offices=measures.by_care_office(handoffs),
        municipalities=measures.by_municipality(handoffs) if len(area.municipality_ids) > 1 else [],
        steps=measures.step_on_time(start=start, end=end, area=area),
        professions=measures.participation_by_profession(handoffs),
        conferences_without_care_manager=measures.conferences_without_care_manager(handoffs),
        census=measures.census_months(area), baselines=measures.baselines(area))
    report.trend = trend(report)
    return report


def own_report(*, start: dt.date, end: dt.date, hospital_organization_id=None, care_office_id=None) -> Report:
    """An organization's own figures (a hospital's もれ率 and on-time rates; a care office's), shown whole."""
    handoffs = measures.discharges(start=start, end=end, hospital_organization_id=hospital_organization_id,
                                   care_office_id=care_office_id)
    report = Report(start=start, end=end, suppress=False, total=measures.totals(handoffs),
                    months=measures.by_month(handoffs),
                    hospitals=measures.by_hospital(handoffs) if care_office_id is not None else [],
                    steps=measures.step_on_time(start=start, end=end, hospital_organization_id=hospital_organization_id,
                                                care_office_id=care_office_id))
    report.trend = trend(report)
    return report


def _number(value) -> float | None:
    return float(value) if value is not None else None


def trend(report: Report) -> dict:
    """The chart's data: measured もれ率 by month over the period, the survey months beside them (labelled), and
    each baseline as a flat line. The table under the chart holds the same numbers."""
    months = measures.months_between(report.start, report.end)
    census = {c.month: c for c in report.census}
    extra = sorted(m for m in census if m not in months)
    labels_months = sorted({*months, *extra})
    measured = {f.key: f for f in report.months}
    small = measures.SUPPRESS_BELOW if report.suppress else 0
    return {
        "labels": [f"{m.year}-{m.month:02d}" for m in labels_months],
        "measured": [_number(measured[m].missed_rate) if m in measured and measured[m].counted >= small else None
                     for m in labels_months],
        "census": [_number(census[m].missed_rate) if m in census else None for m in labels_months],
        "baselines": [{"label": f"{b.measured_in:%Y-%m} {b.source or ''}".strip(), "value": float(b.missed_rate)}
                      for b in report.baselines],
        "unit": "%",
    }


# --- CSV ---------------------------------------------------------------------------------------------

TABLES = ("month", "hospital", "care_office", "municipality", "steps", "professions", "census")


def _figure_header() -> list[str]:
    return [_("discharges"), _("counted"), _("missed"), _("missed rate (%)"), _("coordination rate (%)"),
            _("coordination rate 要介護 (%)"), _("coordination rate 要支援 (%)"), _("late notice"),
            _("admission information never sent"), _("exchanges before discharge"), _("conferences"),
            _("without a key person"), _("without a key person (%)"), _("reported afterwards")]


def _cell(value: int, suppress: bool) -> str:
    return measures.shown(value, suppress=suppress).replace(",", "")


def _rate_cell(value, denominator: int, suppress: bool) -> str:
    text = measures.shown_rate(value, denominator, suppress=suppress)
    return "" if text == "—" else text.rstrip("%")


def _figure_cells(f: Figures, suppress: bool) -> list[str]:
    return [_cell(f.discharges, suppress), _cell(f.counted, suppress), _cell(f.missed, suppress),
            _rate_cell(f.missed_rate, f.counted, suppress), _rate_cell(f.coordination_rate, f.counted, suppress),
            _rate_cell(f.coordination_rate_care, f.counted_care, suppress),
            _rate_cell(f.coordination_rate_support, f.counted_support, suppress), _cell(f.late_notice, suppress),
            _cell(f.admission_info_missing, suppress), _cell(f.exchanges, suppress),
            _cell(f.conferences, suppress), _cell(f.without_key_person, suppress),
            _rate_cell(f.without_key_person_share, f.key_person_known, suppress),
            _cell(f.reported_afterwards, suppress)]


def csv_rows(report: Report, table: str) -> list[list[str]]:
    """The rows of one table for the CSV download (header first), suppressed as on the screen."""
    s = report.suppress
    if table in ("month", "hospital", "care_office", "municipality"):
        rows = {"month": report.months, "hospital": report.hospitals, "care_office": report.care_offices,
                "municipality": report.municipalities}[table]
        first = {"month": _("month"), "hospital": _("hospital"), "care_office": _("care management office"),
                 "municipality": _("municipality")}[table]
        out = [[first, *_figure_header()]]
        out += [[f.label or _("(not recorded)"), *_figure_cells(f, s)] for f in rows]
        out.append([_("total"), *_figure_cells(report.total, s)])
        return out
    if table == "steps":
        return [[_("step"), _("due"), _("on time"), _("late"), _("not done"), _("on-time rate (%)")],
                *([str(x.label), _cell(x.due, s), _cell(x.on_time, s), _cell(x.late, s), _cell(x.not_done, s),
                   _rate_cell(x.on_time_rate, x.due, s)] for x in report.steps)]
    if table == "professions":
        return [[_("profession"), _("invited"), _("attended"), _("attended (%)")],
                *([x.label or _("(not recorded)"), _cell(x.invited, s), _cell(x.attended, s),
                   _rate_cell(x.attended_rate, x.invited, s)] for x in report.professions)]
    return [[_("survey month"), _("discharges"), _("contacted before discharge"), _("missed rate (%)"),
             _("coordination rate 要介護 (%)"), _("coordination rate 要支援 (%)")],
            *([f"{c.month:%Y-%m}", str(c.discharges), str(c.contacted), _rate_cell(c.missed_rate, 0, False),
               _rate_cell(c.coordination_rate_care, 0, False), _rate_cell(c.coordination_rate_support, 0, False)]
              for c in report.census)]
