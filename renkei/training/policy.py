"""The training and awareness rules in the one permission policy.

The municipality's staff and coordinators run its training series and awareness activities (they also see the
participants' names, which are professionals' work contact data); the prefecture's staff read them and their
figures; participants and residents answer surveys by link without an account (public views, no rule). Reports
and effect tables show counts and statistics only.
"""

from django.db.models import Q

from renkei.core import policy
from renkei.core.joint_projects import in_joint_project, joint_project_ids_for
from renkei.core.models import Municipality, Role
from renkei.core.policy_rules import manages_municipality

from .models import (
    Attendance,
    AwarenessActivity,
    AwarenessMaterial,
    AwarenessResponse,
    AwarenessSurveyLink,
    Instrument,
    InstrumentItem,
    Registration,
    SurveyLink,
    SurveyResponse,
    TrainingSeries,
    TrainingSession,
)

ADMIN = Role.SYSTEM_ADMIN
MUNICIPAL = Role.MUNICIPAL_STAFF
PREFECTURE = Role.PREFECTURE_STAFF
COORDINATOR = Role.COORDINATOR


def municipality_of(obj):
    """The owner municipality of a training or awareness object (None for a built-in instrument)."""
    if obj is None or isinstance(obj, Municipality):
        return obj
    if isinstance(obj, TrainingSeries | AwarenessActivity | Instrument):
        return obj.municipality
    if isinstance(obj, TrainingSession | Registration):
        return obj.series.municipality
    if isinstance(obj, Attendance):
        return obj.session.series.municipality
    if isinstance(obj, SurveyLink | SurveyResponse):
        return obj.registration.series.municipality
    if isinstance(obj, AwarenessMaterial | AwarenessSurveyLink | AwarenessResponse):
        return obj.activity.municipality
    if isinstance(obj, InstrumentItem):
        return obj.instrument.municipality
    return getattr(obj, "municipality", None)


def joint_project_of(obj):
    """The joint project (共同実施・委託) a series or an activity, or one of their rows, belongs to, or None."""
    if isinstance(obj, TrainingSeries | AwarenessActivity):
        return obj.joint_project
    if isinstance(obj, TrainingSession | Registration):
        return obj.series.joint_project
    if isinstance(obj, Attendance):
        return obj.session.series.joint_project
    if isinstance(obj, SurveyLink | SurveyResponse):
        return obj.registration.series.joint_project
    if isinstance(obj, AwarenessMaterial | AwarenessSurveyLink | AwarenessResponse):
        return obj.activity.joint_project
    return None


def runs(membership, obj) -> bool:
    """The municipality's staff and coordinators (and system administrators); for a joint project's series or
    activity also every project municipality's staff and the contractor's coordinators while it is active."""
    if obj is None:
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR)
    municipality = municipality_of(obj)
    if municipality is not None and manages_municipality(membership, municipality):
        return True
    project = joint_project_of(obj)
    return project is not None and in_joint_project(membership, project)


def reads(membership, obj) -> bool:
    """Those who run it, and the prefecture's staff of its prefecture."""
    if obj is None:
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR, PREFECTURE)
    if runs(membership, obj):
        return True
    municipality = municipality_of(obj)
    if municipality is None:  # a built-in instrument: everyone who reads training reads it
        return membership.role in (ADMIN, MUNICIPAL, COORDINATOR, PREFECTURE)
    return membership.role == PREFECTURE and municipality.prefecture_id == membership.organization.prefecture_id


def _owned_scope(path: str, joint_path: str | None = None):
    """Rows whose municipality (at `path`) the member runs or, for prefecture staff, lies in their prefecture;
    with `joint_path`, also the rows of the joint projects the member belongs to."""

    def scope(membership, queryset):
        if membership.role == ADMIN:
            return queryset
        own = membership.organization.municipality_id
        if membership.role in (MUNICIPAL, COORDINATOR) and joint_path:
            joint = Q(**{f"{joint_path}_id__in": joint_project_ids_for(membership)})
            if own:
                joint |= Q(**{f"{path}_id": own}) | Q(**{f"{path}__parent_id": own})
            return queryset.filter(joint)
        if membership.role in (MUNICIPAL, COORDINATOR) and own:
            return queryset.filter(Q(**{f"{path}_id": own}) | Q(**{f"{path}__parent_id": own}))
        if membership.role == PREFECTURE:
            return queryset.filter(**{f"{path}__prefecture_id": membership.organization.prefecture_id})
        return queryset.none()

    return scope


def _run_scope(path: str, joint_path: str | None = None):
    def scope(membership, queryset):
        if membership.role == PREFECTURE:
            return queryset.none()
        return _owned_scope(path, joint_path)(membership, queryset)

    return scope


def instrument_scope(membership, queryset):
    """The built-in instruments and the municipality's own."""
    own = _owned_scope("municipality")(membership, queryset)
    if membership.role not in (ADMIN, MUNICIPAL, COORDINATOR, PREFECTURE):
        return queryset.none()
    return queryset.filter(Q(municipality__isnull=True) | Q(pk__in=own.values("pk")))


policy.register("training.view_series", reads, scope=_owned_scope("municipality", "joint_project"))
policy.register("training.manage_series", runs, scope=_run_scope("municipality", "joint_project"))
policy.register("training.view_participants", runs, needs_object=True)
policy.register("training.view_instruments", reads, scope=instrument_scope)
policy.register("training.manage_instruments", runs)
policy.register("training.view_awareness", reads, scope=_owned_scope("municipality", "joint_project"))
policy.register("training.manage_awareness", runs, scope=_run_scope("municipality", "joint_project"))
# The residents' calendar feed: published fields only, for anyone (anonymous callers pass `api_public`).
policy.register("training.view_calendar", policy.always)
