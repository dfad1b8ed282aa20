"""Rules of §1–§3: implementation status, survey rounds, the national report, the prefecture's workspace."""

from __future__ import annotations

from django.db.models import Q

from renkei.core import policy
from renkei.core.models import Municipality, Organization, Prefecture
from renkei.core.policy_rules import manages_municipality

from ..models import HealthCenterArea, Implementation, ItemImplementation, SurveyRound
from .common import (
    ADMIN,
    COORDINATOR,
    MUNICIPAL,
    PREFECTURE,
    STAFF_ROLES,
    is_prefecture_staff_of,
    own_municipality_ids,
    own_prefecture_id,
    prefecture_id_of,
)


def municipality_of(obj):
    if isinstance(obj, Municipality):
        return obj
    if isinstance(obj, Implementation):
        return obj.municipality
    if isinstance(obj, ItemImplementation):
        return obj.implementation.municipality
    return None


def reads_implementation(membership, obj) -> bool:
    """The municipality's staff and coordinators, its prefecture's staff, system administrators; anyone on
    staff for a published answer."""
    if obj is None:
        return membership.role in STAFF_ROLES
    if membership.role == ADMIN:
        return True
    municipality = municipality_of(obj)
    if municipality is None:
        return False
    if membership.role in (MUNICIPAL, COORDINATOR) and manages_municipality(membership, municipality):
        return True
    if is_prefecture_staff_of(membership, municipality.prefecture_id):
        return True
    implementation = obj.implementation if isinstance(obj, ItemImplementation) else obj
    return (membership.role in (MUNICIPAL, COORDINATOR) and isinstance(implementation, Implementation)
            and implementation.is_published)


def implementation_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(municipality__prefecture_id=own_prefecture_id(membership))
    if membership.role in (MUNICIPAL, COORDINATOR):
        return queryset.filter(Q(municipality_id__in=own_municipality_ids(membership)) | Q(is_published=True))
    return queryset.none()


def answers_implementation(membership, obj) -> bool:
    """Only the municipality's own staff answer and confirm (a coordinator or the prefecture reads)."""
    if membership.role != MUNICIPAL:
        return False
    if obj is None:
        return True
    municipality = municipality_of(obj)
    return municipality is not None and municipality.pk in own_municipality_ids(membership)


def imports_implementation(membership, obj) -> bool:
    """Answers arriving as a file: the prefecture's staff for their prefecture's municipalities; a system
    administrator for the nation. `obj` is the municipality a row resolves to, or a prefecture."""
    if membership.role == ADMIN:
        return True
    if membership.role != PREFECTURE:
        return False
    return obj is None or is_prefecture_staff_of(membership, prefecture_id_of(obj))


def manages_rounds(membership, obj) -> bool:
    """A prefecture's rounds: its staff; national rounds (no prefecture): system administrators."""
    if membership.role == ADMIN:
        return True
    if membership.role != PREFECTURE:
        return False
    if obj is None:
        return True
    if isinstance(obj, SurveyRound):
        return obj.prefecture_id is not None and is_prefecture_staff_of(membership, obj.prefecture_id)
    return is_prefecture_staff_of(membership, prefecture_id_of(obj))


def round_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(Q(prefecture_id=own_prefecture_id(membership)) | Q(prefecture__isnull=True))
    if membership.role in (MUNICIPAL, COORDINATOR):
        prefecture_id = own_prefecture_id(membership)
        return queryset.filter(Q(prefecture_id=prefecture_id) | Q(prefecture__isnull=True))
    return queryset.none()


def reads_workspace(membership, obj) -> bool:
    """The prefecture's and 保健所's home and drill-downs: its staff (obj: their prefecture or one of its
    municipalities), system administrators."""
    if membership.role == ADMIN:
        return True
    if membership.role != PREFECTURE:
        return False
    return obj is None or is_prefecture_staff_of(membership, prefecture_id_of(obj))


def manages_health_center_area(membership, obj) -> bool:
    if membership.role == ADMIN:
        return True
    if membership.role != PREFECTURE or membership.organization.kind != Organization.Kind.PREFECTURE_OFFICE:
        return False
    if obj is None:
        return True
    if isinstance(obj, HealthCenterArea):
        obj = obj.health_center
    return isinstance(obj, Organization) and is_prefecture_staff_of(membership, obj.prefecture_id)


def reads_municipality_profile(membership, obj) -> bool:
    """A municipality's profile (indicators against the prefecture and its population band): its own staff
    and coordinators, the prefecture's staff, system administrators."""
    if obj is None:
        return membership.role in STAFF_ROLES
    if membership.role == ADMIN:
        return True
    municipality = municipality_of(obj)
    if municipality is None:
        return isinstance(obj, Prefecture) and is_prefecture_staff_of(membership, obj.pk)
    if membership.role in (MUNICIPAL, COORDINATOR):
        return manages_municipality(membership, municipality)
    return is_prefecture_staff_of(membership, municipality.prefecture_id)


policy.register("region.view_implementation", reads_implementation, scope=implementation_scope)
policy.register("region.answer_implementation", answers_implementation)
policy.register("region.import_implementation", imports_implementation)
policy.register("region.manage_rounds", manages_rounds, scope=round_scope)
def reads_round(membership, obj) -> bool:
    """A round: its prefecture's staff, municipal staff and coordinators; a national round: everyone on staff."""
    if membership.role not in STAFF_ROLES:
        return False
    if obj is None or membership.role == ADMIN:
        return True
    prefecture_id = obj.prefecture_id if isinstance(obj, SurveyRound) else prefecture_id_of(obj)
    return prefecture_id is None or prefecture_id == own_prefecture_id(membership)


policy.register("region.view_rounds", reads_round, scope=round_scope)
# The report's tables count municipalities, never people; the selector decides whose answers they count.
policy.register("region.view_report", lambda m, obj: m.role in STAFF_ROLES)
policy.register("region.view_workspace", reads_workspace)
policy.register("region.manage_health_center_area", manages_health_center_area)
policy.register("region.view_municipality_profile", reads_municipality_profile)


def reads_implementation_table(membership, obj) -> bool:
    """A prefecture's table of statuses (obj: the Prefecture): its own staff and system administrators read every
    municipality's row; municipal staff and coordinators may ask any prefecture (they get their own row and the
    published ones, through `region.view_implementation`'s scope)."""
    if membership.role == ADMIN:
        return True
    if membership.role in (MUNICIPAL, COORDINATOR):
        return True
    if membership.role != PREFECTURE:
        return False
    return obj is None or is_prefecture_staff_of(membership, prefecture_id_of(obj))


policy.register("region.view_implementation_table", reads_implementation_table)
