"""Each municipality's share of a joint project's figures (a two-municipality project: 福知山市 lead, 舞鶴市)."""

import datetime as dt

import pytest
from django.utils import timezone

from renkei.consult import indicators as consult_indicators
from renkei.indicators.areas import Area
from renkei.indicators.library import POPULATION_65_PLUS
from renkei.indicators.models import AreaLevel, IndicatorValue, PeriodType
from renkei.indicators.periods import period_of
from renkei.indicators.services.compute import indicators_compute
from renkei.training import awareness_indicators, indicators
from tests.consult.factories import CaseFactory, DeskFactory
from tests.factories import DailyLivingAreaFactory, FacilityFactory
from tests.indicators.factories import builtin, record
from tests.training.factories import ActivityFactory, RegistrationFactory, SeriesFactory, SessionFactory, attended

from .joint_factories import build_joint


def this_year():
    return period_of(timezone.localdate(), PeriodType.FISCAL_YEAR)


def _ago(days: int):
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def joint(world):
    return build_joint(world)


@pytest.fixture
def joint_series(world, joint):
    """A joint series with two sessions held; and 綾部市's own series with one session held."""
    series = SeriesFactory(municipality=world.fukuchiyama, joint_project=joint.project, fiscal_year=2025)
    sessions = [SessionFactory(series=series, starts_at=_ago(3)), SessionFactory(series=series, starts_at=_ago(2))]
    own = SeriesFactory(municipality=world.ayabe, fiscal_year=2025)
    SessionFactory(series=own, starts_at=_ago(1))
    return series, sessions


def _by_code(values):
    return {v.area.municipality.code if v.area.municipality else "P": v.numerator for v in values}


def test_a_joint_session_counts_for_every_project_municipality(world, joint_series):
    found = _by_code(indicators.sessions_held(world.kyoto_municipalities, this_year()))
    assert found[world.fukuchiyama.code] == 2
    assert found[world.maizuru.code] == 2
    assert found[world.ayabe.code] == 1
    assert found[world.ine.code] == 0


def test_the_providers_prefecture_figure_counts_a_joint_session_once(world, joint_series):
    found = _by_code(indicators.sessions_held(world.kyoto_municipalities, this_year()))
    assert found["P"] == 3  # two joint sessions and 綾部市's own, not 2 + 2 + 1


def test_an_attendance_counts_for_the_attendees_municipality_when_it_is_a_partner(world, joint_series):
    series, sessions = joint_series
    from_maizuru = RegistrationFactory(series=series, facility=FacilityFactory(municipality=world.maizuru))
    attended(from_maizuru, sessions[0])
    attended(from_maizuru, sessions[1])
    found = _by_code(indicators.attendances(world.kyoto_municipalities, this_year()))
    assert found[world.maizuru.code] == 2
    assert found[world.fukuchiyama.code] == 0


def test_an_attendance_from_outside_the_project_counts_for_the_lead(world, joint_series):
    series, sessions = joint_series
    attended(RegistrationFactory(series=series, facility=FacilityFactory(municipality=world.ine)), sessions[0])
    attended(RegistrationFactory(series=series), sessions[0])  # no organization from the directory
    found = _by_code(indicators.attendances(world.kyoto_municipalities, this_year()))
    assert found[world.fukuchiyama.code] == 2
    assert found[world.ine.code] == 0
    assert found[world.maizuru.code] == 0


def test_the_engine_does_not_double_count_joint_sessions_in_the_prefecture_total(world, joint_series):
    indicators_compute(prefecture=world.kyoto, period=this_year())
    key = Area.of_prefecture(world.kyoto).key
    value = IndicatorValue.objects.get(definition=builtin("ZT-C-P04"), area_key=key, is_current=True)
    assert value.value == 3
    municipal = IndicatorValue.objects.get(definition=builtin("ZT-C-P04"), area_key=f"M{world.maizuru.code}",
                                           is_current=True)
    assert municipal.value == 2


def test_computing_one_municipality_writes_no_prefecture_figure(world, joint_series):
    indicators_compute(municipality=world.maizuru, period=this_year())
    assert not IndicatorValue.objects.filter(definition=builtin("ZT-C-P04"),
                                             area_level=AreaLevel.PREFECTURE).exists()


def test_a_joint_activity_counts_for_every_project_municipality_and_once_for_the_prefecture(world, joint):
    ActivityFactory(municipality=world.fukuchiyama, joint_project=joint.project, date=timezone.localdate()
                    - dt.timedelta(days=5), attendance=30)
    found = _by_code(awareness_indicators.awareness_activities(world.kyoto_municipalities, this_year()))
    assert found[world.fukuchiyama.code] == 1
    assert found[world.maizuru.code] == 1
    assert found["P"] == 1


def test_a_joint_activitys_attendance_goes_to_its_daily_living_areas_municipality(world, joint):
    area = DailyLivingAreaFactory(municipality=world.maizuru)
    ActivityFactory(municipality=world.fukuchiyama, joint_project=joint.project, daily_living_area=area,
                    date=timezone.localdate() - dt.timedelta(days=5), attendance=30)
    shares = awareness_indicators.joint_activity_shares(this_year(), project_ids=[joint.project.pk])
    assert shares.attendance == {world.maizuru.pk: 30}


def test_a_joint_activitys_attendance_is_divided_by_population_65_plus(world, joint):
    period = this_year()
    record(builtin(POPULATION_65_PLUS), Area.of_municipality(world.fukuchiyama), period, numerator=20_000)
    record(builtin(POPULATION_65_PLUS), Area.of_municipality(world.maizuru), period, numerator=10_000)
    ActivityFactory(municipality=world.fukuchiyama, joint_project=joint.project,
                    date=timezone.localdate() - dt.timedelta(days=5), attendance=31)
    shares = awareness_indicators.joint_activity_shares(period, project_ids=[joint.project.pk])
    assert shares.attendance == {world.fukuchiyama.pk: 21, world.maizuru.pk: 10}  # 20.67 and 10.33: 1 to the lead


def test_without_population_a_joint_activitys_attendance_is_divided_evenly(world, joint):
    ActivityFactory(municipality=world.fukuchiyama, joint_project=joint.project,
                    date=timezone.localdate() - dt.timedelta(days=5), attendance=31)
    shares = awareness_indicators.joint_activity_shares(this_year(), project_ids=[joint.project.pk])
    assert shares.attendance == {world.fukuchiyama.pk: 16, world.maizuru.pk: 15}


def test_a_joint_desks_cases_count_for_the_cases_municipality(world, joint):
    desk = DeskFactory(municipality=world.fukuchiyama, joint_project=joint.project)
    CaseFactory(desk=desk, municipality=world.maizuru, received_at=_ago(2))
    CaseFactory(desk=desk, received_at=_ago(2))
    found = _by_code(consult_indicators.cases_received(world.kyoto_municipalities,
                                                       period_of(timezone.localdate(), PeriodType.FISCAL_YEAR)))
    assert found[world.fukuchiyama.code] == 1
    assert found[world.maizuru.code] == 1
    assert world.ayabe.code not in found
