"""Filters of the practices screens: a program item's label (with its letter in Japanese), a scene's label."""

from django import template

from renkei.core.models import ProgramItem, Scene

register = template.Library()


@register.filter
def item_label(value: str) -> str:
    return str(dict(ProgramItem.choices).get(value, value))


@register.filter
def scene_label(value: str) -> str:
    return str(dict(Scene.choices).get(value, value))
