import datetime as dt

import pytest
from django.utils import timezone

from renkei.core.services.demo import build_demo
from renkei.directory.models import AreaShape, CollaborationDetail, Facility, FacilityKind
from renkei.directory.services.demo import build_directory_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_demo()
        build_directory_demo()
    yield
    with django_db_blocker.unblock():
        from tests.browser.conftest import _flush_keeping_migration_state

        _flush_keeping_migration_state()


def test_the_demo_directory_has_every_resource_kind(demo):
    kinds = set(Facility.objects.values_list("kind", flat=True))
    assert kinds == set(FacilityKind.values)


def test_the_demo_directory_has_stale_and_fresh_collaboration_details(demo):
    two_years_ago = timezone.localdate() - dt.timedelta(days=540)
    assert CollaborationDetail.objects.filter(confirmed_on__lt=two_years_ago).exists()
    assert CollaborationDetail.objects.filter(confirmed_on__gte=timezone.localdate() - dt.timedelta(days=330)).exists()


def test_every_demo_facility_has_a_position_inside_its_area_outline(demo):
    from shapely.geometry import Point, shape

    outlines = {s.daily_living_area_id: shape(s.geometry) for s in AreaShape.objects.all()}
    assert len(outlines) == 8  # seven areas and the city outline
    for facility in Facility.objects.all():
        assert facility.has_position
        assert outlines[None].buffer(0.02).contains(Point(facility.longitude, facility.latitude)), facility.name


def test_only_the_served_areas_have_home_visit_clinics(demo):
    visiting = Facility.objects.filter(collaboration_details__attribute__code="scheduled_home_visit",
                                       collaboration_details__value=True)
    areas = set(visiting.values_list("daily_living_area__name", flat=True))
    assert areas and areas <= {"中央圏域", "東部圏域", "西部圏域", "三和圏域"}


def test_building_the_demo_directory_twice_adds_nothing(demo):
    before = Facility.objects.count()
    assert build_directory_demo() == 0
    assert Facility.objects.count() == before


def test_the_demo_shows_a_coverage_gap_in_the_north_weighted_by_population(demo):
    from renkei.directory.models import CoverageRun

    run = CoverageRun.objects.filter(status="done").latest("pk")
    by_area = {row["name"]: row for row in run.summary["by_area"]}
    assert run.summary["method"] == "shapes" and run.summary["has_population"]
    assert by_area["中央圏域"]["uncovered_home_visit"] == 0
    assert by_area["北部圏域"]["uncovered_home_visit"] > 0
    assert by_area["北部圏域"]["population_uncovered_home_visit"] > 0


def test_the_demo_has_a_survey_round_with_answers_waiting_and_approved(demo):
    from renkei.directory.models import SurveyInvitation

    statuses = set(SurveyInvitation.objects.values_list("status", flat=True))
    assert {"sent", "answered", "approved"} <= statuses
