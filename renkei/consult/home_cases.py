"""What the cases part adds elsewhere: the home page's attention items for desk members (follow-ups due, cases
open for more than 30 days: numbers only, no names) and the desk page's cases section (the open count)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from renkei.core import dashboard, policy
from renkei.core.dashboard import AttentionItem

from . import registrations, sections
from .selectors import cases as selectors

VIEW = selectors.VIEW


def case_attention(membership) -> list[AttentionItem]:
    """Open cases with a follow-up due today or overdue, and open cases older than 30 days, each linking to
    its case (the home page shows the link only when `consult.view_cases` allows it on the case)."""
    if membership is None or not policy.check(membership, VIEW):
        return []
    found = selectors.cases_needing_attention(membership)
    items = []
    for case in found["due"]:
        items.append(AttentionItem(
            text=_("Case %(number)s: follow-up due %(date)s") % {
                "number": case.number, "date": case.next_follow_up.strftime("%Y-%m-%d")},
            detail=case.desk.name, url=reverse("consult:case_detail", kwargs={"case_id": case.pk}),
            action=VIEW, obj=case, order=20))
    for case in found["old"]:
        items.append(AttentionItem(
            text=_("Case %(number)s has been open for more than 30 days") % {"number": case.number},
            detail=case.desk.name, url=reverse("consult:case_detail", kwargs={"case_id": case.pk}),
            action=VIEW, obj=case, order=21))
    return items


def desk_section(membership, desk) -> dict:
    """The desk page's cases section: the open count and the links the member may follow."""
    return {"desk": desk, "open_count": selectors.open_count(desk),
            "can_view": policy.check(membership, VIEW, desk),
            "can_record": policy.check(membership, selectors.RECORD, desk)}


@registrations.on_ready
def register_case_hooks() -> None:
    dashboard.register_attention(case_attention)
    sections.desk_page.register("cases", "consult/cases/_desk_section.html", desk_section, order=20)
