"""Reads about pre-discharge conferences: one conference or invitee through the policy (with its read entry), a
handoff's conferences as the page shows them (slots × answers grid), the suggested time, the home-page lists,
and the participation measures (care manager invited / attended, by profession) in a few aggregate queries.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext_noop

from renkei.careteams.models import TeamRole
from renkei.careteams.selectors.patients import record_read
from renkei.core import policy
from renkei.core.models import Profession

from ..models import Conference, ConferenceInvitee, SlotAnswer
from .handoffs import pk_or_404

CONFERENCES_READ = gettext_noop("pre-discharge conferences")
CONFERENCE_READ = gettext_noop("pre-discharge conference")
INVITATION_LIST = gettext_noop("conference invitations")
CALENDAR_EXPORT = gettext_noop("conference calendar file")

# The suggested time: yes 2, maybe 1, no 0; the care manager's answer counts three times (福知山市's survey:
# care managers were not asked for the dates at all).
ANSWER_POINTS = {SlotAnswer.Answer.YES: 2, SlotAnswer.Answer.MAYBE: 1, SlotAnswer.Answer.NO: 0}
CARE_MANAGER_WEIGHT = 3
ACTIVE = (Conference.Status.PROPOSED, Conference.Status.SCHEDULED, Conference.Status.HELD)


def _pk(value) -> int:
    return pk_or_404(value, "conference")


def _conference_qs():
    return Conference.objects.select_related(
        "handoff__patient", "handoff__hospital", "handoff__hospital_organization", "handoff__care_office",
        "chosen_slot", "proposed_by__user")


def conference_for(membership, conference_id, *, action: str = "handoff.view_handoff", record: bool = True
                   ) -> Conference:
    """The conference when the policy allows `action` on it; 404 when missing, 403 (logged) when refused."""
    try:
        conference = _conference_qs().get(pk=_pk(conference_id))
    except Conference.DoesNotExist as exc:
        raise Http404("conference") from exc
    policy.require(membership, action, conference)
    if record:
        record_read(conference, what=CONFERENCE_READ, permission=action)
    return conference


def invitee_for(membership, invitee_id, *, action: str, record: bool = True) -> ConferenceInvitee:
    """An invitation, for its invitee (or whoever records a family member's answer)."""
    try:
        invitee = (ConferenceInvitee.objects.select_related(
            "conference__handoff__patient", "conference__handoff__hospital", "conference__chosen_slot",
            "team_member__membership__user", "membership__user").get(pk=_pk(invitee_id)))
    except ConferenceInvitee.DoesNotExist as exc:
        raise Http404("invitee") from exc
    policy.require(membership, action, invitee)
    if record:
        record_read(invitee, what=CONFERENCE_READ, permission=action)
    return invitee


def slot_scores(conference: Conference, invitees, answers) -> dict[int, int]:
    """{slot id: weighted score} from the invitees' answers (the care manager weighs most)."""
    role_of = {i.pk: i.role for i in invitees}
    scores: dict[int, int] = defaultdict(int)
    for answer in answers:
        weight = CARE_MANAGER_WEIGHT if role_of.get(answer.invitee_id) == TeamRole.CARE_MANAGER else 1
        scores[answer.slot_id] += ANSWER_POINTS.get(answer.answer, 0) * weight
    return scores


def suggested_slot(conference: Conference, *, slots=None, invitees=None, answers=None):
    """The proposed time that suits most (weighted yes and maybe; a care manager's "no" rules a time out when
    another time is not refused by them); the earliest on a tie; None before any answer."""
    slots = list(conference.slots.all()) if slots is None else slots
    invitees = list(conference.invitees.all()) if invitees is None else invitees
    answers = [a for i in invitees for a in i.answers.all()] if answers is None else answers
    if not answers or not slots:
        return None
    scores = slot_scores(conference, invitees, answers)
    managers = {i.pk for i in invitees if i.role == TeamRole.CARE_MANAGER}
    refused_by_manager = {a.slot_id for a in answers if a.invitee_id in managers and a.answer == SlotAnswer.Answer.NO}
    return min(slots, key=lambda s: (s.pk in refused_by_manager, -scores.get(s.pk, 0), s.starts_at, s.pk))


def invitee_label(invitee: ConferenceInvitee) -> str:
    """The invitee's role on the team, or the profession of a hospital's own staff."""
    if invitee.team_member_id is None and invitee.profession in Profession.values:
        return str(Profession(invitee.profession).label)
    return str(TeamRole(invitee.role).label) if invitee.role in TeamRole.values else invitee.role


def conferences_of(handoff) -> list[dict]:
    """A handoff's conferences for its page: each with its slots (answer counts, score), its invitees with their
    answer per slot (the grid), the suggested time. Three queries whatever the number of conferences (the
    invitees come with their team place: the page asks the policy about each invitee)."""
    conferences = list(handoff.conferences.select_related("chosen_slot", "proposed_by__user",
                                                          "proposed_by__organization")
                       .prefetch_related("slots", Prefetch("invitees", queryset=ConferenceInvitee.objects
                                                           .select_related("team_member")),
                                         "invitees__answers").order_by("-created_at", "-pk"))
    out = []
    for conference in conferences:
        slots = list(conference.slots.all())
        invitees = list(conference.invitees.all())
        answers = [a for i in invitees for a in i.answers.all()]
        counts = {s.pk: {"yes": 0, "maybe": 0, "no": 0} for s in slots}
        for answer in answers:
            counts.setdefault(answer.slot_id, {"yes": 0, "maybe": 0, "no": 0})[answer.answer] += 1
        rows = []
        for invitee in invitees:
            given = {a.slot_id: a for a in invitee.answers.all()}
            role = invitee_label(invitee)
            rows.append({"invitee": invitee, "cells": [given.get(s.pk) for s in slots], "role": role})
        out.append({
            "conference": conference, "slots": [{"slot": s, "counts": counts[s.pk]} for s in slots],
            "rows": rows, "suggested": suggested_slot(conference, slots=slots, invitees=invitees, answers=answers),
            "invites_care_manager": any(i.role == TeamRole.CARE_MANAGER for i in invitees),
            "answered": sum(1 for i in invitees if i.answered_at), "invited": len(invitees),
            "is_open": conference.status in (Conference.Status.PROPOSED, Conference.Status.SCHEDULED),
        })
    return out


# ---- the home page -----------------------------------------------------------------------------------
def _mine_q(membership) -> Q:
    return Q(membership=membership) | Q(membership__isnull=True, team_member__membership=membership)


def invitations_waiting(membership) -> list[ConferenceInvitee]:
    """My invitations to conferences still finding a time that I have not answered (only those the policy lets
    me answer: on the team with consent, or the hospital's staff within its window)."""
    rows = (ConferenceInvitee.objects.filter(_mine_q(membership), answered_at__isnull=True,
                                             conference__status=Conference.Status.PROPOSED)
            .exclude(conference__proposed_by=membership)  # the proposer decides; they need not answer themselves
            .select_related("conference__handoff__patient", "conference__handoff__hospital",
                            "team_member__membership").order_by("conference__created_at", "pk"))
    return [i for i in rows if policy.check(membership, "handoff.answer_conference", i)]


def proposals_answered(membership) -> list[Conference]:
    """Conferences I proposed, still finding a time, whose invitees have all answered (but me: I decide)."""
    unanswered = (ConferenceInvitee.objects.filter(conference=OuterRef("pk"), answered_at__isnull=True)
                  .exclude(membership=membership))
    rows = (Conference.objects.filter(proposed_by=membership, status=Conference.Status.PROPOSED)
            .filter(~Exists(unanswered)).select_related("handoff__patient", "handoff__hospital",
                                                         "handoff__hospital_organization")
            .order_by("created_at", "pk"))
    return [c for c in rows if policy.check(membership, "handoff.arrange_conference", c)]


# ---- measures ----------------------------------------------------------------------------------------
def care_manager_participation(handoff_queryset) -> list[dict]:
    """Per conference held or planned of these handoffs: whether a care manager was invited and attended
    ({"conference_id", "handoff_id", "status", "invited", "attended"}); one query."""
    managers = ConferenceInvitee.objects.filter(conference=OuterRef("pk"), role=TeamRole.CARE_MANAGER)
    rows = (Conference.objects.filter(handoff__in=handoff_queryset, status__in=ACTIVE)
            .annotate(cm_invited=Exists(managers), cm_attended=Exists(managers.filter(attended=True)))
            .values("pk", "handoff_id", "status", "cm_invited", "cm_attended").order_by("handoff_id", "pk"))
    return [{"conference_id": r["pk"], "handoff_id": r["handoff_id"], "status": r["status"],
             "invited": r["cm_invited"], "attended": r["cm_attended"]} for r in rows]


def participation_by_profession(handoff_queryset) -> dict[str, dict[str, int]]:
    """{profession (or team role for someone without one, e.g. "family"): {"invited": n, "attended": n}} over
    the conferences of these handoffs that were not cancelled; "attended" counts held conferences. One query."""
    rows = (ConferenceInvitee.objects.filter(conference__handoff__in=handoff_queryset,
                                             conference__status__in=ACTIVE)
            .values("profession", "role")
            .annotate(invited=Count("pk"), attended=Count("pk", filter=Q(attended=True,
                                                                          conference__status="held"))))
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        key = row["profession"] or row["role"] or "other"
        entry = out.setdefault(key, {"invited": 0, "attended": 0})
        entry["invited"] += row["invited"]
        entry["attended"] += row["attended"]
    return out


def conferences_without_care_manager(handoff_queryset) -> int:
    """How many conferences (not cancelled) of these handoffs invited no care manager. One query."""
    managers = ConferenceInvitee.objects.filter(conference=OuterRef("pk"), role=TeamRole.CARE_MANAGER)
    return (Conference.objects.filter(handoff__in=handoff_queryset, status__in=ACTIVE)
            .filter(~Exists(managers)).count())
