"""Writes for the pre and post surveys: personal links, answers (by link or from paper), and their validation.

Links follow the directory's survey-link rules: only the SHA-256 of a token is stored (the link is shown once, when
it is issued), issuing a new link for the same registration and phase replaces the old one, links expire, and the
public page is throttled per address (the directory's counters). Expiry:

- a pre link works until the first session ends (its `ends_at`, else the end of its day): an answer given after
  the training began is not a "before" answer;
- a post link works until 30 days after the last session (its end, else its day).

A response is one participant's answers in one phase, written once: a second one for the same registration and
phase is refused, whether through a new link or from paper. The answers are written in bulk (`SurveyAnswer` is
`AUDIT_SKIP`); the response's own create entry is the one audit entry of a submission.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy

# The directory's survey-link rules, shared rather than copied: the token's hash, the per-address throttle and
# the error of an unusable link (here with reason unknown, expired, cancelled or answered).
from renkei.directory.services.surveys import SurveyLinkError, hash_token, is_link_throttled, link_attempt_record

from ..models import InstrumentItem, Phase, Registration, SurveyAnswer, SurveyLink, SurveyResponse, TrainingSeries

__all__ = ["POST_LINK_DAYS", "IssuedSurveyLink", "SurveyLinkError", "is_link_throttled", "link_attempt_record",
           "link_expiry", "survey_link_for_token", "survey_links_issue", "survey_response_submit"]

logger = logging.getLogger(__name__)

MANAGE = "training.manage_series"
POST_LINK_DAYS = 30
TEXT_LIMIT = 2000


@dataclass
class IssuedSurveyLink:
    """A link handed out now: the only moment its token exists in clear."""

    registration: Registration
    phase: str
    link: str
    expires_at: dt.datetime
    emailed: bool


def _acting(membership):
    return audit.bind_membership(membership) if membership is not None else contextlib.nullcontext()


def _session_end(session) -> dt.datetime:
    if session.ends_at:
        return session.ends_at
    day = timezone.localtime(session.starts_at).date()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def link_expiry(series: TrainingSeries, phase: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When a series' links of a phase stop working; None when a pre link can no longer be issued (the training
    has begun). A series without sessions: 30 days from now."""
    now = now or timezone.now()
    sessions = [s for s in series.sessions.all() if s.status != "cancelled"]
    if not sessions:
        return now + dt.timedelta(days=POST_LINK_DAYS)
    if phase == Phase.PRE:
        end = _session_end(min(sessions, key=lambda s: s.starts_at))
        return end if end > now else None
    return max(_session_end(max(sessions, key=lambda s: s.starts_at)) + dt.timedelta(days=POST_LINK_DAYS),
               now + dt.timedelta(days=1))


def answer_path(token: str) -> str:
    return reverse("events:survey_answer", args=[token])


def survey_links_issue(*, series: TrainingSeries, phase: str, membership, base_url: str = "",
                       registrations: Iterable[Registration] | None = None,
                       send_email: bool = True) -> list[IssuedSurveyLink]:
    """Issue a new personal link of `phase` to each registration (all active ones by default) that has not
    answered that phase yet; the previous link of each stops working. E-mails the link (only the link) where
    the registration has an address. Returns the links, shown once."""
    policy.require(membership, MANAGE, series)
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Choose before or after the training.")})
    if series.instrument_id is None:
        raise ValidationError(_("This series has no survey instrument: choose one first."))
    expires_at = link_expiry(series, phase)
    if expires_at is None:
        raise ValidationError({"phase": _("The training has already begun: a survey before it can no longer be "
                                          "answered. Enter paper answers collected before it instead.")})
    wanted = Registration.objects.filter(series=series, cancelled_at__isnull=True)
    if registrations is not None:
        wanted = wanted.filter(pk__in=[r.pk for r in registrations])
    answered = set(SurveyResponse.objects.filter(registration__series=series, phase=phase)
                   .values_list("registration_id", flat=True))
    issued: list[IssuedSurveyLink] = []
    with _acting(membership), transaction.atomic():
        for registration in wanted.select_related("series").order_by("name", "pk"):
            if registration.pk in answered:
                continue
            token = secrets.token_urlsafe(32)
            SurveyLink.objects.filter(registration=registration, phase=phase).delete()
            SurveyLink.objects.create(registration=registration, phase=phase, token_hash=hash_token(token),
                                      expires_at=expires_at)
            issued.append(IssuedSurveyLink(registration, phase, base_url + answer_path(token), expires_at, False))
    if send_email:
        for link in issued:
            link.emailed = _send_link(link)
    return issued


def _send_link(link: IssuedSurveyLink) -> bool:
    """E-mail a link (the link only, never answers) when the registration has an address."""
    registration = link.registration
    if not registration.email:
        return False
    phase = _("before the training") if link.phase == Phase.PRE else _("after the training")
    subject = _("Survey %(phase)s: %(title)s") % {"phase": phase, "title": registration.series.title}
    body = _("Please answer the short survey %(phase)s through this personal link (about 3 minutes, no account "
             "needed):\n\n%(link)s\n\nThe link works until %(expires)s. Do not forward it: it is yours alone.") % {
        "phase": phase, "link": link.link, "expires": f"{timezone.localtime(link.expires_at):%Y-%m-%d %H:%M}"}
    try:
        send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL,
                  recipient_list=[registration.email])
    except (OSError, smtplib.SMTPException):
        logger.exception("training survey e-mail failed (registration %s)", registration.pk)
        return False
    return True


def survey_link_for_token(token: str) -> SurveyLink:
    """The link behind a token while it may be answered, or SurveyLinkError with a clear message."""
    link = (SurveyLink.objects.select_related("registration__series__instrument", "registration__series__municipality")
            .filter(token_hash=hash_token(token or "")).first())
    if link is None:
        raise SurveyLinkError(_("This survey link is not valid. It may have been replaced by a newer link: use the "
                                "latest e-mail or sheet, or ask the training's organizer."), "unknown")
    if link.registration.cancelled_at:
        raise SurveyLinkError(_("This registration was cancelled, so the survey is closed."), "cancelled")
    if link.expires_at <= timezone.now():
        raise SurveyLinkError(_("This survey link has expired. Ask the training's organizer if you still want "
                              "to answer."), "expired")
    if SurveyResponse.objects.filter(registration=link.registration, phase=link.phase).exists():
        raise SurveyLinkError(_("This survey has already been answered. Thank you: one answer per survey is "
                                "counted."), "answered")
    return link


def survey_link_opened(*, link: SurveyLink) -> None:
    """Note the first time a participant opened the link (not audited: it changes nothing they own)."""
    if link.opened_at is None:
        link.opened_at = timezone.now()
        SurveyLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=link.opened_at)


def survey_items(series: TrainingSeries) -> list[InstrumentItem]:
    """The questions asked now: the series' instrument's active items in order."""
    if series.instrument_id is None:
        return []
    return list(series.instrument.items.filter(is_active=True).order_by("order", "pk"))


def clean_survey_answers(items: list[InstrumentItem], raw: Mapping[str, object]) -> tuple[dict, dict]:
    """({item id: value}, {item id: text}) from `raw` keyed "item_<id>"; ValidationError keyed the same way.

    Every scale item must be answered within its range; free text is optional.
    """
    values, texts, errors = {}, {}, {}
    for item in items:
        key = f"item_{item.pk}"
        given = raw.get(key)
        given = "" if given is None else str(given).strip()
        if item.kind == InstrumentItem.Kind.TEXT:
            if len(given) > TEXT_LIMIT:
                errors[key] = _("Write at most %(limit)s characters.") % {"limit": TEXT_LIMIT}
            elif given:
                texts[item.pk] = given
            continue
        if not given:
            errors[key] = _("Choose one answer from %(low)s to %(high)s.") % {"low": item.scale_min,
                                                                              "high": item.scale_max}
            continue
        try:
            value = int(given)
        except ValueError:
            value = None
        if value is None or not item.scale_min <= value <= item.scale_max:
            errors[key] = _("The answer must be a number from %(low)s to %(high)s.") % {"low": item.scale_min,
                                                                                       "high": item.scale_max}
            continue
        values[item.pk] = value
    if errors:
        raise ValidationError(errors)
    return values, texts


def survey_response_submit(*, registration: Registration, phase: str, raw: Mapping[str, object],
                           membership=None, link: SurveyLink | None = None) -> SurveyResponse:
    """Record one participant's answers for a phase: through their link (`link`, no membership) or from a paper
    form entered by staff (`membership`, who must run the series). Refused when that phase is already answered."""
    if membership is not None:
        policy.require(membership, MANAGE, registration.series)
    elif link is None:
        raise ValueError("an answer comes through a link or from staff")
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Choose before or after the training.")})
    if registration.cancelled_at:
        raise ValidationError(_("This registration was cancelled."))
    values, texts = clean_survey_answers(survey_items(registration.series), raw)
    already = _("This participant has already answered this survey. One answer per participant and phase is "
                "counted; it cannot be replaced.")
    with _acting(membership), transaction.atomic():
        # Lock the registration so two submissions at once cannot both pass the check below.
        Registration.objects.select_for_update().filter(pk=registration.pk).first()
        if SurveyResponse.objects.filter(registration=registration, phase=phase).exists():
            raise ValidationError(already, code="answered")
        try:
            with transaction.atomic():
                response = SurveyResponse.objects.create(registration=registration, phase=phase,
                                                         submitted_at=timezone.now(), entered_by=membership)
        except IntegrityError as error:
            raise ValidationError(already, code="answered") from error
        SurveyAnswer.objects.bulk_create(
            [SurveyAnswer(response=response, item_id=pk, value=value) for pk, value in values.items()]
            + [SurveyAnswer(response=response, item_id=pk, text=text) for pk, text in texts.items()])
    return response
