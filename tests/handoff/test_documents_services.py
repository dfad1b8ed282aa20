import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from renkei.careteams.models import KeyPerson, Post, TeamRole
from renkei.careteams.selectors.timeline import timeline_page
from renkei.core.models import AuditEntry
from renkei.handoff.models import Channel, DocumentKind, Exchange, HandoffDocument, HandoffStep, StepKey
from renkei.handoff.services import documents as services
from renkei.handoff.services.documents import DocumentRefused, Recipient

from .factories import open_handoff

pytestmark = pytest.mark.django_db


def step(handoff, key) -> HandoffStep:
    return handoff.steps.get(key=key)


def save(world, handoff, kind, data=None, by=None):
    return services.document_save(membership=by or world.care_manager, handoff=handoff, kind=kind,
                                  data=data or {})


def test_saving_twice_keeps_both_versions_and_never_updates(world):
    handoff = open_handoff(world)
    first = save(world, handoff, DocumentKind.ADMISSION_INFO, {"patient_wishes": "自宅に帰りたい"})
    second = save(world, handoff, DocumentKind.ADMISSION_INFO, {"patient_wishes": "自宅で暮らしたい"})
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.data["patient_wishes"] == "自宅に帰りたい"
    assert second.data["patient_wishes"] == "自宅で暮らしたい"
    assert HandoffDocument.objects.filter(handoff=handoff).count() == 2


def test_unknown_keys_wrong_choices_and_bad_dates_are_refused_with_japanese_messages(world):
    handoff = open_handoff(world)
    with pytest.raises(DocumentRefused) as refused:
        save(world, handoff, DocumentKind.DISCHARGE_RECORD,
             {"heard_on": "昨日", "mobility": "flying", "favourite_colour": "青"})
    errors = refused.value.errors
    assert errors["favourite_colour"] == "この様式にない項目です。"
    assert "選択肢から選んでください" in errors["mobility"]
    assert "令和8年11月25日" in errors["heard_on"]


def test_a_wareki_date_is_stored_as_an_iso_date(world):
    handoff = open_handoff(world)
    document = save(world, handoff, DocumentKind.DISCHARGE_RECORD, {"heard_on": "令和8年11月25日"})
    assert document.data["heard_on"] == "2026-11-25"


def test_the_hospital_may_not_write_the_admission_information_nor_the_home_side_the_summary(world):
    handoff = open_handoff(world)
    with pytest.raises(PermissionDenied):
        save(world, handoff, DocumentKind.ADMISSION_INFO, by=world.discharge_nurse)
    with pytest.raises(PermissionDenied):
        save(world, handoff, DocumentKind.DISCHARGE_SUMMARY, by=world.care_manager)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).count() >= 2
    summary = save(world, handoff, DocumentKind.DISCHARGE_SUMMARY, {"discharge_plan": "訪問診療"},
                   by=world.discharge_nurse)
    assert summary.author_organization == world.discharge_nurse.organization


def test_the_home_side_records_a_summary_from_a_hospital_not_on_renkei(world):
    handoff = open_handoff(world, hospital=world.paper_hospital)
    summary = save(world, handoff, DocumentKind.DISCHARGE_SUMMARY, {"discharge_plan": "訪問診療を継続"})
    assert summary.source == HandoffDocument.Source.FORM
    received_at = timezone.now() - dt.timedelta(hours=2)
    sending = services.paper_received_record(membership=world.care_manager, document=summary,
                                             sender_name="試験紙病院", channel=Channel.FAX, received_at=received_at)
    assert "試験紙病院から受領" in sending.recipient_name
    assert sending.acknowledged_at == received_at
    summaries = step(handoff, StepKey.SUMMARIES)
    assert summaries.status == HandoffStep.Status.DONE
    assert summaries.channel == Channel.FAX
    assert summaries.done_at == received_at


def test_prefill_takes_the_patient_record_and_the_team(world):
    patient = world.patient
    patient.care_level = "care_2"
    patient.disability_independence = "A2"
    patient.living_situation = "alone"
    patient.save()
    KeyPerson.objects.create(patient=patient, name="試験花子", relation="child", phone="090-0000-0000",
                             is_decision_maker=True)
    handoff = open_handoff(world)
    data = services.prefill(membership=world.care_manager, handoff=handoff, kind=DocumentKind.ADMISSION_INFO).data
    assert data["care_level"] == "care_2"
    assert data["disability_independence"] == "A2"
    assert data["household"] == "alone"
    assert data["key_person"].startswith("試験花子（")
    assert world.doctor.organization.name in data["attending_doctor"]


def test_prefill_starts_from_the_last_form_of_an_earlier_stay_filled_once(world):
    earlier = open_handoff(world, days_ago=40)
    save(world, earlier, DocumentKind.ADMISSION_INFO, {"patient_wishes": "畑仕事を続けたい", "sleep": "poor"})
    from renkei.handoff.services import handoffs

    handoffs.discharge_record(membership=world.care_manager, handoff=earlier,
                              discharged_at=timezone.now() - dt.timedelta(days=30))
    handoff = open_handoff(world, days_ago=1)
    start = services.prefill(membership=world.care_manager, handoff=handoff, kind=DocumentKind.ADMISSION_INFO)
    assert start.from_document.handoff == earlier
    assert start.data["patient_wishes"] == "畑仕事を続けたい"
    assert start.data["sleep"] == "poor"


def test_sending_the_admission_information_to_the_hospital_on_renkei_completes_the_step(world):
    handoff = open_handoff(world)
    document = save(world, handoff, DocumentKind.ADMISSION_INFO, {"patient_wishes": "自宅に帰りたい"})
    hospital = world.hospital.organization
    doctor_office = world.doctor.organization
    sendings = services.document_send(membership=world.care_manager, document=document, recipients=[
        Recipient(organization=hospital), Recipient(organization=doctor_office)])
    assert [s.recipient_organization for s in sendings] == [hospital, doctor_office]
    info = step(handoff, StepKey.ADMISSION_INFO)
    assert info.status == HandoffStep.Status.DONE
    assert info.channel == Channel.RENKEI
    exchanges = Exchange.objects.filter(handoff=handoff)
    assert exchanges.count() == 1
    assert exchanges.get().direction == Exchange.Direction.TO_HOSPITAL


def test_a_fax_to_a_hospital_not_on_renkei_completes_the_step_at_the_time_stated(world):
    handoff = open_handoff(world, hospital=world.paper_hospital, days_ago=1)
    document = save(world, handoff, DocumentKind.ADMISSION_INFO)
    faxed_at = timezone.now() - dt.timedelta(hours=20)
    services.document_send(membership=world.care_manager, document=document, recipients=[
        Recipient(facility=world.paper_hospital, name=world.paper_hospital.name, channel=Channel.FAX,
                  sent_at=faxed_at)])
    info = step(handoff, StepKey.ADMISSION_INFO)
    assert (info.status, info.channel, info.done_at) == (HandoffStep.Status.DONE, Channel.FAX, faxed_at)


def test_a_recipient_outside_the_handoff_cannot_be_sent_to_on_renkei(world):
    handoff = open_handoff(world)
    document = save(world, handoff, DocumentKind.ADMISSION_INFO)
    with pytest.raises(DocumentRefused):
        services.document_send(membership=world.care_manager, document=document,
                               recipients=[Recipient(organization=world.outsider.organization)])
    with pytest.raises(DocumentRefused):
        services.document_send(membership=world.care_manager, document=document, recipients=[
            Recipient(name="未来病院", channel=Channel.FAX, sent_at=timezone.now() + dt.timedelta(days=1))])


def test_an_old_version_cannot_be_sent(world):
    handoff = open_handoff(world)
    old = save(world, handoff, DocumentKind.ADMISSION_INFO)
    save(world, handoff, DocumentKind.ADMISSION_INFO)
    with pytest.raises(DocumentRefused):
        services.document_send(membership=world.care_manager, document=old,
                               recipients=[Recipient(organization=world.hospital.organization)])


def test_saving_the_screening_records_it_on_the_handoff(world):
    handoff = open_handoff(world)
    save(world, handoff, DocumentKind.SCREENING, {
        "difficulty_factors": ["dementia", "no_relatives"], "has_key_person": "no",
        "discharge_contact_name": "退院 支援子", "discharge_contact_phone": "0773-22-1111"},
        by=world.discharge_nurse)
    handoff.refresh_from_db()
    assert handoff.difficulty_factors == ["dementia", "no_relatives"]
    assert handoff.has_key_person is False
    assert handoff.needs_coordination is True
    assert handoff.discharge_contact_phone == "0773-22-1111"
    assert step(handoff, StepKey.SCREENING).status == HandoffStep.Status.DONE


def test_the_discharge_summary_reaches_the_attending_doctors_timeline(world):
    handoff = open_handoff(world)
    summary = save(world, handoff, DocumentKind.DISCHARGE_SUMMARY, {
        "discharge_plan": "訪問診療で在宅酸素を継続", "discharge_diagnoses": [{"name": "誤嚥性肺炎", "onset": ""}]},
        by=world.discharge_nurse)
    services.document_send(membership=world.discharge_nurse, document=summary,
                           recipients=[Recipient(organization=world.care_manager.organization)])
    assert step(handoff, StepKey.SUMMARIES).status == HandoffStep.Status.DONE
    post = Post.objects.get(patient=world.patient)
    assert "退院時サマリー" in post.text
    assert "訪問診療で在宅酸素を継続" in post.text
    assert world.discharge_nurse.user.display_name in post.text
    assert post.author.membership is None and post.author.role == TeamRole.HOSPITAL_DISCHARGE
    assert not post.author.is_current  # the relay place never shows among the current members
    assert post.mentions.filter(membership=world.doctor).exists()
    page = timeline_page(world.doctor, world.patient.pk)
    assert post.pk in [p.pk for p in page.posts]


def test_a_second_recipient_of_the_same_version_adds_no_second_post(world):
    handoff = open_handoff(world)
    document = save(world, handoff, DocumentKind.ADMISSION_INFO)
    services.document_send(membership=world.care_manager, document=document,
                           recipients=[Recipient(organization=world.hospital.organization)])
    services.document_send(membership=world.care_manager, document=document,
                           recipients=[Recipient(organization=world.doctor.organization)])
    assert Post.objects.filter(patient=world.patient).count() == 1
    post = Post.objects.get(patient=world.patient)
    assert post.author.membership == world.care_manager  # on the team: posted as herself


def test_the_recipient_acknowledges_once_and_others_may_not(world):
    handoff = open_handoff(world)
    document = save(world, handoff, DocumentKind.ADMISSION_INFO)
    sending = services.document_send(membership=world.care_manager, document=document,
                                     recipients=[Recipient(organization=world.hospital.organization)])[0]
    with pytest.raises(PermissionDenied):
        services.document_acknowledge(membership=world.doctor, sending=sending)
    services.document_acknowledge(membership=world.discharge_nurse, sending=sending)
    sending.refresh_from_db()
    first = sending.acknowledged_at
    assert sending.acknowledged_by == world.discharge_nurse
    services.document_acknowledge(membership=world.hospital_colleague, sending=sending)
    sending.refresh_from_db()
    assert sending.acknowledged_at == first


def test_the_home_attention_lists_forms_waiting_for_receipt(world):
    from renkei.handoff.document_hooks import documents_attention

    handoff = open_handoff(world)
    document = save(world, handoff, DocumentKind.ADMISSION_INFO)
    services.document_send(membership=world.care_manager, document=document,
                           recipients=[Recipient(organization=world.hospital.organization)])
    items = documents_attention(world.discharge_nurse)
    assert len(items) == 1 and "入院時情報提供書" in items[0].text
    assert documents_attention(world.outsider) == []


def test_the_forms_of_a_handoff_are_read_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    from renkei.handoff.selectors.documents import documents_by_kind, waiting_for_receipt

    handoff = open_handoff(world)
    for _ in range(4):
        document = save(world, handoff, DocumentKind.ADMISSION_INFO)
        services.document_send(membership=world.care_manager, document=document, recipients=[
            Recipient(organization=world.hospital.organization), Recipient(organization=world.doctor.organization)])
    with django_assert_max_num_queries(3):
        groups = documents_by_kind(handoff)
        names = [s.recipient_organization.name for g in groups for d in g.versions for s in d.sendings.all()]
    assert len(names) == 8
    with django_assert_max_num_queries(6):
        waiting = waiting_for_receipt(world.discharge_nurse)
        assert {s.document.handoff.patient.name for s in waiting} == {world.patient.name}
    assert len(waiting) == 4


def test_a_post_made_on_behalf_of_the_hospital_is_logged_as_the_senders(world):
    handoff = open_handoff(world)
    summary = save(world, handoff, DocumentKind.NURSING_SUMMARY, {"home_advice": "夜間の吸引が必要"},
                   by=world.discharge_nurse)
    services.document_send(membership=world.discharge_nurse, document=summary,
                           recipients=[Recipient(organization=world.care_manager.organization)])
    post = Post.objects.get(patient=world.patient)
    entries = AuditEntry.objects.filter(object_type__icontains="post", object_id=str(post.pk),
                                        action=AuditEntry.Action.CREATE)
    assert entries.exists()
    assert set(entries.values_list("membership_id_value", flat=True)) == {world.discharge_nurse.pk}
    # The relay place gives the hospital no access to the patient's record.
    from renkei.careteams import access as careteams_access

    careteams_access.forget(world.discharge_nurse)
    assert world.patient.pk not in careteams_access.visible_patient_ids(world.discharge_nurse)
    assert post.mentions.filter(membership=world.nurse).exists()  # summaries reach the visiting nurse too
