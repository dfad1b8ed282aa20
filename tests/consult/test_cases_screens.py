"""The case screens: recording a call, the list and its filters, the case page (names only there, a read entry
on each view), actions, resources, closing, the patient link, raising an issue, the facility search."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from renkei.consult.models import Case, CaseResource, Topic
from renkei.core.models import AuditEntry
from tests.factories import FacilityFactory, MunicipalityFactory
from tests.i18n import ja

from .case_helpers import patient_seen_by, recorded
from .factories import case_received


def form_data(world, **overrides) -> dict:
    data = {"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "channel": "phone",
            "requester_kind": "care_manager", "requester_profession": "care_manager",
            "requester_facility": str(world.care_office.pk), "requester_name": "連携 太郎",
            "requester_contact": "0773-00-1111", "subject_description": "80代女性", "scene": "daily_care",
            "topics": [str(world.topic("find_home_doctor").pk)], "question": "往診医を探しています。"}
    data.update(overrides)
    return data


def reads(object_type="consult.case") -> int:
    return AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type=object_type).count()


def test_a_coordinator_records_a_call_and_lands_on_the_case(world, login_as):
    response = login_as(world.coordinator).post(reverse("consult:case_create", args=[world.desk.pk]),
                                                form_data(world))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("consult:case_detail", args=[case.pk])
    assert case.requester_facility == world.care_office and case.requester_name == "連携 太郎"
    assert list(case.topics.values_list("code", flat=True)) == ["find_home_doctor"]


def test_the_form_defaults_the_time_received_to_now(world, login_as):
    response = login_as(world.coordinator).get(reverse("consult:case_create", args=[world.desk.pk]))
    assert timezone.localtime().strftime("%Y-%m-%dT") in response.content.decode()


def test_the_name_and_contact_appear_on_the_case_page_only(world, login_as):
    case = recorded(world)
    client = login_as(world.coordinator)
    listing = client.get(reverse("consult:case_list", args=[world.desk.pk])).content.decode()
    assert case.number in listing and "連携 太郎" not in listing and "0773-00-1111" not in listing
    page = client.get(reverse("consult:case_detail", args=[case.pk])).content.decode()
    assert "連携 太郎" in page and "0773-00-1111" in page


def test_each_view_of_a_case_logs_a_read(world, login_as):
    case = recorded(world)
    client = login_as(world.official)
    before = reads()
    client.get(reverse("consult:case_detail", args=[case.pk]))
    client.get(reverse("consult:case_detail", args=[case.pk]))
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="consult.case").order_by("seq")
    assert reads() == before + 2
    assert entries.last().object_id == str(case.pk) and entries.last().membership_id_value == world.official.pk


def test_the_list_logs_one_read_of_the_listed_cases(world, login_as):
    cases = [recorded(world), recorded(world)]
    login_as(world.coordinator).get(reverse("consult:case_list", args=[world.desk.pk]))
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="consult.case").latest("seq")
    assert entry.changes["count"] == 2 and sorted(entry.changes["ids"]) == sorted(c.pk for c in cases)


def test_the_list_shows_open_cases_first_and_filters(world, login_as):
    closed = case_received(world, days_ago=2, closed_after_days=1, number="R8-0001", scene="end_of_life")
    open_case = case_received(world, days_ago=5, number="R8-0002", requester_kind="family")
    client = login_as(world.coordinator)
    page = client.get(reverse("consult:case_list", args=[world.desk.pk])).content.decode()
    assert page.index("R8-0002") < page.index("R8-0001")
    only_closed = client.get(reverse("consult:case_list", args=[world.desk.pk]), {"status": "closed"})
    assert [c.pk for c in only_closed.context["cases"]] == [closed.pk]
    by_kind = client.get(reverse("consult:case_list", args=[world.desk.pk]), {"requester_kind": "family"})
    assert [c.pk for c in by_kind.context["cases"]] == [open_case.pk]
    by_scene = client.get(reverse("consult:case_list", args=[world.desk.pk]), {"scene": "end_of_life"})
    assert [c.pk for c in by_scene.context["cases"]] == [closed.pk]
    by_number = client.get(reverse("consult:case_list", args=[world.desk.pk]), {"q": "0002"})
    assert [c.pk for c in by_number.context["cases"]] == [open_case.pk]
    month = timezone.localtime(open_case.received_at).strftime("%Y-%m")
    by_month = client.get(reverse("consult:case_list", args=[world.desk.pk]), {"month": month})
    assert open_case.pk in [c.pk for c in by_month.context["cases"]]
    nonsense = client.get(reverse("consult:case_list", args=[world.desk.pk]),
                          {"month": "2026-13", "topic": "x" * 30, "status": "nope"})
    assert nonsense.status_code == 200 and len(nonsense.context["cases"]) == 2


def test_the_topic_filter_lists_cases_of_that_topic(world, login_as):
    tagged = recorded(world, topics=[world.topic("acp")])
    recorded(world, topics=[world.topic("medication")])
    response = login_as(world.coordinator).get(reverse("consult:case_list", args=[world.desk.pk]),
                                               {"topic": world.topic("acp").pk})
    assert [c.pk for c in response.context["cases"]] == [tagged.pk]


def test_the_list_runs_a_fixed_number_of_queries(world, login_as, django_assert_max_num_queries):
    for _ in range(3):
        recorded(world, topics=[world.topic("acp"), world.topic("medication")])
    client = login_as(world.coordinator)
    url = reverse("consult:case_list", args=[world.desk.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for _ in range(12):
        recorded(world, topics=[world.topic("acp")])
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_list_selector_reads_cases_in_two_queries(world, django_assert_num_queries):
    from renkei.consult.selectors import cases as selectors

    for _ in range(4):
        recorded(world, topics=[world.topic("acp")])
    with django_assert_num_queries(2):
        cases = selectors.desk_cases(world.coordinator, world.desk, record=False)
        assert all(c.requester_facility.name for c in cases) and all(list(c.topics.all()) for c in cases)


def test_bad_input_is_answered_with_messages_not_500(world, login_as):
    client = login_as(world.coordinator)
    url = reverse("consult:case_create", args=[world.desk.pk])
    elsewhere = FacilityFactory(kind="clinic", municipality=MunicipalityFactory())
    foreign = Topic.objects.create(municipality=world.neighbour_desk.municipality, code="own", name_ja="独自")
    future = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for overrides, field in [({"requester_facility": str(elsewhere.pk)}, "requester_facility"),
                             ({"requester_facility": "99999999999999999999"}, "requester_facility"),
                             ({"topics": [str(foreign.pk)]}, "topics"),
                             ({"question": "あ" * 5000}, "question"),
                             ({"requester_name": "あ" * 81}, "requester_name"),
                             ({"received_at": future}, "received_at"),
                             ({"received_at": "yesterday"}, "received_at"),
                             ({"requester_kind": "robot"}, "requester_kind")]:
        response = client.post(url, form_data(world, **overrides))
        assert response.status_code == 400, overrides
        assert response.context["form"].errors.get(field), (overrides, response.context["form"].errors)
    assert not Case.objects.exists()


def test_closing_with_a_future_date_or_before_receipt_is_refused(world, login_as):
    case = recorded(world, received_at=timezone.now() - dt.timedelta(days=3))
    client = login_as(world.coordinator)
    url = reverse("consult:case_close", args=[case.pk])
    for day in (timezone.localdate() + dt.timedelta(days=1), timezone.localdate() - dt.timedelta(days=4)):
        response = client.post(url, {"outcome": "resolved", "closed_on": day.isoformat(), "version": case.version})
        assert response.status_code == 400 and response.context["form"].errors["closed_on"]
    response = client.post(url, {"outcome": "resolved", "closed_on": timezone.localdate().isoformat(),
                                 "version": case.version, "note": "解決"})
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).status == "closed"


def test_closing_from_a_stale_form_is_refused(world, login_as):
    case = recorded(world)
    client = login_as(world.coordinator)
    client.post(reverse("consult:case_edit", args=[case.pk]), form_data(world, channel="visit",
                                                                        version=case.version))
    response = client.post(reverse("consult:case_close", args=[case.pk]), {
        "outcome": "resolved", "closed_on": timezone.localdate().isoformat(), "version": case.version})
    assert response.status_code == 400 and Case.objects.get(pk=case.pk).status == "open"


def test_an_edit_over_another_save_shows_the_conflict(world, login_as):
    case = recorded(world)
    login_as(world.official).post(reverse("consult:case_edit", args=[case.pk]),
                                  form_data(world, channel="visit", version=case.version))
    response = login_as(world.coordinator).post(reverse("consult:case_edit", args=[case.pk]),
                                                form_data(world, channel="fax", version=case.version))
    assert response.status_code == 409 and "conflict" in response.context
    assert Case.objects.get(pk=case.pk).channel == "visit"


def test_two_clinics_are_suggested_and_a_duplicate_is_refused_with_a_message(world, login_as):
    case = recorded(world)
    client = login_as(world.coordinator)
    url = reverse("consult:case_resources", args=[case.pk])
    response = client.post(url, {"facilities": [world.clinic_a.pk, world.clinic_b.pk]})
    assert response.status_code == 302
    page = client.get(reverse("consult:case_detail", args=[case.pk])).content.decode()
    for clinic in (world.clinic_a, world.clinic_b):
        assert reverse("directory:facility_detail", args=[clinic.pk]) in page
    again = client.post(url, {"facilities": [world.clinic_a.pk]})
    assert again.status_code == 400 and "みどり在宅クリニック" in again.content.decode()
    assert CaseResource.objects.filter(case=case).count() == 2


def test_the_facility_search_lists_facilities_of_the_desks_reach_only(world, login_as):
    FacilityFactory(kind="clinic", name="みどり遠方クリニック", municipality=MunicipalityFactory())
    response = login_as(world.coordinator).get(reverse("consult:case_facility_search", args=[world.desk.pk]),
                                               {"q": "みどり", "field": "facilities"})
    assert [f.pk for f in response.context["facilities"]] == [world.clinic_a.pk]
    assert 'type="checkbox"' in response.content.decode()


def test_a_referral_action_to_a_directory_facility(world, login_as):
    case = recorded(world)
    response = login_as(world.coordinator).post(reverse("consult:case_action", args=[case.pk]), {
        "kind": "referral", "done_on": timezone.localdate().isoformat(),
        "referred_to_facility": world.clinic_b.pk, "note": "紹介"})
    assert response.status_code == 302
    assert case.actions.get().referred_to_facility == world.clinic_b


def test_a_follow_up_action_without_its_date_is_refused(world, login_as):
    case = recorded(world)
    response = login_as(world.coordinator).post(reverse("consult:case_action", args=[case.pk]), {
        "kind": "follow_up", "done_on": timezone.localdate().isoformat()})
    assert response.status_code == 400 and response.context["form"].errors["follow_up_on"]


def test_a_linked_patient_is_named_only_to_members_who_see_them(world, login_as):
    case = recorded(world)
    patient = patient_seen_by(world.coordinator)
    client = login_as(world.coordinator)
    choices = client.get(reverse("consult:case_patient", args=[case.pk]))
    assert patient.name in choices.content.decode()
    client.post(reverse("consult:case_patient", args=[case.pk]), {"patient": patient.pk, "version": case.version})
    assert Case.objects.get(pk=case.pk).patient == patient
    before = AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="careteams.patient",
                                       object_id=str(patient.pk)).count()
    mine = client.get(reverse("consult:case_detail", args=[case.pk])).content.decode()
    assert patient.name in mine
    assert AuditEntry.objects.filter(action=AuditEntry.Action.READ, object_type="careteams.patient",
                                     object_id=str(patient.pk)).count() == before + 1
    theirs = login_as(world.official).get(reverse("consult:case_detail", args=[case.pk])).content.decode()
    assert patient.name not in theirs and ja("a patient (not visible to you)") in theirs


def test_a_patient_the_member_does_not_see_cannot_be_linked(world, login_as):
    from tests.careteams.factories import PatientFactory

    case = recorded(world)
    patient_seen_by(world.coordinator)
    unseen = PatientFactory()
    response = login_as(world.coordinator).post(reverse("consult:case_patient", args=[case.pk]),
                                                {"patient": unseen.pk, "version": case.version})
    assert response.status_code == 400 and Case.objects.get(pk=case.pk).patient is None


def test_raising_an_issue_puts_it_on_the_councils_list(world, login_as):
    case = recorded(world)
    client = login_as(world.coordinator)
    page = client.get(reverse("consult:case_detail", args=[case.pk])).content.decode()
    assert reverse("consult:case_raise_issue", args=[case.pk]) in page
    form = client.get(reverse("consult:case_raise_issue", args=[case.pk])).content.decode()
    assert "personal data" in form or "個人" in form
    response = client.post(reverse("consult:case_raise_issue", args=[case.pk]), {
        "title": "夜間往診の受け皿が足りない", "description": "", "scene": "daily_care", "version": case.version})
    assert response.status_code == 302
    issues = client.get(reverse("pdca:issue_list")).content.decode()
    assert "夜間往診の受け皿が足りない" in issues
    assert Case.objects.get(pk=case.pk).raised_issue.raised_elsewhere == f"相談窓口 {case.number}"


def test_the_raise_button_is_hidden_from_a_desk_member_who_may_not_manage_the_council(world, login_as):
    from renkei.core.models import Organization, Role
    from tests.factories import MembershipFactory, OrganizationFactory

    from .factories import desk_member

    # A coordinator of the association in another municipality, seated on this desk: no council of theirs.
    outsider = MembershipFactory(role=Role.COORDINATOR, organization=OrganizationFactory(
        kind=Organization.Kind.MEDICAL_ASSOCIATION, municipality=world.neighbour_desk.municipality))
    desk_member(world.desk, outsider)
    case = recorded(world)
    client = login_as(outsider)
    page = client.get(reverse("consult:case_detail", args=[case.pk])).content.decode()
    assert reverse("consult:case_raise_issue", args=[case.pk]) not in page
    assert client.get(reverse("consult:case_raise_issue", args=[case.pk])).status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE, permission="pdca.manage_council").exists()


def test_the_home_page_lists_due_follow_ups_and_old_cases(world, login_as):
    from renkei.consult.home_cases import case_attention
    from renkei.consult.models import CaseAction

    due = case_received(world, days_ago=3, number="R8-0101")
    CaseAction.objects.create(case=due, kind="follow_up", done_on=timezone.localdate() - dt.timedelta(days=2),
                              follow_up_on=timezone.localdate() - dt.timedelta(days=1))
    later = case_received(world, days_ago=3, number="R8-0102")
    CaseAction.objects.create(case=later, kind="follow_up", done_on=timezone.localdate(),
                              follow_up_on=timezone.localdate() + dt.timedelta(days=5))
    case_received(world, days_ago=40, number="R8-0103")
    case_received(world, days_ago=40, closed_after_days=2, number="R8-0104")
    texts = [item.text for item in case_attention(world.coordinator)]
    assert any("R8-0101" in t for t in texts) and any("R8-0103" in t for t in texts)
    assert not any("R8-0102" in t or "R8-0104" in t for t in texts)
    assert case_attention(world.other_official) == [] and case_attention(world.admin) == []
    home = login_as(world.coordinator).get(reverse("core:home")).content.decode()
    assert reverse("consult:case_detail", args=[due.pk]) in home


def test_the_desk_page_section_counts_open_cases(world):
    from renkei.consult.sections import desk_page

    case_received(world)
    case_received(world, closed_after_days=0)
    rendered = {s["key"]: s for s in desk_page.rendered(world.coordinator, world.desk)}
    assert rendered["cases"]["context"]["open_count"] == 1 and rendered["cases"]["context"]["can_record"]
    theirs = {s["key"]: s for s in desk_page.rendered(world.other_official, world.desk)}
    assert not theirs["cases"]["context"]["can_view"]
