"""A small training world: a municipality's staff and a coordinator who run training and awareness, a
neighbouring municipality's staff, prefecture staff, two clinics and a care office in the directory, a series
with two sessions using the built-in instrument, and daily living areas for awareness work.

Factories write straight to the database (for selectors and reports); screens record through the services.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import factory
from django.utils import timezone

from renkei.core.models import DailyLivingArea, Membership, Municipality, Organization, Profession, Role
from renkei.directory.models import Facility
from renkei.training.builtin_instruments import seed_instruments
from renkei.training.models import (
    Attendance,
    AwarenessActivity,
    Instrument,
    InstrumentItem,
    Phase,
    Registration,
    SurveyAnswer,
    SurveyResponse,
    TrainingSeries,
    TrainingSession,
)
from tests.factories import (
    DailyLivingAreaFactory,
    FacilityFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PrefectureFactory,
)


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSeries

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = "lecture"
    title = factory.Sequence(lambda n: f"多職種連携研修{n}")
    fiscal_year = 2026


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    series = factory.SubFactory(SeriesFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    place = "市民会館 会議室"
    capacity = 40


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    series = factory.SubFactory(SeriesFactory)
    name = factory.Sequence(lambda n: f"参加者{n}")
    profession = Profession.CARE_MANAGER


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwarenessActivity

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = "public_lecture"
    title = factory.Sequence(lambda n: f"人生会議を考える市民公開講座{n}")
    themes = factory.LazyFunction(lambda: ["acp"])
    date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    starts_at = dt.time(14, 0)
    ends_at = dt.time(15, 30)
    place = "市民会館 大ホール"
    is_published = True


def builtin_instrument() -> Instrument:
    # A transactional test elsewhere (browser, concurrency) flushes the database: put the built-in back.
    seed_instruments(Instrument, InstrumentItem)
    return Instrument.objects.get(municipality=None, code="renkei-collaboration-short")


def answer(registration: Registration, phase: str, values: list[int | None], text: str = "") -> SurveyResponse:
    """A response with `values` for the instrument's Likert items in order (None = item left blank)."""
    response = SurveyResponse.objects.create(registration=registration, phase=phase, submitted_at=timezone.now())
    items = list(registration.series.instrument.items.filter(is_active=True).order_by("order"))
    likert = [item for item in items if item.kind == "likert"]
    for item, value in zip(likert, values, strict=False):
        if value is not None:
            SurveyAnswer.objects.create(response=response, item=item, value=value)
    for item in items:
        if item.kind == "text" and text:
            SurveyAnswer.objects.create(response=response, item=item, text=text)
    return response


def attended(registration: Registration, session: TrainingSession) -> Attendance:
    return Attendance.objects.create(registration=registration, session=session, attended=True)


@dataclass
class World:
    municipality: Municipality
    official: Membership
    coordinator: Membership
    neighbour_official: Membership
    prefecture: Membership
    other_prefecture: Membership
    professional: Membership  # a care manager: no training rule
    admin: Membership
    clinic: Facility
    hospital: Facility
    care_office: Facility
    series: TrainingSeries
    first_session: TrainingSession
    second_session: TrainingSession
    areas: list[DailyLivingArea]


def build_world() -> World:
    municipality = MunicipalityFactory()
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality)
    official = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)
    coordinator = MembershipFactory(role=Role.COORDINATOR, organization=OrganizationFactory(
        kind=Organization.Kind.MEDICAL_ASSOCIATION, municipality=municipality))
    neighbour = MunicipalityFactory(prefecture=municipality.prefecture)
    neighbour_official = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=neighbour))
    prefecture = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=municipality.prefecture))
    other_prefecture = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
        prefecture=PrefectureFactory(code="13", name="東京都", kana="トウキョウト")))
    professional = MembershipFactory(role=Role.PROFESSIONAL, profession=Profession.CARE_MANAGER,
                                     organization=OrganizationFactory(
                                         kind=Organization.Kind.CARE_MANAGEMENT_OFFICE, municipality=municipality))
    admin = MembershipFactory(role=Role.SYSTEM_ADMIN, organization=office)
    clinic = FacilityFactory(kind="clinic", name="みどり在宅クリニック", municipality=municipality)
    hospital = FacilityFactory(kind="hospital", name="試験市民病院", municipality=municipality)
    care_office = FacilityFactory(kind="care_service", name="試験居宅介護支援事業所", municipality=municipality)
    series = SeriesFactory(municipality=municipality, title="多職種連携研修 入退院支援編",
                           instrument=builtin_instrument(), fiscal_year=2026, target_professions=[])
    now = timezone.now()
    first = SessionFactory(series=series, starts_at=now - dt.timedelta(days=14), status="held")
    second = SessionFactory(series=series, starts_at=now + dt.timedelta(days=14))
    areas = [DailyLivingAreaFactory(municipality=municipality, name=f"第{n}圏域") for n in (1, 2, 3)]
    return World(municipality, official, coordinator, neighbour_official, prefecture, other_prefecture, professional,
                 admin, clinic, hospital, care_office, series, first, second, areas)


__all__ = ["ActivityFactory", "Phase", "RegistrationFactory", "SeriesFactory", "SessionFactory", "World", "answer",
           "attended", "build_world", "builtin_instrument"]
