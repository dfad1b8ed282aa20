"""The review's security findings, each with its regression test."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from renkei.core.models import AuditEntry
from renkei.handoff.models import Conference
from renkei.handoff.selectors.rules import area_versions
from renkei.handoff.services import handoffs as services
from tests.conftest import client_for

from .factories import open_handoff
from .measures_world import build_hand_built


def test_the_area_report_shows_a_small_number_of_conferences_without_a_care_manager_as_under_five(world):
    built = build_hand_built(world)
    Conference.objects.create(handoff=built.handoffs[0], proposed_by=world.discharge_nurse,
                              status=Conference.Status.HELD, held_at=timezone.now() - dt.timedelta(days=61))
    response = client_for(world.municipal).get(
        f"/handoffs/report/?area={built.area.key}&start={built.start:%Y-%m}&end={built.end:%Y-%m}")
    assert response.status_code == 200
    assert response.context["report"].conferences_without_care_manager == 1
    page = response.content.decode()
    assert "1 conference invited no care manager" not in page
    assert "ケアマネジャーを招かなかったカンファレンス：&lt;5 件" in page


def test_a_cancelled_handoff_is_not_counted_under_its_rule_version(world):
    kept = open_handoff(world, days_ago=20)
    services.discharge_record(membership=world.care_manager, handoff=kept,
                              discharged_at=timezone.now() - dt.timedelta(days=10), destination="home")
    mistake = open_handoff(world, days_ago=2)
    services.handoff_cancel(membership=world.care_manager, handoff=mistake, reason="二重登録")
    assert mistake.rule_set_id == kept.rule_set_id
    version = next(v for v in area_versions(kept.rule_set) if v.rule_set.pk == kept.rule_set_id)
    assert version.handoff_count == 1


def test_the_patient_tab_logs_one_read_per_handoff_it_lists(world):
    first = open_handoff(world, days_ago=20)
    services.discharge_record(membership=world.care_manager, handoff=first,
                              discharged_at=timezone.now() - dt.timedelta(days=10), destination="home")
    second = open_handoff(world, days_ago=2)
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client_for(world.care_manager).get(f"/handoffs/patients/{world.patient.pk}/")
    assert response.status_code == 200
    listed = AuditEntry.objects.filter(seq__gt=before, action=AuditEntry.Action.READ,
                                       permission="handoff.list_handoffs")
    assert sorted(int(e.object_id) for e in listed) == sorted([first.pk, second.pk])


def test_prefilling_a_form_from_an_earlier_stay_logs_the_read_of_that_earlier_form(world):
    from renkei.handoff.services import documents as document_services

    first = open_handoff(world, days_ago=20)
    earlier = document_services.document_save(membership=world.care_manager, handoff=first, kind="admission_info",
                                              data={"key_person": "試験 花子（長女）"})
    services.discharge_record(membership=world.care_manager, handoff=first,
                              discharged_at=timezone.now() - dt.timedelta(days=10), destination="home")
    second = open_handoff(world, days_ago=1)
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client_for(world.care_manager).get(f"/handoffs/{second.pk}/documents/new/admission_info/")
    assert response.status_code == 200
    assert response.context["start"].from_document == earlier
    assert AuditEntry.objects.filter(seq__gt=before, action=AuditEntry.Action.READ, object_id=str(earlier.pk),
                                     object_type="handoff.handoffdocument").exists()


def test_the_handoff_an_api_write_answers_with_is_a_logged_read(world, api_token_for):
    import json

    from django.test import Client

    handoff = open_handoff(world)
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    reply = Client().post(f"/api/v1/handoffs/{handoff.pk}/screening",
                          data=json.dumps({"needs_coordination": True, "difficulty_factors": []}),
                          content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.discharge_nurse)}")
    assert reply.status_code == 200 and reply.json()["patient_name"] == world.patient.name
    assert AuditEntry.objects.filter(seq__gt=before, action=AuditEntry.Action.READ, object_id=str(handoff.pk),
                                     object_type="handoff.handoff").exists()


def test_the_conference_an_api_write_answers_with_is_a_logged_read(world, api_token_for):
    import json

    from django.test import Client

    from .conference_helpers import propose

    handoff = open_handoff(world)
    conference = propose(world, handoff)
    slot = conference.slots.first()
    before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    reply = Client().post(f"/api/v1/handoffs/conferences/{conference.pk}/schedule",
                          data=json.dumps({"slot_id": slot.pk}), content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.discharge_nurse)}")
    assert reply.status_code == 200 and reply.json()["invitees"]
    assert AuditEntry.objects.filter(seq__gt=before, action=AuditEntry.Action.READ,
                                     object_id=str(conference.pk)).exists()


def _reads_since(seq) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq or 0, action=AuditEntry.Action.READ))


def test_every_workflow_form_page_showing_the_patient_logs_a_read(world):
    handoff = open_handoff(world)
    step = handoff.steps.filter(actor="care_manager").order_by("order").first()
    pages = [
        (world.care_manager, f"/handoffs/new/{world.patient.pk}/", "handoff.open_handoff"),
        (world.care_manager, f"/handoffs/afterwards/{world.patient.pk}/", "handoff.open_handoff"),
        (world.care_manager, f"/handoffs/{handoff.pk}/steps/{step.key}/done/", "handoff.do_step"),
        (world.care_manager, f"/handoffs/{handoff.pk}/steps/{step.key}/not-needed/", "handoff.do_step"),
        (world.discharge_nurse, f"/handoffs/{handoff.pk}/screening/", "handoff.do_step"),
        (world.discharge_nurse, f"/handoffs/{handoff.pk}/planned-discharge/", "handoff.do_step"),
        (world.care_manager, f"/handoffs/{handoff.pk}/exchanges/new/", "handoff.record_exchange"),
        (world.discharge_nurse, f"/handoffs/{handoff.pk}/discharge/", "handoff.record_discharge"),
        (world.care_manager, f"/handoffs/{handoff.pk}/cancel/", "handoff.act_as_home"),
    ]
    for who, url, permission in pages:
        before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
        response = client_for(who).get(url)
        assert response.status_code == 200, url
        assert world.patient.name in response.content.decode()
        assert [e for e in _reads_since(before) if e.permission == permission], f"{url}: no read logged"
