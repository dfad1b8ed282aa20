"""e-Stat mesh population import: the real layout (two header lines, CP932, `*` for suppressed cells)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from renkei.core.models import AuditEntry, Organization, Role
from renkei.directory import mesh as jis_mesh
from renkei.directory.models import ImportRun, MeshPopulation
from renkei.directory.services.population import mesh_population_import, read_population

HEADER_500M = ("KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001141001,T001141002,T001141003,T001141019,T001141034\r\n"
               ",,,,人口（総数）,人口（総数）　男,人口（総数）　女,６５歳以上人口　総数,世帯総数\r\n")
HEADER_1KM = ("KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001140001,T001140002,T001140003,T001140019,T001140034\r\n"
              ",,,,人口（総数）,人口（総数）　男,人口（総数）　女,６５歳以上人口　総数,世帯総数\r\n")


# The 1 km cell of central 福知山 (where FacilityFactory puts facilities), and one of 大阪 60 km away.
FUKUCHIYAMA_1KM = jis_mesh.mesh_code(35.2966, 135.1264, "1km")
OSAKA_1KM = "52350523"


def estat_file(header: str, *rows: str) -> bytes:
    return (header + "".join(r + "\r\n" for r in rows)).encode("cp932")


def run_import(data, **kwargs):
    return mesh_population_import(file=data, file_name="tblT001141H5235.txt", **kwargs)


def test_a_500_m_file_is_imported_with_suppressed_cells_as_zero(db):
    report = run_import(estat_file(
        HEADER_500M,
        "523505231,0,,,1520,700,820,610,640",
        "523505232,1,,523505233,45,20,25,30,21",  # received the suppressed cell's residents
        "523505233,2,523505232,,*,*,*,*,*",
    ), survey_year=2020)
    assert not report.is_rejected
    assert MeshPopulation.objects.get(mesh_code="523505231").population == 1520
    row = MeshPopulation.objects.get(mesh_code="523505231")
    assert (row.households, row.aged_65_plus, row.survey_year) == (640, 610, 2020)
    suppressed = MeshPopulation.objects.get(mesh_code="523505233")
    assert (suppressed.population, suppressed.households) == (0, None)
    assert report.run.counts["created"] == 3
    assert report.run.counts["suppressed"] == 1
    assert report.run.counts["population"] == 1565


def test_a_1_km_file_is_imported(db):
    report = run_import(estat_file(HEADER_1KM, "52350523,0,,,3200,1500,1700,1100,1300"))
    assert report.run.messages[0]["message_en"] == "Mesh: 1km"
    assert MeshPopulation.objects.get(mesh_code="52350523").population == 3200


def test_a_second_import_of_the_same_file_changes_nothing_and_a_newer_edition_updates(db):
    data = estat_file(HEADER_1KM, "52350523,0,,,3200,1500,1700,1100,1300")
    run_import(data)
    again = run_import(data)
    assert (again.run.counts["created"], again.run.counts["updated"], again.run.counts["unchanged"]) == (0, 0, 1)
    newer = run_import(estat_file(HEADER_1KM, "52350523,0,,,3100,1450,1650,1150,1290"))
    assert newer.run.counts["updated"] == 1
    assert MeshPopulation.objects.get(mesh_code="52350523").population == 3100


def test_a_bad_row_rejects_the_whole_file(db):
    report = run_import(estat_file(HEADER_1KM, "52350523,0,,,3200,1500,1700,1100,1300",
                                   "52350524,0,,,三百,1,1,1,1"))
    assert report.is_rejected
    assert not MeshPopulation.objects.exists()
    assert report.rejects[0]["row"] == 4
    assert "not a number" in report.rejects[0]["reason_en"]


@pytest.mark.parametrize(("row", "message"), [
    ("5235052,0,,,1,1,1,1,1", "is not a 1 km (8-digit) or 500 m (9-digit) mesh"),
    ("52358523,0,,,1,1,1,1,1", "is not a 1 km"),  # 2nd-mesh digit 8 does not exist
    ("5235052311,0,,,1,1,1,1,1", "is not a 1 km"),  # 250 m mesh
])
def test_codes_that_are_not_1_km_or_500_m_meshes_are_rejected(db, row, message):
    report = run_import(estat_file(HEADER_1KM, row))
    assert report.is_rejected and message in report.rejects[0]["reason_en"]


def test_mixed_1_km_and_500_m_rows_are_rejected(db):
    report = run_import(estat_file(HEADER_1KM, "52350523,0,,,1,1,1,1,1", "523505231,0,,,1,1,1,1,1"))
    assert report.is_rejected and "mixed" in report.rejects[-1]["reason_en"]


def test_a_file_that_is_not_mesh_statistics_is_rejected(db):
    report = run_import("名称,住所\r\n内記医院,福知山市\r\n".encode("cp932"))
    assert report.is_rejected and "No KEY_CODE column" in report.rejects[0]["reason_en"]


def test_an_older_edition_without_a_japanese_header_line_uses_the_first_statistic(db):
    data = b"KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T000876001,T000876002\r\n52350523,0,,,812,400\r\n"
    report = run_import(data)
    assert not report.is_rejected
    assert MeshPopulation.objects.get(mesh_code="52350523").population == 812


def test_the_import_is_one_audited_bulk_entry(db):
    report = run_import(estat_file(HEADER_1KM, "52350523,0,,,3200,1500,1700,1100,1300"))
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BULK)
    assert entry.changes["import_run"] == report.run.pk and entry.changes["created"] == 1


def test_staff_upload_a_population_file_on_the_screen(municipality, make_membership, municipal_office, login_as):
    from ..factories import FacilityFactory

    FacilityFactory(municipality=municipality)
    staff = make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)
    upload = SimpleUploadedFile("tblT001140S5235.txt", estat_file(HEADER_1KM, f"{FUKUCHIYAMA_1KM},0,,,3200,1,1,1,1"))
    response = login_as(staff).post(reverse("directory:coverage_population_upload", args=[municipality.code]),
                                    {"file": upload, "survey_year": "2020"})
    assert response.status_code == 200
    assert "第1次メッシュ 5235" in response.content.decode()  # 福知山: 35.3 N, 135.1 E
    assert MeshPopulation.objects.get(mesh_code=FUKUCHIYAMA_1KM).survey_year == 2020
    assert ImportRun.objects.get().municipality == municipality
    assert login_as(make_membership(Role.PROFESSIONAL)).get(
        reverse("directory:coverage_population_upload", args=[municipality.code])).status_code == 403


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(alphabet="0123456789,*-\r\nKEY_CODET人口（総数）", max_size=300).map(
    lambda t: ("KEY_CODE,HTKSYORI,HTKSAKI,GASSAN,T001140001\r\n" + t).encode("cp932", "replace")))
def test_any_bytes_give_rows_or_reasons_never_an_exception(data):
    rows, rejects, _ = read_population(data)
    assert rows or rejects
    assert all(r["reason"] and r["reason_en"] for r in rejects)
    assert all(len(code) in (8, 9) and fields["population"] >= 0 for code, fields in rows.items())


# --- population rows are shared data: an upload writes only its municipality's cells (issue 7, item 8) -------

def _neighbours(code: str) -> list[str]:
    """The 1 km cells east of `code` (about 1, 2 … km away)."""
    south, west, _north, _east = jis_mesh.cell_bounds([code])
    return [jis_mesh.mesh_code(float(south[0]) + 0.004, float(west[0]) + 0.004 + k * 0.0125, "1km")
            for k in range(1, 40)]


def test_an_upload_for_a_municipality_writes_only_the_cells_of_its_area(municipality):
    from ..factories import FacilityFactory

    FacilityFactory(municipality=municipality)
    MeshPopulation.objects.create(mesh_code=OSAKA_1KM, population=500)  # another municipality's figure
    report = run_import(estat_file(HEADER_1KM, f"{FUKUCHIYAMA_1KM},0,,,3200,1,1,1,1",
                                   f"{OSAKA_1KM},0,,,9999,1,1,1,1"), municipality=municipality)
    assert not report.is_rejected
    assert MeshPopulation.objects.get(mesh_code=FUKUCHIYAMA_1KM).population == 3200
    assert MeshPopulation.objects.get(mesh_code=OSAKA_1KM).population == 500  # untouched
    assert report.run.counts["outside_area"] == 1 and report.run.counts["created"] == 1
    [reason] = report.run.rejected_rows
    assert reason["row"] == 4 and OSAKA_1KM in reason["reason"] and "福知山市" in reason["reason"]
    assert "outside 福知山市" in reason["reason_en"]


def test_a_file_with_no_cell_in_the_municipality_is_rejected_with_the_reason(municipality):
    from ..factories import FacilityFactory

    FacilityFactory(municipality=municipality)
    report = run_import(estat_file(HEADER_1KM, f"{OSAKA_1KM},0,,,9999,1,1,1,1"), municipality=municipality)
    assert report.is_rejected and not MeshPopulation.objects.exists()
    assert "None of the file's cells lies in 福知山市" in report.rejects[0]["reason_en"]
    assert report.rejects[1]["row"] == 3


def test_a_municipality_whose_area_is_unknown_cannot_write_population(municipality):
    report = run_import(estat_file(HEADER_1KM, f"{FUKUCHIYAMA_1KM},0,,,3200,1,1,1,1"), municipality=municipality)
    assert report.is_rejected and not MeshPopulation.objects.exists()
    assert "The area of 福知山市 is not known" in report.rejects[0]["reason_en"]


def test_with_an_outline_the_cells_touching_it_are_the_area(municipality):
    from renkei.directory.models import AreaShape

    south, west, north, east = (float(v[0]) for v in jis_mesh.cell_bounds([FUKUCHIYAMA_1KM]))
    inner = [[west + 0.001, south + 0.001], [east - 0.001, south + 0.001], [east - 0.001, north - 0.001],
             [west + 0.001, north - 0.001], [west + 0.001, south + 0.001]]
    AreaShape.objects.create(municipality=municipality, geometry={"type": "Polygon", "coordinates": [inner]},
                             min_lat=south, min_lon=west, max_lat=north, max_lon=east)
    near = _neighbours(FUKUCHIYAMA_1KM)[1]  # 2 km east: outside the outline
    report = run_import(estat_file(HEADER_1KM, f"{FUKUCHIYAMA_1KM},0,,,3200,1,1,1,1", f"{near},0,,,10,1,1,1,1"),
                        municipality=municipality)
    assert list(MeshPopulation.objects.values_list("mesh_code", flat=True)) == [FUKUCHIYAMA_1KM]
    assert report.run.counts["outside_area"] == 1


def test_prefecture_staff_upload_for_a_municipality_of_their_prefecture_within_its_area(
        municipality, make_membership, login_as):
    from ..factories import FacilityFactory, OrganizationFactory

    FacilityFactory(municipality=municipality)
    office = OrganizationFactory(kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None,
                                 prefecture=municipality.prefecture)
    upload = SimpleUploadedFile("tblT001140S5235.txt", estat_file(
        HEADER_1KM, f"{FUKUCHIYAMA_1KM},0,,,3200,1,1,1,1", f"{OSAKA_1KM},0,,,9999,1,1,1,1"))
    response = login_as(make_membership(Role.PREFECTURE_STAFF, office)).post(
        reverse("directory:coverage_population_upload", args=[municipality.code]), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"メッシュ「{OSAKA_1KM}」は福知山市の区域の外です" in page
    assert set(MeshPopulation.objects.values_list("mesh_code", flat=True)) == {FUKUCHIYAMA_1KM}
