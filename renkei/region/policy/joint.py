"""Rules of §4 joint implementation: joint projects of several municipalities, delegation to a contractor.

- `region.view_joint_projects`: the staff and coordinators of the project's municipalities, the contractor's
  coordinators and staff while the project is active, the prefecture's staff (office and 保健所), system
  administrators.
- `region.manage_joint_projects`: municipal staff of the lead municipality (幹事市町村); the prefecture's staff
  for projects of their prefecture's municipalities (they may set one up for them); system administrators.

Access to the desks, series and campaigns of a project is decided by the consult and training rules, which ask
`renkei.core.joint_projects.in_joint_project`.
"""

from __future__ import annotations

from django.db.models import Q

from renkei.core import policy
from renkei.core.joint_projects import in_joint_project, joint_project_ids_for
from renkei.core.models import JointProject
from renkei.core.policy_rules import manages_municipality

from .common import ADMIN, COORDINATOR, MUNICIPAL, PREFECTURE, STAFF_ROLES, is_prefecture_staff_of, own_prefecture_id


def views_joint_project(membership, obj) -> bool:
    if membership.role == ADMIN:
        return True
    if obj is None:
        return membership.role in STAFF_ROLES
    if not isinstance(obj, JointProject):
        return False
    return is_prefecture_staff_of(membership, obj.prefecture_id) or in_joint_project(membership, obj)


def joint_project_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(prefecture_id=own_prefecture_id(membership))
    if membership.role in (MUNICIPAL, COORDINATOR):
        return queryset.filter(Q(pk__in=joint_project_ids_for(membership)))
    return queryset.none()


def manages_joint_project(membership, obj) -> bool:
    """`obj`: a project (stored, or unsaved with its lead and prefecture for a new one)."""
    if membership.role == ADMIN:
        return True
    if obj is None:
        return membership.role in (MUNICIPAL, PREFECTURE)
    if not isinstance(obj, JointProject):
        return False
    if membership.role == PREFECTURE:
        return is_prefecture_staff_of(membership, obj.prefecture_id)
    return membership.role == MUNICIPAL and manages_municipality(membership, obj.lead_municipality)


policy.register("region.view_joint_projects", views_joint_project, scope=joint_project_scope)
policy.register("region.manage_joint_projects", manages_joint_project, scope=joint_project_scope)
