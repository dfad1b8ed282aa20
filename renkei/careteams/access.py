"""Who is on a patient's team, with which consent: the facts the careteams policy rules are built from.

Only `policy.py` asks these (and the selectors through the policy): a view never does. Answers are cached on
the membership object for the request, since one page asks the same question several times.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from renkei.core.models import Role

from .models import BreakGlassAccess, CareTeamMember, Consent, Patient

BREAK_GLASS_MINUTES = 60  # the longest a break-glass access lasts; the person states a shorter one if they can


def _cache(membership) -> dict:
    cache = getattr(membership, "_careteams_cache", None)
    if cache is None:
        cache = {}
        membership._careteams_cache = cache
    return cache


def forget(membership) -> None:
    """Drop the cached answers (after a write that changes them: a withdrawal, a new member)."""
    if membership is not None and hasattr(membership, "_careteams_cache"):
        del membership._careteams_cache


def current_members_of(membership) -> QuerySet[CareTeamMember]:
    """The membership's current places on care teams (directly, or through an invitation it accepted)."""
    today = timezone.localdate()
    return (CareTeamMember.objects
            .filter(Q(membership=membership) | Q(membership__isnull=True, invitation__accepted_membership=membership))
            .filter(started_on__lte=today)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today)))


def current_member_ids(membership) -> list[int]:
    """Ids of the membership's current team places (cached for the request: the timeline asks several times)."""
    cache = _cache(membership)
    if "member_ids" not in cache:
        cache["member_ids"] = list(current_members_of(membership).values_list("pk", flat=True))
    return cache["member_ids"]


def team_member(membership, patient) -> CareTeamMember | None:
    """The membership's current place on this patient's team, or None."""
    if membership is None or patient is None or patient.pk is None:
        return None
    key = ("member", patient.pk)
    cache = _cache(membership)
    if key not in cache:
        today = timezone.localdate()
        # The same question as current_members_of(membership).filter(team__patient_id=…), in SQL written once:
        # every request about a patient asks it, and compiling the ORM query cost more than running it
        # (benchmarks/careteams_pages.py, the permission decision).
        found = list(CareTeamMember.objects.raw(
            _TEAM_MEMBER_SQL, [patient.pk, today, today, membership.pk, membership.pk]))
        cache[key] = found[0] if found else None
    return cache[key]


_TEAM_MEMBER_SQL = (
    "SELECT m.* FROM careteams_careteammember m "
    "JOIN careteams_careteam t ON t.id = m.team_id "
    "LEFT JOIN core_invitation i ON i.id = m.invitation_id "
    "WHERE t.patient_id = %s AND m.started_on <= %s AND (m.ended_on IS NULL OR m.ended_on >= %s) "
    "AND (m.membership_id = %s OR (m.membership_id IS NULL AND i.accepted_membership_id = %s)) "
    "ORDER BY m.id LIMIT 1")


_CONSENTS_SQL = ("SELECT id, covers_whole_team, roles FROM careteams_consent "
                 "WHERE patient_id = %s AND withdrawn_at IS NULL AND consented_on <= %s")


def is_current_team_member(membership, patient) -> bool:
    if membership is None or membership.role != Role.PROFESSIONAL:
        return False
    return team_member(membership, patient) is not None


def has_consent_for(membership, patient) -> bool:
    """A current consent covers this membership; the registering organization's own staff need none."""
    if membership is None or patient is None:
        return False
    if membership.organization_id == patient.registered_by_organization_id:
        return True
    key = ("consent", patient.pk)
    cache = _cache(membership)
    if key not in cache:
        member = team_member(membership, patient)
        # One query for the common case (a consent for the whole team, or the member's role); the consents'
        # organizations are asked only when neither covers: this runs on every request about a patient.
        consents = list(Consent.objects.raw(_CONSENTS_SQL, [patient.pk, timezone.localdate()]))
        role = member.role if member is not None else None
        covered = any(c.covers_whole_team or (role is not None and role in (c.roles or [])) for c in consents)
        if not covered and consents:
            covered = Consent.organizations.through.objects.filter(
                consent_id__in=[c.pk for c in consents], organization_id=membership.organization_id).exists()
        cache[key] = covered
    return cache[key]


def active_break_glass(membership, patient) -> BreakGlassAccess | None:
    """The membership's break-glass access to this patient while it lasts, or None."""
    if membership is None or patient is None or patient.pk is None:
        return None
    key = ("break_glass", patient.pk)
    cache = _cache(membership)
    if key not in cache:
        cache[key] = (BreakGlassAccess.objects.filter(membership=membership, patient_id=patient.pk,
                                                      ended_at__isnull=True, expires_at__gt=timezone.now())
                      .order_by("-expires_at").first())
    return cache[key]


def is_responsible_for(membership, patient) -> bool:
    """The responsible person for personal data (個人情報管理責任者) of the organization holding the record,
    or of an organization on the team."""
    if membership is None or not membership.is_responsible_person or patient is None:
        return False
    if membership.organization_id == patient.registered_by_organization_id:
        return True
    today = timezone.localdate()
    return CareTeamMember.objects.filter(team__patient_id=patient.pk, organization_id=membership.organization_id,
                                         started_on__lte=today).exists()


def visible_patient_ids(membership) -> list[int]:
    """Ids of the patients this membership sees: its current teams, with consent. Built from its own places."""
    if membership is None or membership.role != Role.PROFESSIONAL:
        return []
    cache = _cache(membership)
    if "visible" in cache:
        return cache["visible"]
    members = list(current_members_of(membership).values_list("team__patient_id", "role",
                                                              "team__patient__registered_by_organization_id"))
    own = {pid for pid, _role, org in members if org == membership.organization_id}
    others = {pid: role for pid, role, org in members if org != membership.organization_id}
    allowed = set(own)
    if others:
        consents = (Consent.objects.filter(patient_id__in=list(others), withdrawn_at__isnull=True,
                                           consented_on__lte=timezone.localdate())
                    .prefetch_related("organizations"))
        for consent in consents:
            pid = consent.patient_id
            if pid in allowed:
                continue
            if (consent.covers_whole_team or others[pid] in (consent.roles or [])
                    or membership.organization_id in {o.pk for o in consent.organizations.all()}):
                allowed.add(pid)
    cache["visible"] = sorted(allowed)
    return cache["visible"]


def visible_patients(membership) -> QuerySet[Patient]:
    return Patient.objects.filter(pk__in=visible_patient_ids(membership))
