"""Writes for organizations, memberships and invitations."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit, policy
from ..concurrency import for_write, lock_checked
from ..models import Invitation, Membership, Organization, Role, TwoFactorEnrolment, User
from . import accounts


class InvitationError(Exception):
    """An invitation link that cannot be used (expired, used, revoked, unknown)."""


def organization_save(*, organization: Organization, expected_version: int | None = None) -> Organization:
    """Create or update an organization; StaleEdit when it changed since `expected_version` (the form's)."""
    with transaction.atomic():
        if organization.pk is not None and not organization._state.adding:
            lock_checked(organization, expected_version)
        organization.full_clean()
        organization.save()
    return organization


def organization_deactivate(*, organization: Organization) -> Organization:
    """Deactivate an organization; its memberships stop granting anything but are kept for history."""
    with transaction.atomic():
        organization.is_active = False
        organization.deactivated_at = timezone.now()
        organization.save()
    return organization


def organization_reactivate(*, organization: Organization) -> Organization:
    with transaction.atomic():
        organization.is_active = True
        organization.deactivated_at = None
        organization.save()
    return organization


def membership_create(*, user: User, organization: Organization, role: str, profession: str = "",
                      title: str = "") -> Membership:
    """Give a user a role in an organization."""
    with transaction.atomic():
        membership = Membership(user=user, organization=organization, role=role, profession=profession,
                                title=title)
        membership.full_clean()
        membership.save()
    return membership


def membership_deactivate(*, membership: Membership) -> Membership:
    """End a membership. The row stays: the audit log and later records point at it."""
    with transaction.atomic():
        membership.is_active = False
        membership.ended_at = timezone.now()
        membership.save()
    return membership


def user_deactivate(*, user: User) -> User:
    """Stop a person from logging in at all; their memberships end, history is kept."""
    with transaction.atomic():
        for membership in user.memberships.filter(is_active=True):
            membership_deactivate(membership=membership)
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save()
    return user


def roles_grantable_by(membership: Membership, organization: Organization | None = None) -> list[tuple[str, str]]:
    """Roles this membership may hand out (in `organization`, when given): never above its own."""
    from ..policy_rules import RoleGrant

    return [(value, label) for value, label in Role.choices
            if (value != Role.SYSTEM_ADMIN or policy.check(membership, "core.grant_system_admin"))
            and (organization is None or policy.check(membership, "core.grant_role", RoleGrant(value, organization)))]


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_send(*, invited_by: Membership, organization: Organization, email: str, role: str,
                    profession: str = "", base_url: str = "") -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link. Returns the invitation and the link."""
    from ..policy_rules import RoleGrant

    if role == Role.SYSTEM_ADMIN:
        policy.require(invited_by, "core.grant_system_admin")
    policy.require(invited_by, "core.grant_role", RoleGrant(role, organization))
    return _invitation_create(invited_by=invited_by, organization=organization, email=email, role=role,
                              profession=profession, base_url=base_url)


def care_team_invitation_send(*, invited_by: Membership, organization: Organization, email: str,
                              profession: str = "", base_url: str = "") -> tuple[Invitation, str]:
    """Invite a professional not yet on Renkei to a patient's care team (careteams asks its own policy,
    `careteams.manage_team`, before calling this).

    It grants no more than a plain professional membership of `organization` (the role every care team
    member has; never a staff or administrator role, whoever invites), and the e-mail names the organization
    only: no patient data. `core.grant_role` is not asked: the inviter usually works elsewhere.
    """
    return _invitation_create(invited_by=invited_by, organization=organization, email=email,
                              role=Role.PROFESSIONAL, profession=profession, base_url=base_url)


def _invitation_create(*, invited_by: Membership, organization: Organization, email: str, role: str,
                       profession: str = "", base_url: str = "") -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation(
            email=email.strip().lower(), organization=organization, role=role, profession=profession,
            invited_by=invited_by, token_hash=_hash_token(token),
            expires_at=timezone.now() + dt.timedelta(days=settings.RENKEI_INVITATION_DAYS),
        )
        invitation.full_clean()
        invitation.save()
    link = base_url + reverse("core:invitation_accept", args=[token])
    send_mail(
        subject=_("[Renkei] Invitation to %(organization)s") % {"organization": organization.name},
        message=_(
            "You have been invited to Renkei as %(role)s of %(organization)s.\n"
            "Open this link within %(days)s days to set your password and start:\n%(link)s\n"
        ) % {"role": invitation.get_role_display(), "organization": organization.name,
             "days": settings.RENKEI_INVITATION_DAYS, "link": link},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )
    return invitation, link


def invitation_for_token(token: str) -> Invitation:
    """The usable invitation behind a link, or InvitationError."""
    invitation = Invitation.objects.select_related("organization").filter(token_hash=_hash_token(token)).first()
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."))
    if invitation.accepted_at:
        raise InvitationError(_("This invitation has already been used."))
    if invitation.revoked_at:
        raise InvitationError(_("This invitation was withdrawn."))
    if invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation has expired. Ask for a new one."))
    return invitation


def invitation_accept(*, token: str, display_name: str, kana: str, password: str | None) -> Membership:
    """Accept an invitation: create the user when new (with the password), then the membership."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = for_write(Invitation.objects).get(pk=invitation.pk)
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is None:
            user = User.objects.create_user(invitation.email, password, display_name=display_name, kana=kana)
        elif not user.is_active:
            raise InvitationError(_("This account has been deactivated. Contact your administrator."))
        with audit.bind(user_id=user.pk, user_label=user.email, organization_id=invitation.organization_id):
            membership = membership_create(user=user, organization=invitation.organization, role=invitation.role,
                                           profession=invitation.profession)
            invitation.accepted_at = timezone.now()
            invitation.accepted_membership = membership
            invitation.save()
            # The invitation, sent by someone who manages the organization, issues the first set-up of a
            # second factor for roles that need one (a password alone will not do).
            if invitation.role in accounts.TWO_FACTOR_REQUIRED_ROLES and not accounts.has_two_factor(user):
                accounts.two_factor_enrolment_issue(user=user, reason=TwoFactorEnrolment.Reason.INVITATION,
                                                    by=invitation.invited_by.user)
    return membership


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    with transaction.atomic():
        invitation.revoked_at = timezone.now()
        invitation.save()
    return invitation
