"""Actions: created from a meeting (owner and measure choices), the owner's progress form, the lists."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import AuditEntry
from renkei.pdca.models import Action, LogicModel, Measure, MeasurePlacement, Outcome, PlanPeriod

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(councils):
    """The current plan (第9期) with two revisions: actions choose among the latest revision's measures."""
    plan = PlanPeriod.objects.create(municipality=councils.municipality, term_number=9, start_fiscal_year=2024,
                                     end_fiscal_year=2026)
    old = LogicModel.objects.create(plan=plan, revision=1, status=LogicModel.Status.SUPERSEDED)
    Measure.objects.create(logic_model=old, key="oldmeasure01", text="廃止した施策")
    current = LogicModel.objects.create(plan=plan, revision=2, status=LogicModel.Status.ADOPTED)
    outcome = Outcome.objects.create(logic_model=current, scene="admission_discharge", text="退院後の暮らしがつながる")
    rules = Measure.objects.create(logic_model=current, key="rules0000001", text="退院調整ルールの運用")
    MeasurePlacement.objects.create(logic_model=current, measure=rules, outcome=outcome, number=3)
    return {"rules": rules}


def action_data(**changes):
    data = {"title": "病院への説明会を開く", "description": "", "scene": "admission_discharge", "measure_key": "",
            "owner": "", "owner_organization": "", "due_on": "2026-12-20", "status": "open", "result_note": ""}
    data.update(changes)
    return data


def test_staff_add_an_action_from_the_meeting_page_for_a_seated_member_and_a_measure(councils, measures,
                                                                                      login_as):
    client = login_as(councils.staff)
    url = reverse("pdca:action_create_at_meeting", args=[councils.meeting.pk])
    form = client.get(url).context["form"]
    owners = set(form.fields["owner"].queryset)
    assert councils.doctor in owners and councils.staff in owners and councils.coordinator in owners
    assert councils.nurse not in owners and councils.unseated not in owners  # no seat on this body
    assert [key for key, _label in form.fields["measure_key"].choices] == ["", "rules0000001"]
    response = client.post(url, action_data(owner=councils.doctor.pk, measure_key="rules0000001",
                                            issue=councils.issue.pk))
    assert response.status_code == 302
    action = Action.objects.get(title="病院への説明会を開く")
    assert action.meeting == councils.meeting and action.municipality == councils.municipality
    assert action.owner == councils.doctor and action.owner_organization == councils.clinic
    assert action.measure_key == "rules0000001" and action.created_by == councils.staff.user
    assert AuditEntry.objects.filter(object_type="pdca.action", object_id=str(action.pk), action="create").exists()


def test_an_owner_outside_the_choices_or_an_old_measure_is_refused(councils, measures, login_as):
    client = login_as(councils.staff)
    url = reverse("pdca:action_create_at_meeting", args=[councils.meeting.pk])
    assert client.post(url, action_data(owner=councils.unseated.pk)).status_code == 400
    assert client.post(url, action_data(measure_key="oldmeasure01")).status_code == 400
    assert not Action.objects.filter(title="病院への説明会を開く").exists()


def test_the_owner_updates_status_and_result(councils, login_as):
    action = councils.overdue
    response = login_as(councils.doctor).post(reverse("pdca:action_update", args=[action.pk]), {
        "status": "done", "result_note": "全病院に周知した", "version": action.version})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done" and action.result_note == "全病院に周知した"
    assert action.completed_on == timezone.localdate()
    entry = (AuditEntry.objects.filter(object_type="pdca.action", object_id=str(action.pk), action="update")
             .latest("seq"))
    assert entry.changes["status"] == ["open", "done"] and entry.user_label == councils.doctor.user.email


def test_the_owner_can_update_the_action_but_not_edit_it_nor_the_council(councils, login_as):
    doctor, action = councils.doctor, councils.overdue
    assert policy.check(doctor, "pdca.update_action", action)
    assert not policy.check(doctor, "pdca.manage_council", action)
    assert not policy.check(doctor, "pdca.manage_council", councils.council)
    client = login_as(doctor)
    assert client.get(reverse("pdca:action_edit", args=[action.pk])).status_code == 403
    assert client.post(reverse("pdca:action_edit", args=[action.pk]), action_data(title="x")).status_code == 403
    assert client.get(reverse("pdca:council_edit", args=[councils.council.pk])).status_code == 403
    action.refresh_from_db()
    assert action.title == "退院調整ルールの周知"


def test_another_member_of_the_body_cannot_update_someone_elses_action(councils, login_as):
    colleague = MembershipFactory(role="professional", profession="doctor", organization=councils.clinic)
    councils.council.members.create(membership=colleague, organization=councils.clinic)
    assert policy.check(colleague, "pdca.view_council", councils.overdue)
    assert login_as(colleague).post(reverse("pdca:action_update", args=[councils.overdue.pk]), {
        "status": "done", "result_note": "", "version": councils.overdue.version}).status_code == 403
    assert councils.overdue not in policy.scope(colleague, "pdca.update_action", Action.objects.all())


def test_a_stale_progress_report_answers_409(councils, login_as):
    action = councils.overdue
    opened = action.version
    url = reverse("pdca:action_update", args=[action.pk])
    assert login_as(councils.staff).post(url, {"status": "in_progress", "result_note": "事務局で確認",
                                               "version": opened}).status_code == 302
    response = login_as(councils.doctor).post(url, {"status": "done", "result_note": "完了", "version": opened})
    assert response.status_code == 409
    action.refresh_from_db()
    assert action.status == "in_progress" and action.result_note == "事務局で確認"


def test_my_actions_lists_only_mine_with_overdue_ones_marked(councils, login_as):
    response = login_as(councils.doctor).get(reverse("pdca:action_list"), {"mine": "1"})
    assert [a.pk for a in response.context["actions"]] == [councils.overdue.pk, councils.soon.pk, councils.later.pk]
    html = response.content.decode()
    assert f'data-overdue="1" data-action="{councils.overdue.pk}"' in html
    assert f'data-overdue="1" data-action="{councils.soon.pk}"' not in html


def test_the_overdue_filter_lists_the_municipalitys_overdue_actions_for_staff(councils, login_as):
    response = login_as(councils.staff).get(reverse("pdca:action_list"), {"overdue": "1"})
    assert {a.pk for a in response.context["actions"]} == {councils.overdue.pk, councils.staff_overdue.pk}


def test_an_owner_without_a_seat_reaches_their_own_action_but_not_the_body(councils, login_as):
    action = councils.later
    action.owner = councils.unseated
    action.save()
    client = login_as(councils.unseated)
    assert client.get(reverse("pdca:action_list"), {"mine": "1"}).status_code == 200
    page = client.get(reverse("pdca:action_detail", args=[action.pk]))
    assert page.status_code == 200
    assert reverse("pdca:meeting_detail", args=[councils.meeting.pk]) not in page.content.decode()
    assert client.get(reverse("pdca:council_list")).context["tree"] == []


def test_due_dates_are_shown_in_wareki(councils, login_as):
    councils.soon.due_on = dt.date(2026, 12, 20)
    councils.soon.save()
    html = login_as(councils.doctor).get(reverse("pdca:action_detail", args=[councils.soon.pk])).content.decode()
    assert "令和8年12月20日" in html


def _many_actions(councils, count):
    Action.objects.bulk_create([
        Action(municipality=councils.municipality, meeting=councils.meeting, title=f"取組{n}", owner=councils.doctor,
               owner_organization=councils.clinic, due_on=timezone.localdate() + dt.timedelta(days=n))
        for n in range(count)])


@pytest.mark.parametrize("role", ["staff", "doctor"])
def test_the_action_list_costs_the_same_queries_for_5_or_50_actions(councils, login_as, role,
                                                                   django_assert_max_num_queries):
    client = login_as(getattr(councils, role))
    _many_actions(councils, 5)
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("pdca:action_list")).status_code == 200
    _many_actions(councils, 45)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("pdca:action_list")).status_code == 200
