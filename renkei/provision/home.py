"""The home page's attention items for cover-group members: uncovered nights and days in the next 14 days,
and, for hospital professionals, enrolments waiting for a decision."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from renkei.core import dashboard, policy
from renkei.core.models import Role

from .models import PatientEnrolment
from .selectors import rota


def provision_attention(membership) -> list[dashboard.AttentionItem]:
    if membership is None or membership.role != Role.PROFESSIONAL:
        return []
    items = []
    for group in rota.my_groups(membership):
        found = rota.gaps(group)
        if not found:
            continue
        items.append(dashboard.AttentionItem(
            text=ngettext("%(group)s: %(n)d shift in the next 14 days has no cover.",
                          "%(group)s: %(n)d shifts in the next 14 days have no cover.", len(found))
            % {"group": group.name, "n": len(found)},
            detail=_("First: %(date)s.") % {"date": found[0].date.isoformat()},
            url=reverse("provision:group_detail", kwargs={"group_id": group.pk}) + f"?month={found[0].date:%Y-%m}",
            action="provision.view_group", obj=group, order=20))
    if policy.check(membership, "provision.list_enrolments"):
        waiting = policy.scope(membership, "provision.list_enrolments", PatientEnrolment.objects.filter(
            status=PatientEnrolment.Status.PROPOSED)).count()
        if waiting:
            items.append(dashboard.AttentionItem(
                text=ngettext("%(n)d backup-hospital enrolment waits for your hospital's answer.",
                              "%(n)d backup-hospital enrolments wait for your hospital's answer.", waiting)
                % {"n": waiting},
                url=reverse("provision:enrolment_list") + "?status=proposed", action="provision.list_enrolments",
                order=25))
    return items
