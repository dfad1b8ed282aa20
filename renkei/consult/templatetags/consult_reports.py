"""Counts on the desk report as the viewer may see them: `{{ n|desk_count:report.suppress }}` ("<10" when masked),
`{% desk_share closing report.suppress %}`, `{% desk_stat value over report.suppress %}`."""

from django import template

from ..selectors.reports import count, masked, masked_share

register = template.Library()


@register.filter
def desk_count(value, suppress):
    return count(value, suppress=bool(suppress)).text


@register.simple_tag
def desk_share(closing, suppress):
    shown = masked_share(closing, suppress=bool(suppress))
    return "—" if shown is None else f"{shown}%"


@register.simple_tag
def desk_stat(value, over, suppress):
    shown = masked(value, over, suppress=bool(suppress))
    return "—" if shown is None else shown
