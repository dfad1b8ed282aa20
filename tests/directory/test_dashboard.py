import datetime as dt

import pytest
from django.utils import timezone

from renkei.core.models import Role
from renkei.directory.models import CollaborationDetail

from ..factories import FacilityFactory, set_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(municipality):
    fresh = FacilityFactory(municipality=municipality)
    set_details(fresh, scheduled_home_visit=True)
    stale = FacilityFactory(municipality=municipality)
    set_details(stale, scheduled_home_visit=False)
    CollaborationDetail.objects.filter(facility=stale).update(
        confirmed_on=timezone.localdate() - dt.timedelta(days=800))
    return fresh, stale


def test_staff_see_what_needs_doing_in_the_directory_on_their_home_page(directory, make_membership, municipal_office,
                                                                        login_as):
    staff = make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)
    panel = next(p for p in login_as(staff).get("/").context["panels"]
                 if p["template"] == "directory/_home_panel.html")
    assert (panel["facilities"], panel["stale"], panel["pending_reviews"]) == (2, 1, 0)


def test_professionals_see_the_directory_but_no_staff_work(directory, make_membership, login_as):
    doctor = make_membership(Role.PROFESSIONAL)
    response = login_as(doctor).get("/")
    panel = next(p for p in response.context["panels"] if p["template"] == "directory/_home_panel.html")
    assert panel["facilities"] == 2
    assert "stale" not in panel and "duplicates" not in panel and "coverage" not in panel
    assert "/directory/surveys/" not in response.content.decode()
