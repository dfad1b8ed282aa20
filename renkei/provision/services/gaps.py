"""E-mailing a cover group's members about the gaps in its rota: a link and the dates, no patient data."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation

from renkei.core.models import Membership, Role

from ..models import CoverGroup


def recipients(group: CoverGroup) -> list[str]:
    emails = (Membership.objects.filter(cover_groups=group, is_active=True, role=Role.PROFESSIONAL,
                                        user__is_active=True)
              .values_list("user__email", flat=True))
    return sorted({e for e in emails if e})


def gap_mail_send(*, group: CoverGroup, gaps: list, base_url: str) -> int:
    """One e-mail to the group's members; returns how many addresses it went to."""
    to = recipients(group)
    if not to:
        return 0
    first = gaps[0].date
    link = f"{base_url}{reverse('provision:group_detail', kwargs={'group_id': group.pk})}?month={first:%Y-%m}"
    with translation.override("ja"):
        lines = [f"{g.date:%Y-%m-%d}（{'月火水木金土日'[g.date.weekday()]}） {g.kind_label}" for g in gaps]
    subject = f"[Renkei] {group.name}: 当番が決まっていない日があります（{len(gaps)}件）"
    body = "\n".join([
        f"{group.name} の当番表に、担当者のいない夜・休日があります。",
        "担当を決めて当番表に入力してください。",
        "",
        *lines,
        "",
        link,
        "",
        "-- ",
        "This rota has nights or weekend/holiday days without cover. Open the link to assign them.",
    ])
    send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=to)
    return len(to)
