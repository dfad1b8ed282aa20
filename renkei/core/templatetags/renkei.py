from django import template
from django.utils import timezone, translation

from .. import policy
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


@register.simple_tag(takes_context=True)
def may(context, action: str, obj=None) -> bool:
    """Whether the page's viewer may do `action` (on `obj`): the permission policy's answer, for links.

    `{% may "directory.manage_surveys" facility as can_survey %}{% if can_survey %}<a …>{% endif %}`:
    a page shows a link only to those the link's view would let in, so nobody meets a 403 from a link.
    Anonymous visitors (no membership) may nothing.
    """
    request = context.get("request")
    return policy.check(getattr(request, "membership", None), action, obj)


@register.simple_tag(takes_context=True)
def render_section(context, section):
    """A section registered with `core.page_sections`: its template with the page's context plus its own."""
    from django.template.loader import get_template

    with context.push(**section["context"]):
        return get_template(section["template"]).render(context.flatten(), context.get("request"))
