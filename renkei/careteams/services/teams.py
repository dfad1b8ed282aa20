"""Writes about a care team: members (Renkei members, invited people, family without a login), their end,
the link to another network's group, and requests to join from people who found the patient elsewhere.

Each write is audited with the patient as subject (the models' hooks, and explicit entries for decisions);
a change of who is on a team drops the cached access answers at once (`access.forget`).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import audit, policy
from renkei.core.models import AuditEntry, Membership, Organization, Role
from renkei.core.services.organizations import care_team_invitation_send

from .. import access
from ..models import CareTeam, CareTeamMember, TeamJoinRequest, TeamRole


def _check_dates(started_on: dt.date | None, ended_on: dt.date | None) -> dt.date:
    started_on = started_on or timezone.localdate()
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("The end date is before the start date.")})
    return started_on


def _check_role(role: str) -> None:
    if role not in TeamRole.values:
        raise ValidationError({"role": _("Choose a role on the team.")})


def _already_on_team(team: CareTeam, membership: Membership) -> bool:
    today = timezone.localdate()
    return team.members.filter(membership=membership).exclude(ended_on__lt=today).exists()


def team_member_add(*, by, team: CareTeam, role: str, organization: Organization,
                    membership: Membership | None = None, started_on: dt.date | None = None,
                    ended_on: dt.date | None = None, phone: str = "", email: str = "") -> CareTeamMember:
    """Put a member of an organization (picked from the directory's organizations) on the team.

    Without `membership` the organization itself is on the team (a contact, until a person of it joins).
    """
    policy.require(by, "careteams.manage_team", team.patient)
    _check_role(role)
    started_on = _check_dates(started_on, ended_on)
    if membership is not None:
        if membership.organization_id != organization.pk or not membership.is_active \
                or membership.role != Role.PROFESSIONAL:
            raise ValidationError({"membership": _("Choose a professional of that organization.")})
        if _already_on_team(team, membership):
            raise ValidationError({"membership": _("This person is already on the team.")})
    with transaction.atomic():
        member = CareTeamMember(team=team, role=role, membership=membership, organization=organization,
                                started_on=started_on, ended_on=ended_on, phone=phone.strip(),
                                email=(email or (membership.user.email if membership else "")).strip(),
                                added_by=by)
        member.full_clean()
        member.save()
    if membership is not None:
        access.forget(membership)
    return member


def team_member_invite(*, by, team: CareTeam, role: str, organization: Organization, email: str,
                       person_name: str = "", profession: str = "", started_on: dt.date | None = None,
                       base_url: str = "") -> CareTeamMember:
    """Invite by e-mail a professional not yet on Renkei: a core invitation (a plain professional
    membership of `organization`, no patient data in the e-mail), and a place on the team that waits for it.
    The place counts once the invitation is accepted (`access.current_members_of`)."""
    policy.require(by, "careteams.manage_team", team.patient)
    _check_role(role)
    started_on = _check_dates(started_on, None)
    email = email.strip().lower()
    if not email:
        raise ValidationError({"email": _("Enter an e-mail address.")})
    with transaction.atomic():
        invitation, _link = care_team_invitation_send(invited_by=by, organization=organization, email=email,
                                                      profession=profession, base_url=base_url)
        member = CareTeamMember(team=team, role=role, organization=organization, invitation=invitation,
                                person_name=person_name.strip(), email=email, started_on=started_on, added_by=by)
        member.full_clean()
        member.save()
    return member


def team_family_add(*, by, team: CareTeam, person_name: str, phone: str = "", email: str = "",
                    started_on: dt.date | None = None) -> CareTeamMember:
    """A family member on the team without a login: a name to call, nothing they can open."""
    policy.require(by, "careteams.manage_team", team.patient)
    if not person_name.strip():
        raise ValidationError({"person_name": _("Enter a name.")})
    with transaction.atomic():
        member = CareTeamMember(team=team, role=TeamRole.FAMILY, person_name=person_name.strip(),
                                phone=phone.strip(), email=email.strip(), started_on=_check_dates(started_on, None),
                                added_by=by)
        member.full_clean()
        member.save()
    return member


def team_member_end(*, by, member: CareTeamMember, ended_on: dt.date | None = None) -> CareTeamMember:
    """End a place on the team (today unless said): from then on it grants nothing, at once."""
    patient = member.team.patient
    policy.require(by, "careteams.manage_team", patient)
    ended_on = ended_on or timezone.localdate()
    if ended_on < member.started_on:
        ended_on = member.started_on
    with transaction.atomic():
        member.ended_on = ended_on
        member.save(update_fields=["ended_on"])
        if member.invitation_id and member.membership_id is None and member.invitation.is_usable:
            from renkei.core.services.organizations import invitation_revoke

            invitation_revoke(invitation=member.invitation)
    for membership in {member.membership, getattr(member.invitation, "accepted_membership", None), by}:
        access.forget(membership)
    return member


def team_external_link_set(*, by, team: CareTeam, external_network: str, external_url: str) -> CareTeam:
    """Link the team's group on MCS or another regional network instead of competing with it."""
    policy.require(by, "careteams.manage_team", team.patient)
    with transaction.atomic():
        team.external_network = external_network.strip()
        team.external_url = external_url.strip()
        team.full_clean()
        team.save()
    return team


def request_join(*, by, team_id: int, role: str, message: str = "") -> TeamJoinRequest:
    """Ask to join the team of a patient found "elsewhere" (find_patient answers only with the team's id).

    One pending request per person and team; the team decides. The requester learns nothing more.
    """
    policy.require(by, "careteams.request_join")
    _check_role(role)
    team = CareTeam.objects.select_related("patient").filter(pk=team_id).first()
    if team is None:
        raise CareTeam.DoesNotExist
    with transaction.atomic():
        existing = TeamJoinRequest.objects.filter(team=team, requested_by=by,
                                                  status=TeamJoinRequest.Status.PENDING).first()
        if existing is not None:
            return existing
        join_request = TeamJoinRequest(team=team, requested_by=by, role=role, message=message.strip()[:2000])
        join_request.full_clean()
        join_request.save()
    return join_request


def team_join_request_decide(*, by, join_request: TeamJoinRequest, accept: bool) -> TeamJoinRequest:
    """Accept (the requester joins the team in the role asked, from today) or decline a join request."""
    patient = join_request.team.patient
    policy.require(by, "careteams.decide_join_request", join_request)
    with transaction.atomic():
        join_request = TeamJoinRequest.objects.select_for_update().select_related("team__patient").get(
            pk=join_request.pk)
        if join_request.status != TeamJoinRequest.Status.PENDING:
            raise ValidationError(_("This request has already been decided."))
        join_request.status = (TeamJoinRequest.Status.ACCEPTED if accept else TeamJoinRequest.Status.DECLINED)
        join_request.decided_by = by
        join_request.decided_at = timezone.now()
        join_request.save()
        requester = join_request.requested_by
        if accept and requester.is_active and not _already_on_team(join_request.team, requester):
            CareTeamMember.objects.create(team=join_request.team, role=join_request.role, membership=requester,
                                          organization=requester.organization, email=requester.user.email,
                                          started_on=timezone.localdate(), added_by=by)
        audit.record(action=AuditEntry.Action.UPDATE, obj=join_request, subject=patient,
                     permission="careteams.decide_join_request",
                     changes={"decision": "accepted" if accept else "declined"})
    access.forget(join_request.requested_by)
    return join_request
