"""Pre-discharge conferences (退院前カンファレンス): the hospital proposes times, the invited people answer, the
hospital chooses the time, then records who came and the minutes.

福知山市's survey (seed 002): 「ケアマネジャーはカンファレンスに呼んでももらえない」「日程調整にケアマネジャーは都合を
聞いてもらえない」. So the care manager is pre-selected, leaving them out is allowed but warned (the measures
count it), and their availability weighs most when the time is suggested (`selectors.conferences.suggested_slot`).

Who arranges (`handoff.arrange_conference`): the admitting hospital's staff; when the hospital is not on Renkei,
the home side records the conference the hospital arranged by phone. Who answers: each invitee for themselves
(`handoff.answer_conference`); for a family member or anyone without a login, someone on either side records
the answer they gave by phone (`handoff.record_conference_answer`).

E-mails carry a link and nothing about the patient, and go after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from renkei.careteams.models import CareTeamMember, TeamRole
from renkei.core import policy
from renkei.core.models import Membership, Role

from ..models import (
    Channel,
    Conference,
    ConferenceInvitee,
    ConferenceSlot,
    Exchange,
    Handoff,
    HandoffStep,
    SlotAnswer,
    StepKey,
)
from . import handoffs as lifecycle

logger = logging.getLogger(__name__)

ARRANGE = "handoff.arrange_conference"
ANSWER = "handoff.answer_conference"
ANSWER_FOR = "handoff.record_conference_answer"
MAX_SLOTS = 12
MAX_LENGTH = dt.timedelta(hours=8)
# Pre-ticked on the proposal form: the people the 入退院支援 rules ask the hospital to bring in.
USUAL_ROLES = (TeamRole.CARE_MANAGER, TeamRole.VISITING_NURSE, TeamRole.ATTENDING_DOCTOR)


# ---- who may be invited ----------------------------------------------------------------------------
def current_team(handoff: Handoff) -> list[CareTeamMember]:
    """The patient's current team places (family without a login included), care manager first."""
    today = timezone.localdate()
    members = (CareTeamMember.objects.filter(team__patient_id=handoff.patient_id, started_on__lte=today)
               .exclude(ended_on__lt=today).select_related("membership__user", "organization"))
    order = {role: i for i, role in enumerate(USUAL_ROLES)}
    return sorted(members, key=lambda m: (order.get(m.role, len(order)), m.role, m.pk))


def hospital_staff(handoff: Handoff) -> list[Membership]:
    """The admitting hospital's active professionals on Renkei (none for a hospital not on Renkei)."""
    if handoff.hospital_organization_id is None:
        return []
    return list(Membership.objects.filter(organization_id=handoff.hospital_organization_id, role=Role.PROFESSIONAL,
                                          is_active=True, user__is_active=True)
                .select_related("user", "organization").order_by("user__kana", "pk"))


def leaves_out_care_manager(handoff: Handoff, team_member_ids: Iterable[int]) -> bool:
    """True when the team has a care manager and none of them is among the chosen team places."""
    chosen = set(team_member_ids)
    managers = [m.pk for m in current_team(handoff) if m.role == TeamRole.CARE_MANAGER]
    return bool(managers) and not chosen.intersection(managers)


def _member_name(member: CareTeamMember) -> str:
    if member.membership_id:
        return member.membership.user.display_name or member.membership.user.email
    return member.person_name or member.get_role_display()


def _clean_slots(slots) -> list[tuple[dt.datetime, dt.datetime]]:
    cleaned = []
    for pair in slots:
        try:
            starts_at, ends_at = pair
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Each proposed time needs a start and an end.")) from exc
        if starts_at is None or ends_at is None:
            raise ValidationError(_("Each proposed time needs a start and an end."))
        if timezone.is_naive(starts_at):
            starts_at = timezone.make_aware(starts_at)
        if timezone.is_naive(ends_at):
            ends_at = timezone.make_aware(ends_at)
        if ends_at <= starts_at:
            raise ValidationError(_("A proposed time must end after it starts."))
        if ends_at - starts_at > MAX_LENGTH:
            raise ValidationError(_("A proposed time cannot last more than eight hours."))
        cleaned.append((starts_at, ends_at))
    if not cleaned:
        raise ValidationError(_("Propose at least one time."))
    if len(cleaned) > MAX_SLOTS:
        raise ValidationError(_("Propose at most %(count)d times.") % {"count": MAX_SLOTS})
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError(_("The same time is proposed twice."))
    return sorted(cleaned)


def _check_video_url(video_url: str) -> str:
    video_url = (video_url or "").strip()
    if video_url and not video_url.lower().startswith("https://"):
        raise ValidationError(_("The video link must start with https://."))
    return video_url


# ---- proposing -------------------------------------------------------------------------------------
def conference_propose(*, membership, handoff: Handoff, slots, invitees: Iterable[int] = (),
                       hospital_invitees: Iterable[int] = (), place: str = "", video_url: str = "",
                       notify: bool = True) -> Conference:
    """Propose a conference with candidate times to chosen team places (`invitees`: CareTeamMember ids) and
    hospital staff (`hospital_invitees`: Membership ids). `conference.leaves_out_care_manager` tells the caller
    to warn: proposing without the care manager is allowed, and counted."""
    policy.require(membership, ARRANGE, handoff)
    if handoff.status != Handoff.Status.OPEN:
        raise ValidationError(_("Conferences are arranged while the patient is in hospital."))
    cleaned = _clean_slots(slots)
    # A time already past is allowed: the conference a hospital not on Renkei arranged by phone is recorded
    # afterwards, with the one time it took place.
    if cleaned[0][0] < handoff.admitted_at:
        raise ValidationError(_("A proposed time is before the admission."))
    video_url = _check_video_url(video_url)
    team = {m.pk: m for m in current_team(handoff)}
    chosen_ids = list(dict.fromkeys(int(i) for i in invitees))
    unknown = [i for i in chosen_ids if i not in team]
    if unknown:
        raise ValidationError(_("Invite only the patient's current team members."))
    staff = {m.pk: m for m in hospital_staff(handoff)}
    staff_ids = list(dict.fromkeys(int(i) for i in hospital_invitees))
    if any(i not in staff for i in staff_ids):
        raise ValidationError(_("Invite only the admitting hospital's own staff."))
    if not chosen_ids and not staff_ids:
        raise ValidationError(_("Invite at least one person."))
    with transaction.atomic():
        conference = Conference.objects.create(handoff=handoff, proposed_by=membership, place=place.strip()[:120],
                                               video_url=video_url)
        ConferenceSlot.objects.bulk_create(
            [ConferenceSlot(conference=conference, starts_at=s, ends_at=e) for s, e in cleaned])
        for pk in chosen_ids:
            member = team[pk]
            ConferenceInvitee.objects.create(
                conference=conference, team_member=member, membership=member.membership,
                organization=member.organization, name=_member_name(member)[:80], role=member.role,
                profession=member.membership.profession if member.membership_id else "")
        for pk in staff_ids:
            person = staff[pk]
            ConferenceInvitee.objects.create(
                conference=conference, membership=person, organization=person.organization,
                name=(person.user.display_name or person.user.email)[:80], role=TeamRole.HOSPITAL_DISCHARGE,
                profession=person.profession)
        if notify:
            transaction.on_commit(lambda: notify_invitees(conference=conference, event="proposed",
                                                          sender=membership))
    conference.leaves_out_care_manager = leaves_out_care_manager(handoff, chosen_ids)
    return conference


# ---- answering -------------------------------------------------------------------------------------
def invitee_has_login(invitee: ConferenceInvitee) -> bool:
    return bool(invitee.membership_id or (invitee.team_member_id and invitee.team_member.membership_id))


def answer_rule(invitee: ConferenceInvitee) -> str:
    """The invitee answers for themselves; for someone without a login (family), the team records it."""
    return ANSWER if invitee_has_login(invitee) else ANSWER_FOR


def slot_answer(*, membership, invitee: ConferenceInvitee, answers: dict) -> ConferenceInvitee:
    """Record the invitee's answer for each proposed time ({slot id: "yes" | "maybe" | "no"}); answering again
    replaces the earlier answers."""
    policy.require(membership, answer_rule(invitee), invitee)
    conference = invitee.conference
    if conference.status != Conference.Status.PROPOSED:
        raise ValidationError(_("The time of this conference is already decided."))
    slot_ids = set(conference.slots.values_list("pk", flat=True))
    cleaned = {}
    for key, value in (answers or {}).items():
        try:
            slot_id = int(key)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Answer only for the proposed times.")) from exc
        if slot_id not in slot_ids:
            raise ValidationError(_("Answer only for the proposed times."))
        if value in ("", None):
            continue
        if value not in SlotAnswer.Answer.values:
            raise ValidationError(_("Answer yes, maybe or no."))
        cleaned[slot_id] = value
    if not cleaned:
        raise ValidationError(_("Answer for at least one proposed time."))
    with transaction.atomic():
        existing = {a.slot_id: a for a in invitee.answers.all()}
        for slot_id, value in cleaned.items():
            answer = existing.get(slot_id)
            if answer is None:
                SlotAnswer.objects.create(invitee=invitee, slot_id=slot_id, answer=value)
            elif answer.answer != value:
                answer.answer = value
                answer.save(update_fields=["answer"])
        invitee.answered_at = timezone.now()
        invitee.save(update_fields=["answered_at"])
    return invitee


# ---- scheduling, holding, cancelling ---------------------------------------------------------------
def conference_schedule(*, membership, conference: Conference, slot: ConferenceSlot, place: str | None = None,
                        video_url: str | None = None, notify: bool = True) -> Conference:
    """Choose the time (one of the proposed ones) and say where or the video link; tells the invitees."""
    policy.require(membership, ARRANGE, conference)
    if conference.status not in (Conference.Status.PROPOSED, Conference.Status.SCHEDULED):
        raise ValidationError(_("This conference is already held or cancelled."))
    if slot.conference_id != conference.pk:
        raise ValidationError(_("Choose one of the proposed times."))
    with transaction.atomic():
        conference.chosen_slot = slot
        conference.status = Conference.Status.SCHEDULED
        if place is not None:
            conference.place = place.strip()[:120]
        if video_url is not None:
            conference.video_url = _check_video_url(video_url)
        conference.save()
        if notify:
            transaction.on_commit(lambda: notify_invitees(conference=conference, event="scheduled",
                                                          sender=membership))
    return conference


def conference_hold(*, membership, conference: Conference, held_at: dt.datetime | None = None,
                    attended: Iterable[int] = (), minutes: str = "", by_video: bool | None = None) -> Exchange:
    """The conference took place: who came (invitee ids), the minutes. Records the exchange with the attendees'
    professions and completes the conference step. A conference held by video link is still a conference (the
    退院・退所加算 rules accept テレビ電話): the exchange's channel is conference, the step's says video."""
    policy.require(membership, ARRANGE, conference)
    handoff = conference.handoff
    if conference.status not in (Conference.Status.PROPOSED, Conference.Status.SCHEDULED):
        raise ValidationError(_("This conference is already held or cancelled."))
    if handoff.status == Handoff.Status.CANCELLED:
        raise ValidationError(_("This handoff was cancelled."))
    if held_at is None:
        held_at = conference.chosen_slot.starts_at if conference.chosen_slot_id else timezone.now()
    if held_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("Record the conference once it has taken place."))
    if held_at < handoff.admitted_at:
        raise ValidationError(_("The conference is before the admission."))
    invitees = list(conference.invitees.all())
    came = set(int(i) for i in attended)
    if not came.issubset({i.pk for i in invitees}):
        raise ValidationError(_("Tick only people who were invited."))
    if not came:
        raise ValidationError(_("Tick who took part."))
    if by_video is None:
        by_video = bool(conference.video_url)
    channel = Channel.VIDEO if by_video else Channel.CONFERENCE  # how the step was done
    professions = sorted({i.profession for i in invitees if i.pk in came and i.profession})
    with transaction.atomic():
        for invitee in invitees:
            invitee.attended = invitee.pk in came
            invitee.save(update_fields=["attended"])
        conference.status = Conference.Status.HELD
        conference.held_at = held_at
        conference.minutes = minutes.strip()
        conference.save()
        step = handoff.steps.select_related("rule_step").filter(key=StepKey.CONFERENCE).first()
        exchange = Exchange.objects.create(
            handoff=handoff, step=step, occurred_at=held_at, direction=Exchange.Direction.BOTH,
            channel=Channel.CONFERENCE, from_organization=handoff.hospital_organization or membership.organization,
            to_organization=handoff.care_office, professions=professions,
            summary=_("pre-discharge conference (video)") if by_video else _("pre-discharge conference"),
            recorded_by=membership)
        if step is not None and step.status == HandoffStep.Status.PENDING:
            step.status = HandoffStep.Status.DONE
            step.done_at = held_at
            step.done_by = membership
            step.channel = channel
            step.save()
        lifecycle._save_and_evaluate(handoff)
    return exchange


def conference_cancel(*, membership, conference: Conference, notify: bool = True) -> Conference:
    """Call off a conference not yet held (the invitees are told)."""
    policy.require(membership, ARRANGE, conference)
    if conference.status not in (Conference.Status.PROPOSED, Conference.Status.SCHEDULED):
        raise ValidationError(_("This conference is already held or cancelled."))
    with transaction.atomic():
        conference.status = Conference.Status.CANCELLED
        conference.save()
        if notify:
            transaction.on_commit(lambda: notify_invitees(conference=conference, event="cancelled",
                                                          sender=membership))
    return conference


# ---- e-mails ---------------------------------------------------------------------------------------
def _invitee_membership(invitee: ConferenceInvitee):
    if invitee.membership_id:
        return invitee.membership
    if invitee.team_member_id and invitee.team_member.membership_id:
        return invitee.team_member.membership
    return None


def notify_invitees(*, conference: Conference, event: str, sender=None, base_url: str = "") -> int:
    """E-mail each invitee with a login (never the sender): a link and what happened, nothing about the patient.
    Only people the policy lets open the link are mailed."""
    base = base_url or getattr(settings, "RENKEI_BASE_URL", "")
    sent = 0
    invitees = conference.invitees.select_related("membership__user", "membership__organization",
                                                  "team_member__membership__user",
                                                  "team_member__membership__organization")
    with translation.override(settings.LANGUAGE_CODE):
        for invitee in invitees:
            person = _invitee_membership(invitee)
            if person is None or (sender is not None and person.pk == sender.pk) or not person.user.email:
                continue
            if event == "proposed" and policy.check(person, ANSWER, invitee):
                link = reverse("handoff:conference_answer", kwargs={"invitee_id": invitee.pk})
            elif policy.check(person, "handoff.view_handoff", conference.handoff):
                link = reverse("handoff:conference_list", kwargs={"handoff_id": conference.handoff_id})
            else:
                continue
            context = {"event": event, "link": base + link,
                       "site_name": getattr(settings, "RENKEI_SITE_NAME", "Renkei")}
            subject = " ".join(render_to_string("handoff/email/conference_subject.txt", context).split())
            body = render_to_string("handoff/email/conference_body.txt", context)
            try:
                send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL,
                          recipient_list=[person.user.email])
            except (OSError, smtplib.SMTPException):
                logger.exception("conference e-mail for conference %s failed", conference.pk)
                continue
            sent += 1
    return sent
