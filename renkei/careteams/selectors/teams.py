"""Reads about care teams: a team with its members (current, waiting for an invitation, past) and the
requests to join the teams a member is on. Reading a team's contacts is a read of patient data: logged."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from renkei.core import audit, policy

from .. import access
from ..models import CareTeam, CareTeamMember, Patient, TeamJoinRequest
from .patients import record_read

TEAM_CONTACTS = gettext_noop("care team and contacts")


@dataclass
class TeamView:
    team: CareTeam
    current: list[CareTeamMember] = field(default_factory=list)
    pending: list[CareTeamMember] = field(default_factory=list)
    past: list[CareTeamMember] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.current)


def team_of(patient: Patient, *, record: bool = True, permission: str = "careteams.view_patient") -> TeamView:
    """The patient's team: current members (invitations accepted count), invitations waiting, past members.

    The caller has loaded the patient through `patient_for` (the policy was asked); this logs the read of the
    team's contacts unless `record` is False."""
    team, _created = CareTeam.objects.get_or_create(patient=patient)
    today = timezone.localdate()
    members = list(team.members.select_related("membership__user", "organization", "invitation",
                                               "invitation__accepted_membership__user")
                   .order_by("role", "started_on", "pk"))
    view = TeamView(team=team)
    for member in members:
        if member.ended_on is not None and member.ended_on < today:
            view.past.append(member)
        elif member.is_pending and member.invitation.accepted_membership_id is None:
            view.pending.append(member)
        else:
            view.current.append(member)
    if record:
        record_read(patient, what=TEAM_CONTACTS, permission=permission)
    return view


def member_of_team(patient: Patient, member_id) -> CareTeamMember:
    """A member row of this patient's team (CareTeamMember.DoesNotExist otherwise)."""
    try:
        pk = int(member_id)
    except (TypeError, ValueError) as exc:
        raise CareTeamMember.DoesNotExist from exc
    if not 0 < pk < 2**63:
        raise CareTeamMember.DoesNotExist
    return (CareTeamMember.objects.select_related("team__patient", "membership__user", "organization", "invitation")
            .get(pk=pk, team__patient=patient))


def team_sizes(patient_ids: list[int]) -> dict[int, int]:
    """Current members per patient (for the list's column); counts only, nobody's name."""
    today = timezone.localdate()
    sizes: dict[int, int] = {}
    rows = (CareTeamMember.objects.filter(team__patient_id__in=patient_ids, started_on__lte=today)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
            .filter(Q(invitation__isnull=True) | Q(membership__isnull=False)
                    | Q(invitation__accepted_membership__isnull=False))
            .values_list("team__patient_id", flat=True))
    for pid in rows:
        sizes[pid] = sizes.get(pid, 0) + 1
    return sizes


def my_roles(membership, patient_ids: list[int]) -> dict[int, str]:
    """The member's role label on each of these patients' teams."""
    return {m.team.patient_id: m.get_role_display()
            for m in access.current_members_of(membership).filter(team__patient_id__in=patient_ids)
            .select_related("team")}


def pending_join_requests(membership) -> list[TeamJoinRequest]:
    """Requests waiting on the teams this member is on and may decide for (consent and policy asked)."""
    team_patient_ids = access.visible_patient_ids(membership)
    if not team_patient_ids:
        return []
    requests = list(TeamJoinRequest.objects.filter(team__patient_id__in=team_patient_ids,
                                                   status=TeamJoinRequest.Status.PENDING)
                    .select_related("team__patient", "requested_by__user", "requested_by__organization")
                    .order_by("created_at", "pk"))
    requests = [r for r in requests if policy.check(membership, "careteams.decide_join_request", r)]
    if requests:
        audit.record_reads([r.team.patient for r in requests], what=gettext_noop("join request"),
                           permission="careteams.decide_join_request")
    return requests


def join_request_for(membership, request_id) -> TeamJoinRequest:
    """A join request the member may decide on; DoesNotExist when missing, PermissionDenied (logged) otherwise."""
    try:
        pk = int(request_id)
        if not 0 < pk < 2**63:
            raise ValueError(pk)
        join_request = TeamJoinRequest.objects.select_related("team__patient", "requested_by__user",
                                                              "requested_by__organization").get(pk=pk)
    except (TypeError, ValueError, OverflowError) as exc:
        raise TeamJoinRequest.DoesNotExist from exc
    policy.require(membership, "careteams.decide_join_request", join_request)
    return join_request


def waiting_invitations_count(membership) -> int:
    """Invitations to the teams this member is on that nobody has accepted yet (still usable)."""
    ids = access.visible_patient_ids(membership)
    if not ids:
        return 0
    today = timezone.localdate()
    return (CareTeamMember.objects.filter(team__patient_id__in=ids, membership__isnull=True,
                                          invitation__isnull=False, invitation__accepted_at__isnull=True,
                                          invitation__revoked_at__isnull=True,
                                          invitation__expires_at__gt=timezone.now())
            .exclude(ended_on__lt=today).count())


def consents_of(patient: Patient) -> list:
    """The patient's consents, current and withdrawn (the caller logs the read)."""
    from ..models import Consent

    return list(Consent.objects.filter(patient=patient).select_related("patient__care_team")
                .prefetch_related("organizations"))


def organization_to_add(organization_id):
    """An active organization to put on a team (from the directory's / core's organizations), or None."""
    from renkei.core.models import Organization

    try:
        pk = int(organization_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return Organization.objects.filter(pk=pk, is_active=True).select_related("municipality").first()


def professional_of(organization, membership_id):
    """An active professional membership of `organization`, or None."""
    from renkei.core.models import Membership, Role

    try:
        pk = int(membership_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return (Membership.objects.filter(pk=pk, organization=organization, role=Role.PROFESSIONAL, is_active=True)
            .select_related("user", "organization").first())


def pending_join_requests_count(membership) -> int:
    """How many requests wait on the teams this member is on (a count: no patient is named, nothing is read)."""
    ids = access.visible_patient_ids(membership)
    if not ids:
        return 0
    return TeamJoinRequest.objects.filter(team__patient_id__in=ids, status=TeamJoinRequest.Status.PENDING).count()
