"""Reads for the collaboration survey: rounds and response rates, invitations, review queue, answer forms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from renkei.core import policy

from ..models import (
    CollaborationAttribute,
    Facility,
    SurveyInvitation,
    SurveyResponse,
    SurveyRound,
)
from .facilities import attribute_label, attributes_for, display_value, stale_before

MANAGE = "directory.manage_surveys"
# Public fields a facility may correct from its answer page (the services import this list).
CORRECTABLE_FIELDS = ("phone", "fax", "website", "hours_note")
Status = SurveyInvitation.Status


@dataclass
class RoundStats:
    """Counts of a round's invitations. Withdrawn links are not counted as sent."""

    sent: int = 0
    answered: int = 0  # waiting for review
    approved: int = 0
    returned: int = 0
    withdrawn: int = 0

    @property
    def responded(self) -> int:
        return self.answered + self.approved

    @property
    def not_answered(self) -> int:
        return self.sent - self.responded - self.returned

    @property
    def response_rate(self) -> float:
        """(answered + approved) / sent, 0.0 when nothing was sent."""
        return self.responded / self.sent if self.sent else 0.0

    @property
    def response_percent(self) -> int:
        return round(self.response_rate * 100)


def _stats_annotations() -> dict[str, Count]:
    return {
        "n_sent": Count("invitations", filter=~Q(invitations__status=Status.WITHDRAWN)),
        "n_answered": Count("invitations", filter=Q(invitations__status=Status.ANSWERED)),
        "n_approved": Count("invitations", filter=Q(invitations__status=Status.APPROVED)),
        "n_returned": Count("invitations", filter=Q(invitations__status=Status.RETURNED)),
        "n_withdrawn": Count("invitations", filter=Q(invitations__status=Status.WITHDRAWN)),
    }


def _stats_of(row) -> RoundStats:
    return RoundStats(sent=row.n_sent, answered=row.n_answered, approved=row.n_approved, returned=row.n_returned,
                      withdrawn=row.n_withdrawn)


def survey_rounds(membership) -> list[SurveyRound]:
    """The rounds a member manages, newest first, each with `.stats` (RoundStats)."""
    rounds = policy.scope(membership, MANAGE, SurveyRound.objects.all())
    rounds = list(rounds.select_related("municipality", "created_by").annotate(**_stats_annotations())
                  .order_by("-created_at", "-pk"))
    for survey_round in rounds:
        survey_round.stats = _stats_of(survey_round)
    return rounds


def round_stats(survey_round: SurveyRound) -> RoundStats:
    row = SurveyRound.objects.filter(pk=survey_round.pk).annotate(**_stats_annotations()).get()
    return _stats_of(row)


def round_invitations(survey_round: SurveyRound) -> list[SurveyInvitation]:
    """A round's invitations with their facility and `.latest_response` (None before any answer)."""
    invitations = list(survey_round.invitations.select_related("facility").prefetch_related(
        Prefetch("responses", queryset=SurveyResponse.objects.order_by("-submitted_at", "-pk")))
        .order_by("facility__kind", "facility__kana", "facility__name"))
    now = timezone.now()
    for invitation in invitations:
        responses = list(invitation.responses.all())
        invitation.latest_response = responses[0] if responses else None
        invitation.is_expired = invitation.expires_at <= now
        invitation.can_get_new_link = invitation.status not in (Status.WITHDRAWN, Status.APPROVED)
    return invitations


def pending_reviews(membership) -> QuerySet[SurveyResponse]:
    """Answers waiting for review in the rounds a member manages, oldest first."""
    rounds = policy.scope(membership, MANAGE, SurveyRound.objects.all())
    return (SurveyResponse.objects.filter(decision=SurveyResponse.Decision.PENDING,
                                          invitation__survey_round__in=rounds)
            .exclude(invitation__status=Status.WITHDRAWN)
            .select_related("invitation__facility", "invitation__survey_round")
            .order_by("submitted_at", "pk"))


def facility_survey_history(facility: Facility) -> list[SurveyInvitation]:
    """Every invitation a facility received, newest first, with its responses (newest first)."""
    return list(facility.survey_invitations.select_related("survey_round").prefetch_related(
        Prefetch("responses", queryset=SurveyResponse.objects.select_related("reviewed_by")
                 .order_by("-submitted_at", "-pk")))
        .order_by("-sent_at", "-pk"))


def known_survey_emails(facilities) -> dict[int, str]:
    """The address to send each facility's link to: its Renkei organization's, else the one used last time."""
    ids = [f.pk for f in facilities]
    emails: dict[int, str] = {}
    for invitation in (SurveyInvitation.objects.filter(facility_id__in=ids).exclude(email="")
                       .order_by("sent_at", "pk").only("facility_id", "email")):
        emails[invitation.facility_id] = invitation.email  # the latest wins
    for facility_id, email in (Facility.objects.filter(pk__in=ids, organization__isnull=False)
                               .exclude(organization__email="").values_list("pk", "organization__email")):
        emails[facility_id] = email
    return emails


def stale_facilities(municipality, months: int, *, kinds: list[str] | None = None,
                     today: dt.date | None = None) -> QuerySet[Facility]:
    """Open facilities of a municipality (and its wards) whose newest confirmation is older than `months`.

    Facilities with no confirmed detail at all are included. Each row has `.last_confirmed_on` (or None).
    """
    threshold = stale_before(months, today)
    facilities = (Facility.objects.filter(Q(municipality=municipality) | Q(municipality__parent=municipality),
                                          status=Facility.Status.OPEN)
                  .annotate(last_confirmed_on=Max("collaboration_details__confirmed_on"))
                  .filter(Q(last_confirmed_on__isnull=True) | Q(last_confirmed_on__lt=threshold)))
    if kinds:
        facilities = facilities.filter(kind__in=kinds)
    return facilities.order_by("kind", "kana", "name")


def survey_candidates(membership, municipality, *, kinds: list[str] | None = None, area_id: int | None = None,
                      stale_months: int | None = None) -> QuerySet[Facility]:
    """Open facilities staff may choose for a round: by kind, daily living area, or stale for N months."""
    if stale_months:
        facilities = stale_facilities(municipality, stale_months, kinds=kinds)
    else:
        facilities = (Facility.objects.filter(Q(municipality=municipality) | Q(municipality__parent=municipality),
                                              status=Facility.Status.OPEN)
                      .annotate(last_confirmed_on=Max("collaboration_details__confirmed_on")))
        if kinds:
            facilities = facilities.filter(kind__in=kinds)
    if area_id:
        facilities = facilities.filter(daily_living_area_id=area_id)
    facilities = policy.scope(membership, MANAGE, facilities)
    return facilities.select_related("daily_living_area").order_by("kind", "kana", "name")


# --- the public answer form and the review page ----------------------------------------------------

@dataclass
class Question:
    """One collaboration attribute on the answer form, with the value to preselect."""

    attribute: CollaborationAttribute
    label: str
    current: Any  # what the directory holds now (None: nothing)
    current_display: str
    initial: Any  # what the form shows: the facility's last answer when there is one, else `current`
    confirmed_on: dt.date | None


@dataclass
class QuestionGroup:
    code: str
    name: str
    questions: list[Question] = field(default_factory=list)


@dataclass
class AnswerFormValues:
    groups: list[QuestionGroup]
    corrections: dict[str, str]  # initial values of the public fields the facility may correct
    respondent_name: str = ""
    respondent_role: str = ""
    comment: str = ""
    previous: SurveyResponse | None = None  # the answer waiting for review, or the one returned


def answer_form_values(invitation: SurveyInvitation) -> AnswerFormValues:
    """What the answer page shows: the questions asked of this facility, prefilled so it only corrects.

    Prefilled from the facility's current details, or from its own answer when one is waiting or was
    returned. Only this facility's data is read.
    """
    facility = invitation.facility
    english = get_language() == "en"
    details = {d.attribute_id: d for d in facility.collaboration_details.all()}
    previous = (invitation.responses.filter(decision__in=[SurveyResponse.Decision.PENDING,
                                                          SurveyResponse.Decision.RETURNED])
                .order_by("-submitted_at", "-pk").first())
    answered = previous.answers if previous else {}
    groups: dict[str, QuestionGroup] = {}
    for attribute in sorted(attributes_for(facility.kind, facility.municipality),
                            key=lambda a: (a.category.sort_order, a.sort_order, a.code)):
        category = attribute.category
        group = groups.setdefault(category.code, QuestionGroup(
            category.code, category.name_en if english and category.name_en else category.name))
        detail = details.get(attribute.pk)
        current = detail.value if detail else None
        group.questions.append(Question(
            attribute=attribute, label=attribute_label(attribute), current=current,
            current_display=display_value(attribute, current) if detail else "",
            initial=answered.get(attribute.code, current) if previous else current,
            confirmed_on=detail.confirmed_on if detail else None))
    corrections = {name: (previous.corrections.get(name) if previous and name in previous.corrections
                          else getattr(facility, name) or "")
                   for name in CORRECTABLE_FIELDS}
    return AnswerFormValues(
        groups=list(groups.values()), corrections=corrections,
        respondent_name=previous.respondent_name if previous else "",
        respondent_role=previous.respondent_role if previous else "",
        comment=previous.comment if previous else "", previous=previous)


@dataclass
class DiffRow:
    code: str
    label: str
    current: str  # as displayed now ("" when nothing is recorded)
    answered: str
    is_changed: bool
    confirmed_on: dt.date | None = None


def response_diff(response: SurveyResponse) -> tuple[list[DiffRow], list[DiffRow]]:
    """Details and public fields as they are now next to what the facility answered.

    Returns (detail rows for every answered attribute, correction rows for every corrected field).
    """
    facility = response.invitation.facility
    details = {d.attribute.code: d for d in facility.collaboration_details.select_related("attribute")}
    attributes = {a.code: a for a in CollaborationAttribute.objects.filter(code__in=list(response.answers))
                  .select_related("category")}
    rows = []
    for code, value in response.answers.items():
        attribute = attributes.get(code)
        if attribute is None:
            continue
        detail = details.get(code)
        current = display_value(attribute, detail.value) if detail else ""
        answered = display_value(attribute, value)
        rows.append(DiffRow(code, attribute_label(attribute), current, answered,
                            is_changed=detail is None or detail.value != value,
                            confirmed_on=detail.confirmed_on if detail else None))
    rows.sort(key=lambda r: (attributes[r.code].category.sort_order, attributes[r.code].sort_order, r.code))
    labels = {name: str(Facility._meta.get_field(name).verbose_name) for name in response.corrections
              if name in CORRECTABLE_FIELDS}
    corrections = [DiffRow(name, labels.get(name, name), getattr(facility, name, "") or "", value or "",
                           is_changed=(getattr(facility, name, "") or "") != (value or ""))
                   for name, value in response.corrections.items() if name in labels]
    return rows, corrections
