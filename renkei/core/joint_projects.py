"""Who belongs to a joint project (共同実施・委託): the one test the apps' rules ask.

Core holds it because the desk's, training's and the region's rules all ask it and core imports no app.
A member belongs to a project when they are municipal staff or a coordinator of one of its municipalities
(or of the designated city owning a ward among them), or a coordinator or staff of its contractor while the
project is active (a contract ends with the project: the contractor's access ends with it).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from .models import JointProject, Role

MEMBER_ROLES = (Role.MUNICIPAL_STAFF, Role.COORDINATOR)


def is_active(project, on: dt.date | None = None) -> bool:
    """Started by `on` (default today) and not ended before it."""
    on = on or timezone.localdate()
    return project.started_on <= on and (project.ended_on is None or project.ended_on >= on)


def in_project_municipality(membership, project) -> bool:
    """Municipal staff or a coordinator of one of the project's municipalities (or their designated city)."""
    own = membership.organization.municipality_id
    if membership.role not in MEMBER_ROLES or own is None or project is None or project.pk is None:
        return False
    return any(own in (m.pk, m.parent_id) for m in project.municipalities.all())


def is_contractor_member(membership, project, on: dt.date | None = None) -> bool:
    """A coordinator or staff of the contractor organization while the project is active."""
    return (project is not None and project.contractor_id is not None and membership.role in MEMBER_ROLES
            and membership.organization_id == project.contractor_id and is_active(project, on))


def in_joint_project(membership, project, on: dt.date | None = None) -> bool:
    """Whether the member works in the project (its municipalities' staff, its contractor while active)."""
    if project is None:
        return False
    return in_project_municipality(membership, project) or is_contractor_member(membership, project, on)


def joint_project_ids_for(membership):
    """The ids of the projects the member belongs to (a subquery for scopes), as `in_joint_project` today."""
    if membership.role not in MEMBER_ROLES:
        return JointProject.objects.none().values("pk")
    today = timezone.localdate()
    own = membership.organization.municipality_id
    belongs = Q(contractor_id=membership.organization_id, started_on__lte=today) & (
        Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    if own is not None:
        belongs |= Q(municipalities__id=own) | Q(municipalities__parent_id=own)
    return JointProject.objects.filter(belongs).order_by().values("pk")


def joint_project_choices(membership, current=None):
    """The projects a form may attach a desk, a series or an activity to: those the member belongs to, and the
    one it is attached to already (so that an edit by someone outside the project keeps it)."""
    belongs = Q(pk__in=joint_project_ids_for(membership)) if membership is not None else Q(pk__in=[])
    if current is not None:
        belongs |= Q(pk=current)
    return JointProject.objects.filter(belongs).order_by("name")


def check_joint_project(membership, obj) -> None:
    """A desk, series or activity may be attached to a project only by a member of it (an unchanged project
    passes: an edit by someone else keeps it). Raises ValidationError on the `joint_project` field."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    project_id = obj.joint_project_id
    if project_id is None:
        return
    if obj.pk is not None and type(obj).objects.filter(pk=obj.pk, joint_project_id=project_id).exists():
        return
    if membership is None or not joint_project_choices(membership).filter(pk=project_id).exists():
        raise ValidationError({"joint_project": _("Choose a joint project your municipality or organization "
                                                  "belongs to.")})
    # The work must belong to one of the project's municipalities: otherwise attaching it would hand its
    # participants and set-up to the project's other members.
    from renkei.core.models import JointProject, Municipality

    owner_ids = {obj.municipality_id}
    parent_id = Municipality.objects.filter(pk=obj.municipality_id).values_list("parent_id", flat=True).first()
    if parent_id:
        owner_ids.add(parent_id)
    if not JointProject.municipalities.through.objects.filter(jointproject_id=project_id,
                                                               municipality_id__in=owner_ids).exists():
        raise ValidationError({"joint_project": _("Choose a joint project this municipality takes part in.")})
