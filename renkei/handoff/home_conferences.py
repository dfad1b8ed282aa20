"""The conference items of the home page: invitations waiting for my answer, and, for the person who proposed
a conference, every answer in (time to decide). Counts only: no patient is named on the home page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from renkei.core import dashboard
from renkei.core.dashboard import AttentionItem

from . import registrations
from .selectors import conferences as selectors


def conference_attention(membership) -> list[AttentionItem]:
    if membership is None or membership.role != "professional":
        return []
    items = []
    waiting = selectors.invitations_waiting(membership)
    if waiting:
        one = len(waiting) == 1
        items.append(AttentionItem(
            text=ngettext("%(count)d pre-discharge conference invitation is waiting for your answer",
                          "%(count)d pre-discharge conference invitations are waiting for your answer",
                          len(waiting)) % {"count": len(waiting)},
            detail=ngettext("Say which of the proposed times suit you.", "Say which of the proposed times suit you.",
                            len(waiting)),
            url=reverse("handoff:conference_answer", kwargs={"invitee_id": waiting[0].pk}) if one
            else reverse("handoff:conference_invitations"),
            action="handoff.answer_conference" if one else "handoff.list_handoffs",
            obj=waiting[0] if one else None, order=12))
    answered = selectors.proposals_answered(membership)
    if answered:
        one = len(answered) == 1
        items.append(AttentionItem(
            text=ngettext("Every invitee answered your conference proposal: decide the time",
                          "Every invitee answered %(count)d of your conference proposals: decide the times",
                          len(answered)) % {"count": len(answered)},
            url=reverse("handoff:conference_schedule", kwargs={"conference_id": answered[0].pk}) if one
            else reverse("handoff:conference_invitations"),
            action="handoff.arrange_conference" if one else "handoff.list_handoffs",
            obj=answered[0] if one else None, order=13))
    return items


@registrations.on_ready
def register_conference_attention() -> None:
    from .views import conferences  # noqa: F401  (registers the handoff page's conference section)

    dashboard.register_attention(conference_attention)
