"""Reach (by profession, by organization, the facilities never reached), the indicator providers and the API."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from renkei.indicators.periods import fiscal_year
from renkei.indicators.registry import provider
from renkei.training.indicators import attendances, medical_profession_share, sessions_held
from renkei.training.models import Attendance
from renkei.training.selectors.series_reach import reach, reach_years
from tests.conftest import client_for
from tests.factories import FacilityFactory, MunicipalityFactory
from tests.i18n import ja, ja_plural

from .factories import RegistrationFactory, SeriesFactory, SessionFactory, attended

pytestmark = pytest.mark.django_db


def _held(series, days_ago=10, **kwargs):
    return SessionFactory(series=series, starts_at=timezone.now() - dt.timedelta(days=days_ago), **kwargs)


@pytest.fixture
def year_world(world):
    """FY2025: a doctor of the clinic at one session; FY2026 (the world's series): a nurse of the hospital at two
    sessions, the same doctor once, someone as written once; a cancelled session and an absence count nowhere."""
    old = SeriesFactory(municipality=world.municipality, fiscal_year=2025)
    old_session = _held(old, days_ago=400)
    attended(RegistrationFactory(series=old, name="医師 一郎", profession="doctor", facility=world.clinic),
             old_session)
    series = world.series
    extra = _held(series, days_ago=5)
    cancelled = _held(series, days_ago=3, status="cancelled")
    nurse = RegistrationFactory(series=series, name="看護 花子", profession="nurse", facility=world.hospital)
    doctor = RegistrationFactory(series=series, name="医師 一郎", profession="doctor", facility=world.clinic)
    written = RegistrationFactory(series=series, name="書 太郎", profession="care_manager",
                                  organization_name="手書きケアプラン")
    for session in (world.first_session, extra):
        attended(nurse, session)
    attended(doctor, world.first_session)
    attended(written, extra)
    attended(doctor, cancelled)
    Attendance.objects.create(registration=written, session=world.first_session, attended=False)
    attended(nurse, world.second_session)  # not started yet: not counted
    FacilityFactory(kind="pharmacy", name="未到達薬局", municipality=world.municipality)
    FacilityFactory(kind="clinic", name="閉院クリニック", municipality=world.municipality, status="closed")
    return world


def test_reach_counts_people_and_attendances_by_year_and_profession(year_world):
    table = reach(year_world.municipality, 2025, 2026)
    assert [code for code, _ in table.professions] == ["doctor", "nurse", "care_manager"]
    cell = table.by_year[2026]
    assert (cell["nurse"].people, cell["nurse"].attendances) == (1, 2)
    assert (cell["doctor"].people, cell["doctor"].attendances) == (1, 1)
    assert (table.by_year[2025]["doctor"].people, table.by_year[2025]["nurse"].people) == (1, 0)
    assert (table.totals[2026].people, table.totals[2026].attendances) == (3, 4)


def test_reach_by_organization_and_the_facilities_never_reached(year_world):
    table = reach(year_world.municipality, 2026, 2026)
    assert [(o["name"], o["people"], o["attendances"]) for o in table.organizations] == [
        ("試験市民病院", 1, 2), ("みどり在宅クリニック", 1, 1), ("手書きケアプラン", 1, 1)]
    kinds = {k["key"]: k for k in table.kinds}
    assert (kinds["clinic"]["open"], kinds["clinic"]["reached"], kinds["clinic"]["share"]) == (1, 1, 100.0)
    assert (kinds["pharmacy"]["open"], kinds["pharmacy"]["reached"]) == (1, 0)
    assert kinds["dental_clinic"]["share"] is None
    assert [f.name for f in table.never_reached] == ["試験居宅介護支援事業所", "未到達薬局"]


def test_reach_reads_in_three_queries(year_world, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        reach(year_world.municipality, 2020, 2026)


def test_the_reach_page_names_unreached_facilities_to_staff_and_counts_them_for_the_prefecture(year_world):
    url = f"/training/reach/?municipality={year_world.municipality.code}&from=2025&to=2026"
    staff = client_for(year_world.official).get(url).content.decode()
    assert "未到達薬局" in staff and "reach-chart-data" in staff
    prefecture = client_for(year_world.prefecture).get(url)
    assert prefecture.status_code == 200 and "未到達薬局" not in prefecture.content.decode()
    never = ja_plural("%(n)s open facility never sent anyone in this period.",
                      "%(n)s open facilities never sent anyone in this period.", 2, n=2)
    assert never in prefecture.content.decode()


def test_a_bad_period_is_explained_not_a_500(world):
    assert reach_years("2027", "2025", 2026)[:2] == (2025, 2025)
    assert reach_years("20x5", None, 2026)[2]
    response = client_for(world.official).get(f"/training/reach/?municipality={world.municipality.code}&from=abc")
    assert response.status_code == 400 and ja("A fiscal year is four digits, e.g. 2026.") in response.content.decode()


def test_the_indicator_providers_count_held_sessions_and_attendances(year_world):
    municipality = year_world.municipality
    period = fiscal_year(2026) if timezone.localdate() >= dt.date(2026, 4, 1) else fiscal_year(2025)
    now = timezone.localdate()
    if not (dt.date(2026, 4, 15) <= now <= dt.date(2027, 3, 20)):
        pytest.skip("the fixture's dates assume the clock is inside fiscal year 2026")
    held = {c.area.municipality: c.numerator for c in sessions_held([municipality], period)}
    assert held[municipality] == 2  # the world's held session and the extra one; not cancelled, not future
    came = {c.area.municipality: c.numerator for c in attendances([municipality], period)}
    assert came[municipality] == 4
    (share,) = medical_profession_share([municipality], period)
    assert (share.numerator, share.denominator) == (1, 4)
    assert provider("training.sessions_held") is sessions_held


def test_a_municipality_without_training_has_zero_sessions_and_no_share(world):
    period = fiscal_year(2026)
    neighbour = world.neighbour_official.organization.municipality
    assert [c.numerator for c in sessions_held([neighbour], period)] == [0]
    assert medical_profession_share([neighbour], period) == []


def test_the_api_lists_series_with_counts_and_no_names(year_world, api_token_for):
    token = api_token_for(year_world.prefecture)
    from django.test import Client

    response = Client().get(f"/api/v1/training/series?municipality={year_world.municipality.code}"
                            "&fiscal_year=2026", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    (series,) = response.json()
    assert series["title"] == "多職種連携研修 入退院支援編" and series["registrations"] == 3
    assert len(series["sessions"]) == 4 and series["attendances"] == 4
    assert "看護 花子" not in json.dumps(response.json(), ensure_ascii=False)


def test_the_api_answers_404_for_an_unknown_municipality(world, api_token_for):
    from django.test import Client

    response = Client().get("/api/v1/training/series?municipality=999999",
                            HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.official)}")
    assert response.status_code == 404


def test_the_api_without_a_municipality_lists_what_the_caller_reads(world, api_token_for):
    from django.test import Client

    tokyo = world.other_prefecture.organization.prefecture
    SeriesFactory(fiscal_year=2026, title="他県の研修", municipality=MunicipalityFactory(prefecture=tokyo))
    url = "/api/v1/training/series?fiscal_year=2026"
    titles = [s["title"] for s in Client().get(
        url, HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.prefecture)}").json()]
    assert titles == ["多職種連携研修 入退院支援編"]
    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.neighbour_official)}").json() == []
