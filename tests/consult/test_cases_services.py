"""The case services: numbering per desk and fiscal year, the invariants, actions, resources, closing and
reopening, the patient link and raising an issue, with their audit entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from renkei.consult.models import Case, CaseAction, CaseResource, Topic
from renkei.consult.services import cases as services
from renkei.core.concurrency import StaleEdit
from renkei.core.models import AuditEntry
from renkei.pdca.models import Issue
from tests.factories import FacilityFactory, MunicipalityFactory

from .case_helpers import patient_seen_by, recorded
from .factories import case_received


def test_the_fiscal_year_prefix_is_the_reiwa_year_of_april_to_march():
    assert services.fiscal_year_of(dt.date(2026, 3, 31)) == 2025
    assert services.fiscal_year_of(dt.date(2026, 4, 1)) == 2026
    assert services.fiscal_year_prefix(2025) == "R7"
    assert services.fiscal_year_prefix(2019) == "R1"
    assert services.fiscal_year_prefix(2018) == "H30"


def test_cases_are_numbered_per_desk_and_fiscal_year(world):
    march = timezone.make_aware(dt.datetime(2026, 3, 30, 10))
    april = timezone.make_aware(dt.datetime(2026, 4, 2, 10))
    first = recorded(world, received_at=march)
    second = recorded(world, received_at=march)
    new_year = recorded(world, received_at=april)
    assert [first.number, second.number, new_year.number] == ["R7-0001", "R7-0002", "R8-0001"]


def test_numbers_continue_after_the_highest_not_the_count(world):
    received = timezone.make_aware(dt.datetime(2026, 5, 1, 10))
    case_received(world, number="R8-0041", received_at=received)
    assert recorded(world, received_at=received).number == "R8-0042"


def test_recording_keeps_the_case_and_logs_it_without_person_data(world):
    case = recorded(world)
    assert case.municipality == world.municipality and case.handled_by == world.coordinator
    assert case.requester_facility == world.care_office
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, object_type="consult.case", object_id=str(case.pk))
    text = str(entry.changes)
    for secret in ("連携 太郎", "0773-00-1111", "80代女性", "訪問診療をしてくれる"):
        assert secret not in text
    topics = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_type="consult.case",
                                    object_id=str(case.pk))
    assert topics.changes == {"topics": [[], ["find_home_doctor"]]}


def test_only_desk_members_record(world):
    with pytest.raises(PermissionDenied):
        recorded(world, by=world.other_coordinator)
    assert not Case.objects.exists()


def test_a_facility_outside_the_desks_reach_is_refused(world):
    elsewhere = FacilityFactory(kind="clinic", name="遠方クリニック", municipality=MunicipalityFactory())
    with pytest.raises(ValidationError) as error:
        recorded(world, requester_facility=elsewhere)
    assert "requester_facility" in error.value.error_dict


def test_a_facility_of_a_municipality_in_the_same_area_group_is_within_reach(world):
    from renkei.core.models import AreaGroup

    group = AreaGroup.objects.create(kind=AreaGroup.Kind.SECONDARY_MEDICAL_AREA, name="試験医療圏",
                                     prefecture=world.municipality.prefecture)
    group.municipalities.set([world.municipality, world.neighbour_desk.municipality])
    near = FacilityFactory(kind="clinic", name="となり町診療所", municipality=world.neighbour_desk.municipality)
    assert recorded(world, requester_facility=near).requester_facility == near


def test_a_topic_of_another_municipality_is_refused(world):
    foreign = Topic.objects.create(municipality=world.neighbour_desk.municipality, code="own", name_ja="独自")
    with pytest.raises(ValidationError) as error:
        recorded(world, topics=[foreign])
    assert "topics" in error.value.error_dict


def test_a_professional_kind_only_keeps_the_directory_organization(world):
    case = recorded(world, requester_kind="family", requester_profession="")
    assert case.requester_facility is None


def test_an_edit_from_an_old_version_is_refused(world):
    case = recorded(world)
    version = case.version
    services.case_update(membership=world.official, case=Case.objects.get(pk=case.pk), data={"channel": "visit"},
                         topics=[], expected_version=version)
    with pytest.raises(StaleEdit):
        services.case_update(membership=world.coordinator, case=Case.objects.get(pk=case.pk),
                             data={"channel": "fax"}, topics=[], expected_version=version)
    assert Case.objects.get(pk=case.pk).channel == "visit"


def test_a_referral_names_a_directory_facility_or_a_typed_name(world):
    case = recorded(world)
    today = timezone.localdate()
    action = services.case_action_add(membership=world.coordinator, case=case, kind="referral", done_on=today,
                                      referred_to_facility_id=world.clinic_a.pk)
    assert action.referred_to_facility == world.clinic_a and action.referred_to_name == ""
    typed = services.case_action_add(membership=world.coordinator, case=case, kind="referral", done_on=today,
                                     referred_to_name="○○地域包括支援センター")
    assert typed.referred_to_name == "○○地域包括支援センター"
    with pytest.raises(ValidationError):
        services.case_action_add(membership=world.coordinator, case=case, kind="referral", done_on=today)


def test_a_follow_up_needs_its_next_date_and_a_meeting_its_date(world):
    case = recorded(world)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.case_action_add(membership=world.coordinator, case=case, kind="follow_up", done_on=today)
    assert "follow_up_on" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.case_action_add(membership=world.coordinator, case=case, kind="meeting", done_on=today)
    assert "meeting_on" in error.value.error_dict


def test_several_resources_are_suggested_at_once_and_linked(world):
    case = recorded(world)
    resources = services.case_resources_suggest(membership=world.coordinator, case=case,
                                                facility_ids=[world.clinic_a.pk, world.clinic_b.pk])
    assert [r.facility for r in resources] == [world.clinic_a, world.clinic_b]
    assert resources[0].action.kind == CaseAction.Kind.RESOURCES
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_type="consult.caseresource").count() == 2


def test_a_duplicate_suggestion_is_refused_with_the_facilitys_name(world):
    case = recorded(world)
    services.case_resources_suggest(membership=world.coordinator, case=case, facility_ids=[world.clinic_a.pk])
    with pytest.raises(ValidationError) as error:
        services.case_resources_suggest(membership=world.coordinator, case=case,
                                        facility_ids=[world.clinic_a.pk, world.clinic_b.pk])
    assert "みどり在宅クリニック" in str(error.value)
    assert CaseResource.objects.filter(case=case).count() == 1


def test_a_suggestion_outside_the_reach_is_refused(world):
    case = recorded(world)
    elsewhere = FacilityFactory(kind="clinic", municipality=MunicipalityFactory())
    with pytest.raises(ValidationError):
        services.case_resources_suggest(membership=world.coordinator, case=case, facility_ids=[elsewhere.pk])
    assert not CaseResource.objects.exists()


def test_closing_dates_must_lie_between_receipt_and_today(world):
    case = recorded(world, received_at=timezone.now() - dt.timedelta(days=10))
    with pytest.raises(ValidationError) as error:
        services.case_close(membership=world.coordinator, case=case, outcome="resolved",
                            closed_on=timezone.localdate() + dt.timedelta(days=1), expected_version=case.version)
    assert "closed_on" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.case_close(membership=world.coordinator, case=case, outcome="resolved",
                            closed_on=timezone.localdate() - dt.timedelta(days=11), expected_version=case.version)
    assert "closed_on" in error.value.error_dict
    closed = services.case_close(membership=world.coordinator, case=case, outcome="resolved",
                                 closed_on=timezone.localdate() - dt.timedelta(days=3), note="紹介済み",
                                 expected_version=case.version)
    assert closed.status == "closed" and closed.closed_on == timezone.localdate() - dt.timedelta(days=3)


def test_reopening_needs_a_reason_and_keeps_it(world):
    case = recorded(world)
    services.case_close(membership=world.coordinator, case=case, outcome="resolved",
                        closed_on=timezone.localdate(), expected_version=case.version)
    with pytest.raises(ValidationError):
        services.case_reopen(membership=world.coordinator, case=case, reason=" ", expected_version=case.version)
    services.case_reopen(membership=world.coordinator, case=case, reason="再度の相談", expected_version=case.version)
    case.refresh_from_db()
    assert case.status == "open" and case.closed_on is None and case.outcome == ""
    assert case.actions.get(kind="other").note.endswith("再度の相談")
    entry = AuditEntry.objects.filter(object_type="consult.case", action=AuditEntry.Action.UPDATE).latest("seq")
    assert entry.reason == "再度の相談"


def test_a_patient_is_linked_only_by_a_member_who_sees_them(world):
    from tests.careteams.factories import PatientFactory

    case = recorded(world)
    seen = patient_seen_by(world.coordinator)
    unseen = PatientFactory()
    with pytest.raises(PermissionDenied):
        services.case_patient_link(membership=world.coordinator, case=case, patient=unseen,
                                   expected_version=case.version)
    services.case_patient_link(membership=world.coordinator, case=case, patient=seen, expected_version=case.version)
    assert Case.objects.get(pk=case.pk).patient == seen


def test_raising_an_issue_creates_the_councils_issue_without_the_cases_words(world):
    case = recorded(world)
    issue = services.case_issue_raise(membership=world.coordinator, case=case,
                                      title="訪問診療医が不足している地区がある",
                                      description="夜間の往診先が見つからない相談が続く", scene="daily_care",
                                      expected_version=case.version)
    assert Issue.objects.get(pk=issue.pk).raised_elsewhere == f"相談窓口 {case.number}"
    assert issue.municipality == world.municipality
    assert Case.objects.get(pk=case.pk).raised_issue == issue
    with pytest.raises(ValidationError):
        services.case_issue_raise(membership=world.coordinator, case=Case.objects.get(pk=case.pk), title="二度目",
                                  description="", scene="daily_care", expected_version=None)


def test_the_raise_button_follows_the_councils_rule(world):
    case = recorded(world)
    assert services.may_raise_issue(world.coordinator, case)
    assert not services.may_raise_issue(world.other_official, case)
