"""Filters of the practices screens: a program item's letter (ア…ク) and label, a scene's label."""

from django import template

from renkei.core.models import ProgramItem, Scene

register = template.Library()
LETTERS = dict(zip("abcdefgh", "アイウエオカキク", strict=True))


@register.filter
def item_letter(value: str) -> str:
    return LETTERS.get(value, value)


@register.filter
def item_label(value: str) -> str:
    return str(dict(ProgramItem.choices).get(value, value))


@register.filter
def scene_label(value: str) -> str:
    return str(dict(Scene.choices).get(value, value))
