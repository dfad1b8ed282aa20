"""The home page's attention for a professional: urgent posts and mentions they have not acknowledged yet,
one line per patient, from their own team places (selectors.timeline.attention_posts)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renkei.core import dashboard
from renkei.core.models import Role

from .models import Post
from .selectors.timeline import attention_posts


def timeline_attention(membership) -> list[dashboard.AttentionItem]:
    if membership is None or membership.role != Role.PROFESSIONAL:
        return []
    by_patient: dict[int, list[Post]] = {}
    for post in attention_posts(membership):
        by_patient.setdefault(post.patient_id, []).append(post)
    items = []
    for posts in by_patient.values():
        patient = posts[0].patient
        urgent = sum(1 for p in posts if p.urgency == Post.Urgency.URGENT)
        mentions = len(posts) - urgent
        parts = []
        if urgent:
            parts.append(ngettext("%(count)d urgent post", "%(count)d urgent posts", urgent) % {"count": urgent})
        if mentions:
            parts.append(ngettext("%(count)d mention of you", "%(count)d mentions of you", mentions)
                         % {"count": mentions})
        items.append(dashboard.AttentionItem(
            text=_("%(patient)s: %(what)s not yet acknowledged") % {"patient": patient.name,
                                                                   "what": " / ".join(parts)},
            detail=_("Read them on the timeline and press “Read”."),
            url=reverse("careteams:timeline", kwargs={"patient_id": patient.pk}) + "?show=unacknowledged",
            action="careteams.view_timeline", obj=patient, tone=dashboard.TODO, order=10 if urgent else 20))
    return items
