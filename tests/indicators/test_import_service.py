"""The import service: all or nothing, authorised per area, corrections keep history, files it cannot read."""

import datetime as dt
from decimal import Decimal

import pytest

from renkei.core.models import AuditEntry, Organization, Role
from renkei.indicators.models import IndicatorImportRun, IndicatorValue
from renkei.indicators.services.imports import indicator_file_import

from ..factories import MembershipFactory, OrganizationFactory
from .import_support import csv_bytes, death_place_definitions, death_place_wide, kyoto_places

pytestmark = pytest.mark.django_db

FUKUCHIYAMA = ("26201 福知山市", [900, 600, 10, 40, 0, 100, 150, 0])
MAIZURU = ("26202 舞鶴市", [1000, 700, 0, 50, 0, 90, 140, 20])
KYOTO = ("26000 京都府", [30000, 20000, 300, 1200, 0, 3500, 4500, 500])
NATION = ("00000 全国", [1576016, 1015000, 20000, 70000, 0, 181000, 268000, 22016])


@pytest.fixture
def places():
    found = kyoto_places()
    death_place_definitions()
    return found


def staff_of(municipality, role=Role.MUNICIPAL_STAFF):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality)
    return MembershipFactory(role=role, organization=office)


def run_import(rows, **kwargs):
    return indicator_file_import(path_or_file=csv_bytes(death_place_wide(rows)), file_name="d.csv",
                                 mapping="estat-death-place", **kwargs)


def test_one_rejected_row_writes_nothing_and_reports_the_row_in_both_languages(places):
    run = run_import([FUKUCHIYAMA, ("26203 綾部市", [900, "abc", 0, 0, 0, 0, 0, 0]), MAIZURU])

    assert run.status == IndicatorImportRun.Status.REJECTED
    assert not IndicatorValue.objects.exists()
    rejected = run.report["rejected"]
    assert {r["row"] for r in rejected} == {6}  # the header is row 4
    assert "abc" in rejected[0]["ja"] and "not a number" in rejected[0]["en"]
    assert run.rows_rejected == 1


def test_the_same_area_twice_in_a_file_is_rejected(places):
    run = run_import([FUKUCHIYAMA, FUKUCHIYAMA])

    assert run.status == "rejected"
    assert "5" in run.report["rejected"][0]["ja"]  # names the first row of the pair
    assert not IndicatorValue.objects.exists()


def test_municipal_staff_may_import_their_own_prefecture_and_nation_rows(places):
    member = staff_of(places["fukuchiyama"])

    run = run_import([NATION, KYOTO, FUKUCHIYAMA], membership=member)

    assert run.status == "applied", run.report
    assert run.municipality == places["fukuchiyama"]
    assert IndicatorValue.objects.filter(area_key="P26").count() == 6
    assert IndicatorValue.objects.filter(recorded_by=member.user).count() == 18


def test_a_row_of_another_municipality_is_rejected_for_municipal_staff(places):
    member = staff_of(places["fukuchiyama"])

    run = run_import([FUKUCHIYAMA, MAIZURU], membership=member)

    assert run.status == "rejected"
    assert [r["row"] for r in run.report["rejected"]] == [6]
    assert "舞鶴市" in run.report["rejected"][0]["ja"]
    assert not IndicatorValue.objects.exists()


def test_prefecture_staff_may_import_every_municipality_of_their_prefecture(places):
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=places["fukuchiyama"].prefecture)
    member = MembershipFactory(role=Role.PREFECTURE_STAFF, organization=office)

    run = run_import([KYOTO, FUKUCHIYAMA, MAIZURU], membership=member)

    assert run.status == "applied", run.report
    assert run.values_created == 18


def test_a_later_edition_corrects_values_and_keeps_the_old_ones_in_history(places):
    first = run_import([FUKUCHIYAMA])
    second = run_import([("26201 福知山市", [900, 600, 10, 40, 0, 100, 162, 0])])

    assert second.status == "applied"
    assert (second.values_created, second.values_corrected, second.values_unchanged) == (0, 2, 4)  # O01, O03
    history = IndicatorValue.objects.filter(definition__code="ZT-T-O01", area_key="M262013").order_by("pk")
    old, new = list(history)
    assert (old.numerator, old.is_current, old.superseded_by_id, old.import_run_id) == (150, False, new.pk, first.pk)
    assert (new.numerator, new.value, new.is_current, new.import_run_id) == (162, 18, True, second.pk)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, object_id=str(new.pk)).exists()


def test_dry_run_reports_what_would_change_and_writes_no_value(places):
    run_import([FUKUCHIYAMA])

    run = run_import([("26201 福知山市", [900, 600, 10, 40, 0, 100, 162, 0])], dry_run=True)

    assert run.status == IndicatorImportRun.Status.DRY_RUN
    assert (run.values_corrected, run.values_unchanged) == (2, 4)
    change = next(c for c in run.report["changes"] if c["definition"] == "ZT-T-O01")
    assert (change["kind"], change["old"], change["new"]) == ("corrected", "16.666667", "18")
    assert IndicatorValue.objects.get(definition__code="ZT-T-O01", is_current=True).numerator == 150


def test_aggregate_rows_outside_the_place_master_are_skipped_and_listed(places):
    run = run_import([FUKUCHIYAMA, ("13100 特別区部", [1, 1, 0, 0, 0, 0, 0, 0]), ("市部", [2, 2, 0, 0, 0, 0, 0, 0])])

    assert run.status == "applied", run.report
    assert [s["row"] for s in run.report["skipped"]] == [6, 7]


def test_a_name_two_prefectures_share_is_read_in_the_importing_municipality_prefecture(places):
    from ..factories import MunicipalityFactory

    MunicipalityFactory(jis_code="27999", name="福知山市", prefecture=places["suita"].prefecture)  # imagined
    run = run_import([("福知山市", FUKUCHIYAMA[1])], municipality=places["fukuchiyama"])

    assert run.status == "applied", run.report
    assert IndicatorValue.objects.filter(area_key="M262013").count() == 6


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "空"),
    (b"%PDF-1.4 binary", "CSV"),
    (b"\xef\xbb\xbf\xff\xfe\xfd" * 10, "文字コード"),
    ("見出し\n中身\n".encode(), "見出し"),
])
def test_files_it_cannot_read_are_rejected_with_a_reason_and_no_exception(places, data, reason):
    run = indicator_file_import(path_or_file=data, file_name="x.csv", mapping="estat-death-place")

    assert run.status == "rejected"
    assert reason in run.report["rejected"][0]["ja"]
    assert run.report["rejected"][0]["en"]


def test_a_file_over_the_upload_limits_is_rejected(places, settings):
    settings.RENKEI_UPLOAD_LIMITS = {"rows": 3}

    run = run_import([FUKUCHIYAMA, MAIZURU, KYOTO, NATION])

    assert run.status == "rejected"
    assert "行が多すぎます" in run.report["rejected"][0]["ja"]


def test_values_record_the_source_and_the_vintage_of_the_run(places):
    rows = death_place_wide([FUKUCHIYAMA])
    rows.insert(0, ["最終更新日：2024-09-17"])
    run = indicator_file_import(path_or_file=csv_bytes(rows), file_name="d.csv", mapping="estat-death-place")

    value = IndicatorValue.objects.get(definition__code="ZT-BASE-04")
    assert run.vintage == dt.date(2024, 9, 17) == value.vintage
    assert "人口動態統計" in run.source_note and value.source_note == run.source_note
    assert value.value == Decimal(900)


def test_rows_of_other_municipalities_may_be_left_out_instead_of_rejecting_the_file(places):
    member = staff_of(places["fukuchiyama"])

    run = run_import([NATION, KYOTO, FUKUCHIYAMA, MAIZURU], membership=member, skip_other_areas=True)

    assert run.status == "applied", run.report
    assert [s["row"] for s in run.report["skipped"]] == [8]
    assert "舞鶴市" in run.report["skipped"][0]["ja"]
    assert run.values_created == 18
    assert not IndicatorValue.objects.filter(area_key="M262021").exists()


@pytest.mark.django_db
def test_importing_the_aged_population_queues_a_recomputation_of_the_rates_that_divide_by_it(
        django_capture_on_commit_callbacks):
    from renkei.core.models import Job
    from renkei.indicators.areas import Area
    from renkei.indicators.jobs import COMPUTE_JOB
    from renkei.indicators.models import Origin
    from renkei.indicators.periods import fiscal_year
    from renkei.indicators.services.imports import _schedule_recomputation
    from renkei.indicators.services.values import ValueInput, values_record

    from .import_support import kyoto_places, population_definitions

    places = kyoto_places()
    definitions = population_definitions()
    city = next(iter(places.values()))
    written = values_record(items=[
        ValueInput(definitions["ZT-BASE-01"], Area.of_municipality(city), fiscal_year(2024), 70000),
    ], origin=Origin.IMPORTED).values
    with django_capture_on_commit_callbacks(execute=True):
        _schedule_recomputation(written)
    assert not Job.objects.filter(kind=COMPUTE_JOB).exists()  # the total population feeds no provider
    written = values_record(items=[
        ValueInput(definitions["ZT-BASE-02"], Area.of_municipality(city), fiscal_year(2024), 12000),
    ], origin=Origin.IMPORTED).values
    with django_capture_on_commit_callbacks(execute=True):
        _schedule_recomputation(written)
    assert Job.objects.filter(kind=COMPUTE_JOB, prefecture=city.prefecture).exists()
