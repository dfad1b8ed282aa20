"""Counts for the municipality and the patients' indicators: numbers only, small counts suppressed, refused to
professionals, computed per municipality and fiscal year."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from renkei.careteams.models import DeathRecord, TeamRole
from renkei.careteams.selectors import counts
from renkei.careteams.selectors.counts import counts_table, register_count, suppressed
from renkei.core.models import AuditEntry, Organization, Role
from renkei.indicators.models import IndicatorValue, fiscal_year_of
from renkei.indicators.periods import fiscal_year
from renkei.indicators.services.compute import indicators_compute
from tests.conftest import client_for
from tests.factories import MembershipFactory, MunicipalityFactory, OrganizationFactory, PrefectureFactory

from .factories import ConsentFactory, EmergencySheetFactory, PatientFactory, professional, team_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    """福知山市 with six patients: five with a team, two with consent, one sheet, one backup doctor, three deaths
    this fiscal year (two at home, one of them where wished); and 舞鶴市 with one patient."""
    kyoto = PrefectureFactory(code="26", name="京都府")
    home = MunicipalityFactory(jis_code="26201", name="福知山市", prefecture=kyoto)
    other = MunicipalityFactory(jis_code="26202", name="舞鶴市", prefecture=kyoto)
    office = OrganizationFactory(kind=Organization.Kind.CARE_MANAGEMENT_OFFICE, municipality=home, prefecture=kyoto)
    manager = professional(organization=office)
    patients = [PatientFactory(registered_by=manager, municipality=home) for _ in range(6)]
    patients[5].care_team.members.update(ended_on=timezone.localdate() - dt.timedelta(days=2))  # no current member
    ConsentFactory(patient=patients[0])
    ConsentFactory(patient=patients[1])
    ConsentFactory(patient=patients[2], withdrawn_at=timezone.now() - dt.timedelta(days=1))
    EmergencySheetFactory(patient=patients[0], number=1)
    team_with(patients[0], professional(kind=Organization.Kind.CLINIC), TeamRole.BACKUP_DOCTOR)
    today = timezone.localdate()
    for patient, place, matched in ((patients[2], "home", "yes"), (patients[3], "home", "unknown"),
                                    (patients[4], "hospital", "no")):
        DeathRecord.objects.create(patient=patient, died_on=today, place=place, matched_wish=matched,
                                   recorded_by=manager)
    PatientFactory(municipality=other, registered_by=professional(organization=OrganizationFactory(
        kind=Organization.Kind.CLINIC, municipality=other, prefecture=kyoto)))
    city_office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=home, prefecture=kyoto)
    pref_office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=kyoto)
    return {"home": home, "other": other, "manager": manager,
            "staff": MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=city_office),
            "coordinator": MembershipFactory(role=Role.COORDINATOR, organization=city_office),
            "prefecture": MembershipFactory(role=Role.PREFECTURE_STAFF, organization=pref_office)}


def _values(table, municipality) -> dict:
    row = next(r for r in table.rows if r["municipality"] == municipality)
    return {c.key: v for c, v in zip(table.columns, row["values"], strict=True)}


def test_the_municipality_sees_its_counts(city):
    table = counts_table(city["staff"])
    assert [r["municipality"] for r in table.rows] == [city["home"]]
    assert _values(table, city["home"]) == {
        "careteams.with_team": 2, "careteams.with_consent": 2, "careteams.with_sheet": 1,
        "careteams.with_backup_doctor": 1, "careteams.deaths": 3, "careteams.deaths_at_home": 2,
        "careteams.deaths_where_wished": 1,
        # provision's (no enrolment, admission or cover group here)
        "provision.enrolled": 0, "provision.admissions": 0, "provision.nights_without_cover": 0}
    # Patients 2–4 died today: no longer counted as patients; patient 5's team has no current member.


def test_small_counts_are_shown_as_under_five_and_zero_as_zero():
    assert [suppressed(n) for n in (0, 1, 4, 5, 12, None)] == ["0", "<5", "<5", "5", "12", ""]


def test_the_page_shows_only_suppressed_numbers_and_no_patient(city):
    response = client_for(city["coordinator"]).get(reverse("careteams:counts"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;5" in html and "試験 花子" not in html and "シケン" not in html
    assert AuditEntry.objects.filter(permission="careteams.view_counts", action="read").exists()


def test_the_prefecture_sees_each_of_its_municipalities(city):
    table = counts_table(city["prefecture"])
    names = [r["municipality"].name for r in table.rows]
    assert names[:2] == ["福知山市", "舞鶴市"]  # by code; every municipality of the prefecture has its row
    assert _values(table, city["other"])["careteams.with_team"] == 1


@pytest.mark.parametrize("who", ["manager", "professional"])
def test_professionals_see_no_counts_page(city, who):
    membership = city["manager"] if who == "manager" else professional()
    assert client_for(membership).get(reverse("careteams:counts")).status_code == 403
    assert AuditEntry.objects.filter(action="refuse", permission="careteams.view_counts").exists()


def test_a_bad_year_shows_the_current_one(city):
    response = client_for(city["staff"]).get(reverse("careteams:counts"), {"year": "abc"})
    assert response.status_code == 200
    assert response.context["table"].period.fiscal_year == fiscal_year_of(timezone.localdate())


def test_last_years_deaths_are_not_in_this_years_counts(city):
    last = fiscal_year(fiscal_year_of(timezone.localdate()) - 1)
    assert counts.count_deaths([city["home"].pk], last) == {}


def test_another_app_adds_its_count(city, monkeypatch):
    monkeypatch.setattr(counts, "_counts", dict(counts._counts))
    register_count("another_app.count", "with something else",
                   lambda ids, period: dict.fromkeys(ids, 7), order=35)
    table = counts_table(city["staff"])
    assert [c.key for c in table.columns].index("another_app.count") == 3
    assert _values(table, city["home"])["another_app.count"] == 7


# --- the indicators --------------------------------------------------------------------------------

def _current(code, municipality):
    return IndicatorValue.objects.get(definition__code=code, definition__is_builtin=True,
                                      area_key=f"M{municipality.code}", is_current=True)


def test_the_indicators_are_computed_per_municipality_and_fiscal_year(city):
    indicators_compute(municipality=city["home"])
    assert _current("ZT-C-P07", city["home"]).value == 2
    assert _current("ZT-C-P08", city["home"]).value == 2
    assert _current("ZT-E-P03", city["home"]).value == 1
    assert _current("ZT-E-S05", city["home"]).value == 1
    home_deaths = _current("ZT-T-O06", city["home"])
    assert (home_deaths.numerator, home_deaths.denominator) == (2, 3)
    wished = _current("ZT-T-O07", city["home"])
    assert (wished.numerator, wished.denominator, wished.value) == (1, 2, Decimal("50"))


def test_a_municipality_without_patients_gets_no_patient_indicator(city):
    empty = MunicipalityFactory(jis_code="26203", prefecture=city["home"].prefecture)
    indicators_compute(municipality=empty)
    assert not IndicatorValue.objects.filter(area_key=f"M{empty.code}", definition__code__in=[
        "ZT-C-P07", "ZT-E-P03", "ZT-T-O06", "ZT-T-O07"]).exists()
