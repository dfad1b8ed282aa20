"""The patient frame: tabs and summary sections a viewer may open (careteams/frame.py decides)."""

from django import template

from .. import frame

register = template.Library()


@register.inclusion_tag("careteams/_patient_tabs.html", takes_context=True)
def patient_tabs(context, patient, active: str = ""):
    from ..selectors.patients import record_header_read

    record_header_read(context.get("membership"), patient)
    return {"tabs": frame.tabs_for(context.get("membership"), patient), "active": active}


@register.simple_tag(takes_context=True)
def patient_sections(context, patient) -> list[str]:
    return frame.sections_for(context.get("membership"), patient)
