"""A small desk world: a municipality with a desk (a coordinator of the medical association that runs it and one
responsible official on it), an official and a coordinator who are not on the desk, a care manager and two clinics
in the directory, a neighbouring municipality's desk, prefecture staff and a system administrator.

`CaseFactory` writes a case straight to the database (for selectors and reports); screens and services record cases
through `renkei.consult.services`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory
from django.utils import timezone

from renkei.consult.models import Case, CaseAction, Desk, DeskMember, RequesterKind, Topic
from renkei.consult.topics import seed_topics
from renkei.core.models import Membership, Municipality, Organization, Profession, Role
from renkei.directory.models import Facility
from tests.factories import FacilityFactory, MembershipFactory, MunicipalityFactory, OrganizationFactory


class DeskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Desk

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"在宅医療・介護連携相談窓口{n}")
    phone = "0773-24-0000"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    desk = factory.SubFactory(DeskFactory)
    municipality = factory.LazyAttribute(lambda o: o.desk.municipality)
    number = factory.Sequence(lambda n: f"R7-{n + 1:04d}")
    received_at = factory.LazyFunction(timezone.now)
    channel = "phone"
    requester_kind = RequesterKind.CARE_MANAGER
    requester_profession = Profession.CARE_MANAGER
    scene = "daily_care"
    question = "訪問診療をしてくれる医師を探しています。"


class CaseActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseAction

    case = factory.SubFactory(CaseFactory)
    kind = CaseAction.Kind.INFORMATION
    done_on = factory.LazyFunction(timezone.localdate)


def desk_member(desk: Desk, membership: Membership) -> DeskMember:
    return DeskMember.objects.create(desk=desk, membership=membership)


@dataclass
class World:
    municipality: Municipality
    desk: Desk
    coordinator: Membership  # on the desk (medical association, 委託)
    official: Membership  # municipal staff on the desk (responsible staff)
    other_official: Membership  # municipal staff of the same municipality, not on the desk
    other_coordinator: Membership  # a coordinator of the same municipality, not on the desk
    care_manager: Membership  # a professional
    clinic_a: Facility
    clinic_b: Facility
    care_office: Facility  # the care manager's office in the directory
    neighbour_desk: Desk
    neighbour_coordinator: Membership
    prefecture: Membership
    admin: Membership

    def topic(self, code: str) -> Topic:
        return Topic.objects.get(municipality=None, code=code)


def build_world() -> World:
    # A transactional test elsewhere (browser, concurrency) flushes the database: put the national topics back.
    seed_topics(Topic)
    municipality = MunicipalityFactory()
    association = OrganizationFactory(kind=Organization.Kind.MEDICAL_ASSOCIATION, municipality=municipality,
                                      name="試験市医師会")
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality,
                                 name="試験市役所")
    desk = DeskFactory(municipality=municipality, operator=association, name="試験市在宅医療・介護連携支援センター")
    coordinator = MembershipFactory(role=Role.COORDINATOR, organization=association)
    official = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)
    desk_member(desk, coordinator)
    desk_member(desk, official)
    other_official = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)
    other_coordinator = MembershipFactory(role=Role.COORDINATOR, organization=OrganizationFactory(
        kind=Organization.Kind.COMMUNITY_SUPPORT_CENTER, municipality=municipality))
    care_org = OrganizationFactory(kind=Organization.Kind.CARE_MANAGEMENT_OFFICE, municipality=municipality,
                                   name="試験居宅介護支援事業所")
    care_manager = MembershipFactory(role=Role.PROFESSIONAL, organization=care_org,
                                     profession=Profession.CARE_MANAGER)
    care_office = FacilityFactory(kind="care_service", name="試験居宅介護支援事業所", municipality=municipality,
                                  organization=care_org)
    clinic_a = FacilityFactory(kind="clinic", name="みどり在宅クリニック", municipality=municipality)
    clinic_b = FacilityFactory(kind="clinic", name="あおば診療所", municipality=municipality)
    neighbour = MunicipalityFactory(prefecture=municipality.prefecture)
    neighbour_org = OrganizationFactory(kind=Organization.Kind.MEDICAL_ASSOCIATION, municipality=neighbour)
    neighbour_desk = DeskFactory(municipality=neighbour, operator=neighbour_org)
    neighbour_coordinator = MembershipFactory(role=Role.COORDINATOR, organization=neighbour_org)
    desk_member(neighbour_desk, neighbour_coordinator)
    prefecture = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=municipality.prefecture))
    admin = MembershipFactory(role=Role.SYSTEM_ADMIN, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality))
    return World(municipality, desk, coordinator, official, other_official, other_coordinator, care_manager,
                 clinic_a, clinic_b, care_office, neighbour_desk, neighbour_coordinator, prefecture, admin)


def case_received(world: World, *, days_ago: float = 0, closed_after_days: float | None = None, **kwargs) -> Case:
    """A case received `days_ago` (closed `closed_after_days` later, when given), straight to the database."""
    received_at = timezone.now() - dt.timedelta(days=days_ago)
    fields = {"desk": world.desk, "received_at": received_at, "handled_by": world.coordinator, **kwargs}
    if closed_after_days is not None:
        fields.update(status=Case.Status.CLOSED, outcome="resolved",
                      closed_on=(received_at + dt.timedelta(days=closed_after_days)).date())
    return CaseFactory(**fields)
