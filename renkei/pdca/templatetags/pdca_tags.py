"""Template filters of the PDCA screens."""

from django import template

from renkei.core.wareki import fiscal_year_wareki

register = template.Library()


@register.filter
def fiscal_wareki(value):
    """2024 → 令和6年度 (empty for no year)."""
    return fiscal_year_wareki(int(value)) if value not in (None, "") else ""


@register.simple_tag
def changes_of(comparison, what):
    """The changes of one kind of thing (measure, outcome, indicator, placement) in a comparison."""
    return comparison.of(what) if comparison else []
