"""Template helpers of the もれ率 report: counts and rates as area screens show them ("<5" for 1–4)."""

from __future__ import annotations

from django import template

from ..selectors import measures

register = template.Library()


@register.filter
def count(value, suppress=True) -> str:
    """A count; 1–4 shown as "<5" when `suppress` (area screens)."""
    return measures.shown(int(value or 0), suppress=bool(suppress))


@register.simple_tag
def rate(value, denominator, suppress=True) -> str:
    """A percentage; not shown over fewer than 5 when `suppress`."""
    return measures.shown_rate(value, int(denominator or 0), suppress=bool(suppress))


@register.filter
def trend_rows(report) -> list[dict]:
    """One row per month of the period (and per survey month outside it): measured figures and the survey's."""
    measured = {f.key: f for f in report.months}
    census = {c.month: c for c in report.census}
    months = sorted({*measures.months_between(report.start, report.end), *census})
    return [{"label": f"{m.year}年{m.month}月", "figures": measured.get(m), "census": census.get(m)} for m in months]
