"""factory_boy factories for the careteams models, shared by the careteams and provision tests.

`PatientFactory()` registers a patient in 福知山市-like test municipality by a care manager's office;
`team_with(patient, membership, role)` puts a membership on the patient's team; `ConsentFactory(patient=p)`
is a current consent covering the whole team. Names are obviously invented.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from renkei.careteams.models import (
    CareTeam,
    CareTeamMember,
    Consent,
    EmergencySheet,
    KeyPerson,
    Patient,
    Post,
    TeamRole,
)
from renkei.core.models import Organization, Profession, Role
from tests.factories import MembershipFactory, MunicipalityFactory, OrganizationFactory


def professional(*, kind=Organization.Kind.CARE_MANAGEMENT_OFFICE, municipality=None,
                 profession=Profession.CARE_MANAGER, organization=None, **kwargs):
    """An active professional membership in an organization of `kind` (a new one unless given)."""
    organization = organization or OrganizationFactory(kind=kind, municipality=municipality or
                                                       MunicipalityFactory())
    return MembershipFactory(role=Role.PROFESSIONAL, organization=organization, profession=profession, **kwargs)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient
        skip_postgeneration_save = True

    registered_by = factory.LazyFunction(professional)
    registered_by_organization = factory.SelfAttribute("registered_by.organization")
    municipality = factory.SelfAttribute("registered_by.organization.municipality")
    name = factory.Sequence(lambda n: f"試験 花子{n}")
    kana = factory.Sequence(lambda n: f"シケン ハナコ{n}")
    birth_date = dt.date(1938, 4, 1)
    sex = "female"
    address = "京都府福知山市試験町1-1"
    care_insured_number = factory.Sequence(lambda n: f"{9000000000 + n:010d}")
    care_level = "care_3"

    @factory.post_generation
    def with_team(obj, create, extracted, **kwargs):  # noqa: N805 (factory_boy's hook)
        """The registering member is on the team as its care manager (as the register service does)."""
        if not create:
            return
        team = CareTeam.objects.create(patient=obj)
        CareTeamMember.objects.create(team=team, role=TeamRole.CARE_MANAGER, membership=obj.registered_by,
                                      organization=obj.registered_by_organization,
                                      started_on=timezone.localdate() - dt.timedelta(days=30))


def team_with(patient: Patient, membership, role: str = TeamRole.VISITING_NURSE, **kwargs) -> CareTeamMember:
    """Put `membership` on the patient's team from 30 days ago (until `ended_on`, when given)."""
    kwargs.setdefault("started_on", timezone.localdate() - dt.timedelta(days=30))
    return CareTeamMember.objects.create(team=patient.care_team, role=role, membership=membership,
                                         organization=membership.organization, **kwargs)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    patient = factory.SubFactory(PatientFactory)
    purposes = factory.LazyFunction(lambda: ["care", "emergency"])
    covers_whole_team = True
    consented_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    recorded_by = factory.SelfAttribute("patient.registered_by")


class KeyPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPerson

    patient = factory.SubFactory(PatientFactory)
    name = "試験 一郎"
    relation = KeyPerson.Relation.CHILD
    phone = "090-0000-0000"
    is_emergency_contact = True


class EmergencySheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencySheet

    patient = factory.SubFactory(PatientFactory)
    number = factory.Sequence(lambda n: n + 1)
    resuscitation_wish = "no"
    transfer_wish = "yes"
    place_of_death_wish = "home"
    created_by = factory.SelfAttribute("patient.registered_by")


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    patient = factory.SubFactory(PatientFactory)
    author = factory.LazyAttribute(lambda o: o.patient.care_team.members.first())
    text = "訪問しました。"
