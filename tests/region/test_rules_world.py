"""The wide-area rules world on top of the region world: 中丹医療圏's rule written by 京都府, two hospitals in
福知山 and one in 舞鶴, and discharges written straight into handoff's measure fields (the measures read those
fields only; the lifecycle that fills them is tested in tests/handoff)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from renkei.handoff.models import Handoff, HandoffStep, RuleSet, StepKey
from renkei.handoff.services.rules import NATIONAL_STEPS, national_defaults, rule_set_create
from tests.careteams.factories import PatientFactory
from tests.factories import FacilityFactory

from .factories import World, build_world

RULE_FROM = dt.date(2024, 4, 1)
ADOPTED = dt.date(2025, 4, 1)
TODAY = dt.date(2026, 3, 31)


@dataclass
class RulesWorld:
    world: World
    rule: RuleSet
    hospital: object  # 福知山's
    other_hospital: object  # 福知山's second
    maizuru_hospital: object
    ine_hospital: object  # outside the area
    patients: dict


def build_rules_world() -> RulesWorld:
    world = build_world(population=False)
    rule = rule_set_create(membership=world.prefecture, name="中丹圏域退院調整ルール", area_kind="area_group",
                           area_group=world.chutan, effective_from=RULE_FROM, steps=[dict(s) for s in NATIONAL_STEPS])
    hospital = FacilityFactory(kind="hospital", name="市立福知山市民病院", municipality=world.fukuchiyama)
    other = FacilityFactory(kind="hospital", name="福知山第二病院", municipality=world.fukuchiyama)
    maizuru_hospital = FacilityFactory(kind="hospital", name="舞鶴医療センター", municipality=world.maizuru)
    ine_hospital = FacilityFactory(kind="hospital", name="伊根診療病院", municipality=world.ine)
    patients = {m.pk: PatientFactory(municipality=m) for m in (world.fukuchiyama, world.maizuru, world.ayabe)}
    return RulesWorld(world, rule, hospital, other, maizuru_hospital, ine_hospital, patients)


def discharge(rw: RulesWorld, *, on: dt.date, municipality=None, hospital=None, missed: bool = False,
              info_on_time: bool = True, info_missing: bool = False, count: int = 1) -> list[Handoff]:
    """`count` discharges on `on` of residents of `municipality` from `hospital`, with their measure fields."""
    municipality = municipality or rw.world.fukuchiyama
    hospital = hospital or rw.hospital
    patient = rw.patients[municipality.pk]
    national = national_defaults()
    info_step = national.steps.get(key=StepKey.ADMISSION_INFO)
    admitted = timezone.make_aware(dt.datetime.combine(on - dt.timedelta(days=10), dt.time(10)))
    made = []
    for _ in range(count):
        handoff = Handoff.objects.create(
            patient=patient, hospital=hospital, admitted_at=admitted, rule_set=national,
            opened_by=patient.registered_by, status=Handoff.Status.DISCHARGED, municipality=municipality,
            discharged_on=on, discharged_at=admitted + dt.timedelta(days=10), is_missed=missed,
            is_admission_info_missing=info_missing)
        if not info_missing:
            due = admitted + dt.timedelta(days=2)
            HandoffStep.objects.create(handoff=handoff, rule_step=info_step, key=StepKey.ADMISSION_INFO,
                                       actor="care_manager", due_at=due, status=HandoffStep.Status.DONE,
                                       done_at=due - dt.timedelta(hours=1) if info_on_time
                                       else due + dt.timedelta(days=3))
        made.append(handoff)
    return made
