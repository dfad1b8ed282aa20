"""Reminders before a deadline: an e-mail (a link and the due times, no patient data) to the people a step is
due from, once per step (`HandoffStep.reminded_at`), so the cron job can run as often as it likes.

Who is reminded: the care manager of their own steps; the hospital's discharge contact (else its professionals
who may open the handoff) of the hospital's steps. A hospital not on Renkei has nobody to write to: its care
manager is reminded of its steps instead, to phone the hospital and record what it said.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from renkei.careteams.models import CareTeamMember, TeamRole
from renkei.core import policy
from renkei.core.models import Membership, Role

from ..models import Actor, Handoff, HandoffStep

REMIND_HOURS = 24


@dataclass
class Reminder:
    membership: Membership
    steps: list[HandoffStep] = field(default_factory=list)


def steps_to_remind(*, hours: float = REMIND_HOURS, now: dt.datetime | None = None) -> list[HandoffStep]:
    """Pending steps due before now + `hours` (overdue ones included) that were never reminded."""
    now = now or timezone.now()
    return list(HandoffStep.objects.filter(status=HandoffStep.Status.PENDING, reminded_at__isnull=True,
                                           due_at__isnull=False, due_at__lte=now + dt.timedelta(hours=hours))
                .exclude(handoff__status=Handoff.Status.CANCELLED)
                .select_related("handoff__patient", "handoff__care_manager__user", "handoff__discharge_contact__user",
                                "rule_step")
                .order_by("due_at", "pk"))


def _care_managers(handoff: Handoff) -> list[Membership]:
    if handoff.care_manager_id:
        return [handoff.care_manager]
    today = timezone.localdate()
    places = (CareTeamMember.objects.filter(team__patient_id=handoff.patient_id, role=TeamRole.CARE_MANAGER,
                                            membership__isnull=False, started_on__lte=today)
              .exclude(ended_on__lt=today).select_related("membership__user"))
    return [p.membership for p in places]


def _hospital_people(handoff: Handoff) -> list[Membership]:
    if handoff.discharge_contact_id:
        return [handoff.discharge_contact]
    return list(Membership.objects.filter(organization_id=handoff.hospital_organization_id, role=Role.PROFESSIONAL,
                                          is_active=True).select_related("user", "organization"))


def recipients(step: HandoffStep) -> list[Membership]:
    """The people the step is due from who may open its handoff (the link leads to a page they may see)."""
    handoff = step.handoff
    if step.actor == Actor.HOSPITAL and handoff.hospital_organization_id:
        people = _hospital_people(handoff)
    else:
        people = _care_managers(handoff)
    return [m for m in people if m.is_active and m.user.is_active and m.user.email
            and policy.check(m, "handoff.view_handoff", handoff)]


def plan(*, hours: float = REMIND_HOURS) -> tuple[list[Reminder], list[HandoffStep]]:
    """The e-mails to send (one per person, with all their steps) and the steps considered."""
    steps = steps_to_remind(hours=hours)
    by_person: dict[int, Reminder] = {}
    for step in steps:
        for membership in recipients(step):
            by_person.setdefault(membership.pk, Reminder(membership)).steps.append(step)
    return list(by_person.values()), steps


def _mail(reminder: Reminder, base_url: str) -> tuple[str, str]:
    now = timezone.now()
    lines = []
    by_handoff: dict[int, list[HandoffStep]] = defaultdict(list)
    for step in reminder.steps:
        by_handoff[step.handoff_id].append(step)
    for handoff_id, steps in by_handoff.items():
        link = base_url + reverse("handoff:handoff_detail", kwargs={"handoff_id": handoff_id})
        for step in steps:
            due = timezone.localtime(step.due_at)
            late = "【期限超過】" if step.due_at < now else ""
            phone = ("（病院が連携システム未参加：電話等で確認し、記録してください）"
                     if step.actor == Actor.HOSPITAL and not step.handoff.hospital_organization_id else "")
            lines.append(f"{late}{STEP_JA.get(step.key, step.key)} 期限 {due:%m/%d %H:%M}{phone}")
        lines.append(link)
        lines.append("")
    subject = f"[Renkei] 入退院支援：期限が近い手順があります（{len(reminder.steps)}件）"
    body = "\n".join([
        "入退院支援の手順に、24時間以内に期限を迎えるもの（または期限を過ぎたもの）があります。",
        "リンクを開いて内容を確認し、対応を記録してください。",
        "",
        *lines,
        "-- ",
        "Admission and discharge steps are due soon (or overdue). Open the links to see and record them.",
    ])
    return subject, body


STEP_JA = {
    "admission_info": "入院時情報提供",
    "screening": "退院支援スクリーニング・退院支援担当者の決定",
    "interview": "患者・家族との面談、退院支援計画の着手",
    "discharge_notice": "退院予定のケアマネジャーへの連絡",
    "conference": "退院前カンファレンス",
    "discharge": "退院",
    "summaries": "退院時サマリー等の送付",
}


def reminders_send(*, hours: float = REMIND_HOURS, base_url: str, dry_run: bool = False) -> tuple[
        list[Reminder], list[HandoffStep]]:
    """Send the reminders (after the commit) and mark every step considered as reminded; a dry run only plans."""
    reminders, steps = plan(hours=hours)
    if dry_run:
        return reminders, steps
    with transaction.atomic():
        HandoffStep.objects.filter(pk__in=[s.pk for s in steps], reminded_at__isnull=True).update(
            reminded_at=timezone.now())
        for reminder in reminders:
            subject, body = _mail(reminder, base_url)
            to = [reminder.membership.user.email]
            transaction.on_commit(lambda s=subject, b=body, t=to: send_mail(
                subject=s, message=b, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=t))
    return reminders, steps
