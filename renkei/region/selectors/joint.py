"""Reads of joint projects: the projects a member sees, a project's attached work, the choices of the forms,
and each municipality's share of the project's figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from renkei.core import policy
from renkei.core.joint_projects import is_active, joint_project_ids_for
from renkei.core.models import JointProject, Municipality, Organization

VIEW = "region.view_joint_projects"


def visible_projects(membership):
    """The projects the member may read, with their lead, contractor and municipalities (three queries)."""
    return (policy.scope(membership, VIEW, JointProject.objects.all())
            .select_related("prefecture", "lead_municipality", "contractor")
            .prefetch_related(Prefetch("municipalities", queryset=Municipality.objects.order_by("code")))
            .order_by("prefecture__code", "-started_on", "name"))


def projects_of_member(membership):
    """The projects the member belongs to (the choices of the desk, series and activity forms)."""
    return JointProject.objects.filter(pk__in=joint_project_ids_for(membership)).order_by("name")


def municipality_choices(prefecture_id: int):
    return Municipality.objects.filter(prefecture_id=prefecture_id, abolished_on__isnull=True).order_by("code")


def contractor_choices(prefecture_id: int):
    return Organization.objects.filter(prefecture_id=prefecture_id, is_active=True).order_by("kind", "name")


@dataclass
class Attached:
    desks: list
    series: list
    activities: list


def attached_work(project: JointProject) -> Attached:
    """The desks, training series and awareness activities that belong to the project (three queries)."""
    from renkei.consult.models import Desk
    from renkei.training.models import AwarenessActivity, TrainingSeries

    return Attached(
        desks=list(Desk.objects.filter(joint_project=project).select_related("municipality", "operator")),
        series=list(TrainingSeries.objects.filter(joint_project=project).select_related("municipality")
                    .order_by("-fiscal_year", "title")),
        activities=list(AwarenessActivity.objects.filter(joint_project=project).select_related("municipality")
                        .order_by("-date")))


@dataclass
class Share:
    municipality: Municipality
    sessions: int
    attendances: int
    activities: int
    awareness_attendance: int


def shares(project: JointProject, fiscal_year: int) -> list[Share]:
    """Each municipality's share of the project's training and awareness figures for the fiscal year, by the
    same rules as the indicator providers (training.indicators, training.awareness_indicators)."""
    from renkei.indicators.periods import fiscal_year as fiscal_year_period
    from renkei.training.awareness_indicators import joint_activity_shares
    from renkei.training.indicators import joint_training_shares

    period = fiscal_year_period(fiscal_year)
    municipalities = list(project.municipalities.order_by("code"))
    training = joint_training_shares(period, project_ids=[project.pk])
    awareness = joint_activity_shares(period, project_ids=[project.pk])
    return [Share(m, training.sessions.get(m.pk, 0), training.attendances.get(m.pk, 0),
                  awareness.activities.get(m.pk, 0), awareness.attendance.get(m.pk, 0)) for m in municipalities]


def project_is_active(project: JointProject) -> bool:
    return is_active(project)
