"""Home attention for consent and break-glass: the responsible person's emergency accesses to review."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from renkei.core.dashboard import TODO, AttentionItem

from .selectors.break_glass import unreviewed_count


def break_glass_attention(membership) -> list[AttentionItem]:
    count = unreviewed_count(membership)
    if not count:
        return []
    return [AttentionItem(
        text=ngettext("%(count)d emergency access by your members waits for your review",
                      "%(count)d emergency accesses by your members wait for your review", count) % {"count": count},
        url=reverse("careteams:break_glass_review"), action="careteams.review_break_glass", tone=TODO, order=20)]
