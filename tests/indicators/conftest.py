"""Places and members for the indicators' tests: 福知山市 (home) and 舞鶴市 in 京都府, and 東京都."""

from types import SimpleNamespace

import pytest

from renkei.core.models import Organization, Role
from tests.factories import (
    DailyLivingAreaFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    PrefectureFactory,
)


@pytest.fixture
def places(db):
    # These tests count and list definitions exactly: they start without the shipped library (its own tests
    # are in test_library.py).
    from renkei.indicators.models import IndicatorDefinition

    IndicatorDefinition.objects.filter(is_builtin=True, owner_municipality=None, owner_prefecture=None).delete()
    kyoto = PrefectureFactory(code="26", name="京都府")
    tokyo = PrefectureFactory(code="13", name="東京都")
    home = MunicipalityFactory(jis_code="26201", name="福知山市", prefecture=kyoto)
    other = MunicipalityFactory(jis_code="26202", name="舞鶴市", prefecture=kyoto)
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=home)
    other_office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other)
    clinic = OrganizationFactory(kind=Organization.Kind.CLINIC, municipality=home)
    pref_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=kyoto)
    tokyo_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=tokyo)
    members = SimpleNamespace(
        admin=MembershipFactory(role=Role.SYSTEM_ADMIN, organization=office),
        city=MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office),
        coordinator=MembershipFactory(role=Role.COORDINATOR, organization=office),
        other_city=MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=other_office),
        doctor=MembershipFactory(role=Role.PROFESSIONAL, profession="doctor", organization=clinic),
        prefecture=MembershipFactory(role=Role.PREFECTURE_STAFF, organization=pref_office),
        other_prefecture=MembershipFactory(role=Role.PREFECTURE_STAFF, organization=tokyo_office),
    )
    return SimpleNamespace(kyoto=kyoto, tokyo=tokyo, home=home, other=other, members=members,
                           area=DailyLivingAreaFactory(municipality=home, name="中央圏域"))
