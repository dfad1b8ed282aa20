"""What the forms part adds to the rest of Renkei: the forms section of the handoff page, and on the home page
the forms sent to the member's organization on Renkei and not yet acknowledged."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renkei.core import dashboard
from renkei.core.models import Role

from . import registrations, sections

HOME_LIMIT = 5  # handoffs listed one by one; more are summed up in one line to the list


def documents_attention(membership) -> list[dashboard.AttentionItem]:
    """One line per handoff with forms waiting for this organization's receipt."""
    if membership is None or membership.role != Role.PROFESSIONAL:
        return []
    from .selectors.documents import waiting_for_receipt

    by_handoff: dict[int, list] = {}
    for sending in waiting_for_receipt(membership):
        by_handoff.setdefault(sending.document.handoff_id, []).append(sending)
    items = []
    groups = list(by_handoff.values())
    for sendings in groups[:HOME_LIMIT]:
        handoff = sendings[0].document.handoff
        kinds = "、".join(dict.fromkeys(str(s.document.get_kind_display()) for s in sendings))
        items.append(dashboard.AttentionItem(
            text=ngettext("%(patient)s: %(count)d form received, not yet acknowledged (%(kinds)s)",
                          "%(patient)s: %(count)d forms received, not yet acknowledged (%(kinds)s)", len(sendings))
            % {"patient": handoff.patient.name, "count": len(sendings), "kinds": kinds},
            detail=_("Open the forms and press “Acknowledge receipt”."),
            url=reverse("handoff:document_list", kwargs={"handoff_id": handoff.pk}),
            action="handoff.view_handoff", obj=handoff, tone=dashboard.TODO, order=15))
    if len(groups) > HOME_LIMIT:  # each line asks the policy: the rest is one line to the list
        more = len(groups) - HOME_LIMIT
        items.append(dashboard.AttentionItem(
            text=ngettext("Forms of %(n)d more admission are waiting for your receipt.",
                          "Forms of %(n)d more admissions are waiting for your receipt.", more) % {"n": more},
            url=reverse("handoff:handoff_list"), action="handoff.list_handoffs", tone=dashboard.TODO, order=16))
    return items


@registrations.on_ready
def register_documents() -> None:
    from .views.documents import section_context

    sections.register("documents", "handoff/_documents_section.html", section_context, order=30)
    dashboard.register_attention(documents_attention)
