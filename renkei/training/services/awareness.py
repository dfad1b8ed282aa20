"""Public awareness (事業項目キ): activities, their materials, the residents' questionnaire link and its answers.

Writes ask `training.manage_awareness` on the activity they resolve to. The questionnaire link is one shared link
per activity (printed as a QR code): only the SHA-256 of its token is stored, it expires (by default 14 days after
the activity) and the public answer page is throttled per address. Answers are anonymous counts: a shared link
cannot tell people apart, so the figures are counts of answers, not of verified people.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy, throttle
from renkei.core.concurrency import lock_checked
from renkei.core.joint_projects import check_joint_project
from renkei.core.models import AuditEntry
from renkei.core.uploads import MATERIAL_TYPES, material_problem

from ..models import AcpIntention, AwarenessActivity, AwarenessMaterial, AwarenessResponse, AwarenessSurveyLink

MANAGE = "training.manage_awareness"
LINK_DAYS_AFTER_ACTIVITY = 14
UNDERSTANDING_RANGE = range(1, 5)
# Throttling of the public answer page, per client address (counters in the shared cache).
BAD_LINK_LIMIT = 20
SUBMISSION_LIMIT = 60
THROTTLE_SECONDS = 15 * 60
MATERIALS_FOLDER = "awareness"


class AwarenessLinkError(Exception):
    """A questionnaire link that cannot be used; `reason` is unknown, inactive or expired."""

    def __init__(self, message: str, reason: str = "unknown"):
        super().__init__(message)
        self.reason = reason


@dataclass
class IssuedLink:
    """A link handed out now: the only moment its token exists in clear."""

    link: AwarenessSurveyLink
    token: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- activities ------------------------------------------------------------------------------------------------

def activity_save(*, membership, activity: AwarenessActivity, expected_version: int | None = None
                  ) -> AwarenessActivity:
    """Create or edit an activity (`activity` holds the form's values). StaleEdit when it was saved since
    `expected_version`; an activity stays with its municipality."""
    with audit.bind_membership(membership), transaction.atomic():
        if activity.pk is not None:
            stored = lock_checked(activity, expected_version)
            policy.require(membership, MANAGE, stored)
            if stored.municipality_id != activity.municipality_id:
                raise ValidationError(_("An activity stays with its municipality."))
        else:
            activity.created_by = membership
        policy.require(membership, MANAGE, activity)
        check_joint_project(membership, activity)
        if activity.daily_living_area_id and activity.daily_living_area.municipality_id != activity.municipality_id:
            raise ValidationError({"daily_living_area": _("Choose a daily living area of the municipality.")})
        if activity.starts_at and activity.ends_at and activity.ends_at <= activity.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})
        activity.themes = sorted(set(activity.themes or []))
        activity.full_clean()
        activity.save()
    return activity


# --- materials -------------------------------------------------------------------------------------------------

def materials_root() -> Path:
    """Where awareness materials are kept: under the data directory, never under a public URL."""
    return Path(settings.DATA_DIR) / MATERIALS_FOLDER


def material_path(material: AwarenessMaterial) -> Path:
    return materials_root() / material.stored_name


def material_add(*, membership, activity: AwarenessActivity, title: str, is_public: bool, upload
                 ) -> AwarenessMaterial:
    """Keep a handout or slide deck of the activity (random stored name; the uploaded name is kept for the
    download). A ValidationError past the size limit or for a type not in core.uploads.MATERIAL_TYPES."""
    name = PurePath(getattr(upload, "name", "") or "").name[:200]
    size = getattr(upload, "size", 0) or 0
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    problem = material_problem(name, size, head)
    if problem:
        raise ValidationError(problem)
    suffix = PurePath(name).suffix.lower()
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, activity)
        stored_name = f"{uuid.uuid4().hex}{suffix}"
        root = materials_root()
        root.mkdir(parents=True, exist_ok=True)
        with open(root / stored_name, "wb") as out:
            for chunk in (upload.chunks() if hasattr(upload, "chunks") else [upload.read()]):
                out.write(chunk)
        material = AwarenessMaterial.objects.create(
            activity=activity, title=(title or "").strip()[:200] or PurePath(name).stem[:200],
            stored_name=stored_name, original_name=name, content_type=MATERIAL_TYPES[suffix][0], size=size,
            is_public=bool(is_public), uploaded_by=membership)
    return material


def material_delete(*, membership, material: AwarenessMaterial) -> None:
    """Remove a material and, once the removal is committed, its file."""
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, material)
        path = material_path(material)
        material.delete()
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


# --- the questionnaire link ------------------------------------------------------------------------------------

def default_link_expiry(activity: AwarenessActivity) -> dt.datetime:
    """The end of the 14th day after the activity (residents answer at home after the talk, too)."""
    day = max(activity.date, timezone.localdate()) + dt.timedelta(days=LINK_DAYS_AFTER_ACTIVITY)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def survey_link_issue(*, membership, activity: AwarenessActivity, expires_on: dt.date | None = None) -> IssuedLink:
    """Issue the activity's questionnaire link (the earlier one stops working): only its hash is kept, the
    token is shown once, to print as a QR code."""
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The expiry date is in the past.")})
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, activity)
        for old in activity.survey_links.filter(is_active=True):
            old.is_active = False
            old.save(update_fields=["is_active"])
        token = secrets.token_urlsafe(24)
        expires_at = (timezone.make_aware(dt.datetime.combine(expires_on, dt.time(23, 59, 59)))
                      if expires_on else default_link_expiry(activity))
        link = AwarenessSurveyLink.objects.create(activity=activity, token_hash=hash_token(token),
                                                  expires_at=expires_at)
    return IssuedLink(link, token)


def survey_link_deactivate(*, membership, link: AwarenessSurveyLink) -> None:
    """Stop a link: residents who open it are told it no longer takes answers."""
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, link)
        if link.is_active:
            link.is_active = False
            link.save(update_fields=["is_active"])


def survey_link_for_token(token: str) -> AwarenessSurveyLink:
    """The usable link for a token from the URL, else AwarenessLinkError with a message for the resident."""
    link = (AwarenessSurveyLink.objects.select_related("activity__municipality")
            .filter(token_hash=hash_token(token or "")).first()) if token and len(token) <= 100 else None
    if link is None:
        raise AwarenessLinkError(_("This questionnaire link is not known. Check the address or the QR code."))
    if not link.is_active:
        raise AwarenessLinkError(_("This questionnaire link no longer takes answers."), "inactive")
    if link.expires_at <= timezone.now():
        raise AwarenessLinkError(_("This questionnaire has closed. Thank you for your interest."), "expired")
    return link


def _throttle_key(kind: str, ip_address: str | None) -> str:
    return throttle.key("awareness-link", kind, ip_address or "unknown")


def is_link_throttled(*, ip_address: str | None) -> bool:
    """Too many unknown links or submissions from one address lately (guessing or flooding)."""
    return (throttle.count(_throttle_key("bad", ip_address)) >= BAD_LINK_LIMIT
            or throttle.count(_throttle_key("submit", ip_address)) >= SUBMISSION_LIMIT)


def link_attempt_record(*, ip_address: str | None, kind: str) -> None:
    """Count an unknown link ("bad") or a submission ("submit") from an address."""
    throttle.hit(_throttle_key(kind, ip_address), seconds=THROTTLE_SECONDS)


# --- answers ---------------------------------------------------------------------------------------------------

def clean_answer(values: dict) -> dict:
    """The fields of one answer, checked: understanding 1–4 or blank, the listed choices, a comment of at most
    2,000 characters. A ValidationError names the field."""
    errors = {}
    out = {}
    for name in ("understanding_before", "understanding_after"):
        value = values.get(name)
        if value in (None, ""):
            out[name] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number not in UNDERSTANDING_RANGE:
            errors[name] = _("Choose from 1 to 4.")
        out[name] = number
    intention = values.get("acp_intention") or ""
    if intention and intention not in AcpIntention.values:
        errors["acp_intention"] = _("Choose one of the answers.")
    out["acp_intention"] = intention
    age_band = values.get("age_band") or ""
    if age_band and age_band not in AwarenessResponse.AgeBand.values:
        errors["age_band"] = _("Choose one of the answers.")
    out["age_band"] = age_band
    comment = (values.get("comment") or "").strip()
    if len(comment) > 2000:
        errors["comment"] = _("Write at most 2,000 characters.")
    out["comment"] = comment
    if errors:
        raise ValidationError(errors)
    return out


def _is_blank(answer: dict) -> bool:
    return not any(answer.get(name) for name in ("understanding_before", "understanding_after", "acp_intention",
                                                 "age_band", "comment"))


def response_submit(*, token: str, values: dict) -> AwarenessResponse:
    """A resident's answer through the shared link (no account); AwarenessLinkError for an unusable link."""
    answer = clean_answer(values)
    if _is_blank(answer):
        raise ValidationError(_("Answer at least one question."))
    with transaction.atomic():
        link = survey_link_for_token(token)
        return AwarenessResponse.objects.create(activity=link.activity, submitted_at=timezone.now(),
                                                source=AwarenessResponse.Source.LINK, **answer)


def responses_enter(*, membership, activity: AwarenessActivity, rows: list[dict]) -> int:
    """Staff enter paper forms: each row is one form (blank rows are skipped); all or nothing. One audit entry
    for the batch (bulk writes log no entry of their own). Returns the number entered."""
    errors = {}
    answers = []
    for number, row in enumerate(rows, start=1):
        try:
            answer = clean_answer(row)
        except ValidationError as error:
            errors[number] = error.message_dict
            continue
        if not _is_blank(answer):
            answers.append(answer)
    if errors:
        raise ValidationError({f"row_{number}": [f"{field}: {' '.join(messages)}" for field, messages in
                                                 fields.items()] for number, fields in errors.items()})
    if not answers:
        raise ValidationError(_("Fill in at least one form."))
    now = timezone.now()
    with audit.bind_membership(membership), transaction.atomic():
        policy.require(membership, MANAGE, activity)
        AwarenessResponse.objects.bulk_create([
            AwarenessResponse(activity=activity, submitted_at=now, source=AwarenessResponse.Source.PAPER, **answer)
            for answer in answers])
        audit.record(action=AuditEntry.Action.CREATE, obj=activity, permission=MANAGE,
                     changes={"paper_answers": len(answers)})
    return len(answers)
