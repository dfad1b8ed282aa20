"""Naming the organization's responsible person for personal data (個人情報管理責任者)."""

import pytest
from django.core.exceptions import ValidationError

from renkei.core.models import AuditEntry, Organization, Role
from renkei.core.services.organizations import membership_set_responsible
from tests.conftest import client_for
from tests.factories import MembershipFactory, OrganizationFactory


@pytest.fixture
def clinic(municipality):
    return OrganizationFactory(kind=Organization.Kind.CLINIC, municipality=municipality)


def test_naming_a_responsible_person_is_audited(clinic):
    member = MembershipFactory(role=Role.PROFESSIONAL, organization=clinic)
    membership_set_responsible(membership=member, is_responsible=True)
    member.refresh_from_db()
    assert member.is_responsible_person
    entry = AuditEntry.objects.filter(object_type="core.membership", object_id=str(member.pk),
                                      action="update").latest("seq")
    assert entry.changes == {"is_responsible_person": [False, True]}


def test_an_ended_membership_cannot_be_named(clinic):
    member = MembershipFactory(role=Role.PROFESSIONAL, organization=clinic, is_active=False)
    with pytest.raises(ValidationError):
        membership_set_responsible(membership=member, is_responsible=True)


def test_the_municipal_staff_toggle_it_on_the_organizations_members(clinic, municipal_office):
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=municipal_office)
    member = MembershipFactory(role=Role.PROFESSIONAL, organization=clinic)
    client = client_for(staff)
    page = client.get(f"/organizations/{clinic.pk}/").content.decode()
    assert f"/memberships/{member.pk}/responsible/" in page
    assert client.post(f"/memberships/{member.pk}/responsible/", {"responsible": "1"}).status_code == 302
    member.refresh_from_db()
    assert member.is_responsible_person
    client.post(f"/memberships/{member.pk}/responsible/", {"responsible": "0"})
    member.refresh_from_db()
    assert not member.is_responsible_person


def test_a_professional_cannot_name_themselves_or_others(clinic):
    member = MembershipFactory(role=Role.PROFESSIONAL, organization=clinic)
    colleague = MembershipFactory(role=Role.PROFESSIONAL, organization=clinic)
    client = client_for(member)
    assert client.post(f"/memberships/{colleague.pk}/responsible/", {"responsible": "1"}).status_code == 403
    assert client.post(f"/memberships/{member.pk}/responsible/", {"responsible": "1"}).status_code == 403
    colleague.refresh_from_db()
    assert not colleague.is_responsible_person
