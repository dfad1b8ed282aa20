from django import template

from ..portal_links import links_for

register = template.Library()


@register.simple_tag
def portal_links(municipality) -> list[dict]:
    """The links other apps registered for the municipality's residents' portal (core.portal_links)."""
    return links_for(municipality)
