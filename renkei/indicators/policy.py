"""The indicators' rules in the one permission policy.

Values are aggregates, not person data, but small counts can still point at people: members see their own
prefecture's values in full; residents see only what a municipality marks public, with small counts
suppressed (views marked `@policy.public` do that through `selectors.public_*`).
"""

from django.db.models import Q

from renkei.core import policy
from renkei.core.models import Municipality, Prefecture, Role
from renkei.core.policy_rules import manages_municipality

ADMIN = Role.SYSTEM_ADMIN
MUNICIPAL = Role.MUNICIPAL_STAFF
PREFECTURE = Role.PREFECTURE_STAFF
COORDINATOR = Role.COORDINATOR
STAFF_ROLES = (ADMIN, MUNICIPAL, PREFECTURE, COORDINATOR)


class _Nation:
    """The object of a nation-wide value (national comparison figures): any staff member may record those."""

    def __repr__(self) -> str:
        return "NATION"


NATION = _Nation()


def place_of(obj):
    """(municipality, prefecture) an indicator object belongs to; (None, None) for the shared library."""
    if obj is None:
        return None, None
    if isinstance(obj, Municipality):
        return obj, obj.prefecture
    if isinstance(obj, Prefecture):
        return None, obj
    municipality = (getattr(obj, "owner_municipality", None) or getattr(obj, "municipality", None)
                    or getattr(getattr(obj, "daily_living_area", None), "municipality", None))
    if municipality is not None:
        return municipality, municipality.prefecture
    return None, getattr(obj, "owner_prefecture", None) or getattr(obj, "prefecture", None)


def manages_place(membership, obj) -> bool:
    """Write access: admins; municipal staff and coordinators for their municipality; prefecture staff for
    their prefecture and its municipalities. Objects of nobody (built-in definitions) are for admins."""
    if obj is None:
        return membership.role in STAFF_ROLES
    if membership.role == ADMIN:
        return True
    if obj is NATION:
        return membership.role in STAFF_ROLES
    municipality, prefecture = place_of(obj)
    if municipality is not None:
        if membership.role == PREFECTURE:
            return municipality.prefecture_id == membership.organization.prefecture_id
        return manages_municipality(membership, municipality)
    if prefecture is not None:
        return membership.role == PREFECTURE and prefecture.pk == membership.organization.prefecture_id
    return False


def manages_municipal_plan(membership, obj) -> bool:
    """Targets and publication are the municipality's own decisions: its staff and coordinators (and admins)."""
    if obj is None:
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR)
    municipality, _prefecture = place_of(obj)
    return municipality is not None and manages_municipality(membership, municipality)


def records_values(membership, obj) -> bool:
    """Values: like `manages_place`, and a municipality's staff may also record their own prefecture's figures
    (the comparison line of their dashboards, imported from the same e-Stat file as their own)."""
    if manages_place(membership, obj):
        return True
    municipality, prefecture = place_of(obj) if obj is not NATION else (None, None)
    return (municipality is None and prefecture is not None and isinstance(obj, Prefecture)
            and membership.role in (MUNICIPAL, COORDINATOR) and prefecture.pk == membership.organization.prefecture_id)


def sees_place(membership, obj) -> bool:
    """Read access: any member, for objects of their own prefecture (and the shared library)."""
    if membership.role == ADMIN or obj is None or obj is NATION:
        return True
    municipality, prefecture = place_of(obj)
    if prefecture is None:
        return True  # the built-in library and national values
    return prefecture.pk == membership.organization.prefecture_id


def definitions_scope(membership, queryset):
    """Definitions a member may use: the built-in library, their prefecture's, shared ones of their prefecture,
    and their own municipality's."""
    if membership.role == ADMIN:
        return queryset
    prefecture_id = membership.organization.prefecture_id
    municipality_id = membership.organization.municipality_id
    reach = (Q(owner_municipality__isnull=True, owner_prefecture__isnull=True)
             | Q(owner_municipality__isnull=True, owner_prefecture_id=prefecture_id)
             | Q(owner_municipality__prefecture_id=prefecture_id, is_shared=True))
    if municipality_id is not None:  # Q(owner_municipality_id=None) would be IS NULL: every prefecture's own
        reach |= Q(owner_municipality_id=municipality_id)
    return queryset.filter(reach)


def values_scope(membership, queryset):
    """Values a member may read: the nation's and their own prefecture's areas."""
    if membership.role == ADMIN:
        return queryset
    prefecture_id = membership.organization.prefecture_id
    return queryset.filter(
        Q(area_level="nation") | Q(prefecture_id=prefecture_id) | Q(municipality__prefecture_id=prefecture_id)
        | Q(daily_living_area__municipality__prefecture_id=prefecture_id)
    )


def municipalities_scope(membership, queryset):
    """Municipalities whose indicators a member manages (choosers)."""
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(prefecture_id=membership.organization.prefecture_id)
    own = membership.organization.municipality_id
    if membership.role in (MUNICIPAL, COORDINATOR) and own:
        return queryset.filter(Q(pk=own) | Q(parent_id=own))
    return queryset.none()


def municipal_rows_scope(membership, queryset):
    """Rows with a `municipality` (targets, publications, imports) a member manages."""
    return queryset.filter(municipality__in=municipalities_scope(membership, Municipality.objects.all()))


policy.register("indicators.view", sees_place, scope=values_scope)
policy.register("indicators.view_definitions", policy.always, scope=definitions_scope)
policy.register("indicators.manage_definitions", manages_place, scope=definitions_scope)
policy.register("indicators.record_values", records_values, scope=municipal_rows_scope)
policy.register("indicators.manage_targets", manages_municipal_plan, scope=municipal_rows_scope)
policy.register("indicators.publish", manages_municipal_plan, scope=municipal_rows_scope)
