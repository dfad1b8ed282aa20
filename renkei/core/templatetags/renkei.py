from django import template
from django.utils import timezone, translation

from ..wareki import to_wareki

register = template.Library()


@register.filter
def wareki(value):
    """A date in 和暦 when the page is Japanese, ISO otherwise."""
    if not value:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    if translation.get_language() == "ja":
        return to_wareki(value)
    return value.strftime("%Y-%m-%d")
