"""Fixtures of the PDCA tests: a plan of 福知山市 (第9期), its staff, and the real logic-model file when present."""

from pathlib import Path

import pytest

from renkei.core.models import Organization, Role
from renkei.pdca.services.plans import plan_period_create
from tests.factories import MembershipFactory, MunicipalityFactory, OrganizationFactory, PrefectureFactory

FUKUCHIYAMA_FILE = Path("/work/shared/data/pdca/fukuchiyama-logic-model.csv")


@pytest.fixture
def staff(make_membership, municipal_office):
    return make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)


@pytest.fixture
def plan(staff, municipality):
    return plan_period_create(membership=staff, municipality=municipality, term_number=9, start_fiscal_year=2024)


@pytest.fixture
def other_staff(other_municipality):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality)
    return MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)


@pytest.fixture
def professional(make_membership):
    return make_membership(Role.PROFESSIONAL)


@pytest.fixture
def prefecture_staff(municipality):
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=municipality.prefecture)
    return MembershipFactory(role=Role.PREFECTURE_STAFF, organization=office)


@pytest.fixture
def other_prefecture_staff(db):
    prefecture = PrefectureFactory(code="13", name="東京都", kana="トウキョウト")
    MunicipalityFactory(jis_code="13101", prefecture=prefecture)
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=prefecture)
    return MembershipFactory(role=Role.PREFECTURE_STAFF, organization=office)


@pytest.fixture
def fukuchiyama_bytes():
    if not FUKUCHIYAMA_FILE.is_file():
        pytest.skip("the 福知山市 logic model file is not present")
    return FUKUCHIYAMA_FILE.read_bytes()


SMALL_FILE = (
    "番号,場面,具体的な施策,成果指標,取り組みの方向性（中間アウトカム）,目指す姿\r\n"
    "1,入退院支援,窓口の明確化,支援を受けた患者数 / 退院カンファレンス実施回数,切れ目のない入退院支援,"
    "全ての市民が安心して暮らす\r\n"
    "2,入退院支援,多職種研修の実施,,,\r\n"
    "3,日常の療養支援,訪問診療医のネットワーク (※医師会に要相談),訪問診療を受けた患者数,望む形で在宅療養ができる,\r\n"
    "4,日常の療養支援,(再)多職種研修の実施(※各職種に要相談),,,\r\n"
    "5,看取り,(再)訪問診療医のネットワーク (※医師会に要相談),在宅看取り数,最期まで望む形で暮らせる,\r\n"
).encode()


@pytest.fixture
def small_file():
    return SMALL_FILE
