"""Uploads have limits (rows, columns, cells, size, nesting) with clear messages; kept uploads expire."""

import io
import os
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from renkei.core.models import Job, Organization, Role
from renkei.directory.importers.common import FileError, read_table
from renkei.directory.importers.limits import UploadLimits, upload_limits
from renkei.directory.models import AreaShape, ColumnMapping, ImportRun
from renkei.directory.services import imports as import_services
from renkei.directory.services.shapes import nesting_depth

from ..factories import DailyLivingAreaFactory, MembershipFactory, OrganizationFactory

HEADER = "名称,住所,電話番号\r\n"
ROW = "内記クリニック,福知山市内記1,0773-22-1111\r\n"


@pytest.fixture
def staff(municipality, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=municipality,
                                 name="福知山市役所")
    return MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)


def upload(client, name: str, data: bytes):
    return client.post(reverse("directory:import_upload"), {
        "source": "municipal", "municipality": "", "file": SimpleUploadedFile(name, data, "text/csv")})


def wide_workbook(rows: int, far_column: int = 16384) -> bytes:
    """A list of three columns whose every row also holds a cell in the sheet's last column (XFD)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["名称", "住所", "電話番号"])
    for index in range(rows):
        sheet.append([f"施設{index}", "福知山市内記1", "0773-22-1111"])
        sheet.cell(row=index + 2, column=far_column, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reason_of(callable_, *args):
    with pytest.raises(FileError) as caught:
        encoding, header, rows = callable_(*args)
        for _row in rows:
            pass
    return caught.value


def test_the_defaults_are_overridden_by_settings(settings):
    settings.RENKEI_UPLOAD_LIMITS = {"rows": 10, "retention_days": "3", "unknown": 1}
    limits = upload_limits()
    assert (limits.rows, limits.retention_days, limits.columns) == (10, 3, UploadLimits().columns)


def test_a_csv_with_20000_header_columns_gets_a_short_page_with_the_limit(staff, login_as):
    header = ",".join(f"列{index}" for index in range(20_000)) + "\r\n"
    response = upload(login_as(staff), "wide.csv", (header + ROW).encode())
    assert response.status_code == 400
    content = response.content.decode()
    assert "見出しの列が多すぎます（20,000 列以上。300 列まで）" in content
    assert len(response.content) < 200_000
    assert not ImportRun.objects.exists()


def test_a_data_row_wider_than_the_limit_is_refused_with_its_row_number(settings):
    settings.RENKEI_UPLOAD_LIMITS = {"columns": 5}
    error = reason_of(read_table, (HEADER + ROW + ",".join("x" * 6) + "\r\n").encode())
    assert "3 行目の列が多すぎます" in error.reason and "Row 3 has too many columns" in error.reason_en


def test_an_excel_sheet_reaching_column_16384_is_read_only_up_to_the_column_limit():
    encoding, header, rows = read_table(wide_workbook(50))
    rows = list(rows)
    assert (encoding, header, len(rows)) == ("xlsx", ["名称", "住所", "電話番号"], 50)
    assert max(len(cells) for _number, cells in rows) <= upload_limits().columns + 1


def test_reading_stops_at_the_row_limit_with_a_message(settings):
    settings.RENKEI_UPLOAD_LIMITS = {"rows": 100}
    seen = []

    def rows_of(data):
        encoding, header, rows = read_table(data)
        return encoding, header, (seen.append(row) or row for row in rows)

    error = reason_of(rows_of, (HEADER + ROW * 10_000).encode())
    assert error.reason == "行が多すぎます（100 行まで）。ファイルを分けてください。"
    assert len(seen) == 100  # stopped early, not after reading the whole file
    error = reason_of(read_table, wide_workbook(150, far_column=4))
    assert "100 行まで" in error.reason


def test_the_cell_count_is_limited(settings):
    settings.RENKEI_UPLOAD_LIMITS = {"cells": 20}
    error = reason_of(read_table, (HEADER + ROW * 10).encode())
    assert "セルが多すぎます" in error.reason and "too many cells" in error.reason_en


def test_an_excel_file_too_large_once_unpacked_is_refused(settings):
    settings.RENKEI_UPLOAD_LIMITS = {"unpacked_bytes": 10_000}
    error = reason_of(read_table, wide_workbook(200, far_column=4))
    assert "展開後" in error.reason


def test_the_import_service_reports_a_limit_as_a_rejected_file(staff, settings):
    settings.RENKEI_UPLOAD_LIMITS = {"rows": 3}
    mapping = ColumnMapping.objects.create(municipality=staff.organization.municipality, name="一覧", kind="clinic",
                                           columns={"name": "名称", "address": "住所", "phone": "電話番号"})
    run = import_services.import_file(source="municipal", file=(HEADER + ROW * 5).encode(), file_name="list.csv",
                                      membership=staff, mapping=mapping)
    assert run.outcome == ImportRun.Outcome.REJECTED
    assert run.rejected_rows[0]["reason"] == "行が多すぎます（3 行まで）。ファイルを分けてください。"


def test_a_file_over_the_size_limit_is_refused_on_the_form(staff, login_as, settings):
    settings.RENKEI_UPLOAD_LIMITS = {"file_bytes": 100}
    response = upload(login_as(staff), "list.csv", (HEADER + ROW * 10).encode())
    assert response.status_code == 400
    assert "ファイルが大きすぎます（1 MB まで）。" in response.content.decode()


# --- GeoJSON ----------------------------------------------------------------------------------------

def test_deeply_nested_geojson_gets_a_400_with_a_message(municipality, staff, login_as):
    DailyLivingAreaFactory(municipality=municipality, name="西部圏域")
    data = b'{"type": "FeatureCollection", "features": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = login_as(staff).post(reverse("directory:coverage_shapes_upload", args=[municipality.code]),
                                    {"kind": "areas", "file": SimpleUploadedFile("deep.geojson", data)})
    assert response.status_code == 400
    assert "GeoJSON の入れ子が深すぎます（64 段まで）。" in response.content.decode()
    assert not AreaShape.objects.exists()


def test_nesting_depth_is_measured_without_recursion():
    value: list = []
    for _ in range(50_000):
        value = [value]
    assert nesting_depth(value) > 10_000
    assert nesting_depth({"a": [1, {"b": []}]}) == 4


# --- retention ----------------------------------------------------------------------------------------

def age(sha: str, days: float) -> None:
    for suffix in (".csv", ".json"):
        path = import_services.stored_upload_path(sha, suffix)
        moment = time.time() - days * 86400
        os.utime(path, (moment, moment))


def test_uploads_kept_past_the_retention_period_are_deleted_by_the_job(staff, settings):
    old = import_services.store_upload((HEADER + ROW).encode(), meta={"file_name": "old.csv"})
    recent = import_services.store_upload((HEADER + ROW * 2).encode(), meta={"file_name": "new.csv"})
    age(old, 15)
    age(recent, 13)

    call_command("discard_old_uploads", stdout=io.StringIO())  # queues the job (run at once by the test backend)

    job = Job.objects.get(kind="directory.discard_old_uploads")
    assert job.status == Job.Status.SUCCEEDED and job.result == {"deleted": 1, "retention_days": 14}
    assert not import_services.upload_is_waiting(old)
    assert not import_services.stored_upload_path(old, ".json").exists()
    assert import_services.upload_is_waiting(recent)


def test_uploading_the_same_file_again_starts_its_retention_again(staff, settings):
    data = (HEADER + ROW).encode()
    sha = import_services.store_upload(data, meta={})
    age(sha, 20)
    import_services.store_upload(data, meta={})
    out = io.StringIO()
    call_command("discard_old_uploads", "--now", stdout=out)
    assert "deleted 0 upload(s) older than 14 day(s)" in out.getvalue()
    assert import_services.upload_is_waiting(sha)


def test_the_retention_period_comes_from_the_settings(staff, settings):
    settings.RENKEI_UPLOAD_LIMITS = {"retention_days": 1}
    sha = import_services.store_upload((HEADER + ROW).encode(), meta={})
    age(sha, 2)
    assert import_services.discard_old_uploads() == 1


def test_the_workbook_used_here_is_a_real_zip():
    assert zipfile.is_zipfile(io.BytesIO(wide_workbook(1, far_column=4)))
