"""The directory's rules: who manages what, including objects that belong to a whole prefecture or to nobody."""

import pytest

from renkei.core import policy
from renkei.core.models import Organization, Role
from renkei.directory.models import CollaborationAttribute, CoverageRun

from ..factories import FacilityFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(make_membership, municipality, other_municipality):
    pref_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                      prefecture=municipality.prefecture)
    return {
        "city": make_membership(Role.MUNICIPAL_STAFF),
        "other_city": make_membership(Role.MUNICIPAL_STAFF, OrganizationFactory(municipality=other_municipality)),
        "doctor": make_membership(Role.PROFESSIONAL),
        "prefecture": make_membership(Role.PREFECTURE_STAFF, pref_office),
        "admin": make_membership(Role.SYSTEM_ADMIN),
    }


def allowed(members, action, obj):
    return {name for name, m in members.items() if policy.check(m, action, obj)}


def test_a_facility_is_managed_by_its_municipality_its_prefecture_and_admins(members, municipality):
    facility = FacilityFactory(municipality=municipality)
    assert allowed(members, "directory.manage_facilities", facility) == {"city", "prefecture", "admin"}


def test_a_prefecture_wide_coverage_run_is_not_open_to_municipal_staff(members, municipality):
    run = CoverageRun.objects.create(prefecture=municipality.prefecture)
    assert allowed(members, "directory.view_coverage", run) == {"prefecture", "admin"}
    assert allowed(members, "directory.view_coverage", municipality.prefecture) == {"prefecture", "admin"}


def test_an_object_that_belongs_to_no_municipality_or_prefecture_is_for_admins(members):
    from renkei.directory.models import ImportRun

    national = ImportRun.objects.create(source="mhlw", file_name="x.csv", sha256="1" * 64, outcome="applied")
    assert allowed(members, "directory.import", national) == {"admin"}


def test_shared_questions_open_read_only_to_staff_but_change_only_by_admins(members):
    shared = CollaborationAttribute.objects.get(code="urgent_home_visit")
    assert allowed(members, "directory.manage_taxonomy", shared) == {"city", "other_city", "prefecture", "admin"}
    assert allowed(members, "directory.manage_shared_taxonomy", shared) == {"admin"}


def test_professionals_see_professional_details_but_manage_nothing(members, municipality):
    facility = FacilityFactory(municipality=municipality)
    assert "doctor" in allowed(members, "directory.view_professional_details", facility)
    for action in ("directory.manage_facilities", "directory.import", "directory.manage_surveys",
                   "directory.export", "directory.merge_facilities"):
        assert "doctor" not in allowed(members, action, facility), action
