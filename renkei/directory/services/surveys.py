"""Writes for the collaboration survey: rounds of personal links, answers, review, reminders.

A facility gets a personal link (no account). Only the SHA-256 hash of its token is stored, like core's
invitations, so a link can be shown only when it is issued: at creation, on a reminder, or when staff
issue a new one for printing. Issuing a new token always invalidates the previous link of that invitation.

Answers wait for review and never touch `CollaborationDetail` until staff approve them; approval applies
them through `collaboration_details_confirm(source="survey")` and the accepted corrections through
`facility_save`. A blank answer means "not answered" and leaves the current detail as it is: a survey
never deletes what the directory knows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import secrets
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy, throttle
from renkei.core.concurrency import for_write
from renkei.core.models import AuditEntry
from renkei.core.wareki import to_wareki

from ..models import (
    CollaborationDetail,
    Facility,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)
from ..selectors.facilities import attributes_for
from ..selectors.surveys import CORRECTABLE_FIELDS, known_survey_emails
from . import facilities as facility_services

logger = logging.getLogger(__name__)

MANAGE = "directory.manage_surveys"
# Without a due date a link lasts 60 days; with one, until 30 days after it (late answers are still welcome).
LINK_DAYS_WITHOUT_DUE_DATE = 60
DAYS_AFTER_DUE_DATE = 30
# A returned or reminded link stays usable at least this long from the day it is sent again.
MINIMUM_DAYS_LEFT = 14
# Throttling of the public answer page, per client address (counters in the shared cache; see is_link_throttled).
BAD_LINK_LIMIT = 20
SUBMISSION_LIMIT = 60
THROTTLE_SECONDS = 15 * 60


class SurveyLinkError(Exception):
    """A survey link that cannot be used; `reason` is unknown, withdrawn, approved, closed or expired (training's
    survey links use it too, with cancelled and answered)."""

    def __init__(self, message: str, reason: str = "unknown"):
        super().__init__(message)
        self.reason = reason


@dataclass
class IssuedLink:
    """A link handed out now: the only moment its token exists in clear."""

    invitation: SurveyInvitation
    link: str
    emailed: bool


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def _acting(membership):
    """Bind the membership as the actor (the request middleware does it too; commands and tests do not)."""
    return audit.bind_membership(membership) if membership is not None else contextlib.nullcontext()


def answer_path(token: str) -> str:
    return reverse("directory:survey_answer", args=[token])


def link_expiry(survey_round: SurveyRound, now: dt.datetime | None = None) -> dt.datetime:
    """When a round's links stop working: 30 days after the due date, else 60 days from now."""
    now = now or timezone.now()
    if survey_round.due_on:
        last_day = survey_round.due_on + dt.timedelta(days=DAYS_AFTER_DUE_DATE)
        end = timezone.make_aware(dt.datetime.combine(last_day, dt.time(23, 59, 59)))
        return max(end, now + dt.timedelta(days=MINIMUM_DAYS_LEFT))
    return now + dt.timedelta(days=LINK_DAYS_WITHOUT_DUE_DATE)


def _send_link(invitation: SurveyInvitation, link: str, *, reminder: bool) -> bool:
    """E-mail a link when the facility has an address; False when it must be printed or faxed instead."""
    if not invitation.email:
        return False
    survey_round = invitation.survey_round
    context = {"invitation": invitation, "survey_round": survey_round, "facility": invitation.facility,
               "municipality": survey_round.municipality, "link": link, "reminder": reminder,
               "expires_on": _both_calendars(timezone.localtime(invitation.expires_at).date()),
               "due_on": _both_calendars(survey_round.due_on) if survey_round.due_on else ""}
    subject = render_to_string("directory/surveys/email_subject.txt", context)
    body = render_to_string("directory/surveys/email_body.txt", context)
    return _mail(subject, body, invitation.email)


def _both_calendars(day: dt.date) -> str:
    """「令和8年12月25日（2026年12月25日）」: offices read 和暦, the date stays unambiguous."""
    return f"{to_wareki(day)}（{day.year}年{day.month}月{day.day}日）"


def _mail(subject: str, body: str, address: str) -> bool:
    """Send one message; a mail server failure leaves the link to be printed instead of failing the action."""
    try:
        send_mail(subject=" ".join(subject.split()), message=body, from_email=settings.DEFAULT_FROM_EMAIL,
                  recipient_list=[address])
    except (OSError, smtplib.SMTPException):
        logger.exception("survey e-mail to %s failed", address)
        return False
    return True


def survey_round_create(*, municipality, title: str, message: str = "", due_on: dt.date | None,
                        facilities: Iterable[Facility], membership, send_email: bool = True,
                        base_url: str = "", emails: Mapping[int, str] | None = None,
                        ) -> tuple[SurveyRound, list[IssuedLink]]:
    """Start a round: one invitation with a personal link per facility, e-mailed when an address is known.

    `emails` maps facility ids to the address to send to; by default the address known for the facility
    (its Renkei organization's, or the one used in its last survey). Without one, staff print the link.
    Returns the round and the links, shown to staff once.
    """
    policy.require(membership, MANAGE, municipality)
    facilities = list(dict.fromkeys(facilities))
    if not facilities:
        raise ValidationError(_("Choose at least one facility."))
    outside = [f.name for f in facilities if not policy.check(membership, MANAGE, f)]
    if outside:
        raise ValidationError(_("You may not survey facilities outside your area: %(names)s")
                              % {"names": "、".join(outside[:5])})
    closed = [f.name for f in facilities if f.status != Facility.Status.OPEN]
    if closed:
        raise ValidationError(_("Closed facilities cannot be surveyed: %(names)s") % {"names": "、".join(closed[:5])})
    if due_on and due_on < timezone.localdate():
        raise ValidationError(_("The answer date is in the past."))
    if emails is None:
        emails = known_survey_emails(facilities)
    issued: list[IssuedLink] = []
    with transaction.atomic(), _acting(membership):
        survey_round = SurveyRound(municipality=municipality, title=title.strip(), message=message.strip(),
                                   due_on=due_on, created_by=membership.user)
        survey_round.full_clean()
        survey_round.save()
        expires = link_expiry(survey_round)
        for facility in facilities:
            token, token_hash = _new_token()
            invitation = SurveyInvitation(survey_round=survey_round, facility=facility, token_hash=token_hash,
                                          email=(emails.get(facility.pk) or "").strip(), expires_at=expires)
            invitation.full_clean(exclude=["survey_round", "facility"])
            invitation.save()
            issued.append(IssuedLink(invitation, base_url + answer_path(token), emailed=False))
    if send_email:
        for item in issued:
            item.emailed = _send_link(item.invitation, item.link, reminder=False)
    return survey_round, issued


def survey_invitation_for_token(token: str) -> SurveyInvitation:
    """The invitation behind a link when it may still be answered, or SurveyLinkError with a clear message."""
    invitation = (SurveyInvitation.objects.select_related("survey_round__municipality", "facility")
                  .filter(token_hash=hash_token(token or "")).first())
    if invitation is None:
        raise SurveyLinkError(_("This survey link is not valid. It may have been replaced by a newer link: "
                                "use the latest e-mail or letter, or contact the municipality."), "unknown")
    if invitation.status == SurveyInvitation.Status.WITHDRAWN:
        raise SurveyLinkError(_("This survey link was withdrawn by the municipality. Contact them if you "
                                "think this is a mistake."), "withdrawn")
    if invitation.status == SurveyInvitation.Status.APPROVED:
        raise SurveyLinkError(_("Your answers to this survey have already been checked and published. Thank you. "
                                "To change something now, contact the municipality."), "approved")
    if invitation.survey_round.closed_at:
        raise SurveyLinkError(_("This survey has closed. Contact the municipality to correct your details."), "closed")
    if invitation.expires_at <= timezone.now():
        raise SurveyLinkError(_("This survey link has expired. Contact the municipality for a new one."), "expired")
    return invitation


def survey_invitation_opened(*, invitation: SurveyInvitation) -> None:
    """Note the first time a facility opened its link (not audited: it changes nothing they own)."""
    if invitation.opened_at is None:
        now = timezone.now()
        SurveyInvitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=now)
        invitation.opened_at = now


def clean_answers(facility: Facility, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Check answers against the attributes asked of this facility; blank answers are dropped."""
    attributes = {a.code: a for a in attributes_for(facility.kind, facility.municipality)}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for code, value in answers.items():
        attribute = attributes.get(code)
        if attribute is None:
            errors.setdefault("__all__", []).append(
                _("Unknown collaboration detail: %(codes)s") % {"codes": code})
            continue
        try:
            value = facility_services.clean_detail_value(attribute, value)
        except ValidationError as error:
            errors[code] = error.messages
            continue
        if value is not None:
            cleaned[code] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_corrections(facility: Facility, corrections: Mapping[str, Any]) -> dict[str, str]:
    """Keep the corrections that differ from the current public fields; check their form."""
    return facility_services.clean_public_field_changes(facility, corrections, allowed=CORRECTABLE_FIELDS,
                                                        text_limit=1000)


def survey_answer_submit(*, token: str, answers: Mapping[str, Any], corrections: Mapping[str, Any],
                         respondent_name: str, respondent_role: str = "", comment: str = "") -> SurveyResponse:
    """A facility answers through its link (no account). The answers wait for staff review.

    Until staff approve, a facility may answer again: the waiting answer is replaced. After a return,
    a new answer is recorded next to the returned one.
    """
    with transaction.atomic():
        invitation = survey_invitation_for_token(token)
        # Only the invitation's row is locked: the facility and municipality joined for reading are not (on
        # PostgreSQL a plain FOR UPDATE would lock them too and deadlock with staff edits; core.concurrency).
        invitation = for_write(SurveyInvitation.objects.select_related(
            "facility__municipality", "survey_round")).get(pk=invitation.pk)
        if invitation.status == SurveyInvitation.Status.APPROVED:  # approved between the two reads
            raise SurveyLinkError(_("Your answers to this survey have already been checked and published. "
                                    "Thank you. To change something now, contact the municipality."), "approved")
        facility = invitation.facility
        respondent_name = " ".join((respondent_name or "").split())
        if not respondent_name:
            raise ValidationError({"respondent_name": [_("Enter the name of the person answering.")]})
        cleaned_answers = clean_answers(facility, answers)
        cleaned_corrections = clean_corrections(facility, corrections)
        anonymous = audit.current_context().user_id is None
        actor = audit.bind(user_label=f"survey link: {facility.name}"[:254]) if anonymous else contextlib.nullcontext()
        with actor:
            response = invitation.responses.filter(decision=SurveyResponse.Decision.PENDING).first() \
                or SurveyResponse(invitation=invitation)
            response.answers = cleaned_answers
            response.corrections = cleaned_corrections
            response.respondent_name = respondent_name[:120]
            response.respondent_role = " ".join((respondent_role or "").split())[:120]
            response.comment = (comment or "").strip()[:4000]
            response.submitted_at = timezone.now()
            response.full_clean(exclude=["invitation", "answers", "corrections"])
            response.save()
            invitation.status = SurveyInvitation.Status.ANSWERED
            invitation.save()
    return response


def respondent_label(response: SurveyResponse) -> str:
    """Who confirmed, as stored on each detail: 「山田 花子（院長・○○医院回答）」."""
    who = response.respondent_name
    facility = response.invitation.facility.name
    role = f"{response.respondent_role}・" if response.respondent_role else ""
    return f"{who}（{role}{facility}回答）"[:120]


def _require_pending(response: SurveyResponse) -> None:
    if response.decision != SurveyResponse.Decision.PENDING:
        raise ValidationError(_("This answer has already been reviewed."))
    if response.invitation.status == SurveyInvitation.Status.WITHDRAWN:
        raise ValidationError(_("This invitation was withdrawn; its answers can no longer be approved."))


def survey_response_approve(*, response: SurveyResponse, membership, note: str = "",
                            corrections: Iterable[str] | None = None) -> SurveyResponse:
    """Apply a waiting answer: details confirmed on the day it was submitted, by the respondent.

    `corrections` names the corrected public fields staff accept (all of them when None).
    """
    # Authorised on the facility the answer is stored against (a merge may have moved it), not on the
    # instance passed in.
    stored = SurveyResponse.objects.select_related("invitation__facility__municipality").get(pk=response.pk)
    policy.require(membership, MANAGE, stored.invitation.facility)
    with transaction.atomic(), _acting(membership):
        response = for_write(SurveyResponse.objects.select_related(
            "invitation__facility__municipality", "invitation__survey_round")).get(pk=response.pk)
        _require_pending(response)
        # Lock order: the answer, then its facility (fresh from the locked row), then the audit chain.
        facility = response.invitation.facility
        facility_services.facility_lock(facility=facility)
        facility.refresh_from_db()
        if not policy.check(membership, MANAGE, facility):
            raise PermissionDenied(MANAGE)  # moved to another municipality since the check above
        # Attributes may have been retired since the answer: apply those still asked of this facility.
        asked = {a.code for a in attributes_for(facility.kind, facility.municipality)}
        answers = {code: value for code, value in response.answers.items() if code in asked}
        facility_services.collaboration_details_confirm(
            facility=facility, answers=answers, confirmed_by=respondent_label(response), user=membership.user,
            source=CollaborationDetail.Source.SURVEY,
            confirmed_on=timezone.localtime(response.submitted_at).date())
        accepted = set(response.corrections) if corrections is None else set(corrections)
        changes = {name: value for name, value in response.corrections.items()
                   if name in accepted and name in CORRECTABLE_FIELDS}
        if changes:
            for name, value in changes.items():
                setattr(facility, name, value)
            facility_services.facility_save(facility=facility)
        audit.record(action=AuditEntry.Action.UPDATE, obj=facility, permission=MANAGE,
                     changes={"survey_response": response.pk, "fields": sorted(changes),
                              "details": sorted(answers)},
                     reason="survey answer approved")
        response.decision = SurveyResponse.Decision.APPROVED
        response.reviewed_by = membership.user
        response.reviewed_at = timezone.now()
        response.review_note = note.strip()
        response.save()
        invitation = response.invitation
        invitation.status = SurveyInvitation.Status.APPROVED
        invitation.save()
    return response


def survey_response_return(*, response: SurveyResponse, membership, note: str) -> SurveyResponse:
    """Send an answer back to the facility with a note; its link works again (for at least 14 days)."""
    policy.require(membership, MANAGE, response.invitation.facility)
    if not note.strip():
        raise ValidationError({"note": [_("Tell the facility what to check or correct.")]})
    with transaction.atomic(), _acting(membership):
        response = for_write(SurveyResponse.objects.select_related("invitation")).get(pk=response.pk)
        _require_pending(response)
        response.decision = SurveyResponse.Decision.RETURNED
        response.reviewed_by = membership.user
        response.reviewed_at = timezone.now()
        response.review_note = note.strip()
        response.save()
        invitation = response.invitation
        invitation.status = SurveyInvitation.Status.RETURNED
        invitation.expires_at = max(invitation.expires_at, timezone.now() + dt.timedelta(days=MINIMUM_DAYS_LEFT))
        invitation.save()
    if invitation.email:
        _send_return_notice(response)
    return response


def _send_return_notice(response: SurveyResponse) -> None:
    invitation = response.invitation
    context = {"invitation": invitation, "survey_round": invitation.survey_round, "facility": invitation.facility,
               "municipality": invitation.survey_round.municipality, "note": response.review_note}
    body = render_to_string("directory/surveys/email_returned.txt", context)
    _mail(f"【{invitation.survey_round.municipality.name}】{invitation.survey_round.title}：回答の確認のお願い", body,
          invitation.email)


def survey_invitation_withdraw(*, invitation: SurveyInvitation, membership) -> SurveyInvitation:
    """Withdraw a link (sent to the wrong place, facility closed…); a waiting answer is no longer applied."""
    policy.require(membership, MANAGE, invitation.facility)
    if invitation.status == SurveyInvitation.Status.APPROVED:
        raise ValidationError(_("An approved invitation cannot be withdrawn."))
    with transaction.atomic(), _acting(membership):
        invitation.status = SurveyInvitation.Status.WITHDRAWN
        invitation.save()
    return invitation


def survey_link_reissue(*, invitation: SurveyInvitation, membership, base_url: str = "",
                        send_email: bool = False, reminder: bool = False, email: str | None = None) -> IssuedLink:
    """Issue a new link for an invitation (the old one stops working at once); e-mail it when asked.

    `email` replaces the address the invitation is sent to (blank: print the link instead).
    """
    policy.require(membership, MANAGE, invitation.facility)
    if invitation.status in (SurveyInvitation.Status.WITHDRAWN, SurveyInvitation.Status.APPROVED):
        raise ValidationError(_("No new link can be issued for a withdrawn or approved invitation."))
    token, token_hash = _new_token()
    now = timezone.now()
    with transaction.atomic(), _acting(membership):
        if email is not None:
            invitation.email = email.strip()
            invitation.full_clean(exclude=["survey_round", "facility", "token_hash"])
        invitation.token_hash = token_hash
        invitation.expires_at = max(invitation.expires_at, now + dt.timedelta(days=MINIMUM_DAYS_LEFT))
        if reminder:
            invitation.reminded_at = now
            invitation.reminder_count += 1
        invitation.save()
    link = base_url + answer_path(token)
    emailed = _send_link(invitation, link, reminder=reminder) if send_email else False
    return IssuedLink(invitation, link, emailed)


def survey_reminders_send(*, survey_round: SurveyRound, membership=None, base_url: str = "",
                          include_without_email: bool = True) -> list[IssuedLink]:
    """Send the link again to every facility that has not answered (sent or returned).

    Only the token's hash is stored, so a reminder carries a new link and the previous one stops
    working. Facilities without an e-mail address get a new link only when `include_without_email`
    (staff print it); the cron command leaves them alone so a letter already posted keeps working.
    `membership` is None only for the cron command, which acts as the system.
    """
    if membership is not None:
        policy.require(membership, MANAGE, survey_round)
    waiting = (survey_round.invitations.select_related("facility__municipality", "survey_round__municipality")
               .filter(status__in=[SurveyInvitation.Status.SENT, SurveyInvitation.Status.RETURNED],
                       expires_at__gt=timezone.now()))
    issued = []
    for invitation in waiting:
        if not invitation.email and not include_without_email:
            continue
        if membership is None:
            issued.append(reminder_send_as_system(invitation=invitation, base_url=base_url))
        else:
            issued.append(survey_link_reissue(invitation=invitation, membership=membership, base_url=base_url,
                                              send_email=True, reminder=True))
    return issued


def reminder_send_as_system(*, invitation: SurveyInvitation, base_url: str) -> IssuedLink:
    """A reminder sent by the cron command: a new link (the old one stops working), e-mailed when possible."""
    token, token_hash = _new_token()
    now = timezone.now()
    with transaction.atomic(), audit.bind(user_label="system: renkei survey_reminders"):
        invitation.token_hash = token_hash
        invitation.expires_at = max(invitation.expires_at, now + dt.timedelta(days=MINIMUM_DAYS_LEFT))
        invitation.reminded_at = now
        invitation.reminder_count += 1
        invitation.save()
    link = base_url + answer_path(token)
    return IssuedLink(invitation, link, _send_link(invitation, link, reminder=True))


def survey_round_close(*, survey_round: SurveyRound, membership) -> SurveyRound:
    """Close a round: its links stop working; answers already waiting can still be reviewed."""
    policy.require(membership, MANAGE, survey_round)
    with transaction.atomic(), _acting(membership):
        survey_round.closed_at = timezone.now()
        survey_round.save()
    return survey_round


def rounds_due_for_reminders(*, today: dt.date | None = None, round_id: int | None = None) -> list[SurveyRound]:
    """Open rounds past half their time (creation → due date, or → link expiry without a due date)."""
    now = timezone.now()
    rounds = SurveyRound.objects.filter(closed_at__isnull=True).select_related("municipality")
    if round_id is not None:
        rounds = rounds.filter(pk=round_id)
    due = []
    for survey_round in rounds:
        if survey_round.due_on:
            end = timezone.make_aware(dt.datetime.combine(survey_round.due_on, dt.time(23, 59, 59)))
        else:
            end = survey_round.created_at + dt.timedelta(days=LINK_DAYS_WITHOUT_DUE_DATE)
        halfway = survey_round.created_at + (end - survey_round.created_at) / 2
        if now >= halfway:
            due.append(survey_round)
    return due


def reminder_needed(invitation: SurveyInvitation, *, now: dt.datetime | None = None) -> bool:
    """Remind at most once a week, so a daily cron job does not flood a facility."""
    now = now or timezone.now()
    return invitation.reminded_at is None or now - invitation.reminded_at >= dt.timedelta(days=7)


# --- throttling of the public answer page ---------------------------------------------------------

def _throttle_key(kind: str, ip_address: str | None) -> str:
    return throttle.key("survey-link", kind, ip_address or "unknown")


def is_link_throttled(*, ip_address: str | None) -> bool:
    """Too many unknown links or submissions from one address lately (guessing or flooding)."""
    return (throttle.count(_throttle_key("bad", ip_address)) >= BAD_LINK_LIMIT
            or throttle.count(_throttle_key("submit", ip_address)) >= SUBMISSION_LIMIT)


def link_attempt_record(*, ip_address: str | None, kind: str) -> None:
    """Count an unknown link ("bad") or a submission ("submit") from an address, in the shared cache.

    The count cools off THROTTLE_SECONDS after the latest one; the cache is shared by every worker process.
    """
    throttle.hit(_throttle_key(kind, ip_address), seconds=THROTTLE_SECONDS)
