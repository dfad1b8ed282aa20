"""The directory's rules in the one permission policy.

Residents (no login) see public fields through views marked `@policy.public`; any logged-in member
also sees professional contact lines and collaboration details; staff of the facility's
municipality (or prefecture) edit, import, survey and export.
"""

from django.db.models import Q

from renkei.core import policy
from renkei.core.models import Municipality, Role
from renkei.core.policy_rules import manages_municipality

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


def manages_directory(membership, obj) -> bool:
    """Admin everywhere; municipal staff and coordinators in their municipality; prefecture staff in theirs."""
    municipality = _municipality_of(obj)
    if membership.role == PREFECTURE:
        return municipality is None or municipality.prefecture_id == membership.organization.prefecture_id
    return manages_municipality(membership, municipality)


def facility_scope(membership, queryset):
    """The facilities a member may edit: their municipality (and its wards), their prefecture, or all."""
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(prefecture_id=membership.organization.prefecture_id)
    own = membership.organization.municipality_id
    if membership.role in (MUNICIPAL, COORDINATOR) and own:
        return queryset.filter(Q(municipality_id=own) | Q(municipality__parent_id=own))
    return queryset.none()


def municipality_scope(membership, queryset):
    """Rows with a `municipality` field that a member manages (survey rounds, mappings, coverage runs)."""
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(municipality__prefecture_id=membership.organization.prefecture_id)
    own = membership.organization.municipality_id
    if membership.role in (MUNICIPAL, COORDINATOR) and own:
        return queryset.filter(Q(municipality_id=own) | Q(municipality__parent_id=own))
    return queryset.none()


policy.register("directory.view", policy.always)
# Professional contact lines and collaboration details marked "professional": any logged-in member.
policy.register("directory.view_professional_details", policy.always)
policy.register("directory.manage_facilities", manages_directory, scope=facility_scope)
policy.register("directory.merge_facilities", manages_directory, scope=facility_scope)
policy.register("directory.manage_taxonomy", manages_directory)
policy.register("directory.import", manages_directory, scope=facility_scope)
policy.register("directory.manage_surveys", manages_directory, scope=municipality_scope)
policy.register("directory.view_coverage", manages_directory, scope=municipality_scope)
policy.register("directory.export", manages_directory)
# The shared taxonomy (built-in attributes, categories) is edited by a system administrator only: a name
# changed there changes every municipality's directory. Each municipality's own attributes use manage_taxonomy.
policy.register("directory.manage_shared_taxonomy", policy.has_role(ADMIN))
