"""core.concurrency: versions, the version in forms and ETags, and the conflict screen of an organization."""

import pytest
from django.urls import reverse

from renkei.core.concurrency import StaleEdit, lock_checked, parse_version
from renkei.core.models import AuditEntry, Organization, Role
from renkei.core.services.organizations import organization_save

from ..factories import OrganizationFactory


@pytest.mark.parametrize(("value", "expected"), [
    ("3", 3), ('"3"', 3), ('W/"12"', 12), (7, 7), ("", None), (None, None), ("abc", None), ('"-1"', None),
    (True, None), ("9" * 20, None),
])
def test_a_version_is_read_from_a_form_field_a_body_or_an_etag(value, expected):
    assert parse_version(value) == expected


@pytest.mark.django_db
def test_a_new_row_starts_at_version_one_and_each_save_adds_one(municipality):
    organization = OrganizationFactory(municipality=municipality)
    assert organization.version == 1
    organization.name = "新しい名前"
    organization.save(update_fields=["name"])  # update_fields still write the version
    organization.refresh_from_db()
    assert (organization.name, organization.version) == ("新しい名前", 2)


@pytest.mark.django_db
def test_lock_checked_refuses_an_older_version_and_reports_the_stored_one(municipality):
    organization = OrganizationFactory(municipality=municipality, name="元の名前")
    Organization.objects.filter(pk=organization.pk).update(name="他の人の名前", version=2)
    with pytest.raises(StaleEdit) as raised:
        lock_checked(organization, 1)
    assert (raised.value.expected_version, raised.value.current_version) == (1, 2)
    assert raised.value.current.name == "他の人の名前"


@pytest.mark.django_db
def test_a_save_without_an_expected_version_follows_the_stored_version(municipality):
    organization = OrganizationFactory(municipality=municipality)
    Organization.objects.filter(pk=organization.pk).update(version=5)
    organization.name = "新しい名前"
    organization_save(organization=organization)  # no check: last write wins, but the version still moves on
    organization.refresh_from_db()
    assert organization.version == 6


@pytest.mark.django_db
def test_an_organization_edited_from_an_older_form_shows_the_conflict_screen(make_membership, municipal_office,
                                                                           login_as):
    me = make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)
    colleague = make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)
    target = OrganizationFactory(municipality=municipal_office.municipality, name="福知山訪問看護ステーション",
                                 kind=Organization.Kind.VISITING_NURSING_STATION)
    url = reverse("core:organization_edit", kwargs={"pk": target.pk})
    data = {"kind": target.kind, "kana": "", "municipality_code": municipal_office.municipality.code, "version": 1}
    assert login_as(colleague).post(url, {**data, "name": "ふくちやま訪問看護"}).status_code == 302
    entries = AuditEntry.objects.count()

    response = login_as(me).post(url, {**data, "name": "福知山訪問看護"})

    assert response.status_code == 409
    body = response.content.decode()
    assert "ふくちやま訪問看護" in body and "福知山訪問看護" in body and 'name="version" value="2"' in body
    target.refresh_from_db()
    assert target.name == "ふくちやま訪問看護" and AuditEntry.objects.count() == entries
