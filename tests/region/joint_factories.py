"""A joint project in the region test world: 福知山市 (lead) and 舞鶴市 with a contractor medical association
seated in 綾部市 (not a project municipality, so that its coordinator reaches the project's work only as the
contractor), written through the service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from renkei.core.models import JointProject, Membership, Organization, Role
from renkei.region.services.joint import joint_project_create
from tests.factories import MembershipFactory, OrganizationFactory


@dataclass
class Joint:
    project: JointProject
    contractor: Organization
    contractor_coordinator: Membership


def build_joint(world, *, started_on: dt.date | None = None) -> Joint:
    contractor = OrganizationFactory(kind=Organization.Kind.MEDICAL_ASSOCIATION, name="中丹医師会",
                                     municipality=world.ayabe)
    coordinator = MembershipFactory(role=Role.COORDINATOR, organization=contractor)
    project = joint_project_create(
        membership=world.official, name="中丹 多職種連携研修（共同実施）", lead_municipality=world.fukuchiyama,
        municipalities=[world.fukuchiyama, world.maizuru], contractor=contractor, program_items=["f", "g"],
        started_on=started_on or timezone.localdate() - dt.timedelta(days=100))
    return Joint(project, contractor, coordinator)
