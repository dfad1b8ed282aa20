"""The import's staging path: rows streamed into ImportStagingRow, planned and written in bounded batches, and
still all-or-nothing per file."""

import io

import pytest

from renkei.core.models import AuditEntry
from renkei.directory.importers import mhlw
from renkei.directory.importers.common import FacilityRecord, MunicipalityResolver
from renkei.directory.models import Facility, FacilityIdentifier, ImportRun, ImportStagingRow, OpeningHours
from renkei.directory.services import imports
from renkei.directory.services.imports import import_file

from .test_import_support import facility_header, facility_row, hours_header, make_kumamoto, write_mhlw

WARD_CODES = ("101", "102", "103", "104", "105")


@pytest.fixture
def kumamoto(db):
    return make_kumamoto()


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 4 records, so a file of a few dozen rows is written in many batches."""
    monkeypatch.setattr(imports, "STAGE_BATCH", 4)
    return 4


def clinic_rows(count, start=1):
    return [facility_row(f"432{number:010d}", f"診療所{number}", f"熊本市中央区新屋敷{number}-1",
                         city_code=WARD_CODES[number % len(WARD_CODES)])
            for number in range(start, start + count)]


def clinic_file(tmp_path, rows):
    return write_mhlw(tmp_path / "02-1_clinic_facility_info_20260601.csv", facility_header(), rows)


def hours_file(tmp_path, ids):
    rows = [{"ID": mhlw_id, "診療科目名": "内科", "診療時間帯": "1", "月_診療開始時間": "09:00",
             "月_診療終了時間": "12:00"} for mhlw_id in ids]
    return write_mhlw(tmp_path / "02-2_clinic_speciality_hours_20260601.csv", hours_header(), rows)


def run(path, **kwargs):
    return import_file(source="mhlw", file=path, file_name=path.name, **kwargs)


def test_a_bad_row_at_the_end_of_a_file_written_in_many_batches_leaves_nothing_written(kumamoto, tmp_path,
                                                                                     small_batches):
    clinics = clinic_rows(40)
    assert run(clinic_file(tmp_path, clinics)).outcome == ImportRun.Outcome.APPLIED
    facility_entries = AuditEntry.objects.filter(permission="directory.import").count()
    # The unknown code sorts after every other one: the batches before it are planned and written first.
    path = hours_file(tmp_path, [row["ID"] for row in clinics] + ["4329999999999"])

    result = run(path)

    assert result.outcome == ImportRun.Outcome.REJECTED
    assert [(r["row"], r["column"]) for r in result.rejected_rows] == [(42, "ID")]
    assert "4329999999999" in result.rejected_rows[0]["reason"]
    assert result.counts["updated"] == 40  # what applying would have done, planned in every batch
    assert not Facility.objects.exclude(departments="").exists()
    assert not OpeningHours.objects.exists()
    assert AuditEntry.objects.filter(permission="directory.import").count() == facility_entries
    assert ImportRun.objects.filter(pk=result.pk).values_list("outcome", flat=True).get() == "rejected"
    assert ImportRun.objects.count() == 2  # the applied clinic file and this rejected one, nothing half-saved


def test_a_bad_row_late_in_a_facility_file_leaves_no_facility(kumamoto, tmp_path, small_batches):
    rows = clinic_rows(30) + [facility_row("432BAD", "壊れた行", "熊本市中央区新屋敷99-1")]

    result = run(clinic_file(tmp_path, rows))

    assert result.outcome == ImportRun.Outcome.REJECTED
    assert [r["row"] for r in result.rejected_rows] == [32]
    assert result.counts["created"] == 30
    assert not Facility.objects.exists() and not FacilityIdentifier.objects.exists()


def test_the_staging_table_is_empty_after_an_applied_a_rejected_and_a_dry_run(kumamoto, tmp_path, small_batches):
    clinics = clinic_rows(12)
    assert run(clinic_file(tmp_path, clinics), dry_run=True).outcome == ImportRun.Outcome.DRY_RUN
    assert not ImportStagingRow.objects.exists() and not Facility.objects.exists()

    assert run(clinic_file(tmp_path, clinics)).outcome == ImportRun.Outcome.APPLIED
    assert not ImportStagingRow.objects.exists()
    assert Facility.objects.count() == 12

    assert run(hours_file(tmp_path, ["4329999999999"])).outcome == ImportRun.Outcome.REJECTED
    assert not ImportStagingRow.objects.exists()


def test_an_applied_file_written_in_many_batches_equals_one_written_at_once(kumamoto, tmp_path, monkeypatch):
    clinics = clinic_rows(25)
    path = clinic_file(tmp_path, clinics)
    monkeypatch.setattr(imports, "STAGE_BATCH", 3)

    result = run(path)

    assert (result.counts["created"], result.counts["rows"]) == (25, 25)
    assert result.report["changes_total"] == 25
    assert [c["row"] for c in result.report["changes"]] == list(range(2, 27))  # in file order, not batch order
    assert set(Facility.objects.values_list("identifiers__value", flat=True)) == {r["ID"] for r in clinics}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, permission="directory.import").count() == 25
    again = run(path)
    assert (again.counts["unchanged"], again.counts["created"], again.counts["closed"]) == (25, 0, 0)


def test_a_code_listed_twice_in_different_batches_counts_as_a_duplicate(kumamoto, tmp_path, small_batches):
    clinics = clinic_rows(10)
    twice = dict(clinics[0], **{"市区町村コード": WARD_CODES[(clinics[0]["市区町村コード"] == "101") + 1]})
    run(clinic_file(tmp_path, clinics))

    result = run(clinic_file(tmp_path, [*clinics, twice]))

    assert (result.outcome, result.counts["duplicates"], result.counts["unchanged"]) == ("applied", 1, 10)


def test_the_parser_yields_rows_as_it_reads_them(kumamoto, tmp_path):
    path = clinic_file(tmp_path, clinic_rows(50))

    parsed, items = mhlw.stream(io.BytesIO(path.read_bytes()), file_name=path.name,
                                resolver=MunicipalityResolver())
    first = next(items)

    assert isinstance(first, FacilityRecord) and first.row == 2
    assert parsed.rows == 1 and parsed.facilities == []  # nothing read past the first row, nothing collected
    assert sum(1 for _ in items) == 49 and parsed.rows == 50


def test_every_batch_holds_whole_municipalities_and_stays_near_the_batch_size(kumamoto, tmp_path, monkeypatch,
                                                                              small_batches):
    seen = []
    plan_facilities = imports._plan_facilities

    def spy(plan, batch, **kwargs):
        seen.append([record.municipality.jis_code for record in batch])
        return plan_facilities(plan, batch, **kwargs)

    monkeypatch.setattr(imports, "_plan_facilities", spy)

    run(clinic_file(tmp_path, clinic_rows(40)))

    largest_municipality = 8  # 40 rows over five wards
    assert len(seen) >= 5 and sum(len(batch) for batch in seen) == 40
    assert all(len(batch) < small_batches + largest_municipality for batch in seen)
    codes = [code for batch in seen for code in dict.fromkeys(batch)]
    assert len(codes) == len(set(codes))  # no municipality split over two batches


def test_an_applied_run_is_audited_once_as_created_with_its_outcome(kumamoto, tmp_path, small_batches):
    result = run(clinic_file(tmp_path, clinic_rows(9)))

    entries = AuditEntry.objects.filter(object_type="directory.importrun", object_id=str(result.pk))
    assert [(e.action, e.changes["outcome"]) for e in entries.exclude(action=AuditEntry.Action.BULK)] == [
        (AuditEntry.Action.CREATE, "applied")]


def test_rows_of_one_facility_apart_in_a_speciality_file_are_gathered(kumamoto, tmp_path, small_batches):
    clinics = clinic_rows(6)
    run(clinic_file(tmp_path, clinics))
    first, second = clinics[0]["ID"], clinics[1]["ID"]
    rows = [{"ID": first, "診療科目名": "内科", "月_診療開始時間": "09:00", "月_診療終了時間": "12:00"},
            {"ID": second, "診療科目名": "外科", "火_診療開始時間": "09:00", "火_診療終了時間": "12:00"},
            {"ID": first, "診療科目名": "小児科", "月_診療開始時間": "14:00", "月_診療終了時間": "17:00"}]
    path = write_mhlw(tmp_path / "02-2_clinic_speciality_hours_20260601.csv", hours_header(), rows)

    result = run(path)

    assert (result.outcome, result.counts["updated"]) == ("applied", 2)
    facility = Facility.objects.get(identifiers__value=first)
    assert facility.departments == "|内科|小児科|"
    assert [(h.weekday, f"{h.opens:%H:%M}") for h in facility.opening_hours.order_by("opens")] == [(0, "09:00"),
                                                                                                  (0, "14:00")]


def test_a_batch_writes_only_the_fields_the_file_changes_on_each_facility(db):
    """A staff edit committed after a batch was planned keeps every field the file leaves alone on that facility,
    even a field the file changes on another facility of the same batch."""
    from types import SimpleNamespace

    from tests.factories import FacilityFactory

    first, second = FacilityFactory(phone="0773-22-0001"), FacilityFactory(name="旧名称医院")
    versions = (first.version, second.version)
    planned_first = Facility.objects.get(pk=first.pk)  # as the import read them when it planned the batch
    planned_second = Facility.objects.get(pk=second.pk)
    Facility.objects.filter(pk=first.pk).update(name="職員が直した名前")  # a staff edit, committed meanwhile
    planned_first.phone = "0773-22-9999"
    planned_second.name = "新名称医院"
    plan = imports._Plan(updates=[(planned_first, {"phone"}, None), (planned_second, {"name"}, None)])

    imports._apply(plan, SimpleNamespace(source_key="mhlw"), edition="20260601")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.phone, first.name) == ("0773-22-9999", "職員が直した名前")
    assert second.name == "新名称医院"
    assert "新名称医院" in second.search_text  # the derived fields follow the name
    assert (first.version, second.version) == (versions[0] + 1, versions[1] + 1)
