"""Rules of §4 sharing what works: the good-practice library (取組事例), copies into a workspace (横展開), and the
sharing meetings (情報共有の場).

- `region.view_practices`: a published practice shared with the prefecture is read by the staff (municipal,
  coordinators, prefecture and 保健所) of that prefecture; one shared nationally by every staff member; a draft or
  a withdrawn practice only by its author's own staff.
- `region.write_practice`: municipal staff and coordinators for their municipality, prefecture staff (office or
  保健所) for their prefecture. `obj`: a practice, or the municipality / prefecture a new one is written for.
- `region.copy_practice`: municipal staff, into their own municipality, from a published practice they may read
  that offers something. `obj`: the practice, or the municipality the copy is written into.
- `region.view_meetings`: the prefecture's staff (office and 保健所); municipal staff and coordinators of the
  invited municipalities and of the convener.
- `region.manage_meetings`: the prefecture's staff for any meeting of their prefecture; municipal staff for the
  meetings their municipality convenes. `obj`: a meeting, or the municipality / prefecture that convenes one.
"""

from __future__ import annotations

from django.db.models import Q

from renkei.core import policy
from renkei.core.models import Municipality, Prefecture
from renkei.core.policy_rules import manages_municipality

from ..models import Practice, SharingMeeting
from .common import (
    ADMIN,
    COORDINATOR,
    MUNICIPAL,
    PREFECTURE,
    STAFF_ROLES,
    is_prefecture_staff_of,
    own_municipality_ids,
    own_prefecture_id,
)

LOCAL_ROLES = (MUNICIPAL, COORDINATOR)


def is_author_staff(membership, practice: Practice) -> bool:
    """The practice's author's own staff: the municipality's staff and coordinators, or the prefecture's staff."""
    if practice.municipality_id is not None:
        return membership.role in LOCAL_ROLES and manages_municipality(membership, practice.municipality)
    return is_prefecture_staff_of(membership, practice.prefecture_id)


def reads_practice(membership, obj) -> bool:
    if membership.role == ADMIN:
        return True
    if obj is None:
        return membership.role in STAFF_ROLES
    if not isinstance(obj, Practice):
        return False
    if is_author_staff(membership, obj):
        return True
    if obj.status != Practice.Status.PUBLISHED or membership.role not in STAFF_ROLES:
        return False
    return obj.reach == Practice.Reach.NATIONAL or own_prefecture_id(membership) == obj.prefecture_id


def _author_q(membership) -> Q:
    if membership.role in LOCAL_ROLES:
        return Q(municipality_id__in=own_municipality_ids(membership))
    if membership.role == PREFECTURE:
        return Q(municipality__isnull=True, prefecture_id=own_prefecture_id(membership))
    return Q(pk__in=[])


def practice_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    if membership.role not in STAFF_ROLES:
        return queryset.none()
    shared = Q(status=Practice.Status.PUBLISHED) & (Q(reach=Practice.Reach.NATIONAL)
                                                    | Q(prefecture_id=own_prefecture_id(membership)))
    return queryset.filter(shared | _author_q(membership))


def writes_practice(membership, obj) -> bool:
    if obj is None:
        return membership.role in (MUNICIPAL, COORDINATOR, PREFECTURE)
    if isinstance(obj, Practice):
        return is_author_staff(membership, obj)
    if isinstance(obj, Municipality):
        return membership.role in LOCAL_ROLES and manages_municipality(membership, obj)
    if isinstance(obj, Prefecture):
        return is_prefecture_staff_of(membership, obj.pk)
    return False


def copies_practice(membership, obj) -> bool:
    if membership.role != MUNICIPAL:
        return False
    if obj is None:
        return True
    if isinstance(obj, Municipality):
        return obj.pk in own_municipality_ids(membership)
    if isinstance(obj, Practice):
        return (obj.status == Practice.Status.PUBLISHED and bool(obj.offer_kind) and obj.offer_id is not None
                and reads_practice(membership, obj))
    return False


def reads_meeting(membership, obj) -> bool:
    if membership.role == ADMIN:
        return True
    if obj is None:
        return membership.role in STAFF_ROLES
    if not isinstance(obj, SharingMeeting):
        return False
    if membership.role == PREFECTURE:
        return is_prefecture_staff_of(membership, obj.prefecture_id)
    if membership.role not in LOCAL_ROLES:
        return False
    own = own_municipality_ids(membership)
    if obj.municipality_id in own:
        return True
    return obj.invited.filter(pk__in=own).exists()


def meeting_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    if membership.role == PREFECTURE:
        return queryset.filter(prefecture_id=own_prefecture_id(membership))
    if membership.role not in LOCAL_ROLES:
        return queryset.none()
    own = own_municipality_ids(membership)
    invited = SharingMeeting.invited.through.objects.filter(municipality_id__in=own).values("sharingmeeting_id")
    return queryset.filter(Q(municipality_id__in=own) | Q(pk__in=invited))


def manages_meeting(membership, obj) -> bool:
    if membership.role == ADMIN:
        return True
    if obj is None:
        return membership.role in (MUNICIPAL, PREFECTURE)
    if isinstance(obj, SharingMeeting):
        if is_prefecture_staff_of(membership, obj.prefecture_id):
            return True
        return membership.role == MUNICIPAL and obj.municipality_id in own_municipality_ids(membership)
    if isinstance(obj, Municipality):
        return membership.role == MUNICIPAL and obj.pk in own_municipality_ids(membership)
    if isinstance(obj, Prefecture):
        return is_prefecture_staff_of(membership, obj.pk)
    return False


policy.register("region.view_practices", reads_practice, scope=practice_scope)
policy.register("region.write_practice", writes_practice)
policy.register("region.copy_practice", copies_practice)
policy.register("region.view_meetings", reads_meeting, scope=meeting_scope)
policy.register("region.manage_meetings", manages_meeting)
