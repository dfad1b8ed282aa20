import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import AuditEntry
from renkei.handoff.models import Channel, Handoff, HandoffStep, RuleSet, StepKey
from renkei.handoff.services import handoffs as services
from renkei.handoff.services.rules import national_defaults, rule_set_create, rule_set_for

from .factories import build_world, open_handoff

pytestmark = pytest.mark.django_db


def step(handoff, key) -> HandoffStep:
    return handoff.steps.select_related("rule_step", "handoff").get(key=key)


def test_an_admission_opens_a_handoff_with_the_national_steps_and_due_times(world):
    handoff = open_handoff(world, days_ago=1)
    keys = list(handoff.steps.values_list("key", flat=True))
    assert keys == ["admission_info", "screening", "interview", "discharge_notice", "conference", "discharge",
                    "summaries"]
    assert handoff.rule_set.area_kind == RuleSet.AreaKind.NATIONAL
    assert handoff.care_manager == world.care_manager
    assert handoff.hospital_organization == world.hospital.organization
    assert step(handoff, StepKey.ADMISSION_INFO).due_at is not None
    assert step(handoff, StepKey.DISCHARGE_NOTICE).due_at is None  # no planned discharge yet


def test_the_regions_own_rule_wins_and_old_handoffs_keep_their_version(world):
    municipality = world.patient.municipality
    before = open_handoff(world, days_ago=20)
    services.discharge_record(membership=world.discharge_nurse, handoff=before,
                              discharged_at=timezone.now() - dt.timedelta(days=10))
    rule = rule_set_create(
        membership=world.municipal, name="試験市 入退院支援ルール", area_kind=RuleSet.AreaKind.MUNICIPALITY,
        municipality=municipality, effective_from=timezone.localdate() - dt.timedelta(days=5),
        steps=[dict(key=StepKey.ADMISSION_INFO, actor="care_manager", anchor="admission", offset_days=7,
                    day_unit="working"),
               dict(key=StepKey.DISCHARGE_NOTICE, actor="hospital", anchor="planned_discharge", offset_days=-5,
                    day_unit="working", counts_for_missed=True)])
    assert rule_set_for(municipality) == rule
    after = open_handoff(world, days_ago=1)
    assert after.rule_set == rule and after.steps.count() == 2
    before.refresh_from_db()
    assert before.rule_set == national_defaults()


def test_a_municipal_officer_cannot_write_another_municipalitys_rule(world):
    from tests.factories import MunicipalityFactory

    with pytest.raises(PermissionDenied):
        rule_set_create(membership=world.municipal, name="x", area_kind=RuleSet.AreaKind.MUNICIPALITY,
                        municipality=MunicipalityFactory(), effective_from=timezone.localdate(),
                        steps=[dict(key=StepKey.SCREENING, actor="hospital", anchor="admission", offset_days=3)])


def test_discharge_told_in_time_is_coordinated(world):
    handoff = open_handoff(world, days_ago=10)
    services.planned_discharge_set(membership=world.discharge_nurse, handoff=handoff,
                                   planned_on=timezone.localdate() + dt.timedelta(days=5))
    notice = step(handoff, StepKey.DISCHARGE_NOTICE)
    assert notice.status == HandoffStep.Status.DONE and notice.is_on_time
    notice.done_at = timezone.now() - dt.timedelta(days=4)  # told four days ago; the stay ended early, today
    notice.save()
    handoff.refresh_from_db()
    services.discharge_record(membership=world.discharge_nurse, handoff=handoff, discharged_at=timezone.now())
    handoff.refresh_from_db()
    assert handoff.is_missed is False
    assert handoff.status == Handoff.Status.DISCHARGED
    assert handoff.exchange_count == 1  # the notice


def test_told_on_the_day_of_discharge_is_missed(world):
    handoff = open_handoff(world, days_ago=10)
    services.planned_discharge_set(membership=world.discharge_nurse, handoff=handoff, planned_on=timezone.localdate())
    handoff.refresh_from_db()
    services.discharge_record(membership=world.discharge_nurse, handoff=handoff, discharged_at=timezone.now())
    handoff.refresh_from_db()
    assert handoff.is_missed is True and handoff.is_late_notice is True


def test_discharge_without_notice_counts_as_missed_and_late(world):
    handoff = open_handoff(world, hospital=world.paper_hospital, days_ago=6)
    services.discharge_record(membership=world.care_manager, handoff=handoff, discharged_at=timezone.now())
    handoff.refresh_from_db()
    assert handoff.is_missed is True
    assert handoff.is_late_notice is True
    assert handoff.is_admission_info_missing is True


def test_a_discharge_learned_afterwards_counts_as_missed(world):
    handoff = services.discharge_report_afterwards(
        membership=world.care_manager, patient=world.patient, hospital=world.paper_hospital,
        admitted_at=timezone.now() - dt.timedelta(days=12), discharged_at=timezone.now() - dt.timedelta(days=2))
    assert handoff.reported_afterwards and handoff.is_missed is True


def test_a_death_in_hospital_is_not_counted(world):
    handoff = open_handoff(world, days_ago=3)
    services.discharge_record(membership=world.discharge_nurse, handoff=handoff, discharged_at=timezone.now(),
                              destination="death")
    handoff.refresh_from_db()
    assert handoff.is_missed is None


def test_the_care_manager_records_a_phone_call_from_a_paper_hospital_but_must_say_how(world):
    handoff = open_handoff(world, hospital=world.paper_hospital, days_ago=4)
    notice = step(handoff, StepKey.SCREENING)
    with pytest.raises(ValidationError):
        services.step_complete(membership=world.care_manager, step=notice, channel=Channel.RENKEI)
    services.step_complete(membership=world.care_manager, step=notice, channel=Channel.PHONE)
    assert step(handoff, StepKey.SCREENING).channel == Channel.PHONE


def test_the_hospital_sees_the_handoff_only_with_a_consent_for_handoffs(db):
    world = build_world(consent_purposes=("care",))
    handoff = open_handoff(world)
    # The consent covers the whole team for care, but not admission and discharge: the hospital is refused.
    assert not policy.check(world.discharge_nurse, "handoff.view_handoff", handoff)
    assert policy.check(world.care_manager, "handoff.view_handoff", handoff)


def test_who_sees_a_handoff(world):
    handoff = open_handoff(world)
    assert policy.check(world.discharge_nurse, "handoff.view_handoff", handoff)
    assert policy.check(world.hospital_colleague, "handoff.act_as_hospital", handoff)
    assert policy.check(world.doctor, "handoff.view_handoff", handoff)
    for stranger in (world.other_hospital_staff, world.outsider, world.municipal):
        assert not policy.check(stranger, "handoff.view_handoff", handoff)
    assert not policy.check(world.discharge_nurse, "handoff.act_as_home", handoff)


def test_lists_hold_what_the_viewer_may_see(world):
    from renkei.handoff.selectors.handoffs import visible_handoffs

    handoff = open_handoff(world)
    assert list(visible_handoffs(world.discharge_nurse)) == [handoff]
    assert list(visible_handoffs(world.doctor)) == [handoff]
    assert list(visible_handoffs(world.other_hospital_staff)) == []
    assert list(visible_handoffs(world.outsider)) == []


def test_a_refused_step_is_logged(world):
    handoff = open_handoff(world)
    with pytest.raises(PermissionDenied):
        services.step_complete(membership=world.outsider, step=step(handoff, StepKey.SCREENING))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE, permission="handoff.act_as_hospital").exists()


def test_a_second_open_admission_is_refused(world):
    open_handoff(world)
    with pytest.raises(ValidationError):
        open_handoff(world)


def test_a_hospital_on_renkei_keeps_its_own_screening_and_discharge_plan(world):
    handoff = open_handoff(world)
    for write in (lambda m: services.screening_record(membership=m, handoff=handoff, needs_coordination=True,
                                                      difficulty_factors=[], has_key_person=True),
                  lambda m: services.planned_discharge_set(membership=m, handoff=handoff,
                                                           planned_on=timezone.localdate(), channel=Channel.PHONE)):
        with pytest.raises(PermissionDenied):
            write(world.care_manager)
    services.screening_record(membership=world.discharge_nurse, handoff=handoff, needs_coordination=True,
                              difficulty_factors=["dementia"], has_key_person=False)
    handoff.refresh_from_db()
    assert handoff.difficulty_factors == ["dementia"] and handoff.discharge_contact == world.discharge_nurse


def test_the_care_manager_records_a_paper_hospitals_screening(world):
    handoff = open_handoff(world, hospital=world.paper_hospital)
    services.screening_record(membership=world.care_manager, handoff=handoff, needs_coordination=True,
                              difficulty_factors=[], has_key_person=True, contact_name="試験 看護師")
    assert step(handoff, StepKey.SCREENING).status == HandoffStep.Status.DONE
