"""Core's rules in the one permission policy (places, organizations, memberships, audit, background jobs)."""

from dataclasses import dataclass

from django.db.models import Q

from . import policy
from .models import Organization, Role

Kind = Organization.Kind

ADMIN = Role.SYSTEM_ADMIN
MUNICIPAL = Role.MUNICIPAL_STAFF
PREFECTURE = Role.PREFECTURE_STAFF
COORDINATOR = Role.COORDINATOR


def _municipality_id(m):
    return m.organization.municipality_id


def _prefecture_id(m):
    return m.organization.prefecture_id


def manages_municipality(membership, municipality) -> bool:
    """Municipal staff and coordinators of this municipality (or of the designated city owning a ward)."""
    if membership.role == ADMIN:
        return True
    if membership.role not in (MUNICIPAL, COORDINATOR):
        return False
    if municipality is None:
        return True
    own = _municipality_id(membership)
    return own is not None and own in (municipality.pk, municipality.parent_id)


def manages_organization(membership, organization) -> bool:
    """System admin; municipal staff for organizations in their municipality; prefecture staff in theirs."""
    if membership.role == ADMIN:
        return True
    if membership.role == MUNICIPAL:
        return organization is None or (
            _municipality_id(membership) is not None
            and organization.municipality_id == _municipality_id(membership)
        )
    if membership.role == PREFECTURE:
        return organization is None or organization.prefecture_id == _prefecture_id(membership)
    return False


def manages_prefecture(membership, prefecture) -> bool:
    if membership.role == ADMIN:
        return True
    return membership.role == PREFECTURE and (prefecture is None or prefecture.pk == _prefecture_id(membership))


@dataclass(frozen=True)
class RoleGrant:
    """The object of "core.grant_role": giving `role` in `organization`."""

    role: str
    organization: object


# Which kinds of organization a role can belong to: a prefecture role only in prefecture bodies, etc.
ROLE_ORGANIZATION_KINDS = {
    Role.PREFECTURE_STAFF: {Kind.PREFECTURE_OFFICE, Kind.PUBLIC_HEALTH_CENTER},
    Role.MUNICIPAL_STAFF: {Kind.MUNICIPALITY_OFFICE, Kind.COMMUNITY_SUPPORT_CENTER},
    Role.COORDINATOR: {Kind.MUNICIPALITY_OFFICE, Kind.COMMUNITY_SUPPORT_CENTER, Kind.MEDICAL_ASSOCIATION,
                       Kind.DENTAL_ASSOCIATION, Kind.PHARMACISTS_ASSOCIATION, Kind.HOSPITAL, Kind.CLINIC,
                       Kind.VISITING_NURSING_STATION, Kind.OTHER_CARE_PROVIDER},
    Role.PROFESSIONAL: set(Kind.values) - {Kind.PREFECTURE_OFFICE, Kind.MUNICIPALITY_OFFICE},
    Role.SYSTEM_ADMIN: set(Kind.values),
}
# Which roles each role may hand out (always within the organizations it manages).
GRANTABLE_ROLES = {
    Role.SYSTEM_ADMIN: set(Role.values),
    Role.PREFECTURE_STAFF: {Role.PREFECTURE_STAFF, Role.MUNICIPAL_STAFF, Role.COORDINATOR, Role.PROFESSIONAL},
    Role.MUNICIPAL_STAFF: {Role.MUNICIPAL_STAFF, Role.COORDINATOR, Role.PROFESSIONAL},
}


def may_hand_out(membership, role: str, organization) -> bool:
    """Could this membership give `role` in `organization`? The one test behind every membership action.

    Whoever could not have granted a role may not remove, end, change or weaken it either: inviting,
    withdrawing an invitation, ending a membership, deactivating an organization (which ends what its
    memberships grant), closing an account, resetting its second factor, lifting its lockout.
    """
    return role in GRANTABLE_ROLES.get(membership.role, set()) and manages_organization(membership, organization)


def grants_role(membership, grant) -> bool:
    """A role can be given only by a role above it, in an organization it manages and of a fitting kind."""
    if grant is None:
        return membership.role in GRANTABLE_ROLES
    return (may_hand_out(membership, grant.role, grant.organization)
            and grant.organization.kind in ROLE_ORGANIZATION_KINDS.get(grant.role, set()))


def manages_member(membership, target) -> bool:
    """End a membership: only one the actor could have granted, and never the one they act through."""
    if target is None:
        return membership.role in GRANTABLE_ROLES
    if target.pk == membership.pk:
        return False  # nobody deactivates the membership they are acting through
    return may_hand_out(membership, target.role, target.organization)


def revokes_invitation(membership, invitation) -> bool:
    """Withdraw an invitation: only one the actor could have sent (its role, in its organization)."""
    if invitation is None:
        return membership.role in GRANTABLE_ROLES
    return may_hand_out(membership, invitation.role, invitation.organization)


def _holds_only_grantable_roles(membership, memberships) -> bool:
    return all(may_hand_out(membership, m.role, m.organization) for m in memberships)


def changes_organization_status(membership, organization) -> bool:
    """Deactivate (or reactivate) an organization: it must be managed by the actor, and every active
    membership in it must be one the actor could have granted (a municipal office that holds the system
    administrator's membership is not the municipal staff's to switch off)."""
    if organization is None:
        return manages_organization(membership, None)
    if not manages_organization(membership, organization):
        return False
    held = organization.memberships.filter(is_active=True).select_related("organization")
    return _holds_only_grantable_roles(membership, held)


def administers_account(membership, user) -> bool:
    """Account actions (close an account, reset its second factor, lift its lockout): system administrators,
    never on their own account, and only for accounts whose every active membership they could grant."""
    if membership.role != ADMIN:
        return False
    if user is None:
        return True
    if user.pk == membership.user_id:
        return False  # one's own account: the password and a current code (accounts.totp_change), not a reset
    held = user.memberships.filter(is_active=True).select_related("organization")
    return _holds_only_grantable_roles(membership, held)


def audit_scope(membership, queryset):
    """Entries about objects the member's office owns (core.audit.owner_of), whoever acted: municipal staff
    their municipality's (and its wards'), prefecture staff their prefecture's, administrators all but
    those about a person's data."""
    from .models import Municipality

    # Entries about a person's data (patients, consultation clients) are shown on that person's access
    # history to the people their app allows, never here: a municipality's staff see counts, not patients.
    queryset = queryset.filter(subject_id__isnull=True)
    if membership.role == ADMIN:
        return queryset
    own = _municipality_id(membership)
    if membership.role == MUNICIPAL and own:
        owned = Municipality.objects.filter(Q(pk=own) | Q(parent_id=own)).values("pk")
        return queryset.filter(owner_municipality_id__in=owned)
    if membership.role == PREFECTURE:
        return queryset.filter(owner_prefecture_id=_prefecture_id(membership))
    return queryset.none()


def organization_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    if membership.role == MUNICIPAL and _municipality_id(membership):
        return queryset.filter(municipality_id=_municipality_id(membership))
    if membership.role == PREFECTURE:
        return queryset.filter(prefecture_id=_prefecture_id(membership))
    return queryset.none()


# Background jobs work for a place: the staff of that place (the same people who import and compute
# coverage there) see them and retry failed ones; professionals never see the jobs screen.
JOB_ROLES = (ADMIN, MUNICIPAL, PREFECTURE, COORDINATOR)


def sees_job(membership, job) -> bool:
    if membership.role not in JOB_ROLES:
        return False
    if job is None or membership.role == ADMIN:
        return True
    if membership.role == PREFECTURE:
        return job.prefecture_id is not None and job.prefecture_id == _prefecture_id(membership)
    return job.municipality_id is not None and manages_municipality(membership, job.municipality)


def job_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(prefecture_id=_prefecture_id(membership))
    if membership.role in (MUNICIPAL, COORDINATOR) and _municipality_id(membership):
        own = _municipality_id(membership)
        return queryset.filter(Q(municipality_id=own) | Q(municipality__parent_id=own))
    return queryset.none()


policy.register("core.use_app", policy.always)
policy.register("core.view_places", policy.always)
policy.register("core.view_organizations", policy.always)
policy.register("core.manage_daily_living_areas", manages_municipality)
policy.register("core.manage_area_groups", manages_prefecture)
policy.register("core.manage_organizations", manages_organization, scope=organization_scope)
# Every membership action goes through may_hand_out: nobody removes or changes a role they could not grant.
policy.register("core.manage_members", manages_member)
policy.register("core.grant_system_admin", policy.has_role(ADMIN))
policy.register("core.grant_role", grants_role)
policy.register("core.revoke_invitation", revokes_invitation)
policy.register("core.change_organization_status", changes_organization_status)
policy.register("core.deactivate_user", administers_account)
policy.register("core.reset_two_factor", administers_account)
policy.register("core.lift_login_lockout", administers_account)
policy.register("core.load_places", policy.has_role(ADMIN))
policy.register("core.verify_audit", policy.has_role(ADMIN))
policy.register("core.view_audit", policy.has_role(ADMIN, MUNICIPAL, PREFECTURE), scope=audit_scope)
# Patient-level rules arrive with the handoff capability; this one shows the shape they take.
policy.register("core.view_care_team_record", policy.is_on_care_team, needs_object=True)
policy.register("core.view_jobs", sees_job, scope=job_scope)
policy.register("core.retry_job", sees_job)
