"""The careteams items of the home page: requests to join my teams, and invitations to them nobody accepted.

Counts only (no patient is named on the home page); the link leads to screens that ask the policy again."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renkei.core import dashboard, policy
from renkei.core.dashboard import AttentionItem

from .selectors.teams import pending_join_requests_count, waiting_invitations_count


def careteams_attention(membership) -> list[AttentionItem]:
    if not policy.check(membership, "careteams.list_patients"):
        return []
    items = []
    waiting = pending_join_requests_count(membership)
    if waiting:
        items.append(AttentionItem(
            text=ngettext("%(count)d request to join your care teams is waiting",
                          "%(count)d requests to join your care teams are waiting", waiting) % {"count": waiting},
            detail=_("Accept to add them to the team, or decline."),
            url=reverse("careteams:join_request_list"), action="careteams.list_patients", order=15))
    invited = waiting_invitations_count(membership)
    if invited:
        items.append(AttentionItem(
            text=ngettext("%(count)d person invited to your care teams has not joined yet",
                          "%(count)d people invited to your care teams have not joined yet", invited)
            % {"count": invited},
            detail=_("Remind them to open the link in the e-mail, or end the invitation on the team page."),
            url=reverse("careteams:my_patients"), action="careteams.list_patients", order=40,
            tone=dashboard.INFO))
    return items


def register() -> None:
    dashboard.register_attention(careteams_attention)
