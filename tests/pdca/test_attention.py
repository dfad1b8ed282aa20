"""The home page: a member's own overdue and soon-due actions; the municipality's overdue count for staff."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.core import dashboard
from renkei.pdca.models import Action

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_an_overdue_action_appears_on_its_owners_home_page_and_not_on_others(councils, login_as):
    update_url = reverse("pdca:action_update", args=[councils.overdue.pk])
    owner_home = login_as(councils.doctor).get("/")
    assert owner_home.status_code == 200
    urls = [item.url for item in owner_home.context["attention"]]
    assert update_url in urls
    assert update_url in owner_home.content.decode()
    for other in (councils.nurse, councils.unseated, councils.staff, councils.coordinator):
        home = login_as(other).get("/")
        assert update_url not in home.content.decode(), other


def test_the_owner_sees_overdue_and_due_within_a_week_but_not_later_or_done(councils):
    councils.soon.status = Action.Status.DONE
    councils.soon.save()
    week = Action.objects.create(municipality=councils.municipality, title="一週間後", owner=councils.doctor,
                                 due_on=timezone.localdate() + dt.timedelta(days=7))
    items = dashboard.attention_for(councils.doctor)
    linked = [item.obj for item in items if item.action == "pdca.update_action"]
    assert linked == [councils.overdue, week]
    overdue_item = next(item for item in items if item.obj == councils.overdue)
    assert overdue_item.text.startswith("Overdue action: 退院調整ルールの周知")
    assert overdue_item.is_todo


def test_staff_see_how_many_actions_of_the_municipality_are_overdue(councils, login_as):
    items = dashboard.attention_for(councils.staff)
    count_item = next(item for item in items if item.url == reverse("pdca:action_list") + "?overdue=1")
    assert count_item.text.startswith("2 actions of 福知山市 are overdue")
    # Their own overdue action is listed for them too.
    assert reverse("pdca:action_update", args=[councils.staff_overdue.pk]) in [item.url for item in items]
    assert login_as(councils.staff).get(count_item.url).status_code == 200


def test_staff_of_another_city_and_professionals_get_no_count(councils):
    for member in (councils.other_staff, councils.doctor):
        assert not [item for item in dashboard.attention_for(member) if "?overdue=1" in item.url]


def test_an_ended_owner_membership_drops_the_item(councils):
    councils.doctor.is_active = False
    councils.doctor.save()
    assert not [item for item in dashboard.attention_for(councils.doctor) if item.action == "pdca.update_action"]
