import datetime as dt

import pytest
from django.utils import timezone

from renkei.core.models import AuditEntry
from renkei.handoff.models import Exchange, Handoff, HandoffStep, StepKey
from renkei.handoff.services import handoffs as services
from tests.conftest import client_for

from .factories import open_handoff

pytestmark = pytest.mark.django_db


def _local(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


def test_the_care_manager_records_an_admission_picking_the_hospital_by_name(world):
    client = client_for(world.care_manager)
    page = client.get(f"/handoffs/new/{world.patient.pk}/?q=試験")
    text = page.content.decode()
    assert page.status_code == 200
    assert "試験市民病院" in text and "試験紙病院" in text
    assert "FAX" in text  # the paper hospital is marked as not on Renkei
    admitted = timezone.now() - dt.timedelta(hours=3)
    reply = client.post(f"/handoffs/new/{world.patient.pk}/", {
        "q": "試験", "hospital": world.hospital.pk, "admitted_at": _local(admitted), "admission_kind": "emergency",
        "ward": "4階東病棟", "planned_stay_days": ""})
    handoff = Handoff.objects.get()
    assert reply.status_code == 302 and reply["Location"] == f"/handoffs/{handoff.pk}/"
    assert handoff.hospital == world.hospital and handoff.ward == "4階東病棟"
    assert handoff.steps.count() == 7


def test_the_hospital_choice_is_only_hospitals_and_clinics(world):
    from tests.factories import FacilityFactory

    pharmacy = FacilityFactory(kind="pharmacy", name="試験薬局", municipality=world.patient.municipality)
    client = client_for(world.care_manager)
    assert "試験薬局" not in client.get(f"/handoffs/new/{world.patient.pk}/?q=試験").content.decode()
    reply = client.post(f"/handoffs/new/{world.patient.pk}/", {
        "hospital": pharmacy.pk, "admitted_at": _local(timezone.now()), "admission_kind": "emergency"})
    assert reply.status_code == 400
    assert not Handoff.objects.exists()


def test_an_admission_in_the_future_is_refused_with_a_message(world):
    reply = client_for(world.care_manager).post(f"/handoffs/new/{world.patient.pk}/", {
        "hospital": world.hospital.pk, "admitted_at": _local(timezone.now() + dt.timedelta(days=2)),
        "admission_kind": "emergency"})
    assert reply.status_code == 400
    assert "future" in reply.content.decode() or "未来" in reply.content.decode()


def test_a_discharge_learned_afterwards_is_recorded_whole_and_counts_as_missed(world):
    admitted = timezone.now() - dt.timedelta(days=20)
    discharged = timezone.now() - dt.timedelta(days=3)
    reply = client_for(world.care_manager).post(f"/handoffs/afterwards/{world.patient.pk}/", {
        "hospital": world.paper_hospital.pk, "admitted_at": _local(admitted), "discharged_at": _local(discharged),
        "destination": "home", "admission_kind": "emergency"})
    assert reply.status_code == 302
    handoff = Handoff.objects.get()
    assert handoff.reported_afterwards and handoff.status == Handoff.Status.DISCHARGED
    assert handoff.is_missed is True


def test_the_list_puts_what_is_due_from_the_care_manager_first_and_logs_one_read_per_handoff(world):
    handoff = open_handoff(world, days_ago=8)  # admission information overdue (weekends move it by 2 days at most)
    before = AuditEntry.objects.filter(action=AuditEntry.Action.READ).count()
    page = client_for(world.care_manager).get("/handoffs/")
    text = page.content.decode()
    assert page.status_code == 200
    due = text.index("handoff-due")
    assert text.index(world.patient.name, due) > due
    assert "overdue" in text or "期限超過" in text
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.READ).count() - before
    assert reads == 1
    assert f"/handoffs/{handoff.pk}/" in text


def test_the_hospital_sees_its_screening_due_but_not_the_care_managers_step(world):
    open_handoff(world, days_ago=4)
    from renkei.handoff.selectors.workflow import due_steps

    keys = {s.key for s in due_steps(world.discharge_nurse)}
    assert StepKey.SCREENING in keys and StepKey.ADMISSION_INFO not in keys
    cm_keys = {s.key for s in due_steps(world.care_manager)}
    assert StepKey.ADMISSION_INFO in cm_keys and StepKey.SCREENING not in cm_keys
    assert due_steps(world.outsider) == [] and due_steps(world.other_hospital_staff) == []
    assert due_steps(world.doctor) == []  # on the team, but not its care manager


def test_the_care_manager_owes_a_paper_hospitals_steps(world):
    open_handoff(world, hospital=world.paper_hospital, days_ago=4)
    from renkei.handoff.selectors.workflow import due_steps

    assert {StepKey.ADMISSION_INFO, StepKey.SCREENING} <= {s.key for s in due_steps(world.care_manager)}


def test_the_handoff_page_shows_steps_with_due_times_and_only_the_allowed_actions(world):
    handoff = open_handoff(world, days_ago=1)
    text = client_for(world.care_manager).get(f"/handoffs/{handoff.pk}/").content.decode()
    assert f"/handoffs/{handoff.pk}/steps/admission_info/done/" in text
    assert f"/handoffs/{handoff.pk}/cancel/" in text
    assert "全国の標準" in text  # the rule applied
    assert "not a billing claim" in text or "算定" in text or "請求" in text
    nurse_text = client_for(world.discharge_nurse).get(f"/handoffs/{handoff.pk}/").content.decode()
    assert f"/handoffs/{handoff.pk}/steps/admission_info/done/" not in nurse_text
    assert f"/handoffs/{handoff.pk}/cancel/" not in nurse_text
    assert f"/handoffs/{handoff.pk}/screening/" in nurse_text
    assert f"/handoffs/{handoff.pk}/steps/conference/not-needed/" in nurse_text


def test_completing_a_step_records_when_and_how(world):
    handoff = open_handoff(world, days_ago=1)
    done_at = timezone.now() - dt.timedelta(hours=1)
    reply = client_for(world.care_manager).post(f"/handoffs/{handoff.pk}/steps/admission_info/done/", {
        "done_at": _local(done_at), "channel": "fax", "note": "FAXで送付"})
    assert reply.status_code == 302
    step = handoff.steps.get(key=StepKey.ADMISSION_INFO)
    assert step.status == HandoffStep.Status.DONE and step.channel == "fax" and step.done_by == world.care_manager
    assert Exchange.objects.filter(handoff=handoff, step=step, channel="fax").exists()


def test_the_care_manager_recording_the_hospitals_step_must_say_how(world):
    handoff = open_handoff(world, days_ago=1)
    reply = client_for(world.care_manager).post(f"/handoffs/{handoff.pk}/steps/screening/done/", {
        "done_at": _local(timezone.now()), "channel": "renkei"})
    assert reply.status_code == 400
    assert handoff.steps.get(key=StepKey.SCREENING).status == HandoffStep.Status.PENDING


def test_screening_planned_discharge_exchange_and_an_early_discharge_through_the_screens(world):
    handoff = open_handoff(world, days_ago=6)
    nurse = client_for(world.discharge_nurse)
    assert nurse.post(f"/handoffs/{handoff.pk}/screening/", {
        "needs_coordination": "yes", "difficulty_factors": ["no_relatives", "adl_decline"],
        "has_key_person": "no", "contact_name": "", "contact_phone": "0773-22-1111"}).status_code == 302
    handoff.refresh_from_db()
    assert handoff.difficulty_factors == ["no_relatives", "adl_decline"] and handoff.has_key_person is False
    assert handoff.discharge_contact == world.discharge_nurse
    planned = timezone.localdate() + dt.timedelta(days=5)
    assert nurse.post(f"/handoffs/{handoff.pk}/planned-discharge/", {
        "planned_on": planned.isoformat(), "tell_care_manager": "on", "channel": "renkei"}).status_code == 302
    assert handoff.steps.get(key=StepKey.DISCHARGE_NOTICE).status == HandoffStep.Status.DONE
    assert nurse.post(f"/handoffs/{handoff.pk}/exchanges/new/", {
        "occurred_at": _local(timezone.now()), "direction": "both", "channel": "conference",
        "professions": ["discharge_nurse", "care_manager"], "summary": "退院前カンファレンス"}).status_code == 302
    page = client_for(world.care_manager).get(f"/handoffs/{handoff.pk}/").content.decode()
    assert "2" in page and ("身寄りなし" in page or "no relatives" in page)
    assert nurse.post(f"/handoffs/{handoff.pk}/discharge/", {
        "discharged_at": _local(timezone.now() + dt.timedelta(minutes=2)), "destination": "home"}).status_code == 302
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.DISCHARGED
    # Discharged five days before the plan: the notice given today came under 3 days before, so late and missed.
    assert handoff.is_late_notice and handoff.is_missed is True
    assert handoff.exchange_count == 2 and handoff.conference_count == 1


def test_an_optional_step_can_be_marked_not_needed_with_a_reason(world):
    handoff = open_handoff(world, days_ago=1)
    nurse = client_for(world.discharge_nurse)
    assert nurse.post(f"/handoffs/{handoff.pk}/steps/conference/not-needed/", {"note": ""}).status_code == 400
    assert nurse.post(f"/handoffs/{handoff.pk}/steps/conference/not-needed/",
                      {"note": "短期入院のため"}).status_code == 302
    assert handoff.steps.get(key=StepKey.CONFERENCE).status == HandoffStep.Status.NOT_NEEDED


def test_cancelling_a_mistaken_admission_takes_it_off_the_lists(world):
    handoff = open_handoff(world, days_ago=1)
    client = client_for(world.care_manager)
    assert client.post(f"/handoffs/{handoff.pk}/cancel/", {"reason": "別の利用者と取り違え"}).status_code == 302
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.CANCELLED
    assert f"/handoffs/{handoff.pk}/" not in client.get("/handoffs/").content.decode()


def test_the_patient_tab_lists_the_handoffs_and_offers_to_record_an_admission(world):
    handoff = open_handoff(world, days_ago=1)
    text = client_for(world.care_manager).get(f"/handoffs/patients/{world.patient.pk}/").content.decode()
    assert f"/handoffs/{handoff.pk}/" in text and f"/handoffs/new/{world.patient.pk}/" in text
    summary = client_for(world.care_manager).get(f"/patients/{world.patient.pk}/").content.decode()
    assert f"/handoffs/patients/{world.patient.pk}/" in summary


def test_the_home_page_shows_each_actor_what_is_due_from_them(world):
    from renkei.core import dashboard

    handoff = open_handoff(world, days_ago=4)
    care_manager = [i.url for i in dashboard.attention_for(world.care_manager)]
    hospital = [i.text for i in dashboard.attention_for(world.discharge_nurse)]
    assert f"/handoffs/{handoff.pk}/" in care_manager
    assert any("screen" in t or "スクリーニング" in t for t in hospital)
    assert not [i for i in dashboard.attention_for(world.outsider) if "/handoffs/" in i.url]


def test_the_due_list_reads_a_fixed_number_of_queries_however_many_handoffs(world, django_assert_max_num_queries):
    from renkei.careteams import access
    from renkei.handoff.selectors.workflow import due_steps

    open_handoff(world, days_ago=4)
    services.discharge_record(membership=world.care_manager, handoff=Handoff.objects.get(),
                              discharged_at=timezone.now() - dt.timedelta(days=1))
    for days in (40, 30, 20):
        h = open_handoff(world, days_ago=days)
        services.discharge_record(membership=world.care_manager, handoff=h,
                                  discharged_at=timezone.now() - dt.timedelta(days=days - 5))
    open_handoff(world, days_ago=3)
    access.forget(world.care_manager)
    with django_assert_max_num_queries(4):
        steps = due_steps(world.care_manager)
        names = [s.handoff.patient.name + s.handoff.hospital.name for s in steps]
    assert names


def test_the_list_page_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from renkei.core import audit
    from renkei.handoff.selectors.workflow import handoff_list

    for days in (40, 30):
        h = open_handoff(world, days_ago=days)
        services.discharge_record(membership=world.care_manager, handoff=h,
                                  discharged_at=timezone.now() - dt.timedelta(days=days - 15))
    open_handoff(world, days_ago=3)
    with audit.bind_membership(world.care_manager), django_assert_max_num_queries(14):
        data = handoff_list(world.care_manager)
    assert len(data.open) == 1 and len(data.discharged) == 2
