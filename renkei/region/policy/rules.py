"""Rules of §4 wide-area rules: adoptions of a prefecture's or a 保健所's 退院調整ルール, the before/after
measures, the prefecture's coordination survey.

- `region.view_wide_rules`: the wide-area rules (area group or prefecture) of the viewer's prefecture: its staff
  (office and 保健所), the municipal staff and coordinators of its municipalities; system administrators.
- `region.manage_adoptions` (obj: a RuleAdoption, saved or not): the prefecture's staff for any adopter of
  their prefecture; a municipality's own staff for its own adoption. A hospital's adoption is recorded by the
  prefecture's staff (a hospital is not a member of the region's rule-making; the 保健所 talks with it).
- `region.manage_coordination_surveys` (obj: a survey or a prefecture): the prefecture's staff.
- `region.view_wide_measures` (obj: a wide rule, a survey, a municipality or a prefecture): the same people as
  `view_wide_rules`; the selectors mask counts of people under the threshold for viewers outside the
  municipality (`is_insider`).
"""

from __future__ import annotations

from django.db.models import Q

from renkei.core import policy

from ..models import CoordinationSurvey, RuleAdoption
from .common import (
    ADMIN,
    COORDINATOR,
    MUNICIPAL,
    PREFECTURE,
    is_prefecture_staff_of,
    own_municipality_ids,
    own_prefecture_id,
)

WIDE_KINDS = ("area_group", "prefecture")
READERS = (ADMIN, PREFECTURE, MUNICIPAL, COORDINATOR)


def rule_prefecture_id(rule_set) -> int | None:
    """The prefecture a wide rule belongs to (its own, or its area group's)."""
    if rule_set.area_kind == "prefecture":
        return rule_set.prefecture_id
    if rule_set.area_kind == "area_group" and rule_set.area_group_id:
        return rule_set.area_group.prefecture_id
    return None


def _prefecture_of(obj) -> int | None:
    from renkei.handoff.models import RuleSet

    from .common import prefecture_id_of

    if isinstance(obj, RuleSet):
        return rule_prefecture_id(obj)
    if isinstance(obj, RuleAdoption):
        return rule_prefecture_id(obj.rule_set)
    if isinstance(obj, CoordinationSurvey):
        return obj.prefecture_id
    return prefecture_id_of(obj)


def reads_wide(membership, obj) -> bool:
    if membership.role not in READERS:
        return False
    if obj is None or membership.role == ADMIN:
        return True
    prefecture_id = _prefecture_of(obj)
    return prefecture_id is not None and prefecture_id == own_prefecture_id(membership)


def wide_rule_scope(membership, queryset):
    queryset = queryset.filter(area_kind__in=WIDE_KINDS)
    if membership.role == ADMIN:
        return queryset
    if membership.role not in READERS:
        return queryset.none()
    prefecture_id = own_prefecture_id(membership)
    return queryset.filter(Q(prefecture_id=prefecture_id) | Q(area_group__prefecture_id=prefecture_id))


def survey_scope(membership, queryset):
    if membership.role == ADMIN:
        return queryset
    if membership.role not in READERS:
        return queryset.none()
    return queryset.filter(prefecture_id=own_prefecture_id(membership))


def manages_adoption(membership, obj) -> bool:
    if membership.role == ADMIN:
        return True
    if obj is None:
        return membership.role in (PREFECTURE, MUNICIPAL)
    if _is_rule_set(obj):  # may record some adoption of this rule (the add form)
        if is_prefecture_staff_of(membership, rule_prefecture_id(obj)):
            return True
        from ..services.rules import area_municipality_ids

        return membership.role == MUNICIPAL and bool(own_municipality_ids(membership) & area_municipality_ids(obj))
    if not isinstance(obj, RuleAdoption):
        return False
    if is_prefecture_staff_of(membership, rule_prefecture_id(obj.rule_set)):
        return True
    return (membership.role == MUNICIPAL and obj.municipality_id is not None
            and obj.municipality_id in own_municipality_ids(membership))


def _is_rule_set(obj) -> bool:
    from renkei.handoff.models import RuleSet

    return isinstance(obj, RuleSet)


def manages_surveys(membership, obj) -> bool:
    if membership.role == ADMIN:
        return True
    if membership.role != PREFECTURE:
        return False
    return obj is None or is_prefecture_staff_of(membership, _prefecture_of(obj))


def is_insider(membership, municipality_id: int | None) -> bool:
    """Sees the counts of this municipality in full: its own staff and coordinators, the prefecture's staff,
    system administrators. `municipality_id` None: a hospital's or the area's row, whole only for the
    prefecture's side."""
    if membership.role in (ADMIN, PREFECTURE):
        return True
    return municipality_id is not None and municipality_id in own_municipality_ids(membership)


policy.register("region.view_wide_rules", reads_wide, scope=wide_rule_scope)
policy.register("region.manage_adoptions", manages_adoption)
policy.register("region.manage_coordination_surveys", manages_surveys, scope=survey_scope)
policy.register("region.view_wide_measures", reads_wide, scope=survey_scope)
