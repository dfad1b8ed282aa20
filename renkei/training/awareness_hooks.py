"""What public awareness adds to the rest of Renkei: the residents' portal link to the calendar, and the home
page's reminder of activities coming soon without a questionnaire link."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from renkei.core import dashboard, portal_links
from renkei.core.dashboard import AttentionItem

from . import registrations
from .models import AwarenessActivity
from .selectors.awareness import soon_without_questionnaire


def has_calendar(municipality) -> bool:
    """Whether the municipality has published activities from a year ago on (the calendar has something)."""
    since = timezone.localdate().replace(year=timezone.localdate().year - 1)
    return AwarenessActivity.objects.filter(municipality=municipality, is_published=True, is_cancelled=False,
                                            date__gte=since).exists()


@registrations.on_ready
def register_portal_link() -> None:
    label = _("Home care lectures and events (在宅医療・介護の講座・イベント)")
    portal_links.register("training.events", label, "events:calendar", has_calendar)


def questionnaire_attention(membership) -> list[AttentionItem]:
    if membership is None or membership.role not in ("municipal_staff", "coordinator"):
        return []
    soon = soon_without_questionnaire(membership)
    if not soon:
        return []
    return [AttentionItem(
        text=ngettext("%(count)d awareness activity in the next 14 days has no questionnaire link",
                      "%(count)d awareness activities in the next 14 days have no questionnaire link",
                      len(soon)) % {"count": len(soon)},
        detail=str(_("Issue the link and print its QR code on the handout.")),
        url=reverse("training:awareness_detail", args=[soon[0].pk]) + "#questionnaire",
        action="training.manage_awareness", obj=soon[0], order=60)]


@registrations.on_ready
def register_questionnaire_attention() -> None:
    dashboard.register_attention(questionnaire_attention)
