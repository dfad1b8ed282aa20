"""indicators_compute, its job and `renkei indicators compute`: what is written, and at what cost."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from renkei.core.models import Job, Municipality, Role
from renkei.directory.jobs import schedule_coverage_recompute
from renkei.directory.models import CoverageRun
from renkei.indicators.areas import Area
from renkei.indicators.cli import compute as compute_cli
from renkei.indicators.jobs import COMPUTE_JOB, schedule_indicators_compute
from renkei.indicators.library import POPULATION_75_PLUS
from renkei.indicators.models import IndicatorValue, Origin, PeriodType
from renkei.indicators.periods import fiscal_year, parse_period, period_of
from renkei.indicators.services.compute import indicators_compute, periods_to_compute
from tests.factories import FacilityFactory, MunicipalityFactory, OrganizationFactory, set_details

from .factories import DefinitionFactory, builtin, record

TODAY = dt.date(2026, 12, 6)


def this_year():
    return period_of(timezone.localdate(), PeriodType.FISCAL_YEAR)


def current(code, key):
    return IndicatorValue.objects.get(definition=builtin(code), area_key=key, is_current=True)


@pytest.fixture
def directory(municipality, other_municipality):
    """Two municipalities of 京都府 with clinics, one 24-hour nursing station and their population aged 75+."""
    for m, clinics in ((municipality, 2), (other_municipality, 1)):
        for _ in range(clinics):
            set_details(FacilityFactory(municipality=m), scheduled_home_visit=True, home_care_support_certified=True)
        record(builtin(POPULATION_75_PLUS), Area.of_municipality(m), this_year(), numerator=10000)
    set_details(FacilityFactory(municipality=municipality, kind="visiting_nursing_station"), round_the_clock=True)
    return municipality


def test_computing_a_municipality_writes_its_computed_indicators(directory):
    result = indicators_compute(municipality=directory)
    assert result.counts["created"] > 0 and result.counts["corrected"] == 0
    value = current("ZT-D-S01", "M262013")
    assert value.origin == Origin.COMPUTED and value.period_start == this_year().start
    assert (value.numerator, value.denominator, value.value) == (2, 10000, Decimal("20"))
    assert current("ZT-D-S02", "M262013").value == 2
    assert current("ZT-E-S02", "M262013").value == 100
    assert not IndicatorValue.objects.filter(area_key="M262021", origin=Origin.COMPUTED).exists()  # not asked
    assert not IndicatorValue.objects.filter(area_level="prefecture").exists()


def test_computing_again_writes_nothing(directory):
    first = indicators_compute(municipality=directory)
    rows = IndicatorValue.objects.count()
    again = indicators_compute(municipality=directory)
    assert again.counts["created"] == again.counts["corrected"] == 0
    assert again.counts["unchanged"] == first.counts["created"]
    assert IndicatorValue.objects.count() == rows


def test_a_change_in_the_directory_corrects_the_value_and_keeps_the_old_one(directory):
    indicators_compute(municipality=directory)
    old = current("ZT-D-S02", "M262013")
    set_details(FacilityFactory(municipality=directory), home_care_support_certified=True)
    result = indicators_compute(municipality=directory)
    new = current("ZT-D-S02", "M262013")
    assert new.value == 3 and result.counts["corrected"] >= 2  # the count and the rate per 75+
    old.refresh_from_db()
    assert old.is_current is False and old.superseded_by_id == new.pk and old.value == 2


def test_a_prefecture_gets_the_sum_of_its_municipalities(directory):
    result = indicators_compute(prefecture=directory.prefecture)
    assert result.municipalities == 2
    assert current("ZT-D-S02", "P26").value == 3
    prefecture_rate = current("ZT-D-S01", "P26")
    assert (prefecture_rate.numerator, prefecture_rate.denominator) == (3, 20000)
    # 舞鶴市 has no nursing station: no share, so the prefecture's share is not a sum of all of them.
    assert not IndicatorValue.objects.filter(definition=builtin("ZT-E-S02"), area_key="P26").exists()


def test_an_inactive_or_providerless_definition_is_skipped(directory):
    builtin("ZT-D-S03").__class__.objects.filter(code="ZT-D-S02").update(is_active=False)
    DefinitionFactory(code="OWN-1", origin=Origin.COMPUTED, provider="nobody.registered_this")
    result = indicators_compute(municipality=directory)
    assert not IndicatorValue.objects.filter(definition__code="ZT-D-S02").exists()
    assert result.without_provider == ["OWN-1"]


def test_a_past_fiscal_year_is_computed_for_that_year(directory):
    year = fiscal_year(this_year().fiscal_year - 1)
    from renkei.directory.models import CollaborationDetail

    CollaborationDetail.objects.update(confirmed_on=year.start)
    result = indicators_compute(municipality=directory, period=year.key)
    assert result.periods[0] == year.key  # then the year's months, for monthly definitions (ZT-C-P02)
    assert IndicatorValue.objects.get(definition__code="ZT-D-S02", area_key="M262013").period_start == year.start


def test_staff_of_another_municipality_may_not_compute_it(directory, other_municipality, make_membership):
    outsider = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(municipality=other_municipality))
    with pytest.raises(PermissionDenied):
        indicators_compute(municipality=directory, membership=outsider)
    assert not IndicatorValue.objects.filter(origin=Origin.COMPUTED).exists()


def test_the_municipalitys_staff_may_and_are_recorded_as_who(directory, make_membership):
    staff = make_membership(Role.MUNICIPAL_STAFF)
    indicators_compute(municipality=directory, membership=staff)
    assert current("ZT-D-S02", "M262013").recorded_by == staff.user


def _reads_and_updates(queries) -> int:
    """Queries other than row inserts (SQLite splits a bulk insert in batches of its parameter limit)."""
    return sum(1 for q in queries if not q["sql"].lstrip().upper().startswith("INSERT"))


def test_a_prefecture_is_computed_in_the_same_number_of_queries_whatever_its_size(
        directory, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        indicators_compute(prefecture=directory.prefecture)
    for n in range(6):
        m = MunicipalityFactory(jis_code=f"26{300 + n}")
        set_details(FacilityFactory(municipality=m), scheduled_home_visit=True, home_care_support_certified=True)
        record(builtin(POPULATION_75_PLUS), Area.of_municipality(m), this_year(), numerator=5000)
    IndicatorValue.objects.filter(origin=Origin.COMPUTED).delete()
    with django_assert_max_num_queries(85) as eight:  # 40 before careteams', 50 before handoff's, 60 before consult's,
        # 75 before the joint projects' shares (their projects and the 65+ population they divide by)
        result = indicators_compute(prefecture=directory.prefecture)
    assert result.municipalities == 8 and result.counts["created"] > 40
    assert _reads_and_updates(eight.captured_queries) == _reads_and_updates(two.captured_queries)


def test_monthly_definitions_compute_each_begun_month_of_a_fiscal_year():
    year = fiscal_year(2026)
    months = periods_to_compute(PeriodType.MONTH, year, TODAY)
    assert [p.key for p in months] == [f"2026-{m:02d}" for m in range(4, 13)]
    assert [p.key for p in periods_to_compute(PeriodType.QUARTER, year, TODAY)] == ["2026Q1", "2026Q2", "2026Q3"]
    assert periods_to_compute(PeriodType.FISCAL_YEAR, parse_period("2026-05"), TODAY) == []
    assert [p.key for p in periods_to_compute(PeriodType.MONTH, None, TODAY)] == ["2026-12"]
    assert [p.key for p in periods_to_compute(PeriodType.FISCAL_YEAR, None, TODAY)] == ["FY2026"]


# --- the job --------------------------------------------------------------------------------------

def test_the_compute_job_runs_and_reports_its_counts(directory):
    job = schedule_indicators_compute(municipality=directory)
    job.refresh_from_db()
    assert job.kind == COMPUTE_JOB and job.status == Job.Status.SUCCEEDED
    assert job.result["created"] == IndicatorValue.objects.filter(origin=Origin.COMPUTED).count() > 0


def test_a_coverage_recomputation_queues_the_indicators_of_its_municipality(directory):
    schedule_coverage_recompute([directory.pk])
    assert CoverageRun.objects.filter(municipality=directory, status=CoverageRun.Status.DONE).exists()
    job = Job.objects.get(kind=COMPUTE_JOB)
    assert job.arguments == {"municipality_id": directory.pk} and job.status == Job.Status.SUCCEEDED
    assert current("ZT-D-S02", "M262013").value == 2


# --- the command ----------------------------------------------------------------------------------

def run(**options):
    command = BaseCommand(stdout=io.StringIO(), stderr=io.StringIO())
    compute_cli.handle(command, **options)
    return command.stdout.getvalue()


def test_the_command_computes_a_municipality_and_prints_the_counts(directory):
    out = run(municipality="262013", period="")
    assert "福知山市" in out and "created" in out
    assert current("ZT-D-S02", "M262013").value == 2
    assert "created 0, corrected 0" in run(municipality="26201")  # 5-digit JIS code, second run


def test_the_command_computes_a_prefecture_for_a_fiscal_year_in_wareki(directory):
    from renkei.directory.models import CollaborationDetail

    CollaborationDetail.objects.update(confirmed_on=dt.date(2025, 4, 1))
    out = run(prefecture="26", period="令和7年度")
    assert "FY2025" in out
    assert IndicatorValue.objects.filter(area_key="P26", period_start=dt.date(2025, 4, 1)).exists()


@pytest.mark.parametrize(("options", "words"), [
    ({"municipality": "999999"}, ("999999", "見つかりません", "Unknown municipality")),
    ({"municipality": "abc"}, ("abc", "Unknown municipality")),
    ({"prefecture": "77"}, ("77", "都道府県コード", "Unknown prefecture")),
    ({"municipality": "262013", "period": "FY20x4"}, ("FY20x4", "読めません", "Cannot read the period")),
])
def test_the_command_refuses_unknown_codes_and_bad_periods_with_exit_code_1(directory, options, words):
    with pytest.raises(CommandError) as refused:
        run(**options)
    assert refused.value.returncode == 1
    assert all(word in str(refused.value) for word in words)


def test_the_command_refuses_a_municipality_outside_the_prefecture_given(directory):
    MunicipalityFactory(jis_code="27100", prefecture__code="27", prefecture__name="大阪府")
    with pytest.raises(CommandError) as refused:
        run(municipality="262013", prefecture="27")
    assert refused.value.returncode == 1


def test_the_management_command_dispatches_to_compute(directory):
    pytest.importorskip("renkei.indicators.cli.imports")  # written by the imports helper
    from django.core.management import call_command

    out = io.StringIO()
    call_command("indicators", "compute", "--municipality", "262013", stdout=out)
    assert "created" in out.getvalue()
    assert Municipality.objects.get(code="262013").name == "福知山市"
