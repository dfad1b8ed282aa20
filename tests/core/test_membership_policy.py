"""Nobody removes or changes a role they could not grant (issue 7, item 4).

Table-driven: every actor role × every target role × every membership action, once at the policy and once
through the screens (the refused action leaves the target as it was; the allowed one is done). The expected
table is written out here, not derived from the code it checks.
"""

import pytest
from django.core.cache import cache
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import AuditEntry, Invitation, Membership, Organization, Role, TOTPDevice
from renkei.core.services.organizations import roles_grantable_by

from ..conftest import client_for
from ..factories import MembershipFactory, OrganizationFactory, PrefectureFactory, TOTPDeviceFactory

pytestmark = pytest.mark.django_db

ADMIN, PREFECTURE, MUNICIPAL = Role.SYSTEM_ADMIN, Role.PREFECTURE_STAFF, Role.MUNICIPAL_STAFF
COORDINATOR, PROFESSIONAL = Role.COORDINATOR, Role.PROFESSIONAL
ALL_ROLES = [ADMIN, PREFECTURE, MUNICIPAL, COORDINATOR, PROFESSIONAL]

# Who may hand out which role (in organizations they manage). Everything else is refused.
MAY_HAND_OUT = {
    ADMIN: {ADMIN, PREFECTURE, MUNICIPAL, COORDINATOR, PROFESSIONAL},
    PREFECTURE: {PREFECTURE, MUNICIPAL, COORDINATOR, PROFESSIONAL},
    MUNICIPAL: {MUNICIPAL, COORDINATOR, PROFESSIONAL},
    COORDINATOR: set(),
    PROFESSIONAL: set(),
}
MEMBERSHIP_ACTIONS = ["invite", "revoke_invitation", "end_membership", "deactivate_organization"]
# Account actions are a system administrator's, and still only on accounts whose roles they could grant.
ACCOUNT_ACTIONS = ["deactivate_account", "reset_second_factor", "lift_lockout"]
ACTIONS = MEMBERSHIP_ACTIONS + ACCOUNT_ACTIONS

# Each target role sits alone in an organization of a fitting kind in the actor's municipality, so that
# "manages the organization" holds for municipal staff, prefecture staff and admins and the role decides.
TARGET_KINDS = {
    ADMIN: Organization.Kind.MUNICIPALITY_OFFICE,
    PREFECTURE: Organization.Kind.PUBLIC_HEALTH_CENTER,
    MUNICIPAL: Organization.Kind.COMMUNITY_SUPPORT_CENTER,
    COORDINATOR: Organization.Kind.MEDICAL_ASSOCIATION,
    PROFESSIONAL: Organization.Kind.CLINIC,
}


def expected(actor_role: str, target_role: str, action: str) -> bool:
    if action in ACCOUNT_ACTIONS and actor_role != ADMIN:
        return False
    return target_role in MAY_HAND_OUT[actor_role]


@pytest.fixture
def cast(municipality, municipal_office):
    """One actor per role (acting for the home municipality or its prefecture)."""
    kyoto = PrefectureFactory(code="26")
    pref_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=kyoto)
    clinic = OrganizationFactory(kind=Organization.Kind.CLINIC, municipality=municipality)
    return {
        ADMIN: MembershipFactory(role=ADMIN, organization=municipal_office),
        PREFECTURE: MembershipFactory(role=PREFECTURE, organization=pref_office),
        MUNICIPAL: MembershipFactory(role=MUNICIPAL, organization=municipal_office),
        COORDINATOR: MembershipFactory(role=COORDINATOR, organization=municipal_office),
        PROFESSIONAL: MembershipFactory(role=PROFESSIONAL, profession="doctor", organization=clinic),
    }


def make_target(role: str, municipality, invited_by) -> Membership:
    organization = OrganizationFactory(kind=TARGET_KINDS[role], municipality=municipality)
    target = MembershipFactory(role=role, organization=organization,
                               profession="doctor" if role == PROFESSIONAL else "")
    TOTPDeviceFactory(user=target.user)
    target.invitation_to_revoke = Invitation.objects.create(
        email=f"next-{role}@example.jp", organization=organization, role=role, invited_by=invited_by,
        token_hash=f"{role:x<64}"[:64], expires_at=timezone.now() + timezone.timedelta(days=7))
    return target


def allowed_by_policy(actor, target, action: str) -> bool:
    if action == "invite":  # the roles the invitation form offers (and invitation_send enforces)
        return target.role in dict(roles_grantable_by(actor, target.organization))
    name, obj = {
        "revoke_invitation": ("core.revoke_invitation", target.invitation_to_revoke),
        "end_membership": ("core.manage_members", target),
        "deactivate_organization": ("core.change_organization_status", target.organization),
        "deactivate_account": ("core.deactivate_user", target.user),
        "reset_second_factor": ("core.reset_two_factor", target.user),
        "lift_lockout": ("core.lift_login_lockout", target.user),
    }[action]
    return policy.check(actor, name, obj)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("target_role", ALL_ROLES)
@pytest.mark.parametrize("actor_role", ALL_ROLES)
def test_the_policy_allows_a_membership_action_only_on_a_role_the_actor_could_grant(
        cast, municipality, actor_role, target_role, action):
    target = make_target(target_role, municipality, invited_by=cast[ADMIN])
    assert allowed_by_policy(cast[actor_role], target, action) is expected(actor_role, target_role, action)


def _post(client, action: str, target: Membership):
    user, organization = target.user, target.organization
    url, data = {
        "invite": (f"/organizations/{organization.pk}/invite/",
                   {"email": "newcomer@example.jp", "role": target.role,
                    "profession": "doctor" if target.role == PROFESSIONAL else ""}),
        "revoke_invitation": (f"/invitations/{target.invitation_to_revoke.pk}/revoke/", {}),
        "end_membership": (f"/memberships/{target.pk}/deactivate/", {}),
        "deactivate_organization": (f"/organizations/{organization.pk}/active/", {}),
        "deactivate_account": (f"/users/{user.pk}/deactivate/", {}),
        "reset_second_factor": (f"/users/{user.pk}/two-factor/reset/", {}),
        "lift_lockout": (f"/users/{user.pk}/login-lockout/lift/", {}),
    }[action]
    return client.post(url, data)


def _was_done(action: str, target: Membership) -> bool:
    target.refresh_from_db()
    target.user.refresh_from_db()
    target.organization.refresh_from_db()
    return {
        "invite": lambda: Invitation.objects.filter(email="newcomer@example.jp").exists(),
        "revoke_invitation": lambda: Invitation.objects.get(pk=target.invitation_to_revoke.pk).revoked_at is not None,
        "end_membership": lambda: not target.is_active,
        "deactivate_organization": lambda: not target.organization.is_active,
        "deactivate_account": lambda: not target.user.is_active,
        "reset_second_factor": lambda: not TOTPDevice.objects.filter(user=target.user).exists(),
        "lift_lockout": lambda: AuditEntry.objects.filter(object_id=str(target.user.pk),
                                                          reason="login lockout lifted").exists(),
    }[action]()


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("target_role", ALL_ROLES)
@pytest.mark.parametrize("actor_role", [ADMIN, PREFECTURE, MUNICIPAL, COORDINATOR, PROFESSIONAL])
def test_on_the_screens_a_refused_membership_action_leaves_the_target_untouched(
        cast, municipality, actor_role, target_role, action):
    cache.clear()
    target = make_target(target_role, municipality, invited_by=cast[ADMIN])
    response = _post(client_for(cast[actor_role]), action, target)
    if expected(actor_role, target_role, action):
        assert response.status_code in (200, 302), response.status_code
        assert _was_done(action, target), f"{actor_role} should be able to {action} a {target_role}"
    else:
        assert response.status_code in (400, 403), f"{actor_role} {action} {target_role}: {response.status_code}"
        assert not _was_done(action, target), f"{actor_role} could {action} a {target_role}"


def test_municipal_staff_cannot_end_the_system_administrators_membership(cast, municipal_office):
    """The finding itself: the administrator's membership sits in the municipal office staff manage."""
    admin, staff = cast[ADMIN], cast[MUNICIPAL]
    assert admin.organization == staff.organization
    response = client_for(staff).post(f"/memberships/{admin.pk}/deactivate/")
    assert response.status_code == 403
    assert Membership.objects.get(pk=admin.pk).is_active
    # Nor switch the office off under the administrator (which would end what the membership grants).
    assert client_for(staff).post(f"/organizations/{municipal_office.pk}/active/").status_code == 403
    municipal_office.refresh_from_db()
    assert municipal_office.is_active


def test_the_organization_page_offers_no_button_for_what_the_viewer_may_not_do(cast, municipal_office):
    admin, staff = cast[ADMIN], cast[MUNICIPAL]
    coordinator = cast[COORDINATOR]
    page = client_for(staff).get(f"/organizations/{municipal_office.pk}/").content.decode()
    assert f"/memberships/{admin.pk}/deactivate/" not in page
    assert f"/memberships/{coordinator.pk}/deactivate/" in page
    assert f"/organizations/{municipal_office.pk}/active/" not in page
    assert f"/users/{coordinator.user_id}/deactivate/" not in page  # accounts: administrators only
    admin_page = client_for(admin).get(f"/organizations/{municipal_office.pk}/").content.decode()
    assert f"/users/{coordinator.user_id}/two-factor/reset/" in admin_page
    assert f"/users/{admin.user_id}/two-factor/reset/" not in admin_page  # never one's own account


def test_an_administrator_does_not_reset_their_own_second_factor_by_the_back_door(cast):
    admin = cast[ADMIN]
    TOTPDeviceFactory(user=admin.user)
    for action in ("core.reset_two_factor", "core.lift_login_lockout", "core.deactivate_user"):
        assert policy.check(admin, action, admin.user) is False, action
    assert client_for(admin).post(f"/users/{admin.user_id}/two-factor/reset/").status_code == 403
    assert TOTPDevice.objects.filter(user=admin.user).exists()
