"""Each role lands on its own dashboard."""

import pytest

from renkei.core.models import Organization, Role
from tests.factories import MembershipFactory, OrganizationFactory, TOTPDeviceFactory

pytestmark = pytest.mark.django_db


def test_municipal_staff_see_resources_by_kind_with_gaps_as_zero(login_as, municipality):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality)
    OrganizationFactory(kind=Organization.Kind.PHARMACY, municipality=municipality)
    OrganizationFactory(kind=Organization.Kind.PHARMACY, municipality=municipality)
    response = login_as(MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)).get("/")
    rows = {row["kind"]: row["count"] for row in response.context["summary"]["organizations_by_kind"]}
    assert rows[Organization.Kind.PHARMACY] == 2
    assert rows[Organization.Kind.VISITING_NURSING_STATION] == 0
    assert len(rows) == len(Organization.Kind.choices)


def test_system_administrators_see_who_still_lacks_a_second_factor(login_as, municipality):
    office = OrganizationFactory(municipality=municipality)
    admin = MembershipFactory(role=Role.SYSTEM_ADMIN, organization=office)
    TOTPDeviceFactory(user=admin.user)
    MembershipFactory(role=Role.PROFESSIONAL, organization=office)  # no device yet
    MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)  # not required
    summary = login_as(admin).get("/").context["summary"]
    assert summary["users_without_two_factor"] == 1
    assert summary["role_template"] == "core/_home_system_admin.html"


def test_professionals_get_the_care_team_panel_and_no_audit_log(login_as, municipality):
    response = login_as(MembershipFactory(role=Role.PROFESSIONAL)).get("/")
    assert response.status_code == 200
    assert "recent_audit" not in response.context["summary"]
    assert "core/_home_professional.html" in [t.name for t in response.templates]


def test_prefecture_staff_see_their_prefecture(login_as, municipality):
    pref_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                      prefecture=municipality.prefecture)
    OrganizationFactory(kind=Organization.Kind.HOSPITAL, municipality=municipality)
    summary = login_as(MembershipFactory(role=Role.PREFECTURE_STAFF, organization=pref_office)).get("/").context[
        "summary"]
    rows = {row["kind"]: row["count"] for row in summary["organizations_by_kind"]}
    assert rows[Organization.Kind.HOSPITAL] == 1
    assert rows[Organization.Kind.PREFECTURE_OFFICE] == 1


def test_create_admin_makes_a_system_administrator_in_the_municipality_office(municipality, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("RENKEI_ADMIN_PASSWORD", "First-Admin-Pass-7!")
    call_command("create-admin", "Chief@City.example.jp", municipality.code, "--name", "管理者")
    membership = MembershipFactory._meta.model.objects.get(user__email="chief@city.example.jp")
    assert membership.role == Role.SYSTEM_ADMIN
    assert membership.organization.kind == Organization.Kind.MUNICIPALITY_OFFICE
    assert membership.user.check_password("First-Admin-Pass-7!")


def test_create_admin_refuses_a_weak_password(municipality, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("RENKEI_ADMIN_PASSWORD", "password")
    with pytest.raises(CommandError):
        call_command("create-admin", "weak@city.example.jp", municipality.code)
    assert not MembershipFactory._meta.model.objects.filter(user__email="weak@city.example.jp").exists()
