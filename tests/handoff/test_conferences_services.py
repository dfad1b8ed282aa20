import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renkei.careteams.models import TeamRole
from renkei.core.models import AuditEntry, Profession
from renkei.handoff.models import Channel, Conference, Exchange, HandoffStep, SlotAnswer, StepKey
from renkei.handoff.selectors import conferences as selectors
from renkei.handoff.services import conferences as services

from .conference_helpers import add_family, invitee_of, propose, slots, team_place
from .factories import open_handoff

pytestmark = pytest.mark.django_db

YES, MAYBE, NO = SlotAnswer.Answer.YES, SlotAnswer.Answer.MAYBE, SlotAnswer.Answer.NO


def test_the_hospital_proposes_times_to_the_care_manager_nurse_and_doctor(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff, place="3階 カンファレンス室")
    assert conference.status == Conference.Status.PROPOSED
    assert conference.slots.count() == 3
    roles = sorted(conference.invitees.values_list("role", flat=True))
    assert roles == ["attending_doctor", "care_manager", "visiting_nurse"]
    cm = conference.invitees.get(role=TeamRole.CARE_MANAGER)
    assert cm.membership == world.care_manager and cm.profession == Profession.CARE_MANAGER
    assert conference.leaves_out_care_manager is False


def test_proposing_without_the_care_manager_is_allowed_but_flagged_and_counted(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff, roles=(TeamRole.VISITING_NURSE,))
    assert conference.leaves_out_care_manager is True
    assert selectors.conferences_without_care_manager(type(handoff).objects.filter(pk=handoff.pk)) == 1


def test_invitees_e_mailed_after_commit_get_a_link_and_no_patient_name(world, django_capture_on_commit_callbacks):
    handoff = open_handoff(world)
    with django_capture_on_commit_callbacks(execute=True):
        conference = propose(world, handoff)
    assert len(mail.outbox) == 3
    bodies = " ".join(m.body + m.subject for m in mail.outbox)
    assert world.patient.name not in bodies and world.hospital.name not in bodies
    cm_invitee = invitee_of(conference, world.care_manager)
    cm_mail = next(m for m in mail.outbox if m.to == [world.care_manager.user.email])
    assert f"/handoffs/conferences/invitations/{cm_invitee.pk}/answer/" in cm_mail.body


def test_a_refused_proposal_mails_nobody_and_is_logged(world, django_capture_on_commit_callbacks):
    handoff = open_handoff(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        propose(world, handoff, by=world.other_hospital_staff)
    assert mail.outbox == []
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE,
                                     permission="handoff.arrange_conference").exists()


def test_the_home_side_cannot_propose_when_the_hospital_is_on_renkei(world):
    handoff = open_handoff(world)
    with pytest.raises(PermissionDenied):
        propose(world, handoff, by=world.care_manager)


def test_the_home_side_records_a_conference_a_hospital_not_on_renkei_arranged_by_phone(world):
    handoff = open_handoff(world, hospital=world.paper_hospital)
    conference = propose(world, handoff, by=world.care_manager, days=(-0.5,))
    services.conference_schedule(membership=world.care_manager, conference=conference,
                                 slot=conference.slots.get())
    cm = invitee_of(conference, world.care_manager)
    exchange = services.conference_hold(membership=world.care_manager, conference=conference, attended=[cm.pk])
    assert exchange.channel == Channel.CONFERENCE and exchange.professions == ["care_manager"]


def test_only_current_team_members_and_the_hospitals_own_staff_can_be_invited(world):
    handoff = open_handoff(world)
    with pytest.raises(ValidationError):
        services.conference_propose(membership=world.discharge_nurse, handoff=handoff, slots=slots(),
                                    invitees=[999999])
    with pytest.raises(ValidationError):
        services.conference_propose(membership=world.discharge_nurse, handoff=handoff, slots=slots(),
                                    invitees=[team_place(world, TeamRole.CARE_MANAGER).pk],
                                    hospital_invitees=[world.other_hospital_staff.pk])


@pytest.mark.parametrize("bad_slots", ["none", "past", "backwards", "twice"])
def test_proposed_times_must_be_sensible(world, bad_slots):
    handoff = open_handoff(world)
    now = timezone.now()
    given = {"past": [(now - dt.timedelta(days=3), now - dt.timedelta(days=3, hours=-1))],  # before the admission
             "backwards": [(now + dt.timedelta(days=1), now + dt.timedelta(hours=20))],
             "twice": slots((2,)) * 2}.get(bad_slots, [])
    with pytest.raises(ValidationError):
        services.conference_propose(membership=world.discharge_nurse, handoff=handoff, slots=given,
                                    invitees=[team_place(world, TeamRole.CARE_MANAGER).pk])


def test_a_video_link_must_be_https(world):
    handoff = open_handoff(world)
    with pytest.raises(ValidationError):
        propose(world, handoff, video_url="http://example.com/room")


def test_an_invitee_answers_and_answering_again_replaces_the_answer(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff)
    first, second, _third = conference.slots.all()
    cm = invitee_of(conference, world.care_manager)
    services.slot_answer(membership=world.care_manager, invitee=cm, answers={first.pk: YES, second.pk: NO})
    services.slot_answer(membership=world.care_manager, invitee=cm, answers={str(second.pk): MAYBE})
    assert dict(cm.answers.values_list("slot_id", "answer")) == {first.pk: YES, second.pk: MAYBE}
    cm.refresh_from_db()
    assert cm.answered_at is not None


def test_nobody_answers_for_an_invitee_who_has_a_login(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff)
    cm = invitee_of(conference, world.care_manager)
    with pytest.raises(PermissionDenied):
        services.slot_answer(membership=world.discharge_nurse, invitee=cm,
                             answers={conference.slots.first().pk: YES})


def test_the_hospital_or_the_care_manager_records_a_family_members_answer(world):
    family = add_family(world)
    handoff = open_handoff(world)
    conference = propose(world, handoff, extra=[family])
    invitee = conference.invitees.select_related("team_member").get(role=TeamRole.FAMILY)
    slot = conference.slots.first()
    services.slot_answer(membership=world.discharge_nurse, invitee=invitee, answers={slot.pk: YES})
    services.slot_answer(membership=world.care_manager, invitee=invitee, answers={slot.pk: MAYBE})
    assert invitee.answers.get().answer == MAYBE
    with pytest.raises(PermissionDenied):
        services.slot_answer(membership=world.outsider, invitee=invitee, answers={slot.pk: NO})


def test_answers_must_be_for_the_conferences_own_slots(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff)
    other = propose(world, handoff)
    cm = invitee_of(conference, world.care_manager)
    with pytest.raises(ValidationError):
        services.slot_answer(membership=world.care_manager, invitee=cm, answers={other.slots.first().pk: YES})
    with pytest.raises(ValidationError):
        services.slot_answer(membership=world.care_manager, invitee=cm, answers={conference.slots.first().pk: "ok"})
    with pytest.raises(ValidationError):
        services.slot_answer(membership=world.care_manager, invitee=cm, answers={})


def test_the_suggested_time_weighs_the_care_managers_availability_most(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff)
    first, second, third = conference.slots.all()
    services.slot_answer(membership=world.doctor, invitee=invitee_of(conference, world.doctor),
                         answers={first.pk: YES, second.pk: MAYBE, third.pk: NO})
    services.slot_answer(membership=world.nurse, invitee=invitee_of(conference, world.nurse),
                         answers={first.pk: YES, second.pk: MAYBE, third.pk: YES})
    assert selectors.suggested_slot(conference) == first
    services.slot_answer(membership=world.care_manager, invitee=invitee_of(conference, world.care_manager),
                         answers={first.pk: NO, second.pk: YES, third.pk: MAYBE})
    assert selectors.suggested_slot(conference) == second


def test_no_time_is_suggested_before_any_answer(world):
    conference = propose(world, open_handoff(world))
    assert selectors.suggested_slot(conference) is None


def test_scheduling_chooses_a_proposed_time_and_tells_the_invitees(world, django_capture_on_commit_callbacks):
    handoff = open_handoff(world)
    conference = propose(world, handoff, notify=False)
    slot = conference.slots.last()
    with django_capture_on_commit_callbacks(execute=True):
        services.conference_schedule(membership=world.discharge_nurse, conference=conference, slot=slot,
                                     video_url="https://meet.example.jp/abc")
    conference.refresh_from_db()
    assert conference.status == Conference.Status.SCHEDULED and conference.chosen_slot == slot
    assert conference.video_url == "https://meet.example.jp/abc"
    assert len(mail.outbox) == 3 and all(f"/handoffs/{handoff.pk}/conferences/" in m.body for m in mail.outbox)
    with pytest.raises(ValidationError):
        services.conference_schedule(membership=world.discharge_nurse, conference=conference,
                                     slot=propose(world, handoff).slots.first())


def test_holding_records_attendance_an_exchange_and_completes_the_conference_step(world):
    handoff = open_handoff(world, days_ago=5)
    conference = propose(world, handoff, days=(-1,), extra=[add_family(world)])
    services.conference_schedule(membership=world.discharge_nurse, conference=conference,
                                 slot=conference.slots.get())
    came = [invitee_of(conference, world.care_manager).pk, invitee_of(conference, world.nurse).pk,
            conference.invitees.get(role=TeamRole.FAMILY).pk]
    exchange = services.conference_hold(membership=world.discharge_nurse, conference=conference, attended=came,
                                        minutes="訪問看護を週2回で開始。")
    conference.refresh_from_db()
    assert conference.status == Conference.Status.HELD and conference.minutes == "訪問看護を週2回で開始。"
    assert conference.held_at == conference.chosen_slot.starts_at
    assert dict(conference.invitees.values_list("role", "attended")) == {
        "care_manager": True, "visiting_nurse": True, "family": True, "attending_doctor": False}
    assert exchange.channel == Channel.CONFERENCE and exchange.direction == Exchange.Direction.BOTH
    assert exchange.professions == ["care_manager", "visiting_nurse"]
    step = handoff.steps.get(key=StepKey.CONFERENCE)
    assert step.status == HandoffStep.Status.DONE and step.done_at == conference.held_at
    handoff.refresh_from_db()
    assert handoff.conference_count == 1


def test_a_conference_held_by_video_counts_as_a_conference_done_by_video(world):
    handoff = open_handoff(world, days_ago=5)
    conference = propose(world, handoff, days=(-1,), video_url="https://meet.example.jp/x")
    exchange = services.conference_hold(membership=world.discharge_nurse, conference=conference,
                                        attended=[invitee_of(conference, world.care_manager).pk])
    assert exchange.channel == Channel.CONFERENCE and "ビデオ通話" in exchange.summary
    assert handoff.steps.get(key=StepKey.CONFERENCE).channel == Channel.VIDEO
    handoff.refresh_from_db()
    assert handoff.conference_count == 1


def test_a_conference_is_recorded_only_once_it_has_taken_place(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff)
    cm = invitee_of(conference, world.care_manager)
    with pytest.raises(ValidationError):
        services.conference_hold(membership=world.discharge_nurse, conference=conference,
                                 held_at=timezone.now() + dt.timedelta(days=1), attended=[cm.pk])
    with pytest.raises(ValidationError):
        services.conference_hold(membership=world.discharge_nurse, conference=conference, held_at=timezone.now(),
                                 attended=[])


def test_a_cancelled_conference_takes_no_answers_and_cannot_be_held(world, django_capture_on_commit_callbacks):
    handoff = open_handoff(world)
    conference = propose(world, handoff, notify=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.conference_cancel(membership=world.discharge_nurse, conference=conference)
    assert len(mail.outbox) == 3
    cm = invitee_of(conference, world.care_manager)
    with pytest.raises(ValidationError):
        services.slot_answer(membership=world.care_manager, invitee=cm, answers={conference.slots.first().pk: YES})
    with pytest.raises(ValidationError):
        services.conference_hold(membership=world.discharge_nurse, conference=conference, attended=[cm.pk])
    with pytest.raises(ValidationError):
        services.conference_cancel(membership=world.discharge_nurse, conference=conference)


def test_writes_are_audited_with_the_patient_as_subject(world):
    handoff = open_handoff(world)
    conference = propose(world, handoff)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="handoff.conference",
                                      object_id=str(conference.pk)).first()
    assert entry is not None and entry.subject_id == world.patient.pk
