"""`{% load small_numbers %}{{ count|masked_count:outside }}`: a count of people as a viewer may see it."""

from django import template

from .. import small_numbers

register = template.Library()


@register.filter
def masked_count(value, outside=True):
    """The count, or "<10" for a small count shown outside its municipality ("—" for no value)."""
    shown = small_numbers.masked_count(value, outside=bool(outside))
    return "—" if shown is None else shown
