"""The audit of cases: every write is logged with who did it, person data never appears in `changes`, reads name
what was read, refusals are logged."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils import timezone

from renkei.consult.models import Case
from renkei.consult.services import cases as services
from renkei.core.models import AuditEntry

from .case_helpers import recorded

SECRETS = ("連携 太郎", "0773-00-1111", "80代女性、独居", "訪問診療をしてくれる医師", "本人の様子", "家族の事情")


def entries_text() -> str:
    return json.dumps([e.changes for e in AuditEntry.objects.all()], ensure_ascii=False)


def test_no_person_data_reaches_the_log_through_the_case_lifecycle(world):
    case = recorded(world)
    services.case_update(membership=world.coordinator, case=Case.objects.get(pk=case.pk),
                         data={"requester_name": "家族の事情", "question": "本人の様子について"}, topics=[],
                         expected_version=case.version)
    case = Case.objects.get(pk=case.pk)
    services.case_action_add(membership=world.coordinator, case=case, kind="information",
                             done_on=timezone.localdate(), note="本人の様子を確認")
    services.case_close(membership=world.coordinator, case=case, outcome="resolved",
                        closed_on=timezone.localdate(), note="家族の事情により終了", expected_version=case.version)
    text = entries_text()
    for secret in SECRETS:
        assert secret not in text, secret
    updates = [e for e in AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_type="consult.case")
               if "requester_name" in e.changes]
    assert updates and updates[0].membership_id_value == world.coordinator.pk
    assert updates[0].changes["requester_name"] != ["連携 太郎", "家族の事情"]


def test_each_write_names_the_member_and_the_municipality(world):
    case = recorded(world)
    services.case_resources_suggest(membership=world.official, case=case, facility_ids=[world.clinic_a.pk])
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="consult.caseresource").get()
    assert entry.membership_id_value == world.official.pk
    assert entry.owner_municipality_id == world.municipality.pk


def test_a_refused_case_page_is_logged_on_the_case(world, login_as):
    case = recorded(world)
    login_as(world.prefecture).get(reverse("consult:case_detail", args=[case.pk]))
    refusal = AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE).latest("seq")
    assert refusal.permission == "consult.view_cases" and refusal.object_id == str(case.pk)
    assert refusal.membership_id_value == world.prefecture.pk


def test_a_form_page_of_a_case_logs_a_read_too(world, login_as):
    case = recorded(world)
    login_as(world.coordinator).get(reverse("consult:case_close", args=[case.pk]))
    read = AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="consult.case").latest("seq")
    assert read.object_id == str(case.pk) and read.permission == "consult.record_case"
    assert read.changes == {"what": "consultation case"}


def test_raising_an_issue_is_logged_on_both_sides(world):
    case = recorded(world)
    issue = services.case_issue_raise(membership=world.coordinator, case=case, title="課題", description="",
                                      scene="daily_care", expected_version=case.version)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="pdca.issue",
                                     object_id=str(issue.pk)).exists()
    links = [e for e in AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_type="consult.case",
                                                  object_id=str(case.pk))
             if {"raised_issue", "raised_issue_id"} & set(e.changes)]
    assert len(links) == 1 and links[0].membership_id_value == world.coordinator.pk


def test_the_audit_log_screen_shows_a_topics_change(world, login_as):
    recorded(world)
    from renkei.core.audit_display import sentence

    entry = AuditEntry.objects.filter(object_type="consult.case", action=AuditEntry.Action.UPDATE).latest("seq")
    assert entry.changes == {"topics": [[], ["find_home_doctor"]]}
    assert sentence(entry)
