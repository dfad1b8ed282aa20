"""The desk's rules in the one permission policy.

Cases are person data: only the desk's active members (its coordinators and the municipality's responsible
staff, named on the desk) read and record them — not every official of the municipality, not the prefecture,
not a system administrator. The municipality's staff set up the desk (members, contact, topics); they, the
desk's coordinators and the prefecture's staff read the desk's counts, never a case.
"""

from django.db.models import Q

from renkei.core import policy
from renkei.core.joint_projects import in_project_municipality
from renkei.core.models import JointProject, Municipality, Role
from renkei.core.policy_rules import manages_municipality

from .models import Case, CaseAction, CaseResource, Desk, DeskMember, Topic

ADMIN = Role.SYSTEM_ADMIN
MUNICIPAL = Role.MUNICIPAL_STAFF
PREFECTURE = Role.PREFECTURE_STAFF
COORDINATOR = Role.COORDINATOR


def desk_of(obj):
    """The desk an object belongs to (a case, an action, a suggested resource, a seat), or None."""
    if isinstance(obj, Desk):
        return obj
    if isinstance(obj, Case | DeskMember):
        return obj.desk
    if isinstance(obj, CaseAction | CaseResource):
        return obj.case.desk
    return None


def municipality_of(obj):
    if obj is None or isinstance(obj, Municipality):
        return obj
    desk = desk_of(obj)
    if desk is not None:
        return desk.municipality
    if isinstance(obj, Topic):
        return obj.municipality
    return getattr(obj, "municipality", None)


def member_desk_ids(membership):
    """The ids of the desks where this membership has an active seat (a subquery)."""
    return DeskMember.objects.filter(membership=membership, is_active=True).values("desk_id")


def works_desk(membership, obj) -> bool:
    """An active seat on the object's desk; objectless: a seat on any desk."""
    if membership.role not in (MUNICIPAL, COORDINATOR):
        return False
    if obj is None:
        return DeskMember.objects.filter(membership=membership, is_active=True, desk__is_active=True).exists()
    desk = desk_of(obj)
    return desk is not None and DeskMember.objects.filter(desk=desk, membership=membership, is_active=True).exists()


def sets_up_desk(membership, obj) -> bool:
    """Municipal staff of the municipality (or its designated city) and system administrators; for a joint
    project's desk (共同設置) the staff of any of the project's municipalities. Cases stay seat-based."""
    if membership.role not in (ADMIN, MUNICIPAL):
        return False
    if obj is None:
        return True
    if manages_municipality(membership, municipality_of(obj)):
        return True
    desk = desk_of(obj)
    return desk is not None and desk.joint_project_id is not None and in_project_municipality(
        membership, desk.joint_project)


def reads_counts(membership, obj) -> bool:
    """The municipality's staff and coordinators, the prefecture's staff, system administrators."""
    if obj is None:
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR, PREFECTURE)
    municipality = municipality_of(obj)
    if municipality is None:
        return membership.role == ADMIN
    if manages_municipality(membership, municipality):
        return True
    return membership.role == PREFECTURE and municipality.prefecture_id == membership.organization.prefecture_id


def manages_topics(membership, obj) -> bool:
    """The municipality's staff and coordinators extend its topics; the national ones are read only."""
    if obj is None:
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR)
    municipality = municipality_of(obj)
    return municipality is not None and manages_municipality(membership, municipality)


def case_scope(membership, queryset):
    if membership.role not in (MUNICIPAL, COORDINATOR):
        return queryset.none()
    return queryset.filter(desk_id__in=member_desk_ids(membership))


def desk_scope(membership, queryset):
    """Desks the member works, and those their municipality's staff set up."""
    seats = Q(pk__in=member_desk_ids(membership)) if membership.role in (MUNICIPAL, COORDINATOR) else Q(pk__in=[])
    if membership.role == ADMIN:
        return queryset
    if membership.role == MUNICIPAL and membership.organization.municipality_id:
        own = membership.organization.municipality_id
        return queryset.filter(seats | Q(municipality_id=own) | Q(municipality__parent_id=own)
                               | Q(joint_project__in=JointProject.objects.filter(
                                   Q(municipalities__id=own) | Q(municipalities__parent_id=own)).values("pk")))
    return queryset.filter(seats)


def counts_scope(membership, queryset):
    """Municipalities whose counts the member reads."""
    if membership.role == ADMIN:
        return queryset
    own = membership.organization.municipality_id
    if membership.role in (MUNICIPAL, COORDINATOR) and own:
        return queryset.filter(Q(pk=own) | Q(parent_id=own))
    if membership.role == PREFECTURE:
        return queryset.filter(prefecture_id=membership.organization.prefecture_id)
    return queryset.none()


def register_case_rule(action: str, predicate, **kwargs) -> None:
    policy.register(action, predicate, patient_data=True, **kwargs)


register_case_rule("consult.view_cases", works_desk, scope=case_scope)
register_case_rule("consult.record_case", works_desk)
register_case_rule("consult.export_cases", works_desk, needs_object=True)
policy.register("consult.view_desk", policy.any_of(works_desk, sets_up_desk), scope=desk_scope)
policy.register("consult.manage_desk", sets_up_desk, scope=desk_scope)
policy.register("consult.manage_topics", manages_topics)
policy.register("consult.view_reports", reads_counts, scope=counts_scope)


# deskreports: exact small counts are for the municipality's own people (its staff, coordinators, system
# administrators); the prefecture's staff see counts from 1 to 9 as "<10" (people counted outside the municipality).
def reads_exact_counts(membership, obj) -> bool:
    municipality = municipality_of(obj)
    return municipality is not None and manages_municipality(membership, municipality)


policy.register("consult.view_exact_counts", reads_exact_counts, needs_object=True)
