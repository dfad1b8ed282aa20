"""Helpers the region's rule modules share."""

from __future__ import annotations

from renkei.core.models import Municipality, Organization, Prefecture, Role

ADMIN = Role.SYSTEM_ADMIN
MUNICIPAL = Role.MUNICIPAL_STAFF
PREFECTURE = Role.PREFECTURE_STAFF
COORDINATOR = Role.COORDINATOR
STAFF_ROLES = (ADMIN, MUNICIPAL, COORDINATOR, PREFECTURE)


def own_prefecture_id(membership) -> int:
    return membership.organization.prefecture_id


def own_municipality_ids(membership) -> set[int]:
    """The member's municipality, and for a designated city's office its wards' parent too."""
    municipality_id = membership.organization.municipality_id
    if municipality_id is None:
        return set()
    ids = {municipality_id}
    parent_id = Municipality.objects.filter(pk=municipality_id).values_list("parent_id", flat=True).first()
    if parent_id:
        ids.add(parent_id)
    return ids


def is_prefecture_staff_of(membership, prefecture_id: int | None) -> bool:
    return membership.role == PREFECTURE and prefecture_id is not None and prefecture_id == own_prefecture_id(
        membership)


def is_health_center(membership) -> bool:
    return membership.role == PREFECTURE and membership.organization.kind == Organization.Kind.PUBLIC_HEALTH_CENTER


def prefecture_id_of(obj) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Prefecture):
        return obj.pk
    if isinstance(obj, Municipality):
        return obj.prefecture_id
    municipality = getattr(obj, "municipality", None)
    if municipality is not None:
        return municipality.prefecture_id
    return getattr(obj, "prefecture_id", None)
