"""The demo municipality (京都府福知山市) built by `renkei demo`."""

import pytest
from django.core.management import call_command
from django.db import transaction

from renkei.core.models import (
    AreaGroup,
    DailyLivingArea,
    Membership,
    Municipality,
    Organization,
    Role,
    TOTPDevice,
    User,
)
from renkei.core.services.accounts import TWO_FACTOR_REQUIRED_ROLES
from renkei.core.services.demo import DAILY_LIVING_AREAS, DEMO_PASSWORD, build_demo


def _describe() -> dict:
    return {
        "organizations": sorted(Organization.objects.values_list("kind", "name", "kana", "postal_code", "address",
                                                                 "phone")),
        "users": sorted(User.objects.values_list("email", "display_name", "kana")),
        "memberships": sorted(Membership.objects.values_list("user__email", "organization__name", "role",
                                                             "profession")),
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Two builds, each in a database without the demo; the second is kept for the module, then rolled back."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            build_demo()
            first = _describe()
            transaction.set_rollback(True)
        with transaction.atomic():
            logins = build_demo()
            yield {"first": first, "second": _describe(), "logins": logins}
            transaction.set_rollback(True)


@pytest.fixture
def built(demo, db):
    return demo


def test_the_demo_builds_fukuchiyamas_daily_living_areas(built):
    city = Municipality.objects.get(code="262013")
    assert list(DailyLivingArea.objects.filter(municipality=city).values_list("name", flat=True)) == [
        name for name, _kana, _description in DAILY_LIVING_AREAS]


def test_the_demo_groups_fukuchiyama_with_its_secondary_medical_area(built):
    group = AreaGroup.objects.get(name="中丹医療圏")
    assert set(group.municipalities.values_list("name", flat=True)) == {"綾部市", "福知山市", "舞鶴市"}


def test_the_demo_has_an_organization_of_every_kind(built):
    assert set(Organization.objects.values_list("kind", flat=True)) == set(Organization.Kind.values)


def test_demo_organizations_are_in_fukuchiyama_except_the_prefecture_office(built):
    outside = Organization.objects.exclude(municipality__code="262013")
    assert list(outside.values_list("kind", "municipality")) == [("prefecture_office", None)]
    assert not Organization.objects.filter(municipality__code="262013").exclude(address__startswith="京都府福知山市")\
        .exists()


def test_the_demo_has_a_user_for_every_role(built):
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.count() == len(built["logins"]) == 9


def test_demo_users_whose_role_needs_a_second_factor_have_a_device(built):
    needing = User.objects.filter(memberships__role__in=TWO_FACTOR_REQUIRED_ROLES).distinct()
    assert needing.count() == TOTPDevice.objects.count() == 6
    assert not needing.filter(totp_device__isnull=True).exists()
    assert {login.email for login in built["logins"] if login.totp_secret} == set(
        needing.values_list("email", flat=True))


def test_demo_users_log_in_with_the_printed_password(built, client):
    response = client.post("/login/", {"username": "city@demo.renkei.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_demo_is_the_same_every_time_it_is_built(built):
    assert built["first"] == built["second"]
    assert len(built["first"]["organizations"]) == 58


def test_building_the_demo_again_changes_nothing(built):
    before = _describe()
    logins = build_demo()
    assert logins == built["logins"]
    assert _describe() == before


def test_the_audit_log_verifies_after_the_demo(built, capsys):
    call_command("audit", "verify")
    assert "audit log intact" in capsys.readouterr().out
