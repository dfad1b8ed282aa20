"""Template helpers of provision: the call plan for the patient summary's section, a link that may not exist yet."""

from django import template
from django.urls import NoReverseMatch, reverse

from renkei.core import policy

from ..selectors.contacts import who_to_call_now

register = template.Library()


@register.simple_tag(takes_context=True)
def call_plan(context, patient):
    """The plan for the summary page (the page read the patient through the policy and logged it)."""
    if not policy.check(context.get("membership"), "provision.view_contacts", patient):
        return None
    return who_to_call_now(patient)


@register.simple_tag
def patient_url(name, patient_id):
    """The URL of a per-patient page, or "" while that page does not exist."""
    try:
        return reverse(name, kwargs={"patient_id": patient_id})
    except NoReverseMatch:
        return ""
