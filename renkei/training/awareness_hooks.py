"""What public awareness adds to the rest of Renkei: the residents' portal link to the calendar."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core import portal_links

from . import registrations
from .models import AwarenessActivity


def has_calendar(municipality) -> bool:
    """Whether the municipality has published activities from a year ago on (the calendar has something)."""
    since = timezone.localdate().replace(year=timezone.localdate().year - 1)
    return AwarenessActivity.objects.filter(municipality=municipality, is_published=True, is_cancelled=False,
                                            date__gte=since).exists()


@registrations.on_ready
def register_portal_link() -> None:
    label = _("Home care lectures and events (在宅医療・介護の講座・イベント)")
    portal_links.register("training.events", label, "events:calendar", has_calendar)
