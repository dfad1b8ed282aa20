"""Fixtures of the PDCA tests: a plan of 福知山市 (第9期), its staff, the real logic-model file when present; a
municipality with councils, seats, a meeting, an issue and actions, and the people who look at them."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from renkei.core.models import Organization, Role
from renkei.pdca.models import Action, Council, CouncilMember, Issue, Meeting
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

@pytest.fixture(autouse=True)
def _materials_in_tmp(settings, tmp_path):
    """Meeting materials land in a temporary data directory."""
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def councils(db, municipality):
    """福知山市: a council with a working group, a separate small council; a doctor seated on the council, a
    nurse seated on the WG only, a professional without a seat; staff of the city and of another city."""
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, name="福知山市役所",
                                 municipality=municipality)
    clinic = OrganizationFactory(kind=Organization.Kind.CLINIC, name="みどり診療所", municipality=municipality)
    station = OrganizationFactory(kind=Organization.Kind.VISITING_NURSING_STATION, name="ひかり訪問看護",
                                  municipality=municipality)
    other_city = MunicipalityFactory(jis_code="26202", name="舞鶴市")
    other_office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_city)
    people = SimpleNamespace(
        staff=MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office, user__display_name="市 職員"),
        coordinator=MembershipFactory(role=Role.COORDINATOR, organization=office),
        doctor=MembershipFactory(role=Role.PROFESSIONAL, profession="doctor", organization=clinic,
                                 user__display_name="山田 医師"),
        nurse=MembershipFactory(role=Role.PROFESSIONAL, profession="visiting_nurse", organization=station,
                                user__display_name="佐藤 看護師"),
        unseated=MembershipFactory(role=Role.PROFESSIONAL, profession="pharmacist", organization=clinic),
        other_staff=MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=other_office),
    )
    council = Council.objects.create(municipality=municipality, name="在宅医療・介護連携推進協議会")
    wg = Council.objects.create(municipality=municipality, parent=council, kind=Council.Kind.WORKING_GROUP,
                                name="入退院支援部会")
    small = Council.objects.create(municipality=municipality, kind=Council.Kind.SMALL_COUNCIL, name="北部小さな協議体")
    doctor_seat = CouncilMember.objects.create(council=council, organization=clinic, membership=people.doctor,
                                               person_name="山田 医師", profession="doctor",
                                               position=CouncilMember.Position.CHAIR)
    CouncilMember.objects.create(council=council, organization_note="福知山医師会", person_name="田中",
                                 profession="doctor")
    CouncilMember.objects.create(council=wg, organization=station, membership=people.nurse, profession="visiting_nurse")
    meeting = Meeting.objects.create(council=council, title="令和8年度 第1回協議会", held_on=dt.date(2026, 6, 10),
                                     agenda="開会\n入退院支援の現状\n閉会", status=Meeting.Status.HELD)
    meeting.attendees.set([doctor_seat])
    small_meeting = Meeting.objects.create(council=small, title="北部の集い", held_on=dt.date(2026, 7, 1))
    issue = Issue.objects.create(municipality=municipality, council=council, raised_at=meeting,
                                 scene="admission_discharge", title="退院調整もれが多い")
    today = timezone.localdate()
    overdue = Action.objects.create(municipality=municipality, meeting=meeting, issue=issue,
                                    title="退院調整ルールの周知", owner=people.doctor, owner_organization=clinic,
                                    due_on=today - dt.timedelta(days=3))
    soon = Action.objects.create(municipality=municipality, meeting=meeting, title="病院への説明会",
                                 owner=people.doctor, due_on=today + dt.timedelta(days=5))
    later = Action.objects.create(municipality=municipality, meeting=meeting, title="来年度の研修計画",
                                  owner=people.doctor, due_on=today + dt.timedelta(days=60))
    staff_overdue = Action.objects.create(municipality=municipality, meeting=small_meeting, title="集いの報告",
                                          owner=people.staff, due_on=today - dt.timedelta(days=1))
    return SimpleNamespace(
        municipality=municipality, office=office, clinic=clinic, station=station, other_city=other_city,
        council=council, wg=wg, small=small, doctor_seat=doctor_seat, meeting=meeting, small_meeting=small_meeting,
        issue=issue, overdue=overdue, soon=soon, later=later, staff_overdue=staff_overdue, **vars(people))


@pytest.fixture
def indicators(councils):
    """Two indicators the issue names: one behind its target (FY2025 value), one without a target."""
    from decimal import Decimal

    from renkei.indicators.areas import Area
    from renkei.indicators.models import IndicatorDefinition, IndicatorTarget, IndicatorTargetYear, Origin
    from renkei.indicators.periods import fiscal_year
    from renkei.indicators.services.values import ValueInput, values_record

    home_deaths = IndicatorDefinition.objects.create(
        code="EOL-01", name_ja="在宅死亡率", kind="outcome", scenes=["end_of_life"], unit="%", decimals=1,
        higher_is_better=True, data_source="人口動態統計", vintage_note="毎年9月公表", origin=Origin.IMPORTED)
    handoffs = IndicatorDefinition.objects.create(
        code="AD-02", name_ja="退院調整実施率", kind="process", scenes=["admission_discharge"], unit="%", decimals=1,
        higher_is_better=True, data_source="Renkei", origin=Origin.COMPUTED)
    area = Area.of_municipality(councils.municipality)
    values_record(items=[
        ValueInput(definition=home_deaths, area=area, period=fiscal_year(2024), value=Decimal("18.2"),
                   source_note="人口動態統計（令和6年）", vintage=dt.date(2025, 9, 1)),
        ValueInput(definition=home_deaths, area=area, period=fiscal_year(2025), value=Decimal("19.5"),
                   source_note="人口動態統計（令和7年）", vintage=dt.date(2026, 9, 1)),
        ValueInput(definition=handoffs, area=area, period=fiscal_year(2025), value=Decimal("71.0")),
    ], origin=Origin.IMPORTED)
    target = IndicatorTarget.objects.create(definition=home_deaths, municipality=councils.municipality,
                                            start_fiscal_year=2024, end_fiscal_year=2026, final_value=Decimal("25"))
    IndicatorTargetYear.objects.create(target=target, fiscal_year=2025, value=Decimal("21.0"))
    councils.issue.indicators.set([home_deaths, handoffs])
    return SimpleNamespace(home_deaths=home_deaths, handoffs=handoffs, target=target)
