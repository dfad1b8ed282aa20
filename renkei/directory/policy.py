"""The directory's rules in the one permission policy.

Residents (no login) see public fields through views marked `@policy.public`; any logged-in member
also sees professional contact lines and collaboration details; staff of the facility's
municipality (or prefecture) edit, import, survey and export.
"""

from django.db.models import Q

from renkei.core import policy
from renkei.core.models import Municipality, Prefecture, Role
from renkei.core.policy_rules import manages_municipality

from .models import CollaborationAttribute

ADMIN = Role.SYSTEM_ADMIN
MUNICIPAL = Role.MUNICIPAL_STAFF
PREFECTURE = Role.PREFECTURE_STAFF
COORDINATOR = Role.COORDINATOR
STAFF_ROLES = (ADMIN, MUNICIPAL, PREFECTURE, COORDINATOR)


def _municipality_of(obj):
    """The municipality an object belongs to (a facility, a survey round, a mapping…), or the object itself."""
    if obj is None or isinstance(obj, Municipality):
        return obj
    return getattr(obj, "municipality", None)


def _prefecture_of(obj):
    """A prefecture-wide object (a Prefecture, or a prefecture coverage run): its prefecture, else None."""
    if isinstance(obj, Prefecture):
        return obj
    return getattr(obj, "prefecture", None) if _municipality_of(obj) is None else None


def manages_directory(membership, obj) -> bool:
    """Admin everywhere; municipal staff and coordinators in their municipality; prefecture staff in theirs.

    Without an object ("may they do this anywhere?") every staff role says yes. An object that belongs to
    a whole prefecture is for prefecture staff of it; one that belongs to nobody (shared rows) for admins.
    """
    if obj is None:
        return membership.role in STAFF_ROLES
    municipality = _municipality_of(obj)
    if municipality is None:
        prefecture = _prefecture_of(obj)
        return membership.role == ADMIN or (
            prefecture is not None and membership.role == PREFECTURE
            and prefecture.pk == membership.organization.prefecture_id)
    if membership.role == PREFECTURE:
        return municipality.prefecture_id == membership.organization.prefecture_id
    return manages_municipality(membership, municipality)


def _managed_rows(membership, queryset, relation: str):
    """Rows whose municipality (reached through `relation`, "" for municipalities themselves) the member manages:
    their municipality and its wards, their prefecture, or everything for administrators."""
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(**{f"{relation}prefecture_id": membership.organization.prefecture_id})
    own = membership.organization.municipality_id
    if membership.role in (MUNICIPAL, COORDINATOR) and own:
        return queryset.filter(Q(**{f"{relation}pk": own}) | Q(**{f"{relation}parent_id": own}))
    return queryset.none()


def municipality_scope(membership, queryset):
    """Rows with a `municipality` field a member manages: facilities, survey rounds, import and coverage runs."""
    return _managed_rows(membership, queryset, "municipality__")


facility_scope = municipality_scope


def municipalities_scope(membership, queryset):
    """The municipalities themselves a member manages (choosers: exports, coverage)."""
    return _managed_rows(membership, queryset, "")


def manages_taxonomy(membership, obj) -> bool:
    """A municipality's own questions: its staff. Shared questions: every staff member may open them, but
    changing one also needs directory.manage_shared_taxonomy (the screen is read-only without it)."""
    if isinstance(obj, CollaborationAttribute) and obj.municipality_id is None:
        return membership.role in STAFF_ROLES
    return manages_directory(membership, obj)


def taxonomy_scope(membership, queryset):
    """Attributes a member may see on the taxonomy screen: the shared ones (staff), and a municipality's own
    questions only for those who manage that municipality (never another municipality's staff)."""
    if membership.role not in STAFF_ROLES:
        return queryset.none()
    return queryset.filter(municipality__isnull=True) | _managed_rows(membership, queryset, "municipality__")


policy.register("directory.view", policy.always)
# Professional contact lines and collaboration details marked "professional": any logged-in member.
policy.register("directory.view_professional_details", policy.always)
policy.register("directory.manage_facilities", manages_directory, scope=facility_scope)
policy.register("directory.merge_facilities", manages_directory, scope=facility_scope)
policy.register("directory.manage_taxonomy", manages_taxonomy, scope=taxonomy_scope)
policy.register("directory.import", manages_directory, scope=facility_scope)
policy.register("directory.manage_surveys", manages_directory, scope=municipality_scope)
policy.register("directory.view_coverage", manages_directory, scope=municipality_scope)
policy.register("directory.export", manages_directory, scope=municipalities_scope)
# Import history: the runs of the municipalities a member manages (a national run has none: admins only).
policy.register("directory.view_import_runs", manages_directory, scope=municipality_scope)
# The shared taxonomy (built-in attributes, categories) is edited by a system administrator only: a name
# changed there changes every municipality's directory. Each municipality's own attributes use manage_taxonomy.
policy.register("directory.manage_shared_taxonomy", policy.has_role(ADMIN))


def proposes_for_own_facility(membership, obj) -> bool:
    """A professional of the facility's own organization (its Renkei organization) proposes corrections to its
    public entry; the municipality's staff approve them (directory.manage_facilities)."""
    organization_id = getattr(obj, "organization_id", None)
    return (membership.role == Role.PROFESSIONAL and organization_id is not None
            and organization_id == membership.organization_id)


# Only with a facility: there is no list of "facilities I may propose for" (scope() lists nothing).
policy.register("directory.propose_correction", proposes_for_own_facility, needs_object=True)
