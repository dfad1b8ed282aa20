import datetime as dt

import pytest
from django.utils import timezone

from renkei.indicators import registry
from renkei.indicators.library import definition_spec
from renkei.indicators.models import IndicatorDefinition
from renkei.indicators.periods import Period
from renkei.provision.models import CoverGroup, EmergencyAdmission, ShiftKind

from .factories import shift


def _this_year() -> Period:
    today = timezone.localdate()
    start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return Period(start, "fiscal_year")


@pytest.mark.django_db
def test_the_definitions_are_seeded_and_name_registered_providers():
    for code in ("ZT-E-P11", "ZT-E-P12", "ZT-E-P13", "ZT-E-P14"):
        definition = IndicatorDefinition.objects.get(code=code, owner_municipality__isnull=True)
        assert definition.provider == definition_spec(code)["provider"]
        assert registry.provider(definition.provider) is not None


@pytest.mark.django_db
def test_nights_without_cover_count_the_groups_uncovered_nights_since_it_was_created(world):
    today = timezone.localdate()
    CoverGroup.objects.filter(pk=world.group.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    shift(world.group, today - dt.timedelta(days=1), ShiftKind.NIGHT, world.covering)
    provider = registry.provider("provision.nights_without_cover")
    [computed] = provider([world.patient.municipality], _this_year())
    assert (computed.numerator, computed.denominator) == (2, 3)


@pytest.mark.django_db
def test_admissions_enrolments_and_backup_doctors_are_counted_per_municipality(world):
    EmergencyAdmission.objects.create(patient=world.patient, hospital=world.enrolled.organization,
                                      admitted_at=timezone.now(), reason="x", recorded_by=world.enrolled)
    municipalities = [world.patient.municipality]
    period = _this_year()
    [admissions] = registry.provider("provision.emergency_admissions")(municipalities, period)
    [enrolled] = registry.provider("provision.patients_enrolled_with_backup_hospital")(municipalities, period)
    [backup] = registry.provider("provision.patients_with_backup_doctor")(municipalities, period)
    assert admissions.numerator == 1
    assert enrolled.numerator == 1  # the current enrolment; the ended one does not count
    assert (backup.numerator, backup.denominator) == (1, 1)


def test_the_counts_page_shows_provisions_numbers_from_the_same_functions(db):
    """Enrolments, emergency admissions and uncovered nights appear on the municipality's counts page."""
    from renkei.careteams.selectors.counts import counts_table
    from renkei.core.models import Organization, Role
    from tests.factories import MembershipFactory, OrganizationFactory

    from .factories import build_world

    world = build_world()
    municipality = world.patient.municipality
    staff = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality))
    table = counts_table(staff)
    row = next(r for r in table.rows if r["municipality"] == municipality)
    values = {c.key: v for c, v in zip(table.columns, row["values"], strict=True)}
    assert values["provision.enrolled"] == 1  # the enrolled hospital's (the ended one no longer counts)
    assert values["provision.admissions"] == 0
