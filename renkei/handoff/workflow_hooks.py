"""The workflow's hooks: the patient's 入退院 tab and the home page's "due from you" items."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from renkei.careteams import frame
from renkei.core import dashboard
from renkei.core.models import Role

from . import registrations
from .selectors import workflow as selectors

HOME_LIMIT = 5  # items listed one by one; more are summed up in one line to the list


def handoff_attention(membership) -> list[dashboard.AttentionItem]:
    """Each actor's steps overdue or due within 24 hours, each linking to its handoff page."""
    if membership is None or membership.role != Role.PROFESSIONAL:
        return []
    steps = selectors.due_steps(membership, within_hours=selectors.DUE_SOON_HOURS, limit=100)
    items = []
    for step in steps[:HOME_LIMIT]:
        selectors.mark(step)
        due = step.due_at
        text = (_("Overdue: %(step)s (%(hospital)s)") if step.is_overdue else
                _("Due within 24 hours: %(step)s (%(hospital)s)")) % {
            "step": step.get_key_display(), "hospital": step.handoff.hospital.name}
        items.append(dashboard.AttentionItem(
            text=text, detail=_("Due %(when)s.") % {"when": timezone.localtime(due).strftime("%m/%d %H:%M")},
            url=reverse("handoff:handoff_detail", kwargs={"handoff_id": step.handoff_id}),
            action="handoff.view_handoff", obj=step.handoff, order=10 if step.is_overdue else 15))
    if len(steps) > HOME_LIMIT:
        more = len(steps) - HOME_LIMIT
        items.append(dashboard.AttentionItem(
            text=ngettext("%(n)d more admission step is due soon.", "%(n)d more admission steps are due soon.", more)
            % {"n": more}, url=reverse("handoff:handoff_list"), action="handoff.list_handoffs", order=16))
    return items


@registrations.on_ready
def register_workflow() -> None:
    frame.register_tab("handoff", gettext_lazy("Admissions and discharges"), "handoff:patient_handoffs",
                       "careteams.view_patient", order=47)
    dashboard.register_attention(handoff_attention)
