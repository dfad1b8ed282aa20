"""Template filters of the implementation-status screens."""

from django import template

from renkei.core.wareki import fiscal_year_wareki

register = template.Library()


@register.filter
def fiscal_wareki(year):
    """2025 → 令和7年度."""
    try:
        return fiscal_year_wareki(int(year))
    except (TypeError, ValueError):
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
