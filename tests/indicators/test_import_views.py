"""The import screens: upload, dry-run report, apply, history, column mapping; bad files never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renkei.core.models import Organization, Role
from renkei.indicators.models import IndicatorColumnMapping, IndicatorImportRun, IndicatorValue
from renkei.indicators.services.imports import stored_upload_path

from ..conftest import client_for
from ..factories import MembershipFactory, OrganizationFactory
from .import_support import csv_bytes, death_place_definitions, death_place_wide, kyoto_places, make_definition

FUKUCHIYAMA = ("26201 福知山市", [900, 600, 10, 40, 0, 100, 150, 0])


@pytest.fixture
def places(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    found = kyoto_places()
    death_place_definitions()
    return found


@pytest.fixture
def staff(places):
    office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=places["fukuchiyama"])
    return MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=office)


def upload(client, name, data, mapping="estat-death-place", **extra):
    return client.post(reverse("indicators:import_upload"), {
        "mapping": mapping, "file": SimpleUploadedFile(name, data, "text/csv"), **extra})


def test_upload_shows_the_dry_run_and_apply_records_the_values(staff):
    client = client_for(staff)
    response = upload(client, "d.csv", csv_bytes(death_place_wide([FUKUCHIYAMA])))

    run = IndicatorImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("indicators:import_detail", args=[run.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'data-change="created" data-definition="ZT-T-O01" data-area="M262013"' in page.content.decode()
    assert reverse("indicators:import_apply", args=[run.pk]) in page.content.decode()
    assert not IndicatorValue.objects.exists()

    applied = client.post(reverse("indicators:import_apply", args=[run.pk]))

    assert applied.status_code == 302
    assert IndicatorValue.objects.filter(area_key="M262013", import_run__status="applied").count() == 6
    assert not stored_upload_path(run.file_sha256).exists()
    # Applying twice does nothing more.
    client.post(reverse("indicators:import_apply", args=[run.pk]))
    assert IndicatorImportRun.objects.filter(status="applied").count() == 1


def test_a_neighbour_row_is_rejected_on_the_report_and_cannot_be_applied(staff):
    client = client_for(staff)
    upload(client, "d.csv", csv_bytes(death_place_wide([FUKUCHIYAMA, ("26202 舞鶴市", [1, 1, 0, 0, 0, 0, 0, 0])])))

    run = IndicatorImportRun.objects.get()
    page = client.get(reverse("indicators:import_detail", args=[run.pk])).content.decode()
    assert run.status == "rejected"
    assert 'data-row="6"' in page and "舞鶴市" in page
    assert reverse("indicators:import_apply", args=[run.pk]) not in page


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\x00\x01binary", b"\xef\xbb\xbf\xff\xfe" * 40,
                                  b"PK\x03\x04xl/ not really a workbook", "見出しだけ\n".encode("cp932")])
def test_broken_files_give_a_report_not_a_server_error(staff, data):
    client = client_for(staff)
    response = upload(client, "broken.csv", data)

    assert response.status_code in (302, 400)
    if response.status_code == 302:
        page = client.get(response.url)
        assert page.status_code == 200
        assert IndicatorImportRun.objects.get().status == "rejected"


def test_a_file_over_the_size_limit_is_refused_on_the_form(staff, settings):
    settings.RENKEI_UPLOAD_LIMITS = {"file_bytes": 100}
    response = upload(client_for(staff), "big.csv", b"x" * 500)

    assert response.status_code == 400
    assert not IndicatorImportRun.objects.exists()


def test_a_table_without_a_mapping_leads_to_the_mapping_screen_and_the_saved_mapping_reads_it(staff, places):
    make_definition("visits_by_nurses")
    client = client_for(staff)
    data = csv_bytes([["市町村名", "年度", "訪問看護件数", "備考"], ["福知山市", "令和5年度", "1,234", ""]])
    upload(client, "own.csv", data, mapping="table")
    run = IndicatorImportRun.objects.get()
    page = client.get(reverse("indicators:import_detail", args=[run.pk])).content.decode()
    mapping_url = reverse("indicators:import_mapping", args=[run.file_sha256])
    assert run.status == "rejected" and mapping_url in page

    form = client.get(mapping_url)
    assert form.status_code == 200
    columns = form.context["form"].column_fields
    index = next(i for i, (column, _d, _r) in enumerate(columns) if column == "訪問看護件数")
    response = client.post(mapping_url, {"name": "訪問看護", "layout": "table", "area_name": "市町村名",
                                         "period": "年度", f"def_{index}": "visits_by_nurses",
                                         f"role_{index}": "value"})

    assert response.status_code == 302
    mapping = IndicatorColumnMapping.objects.get()
    assert (mapping.municipality, mapping.layout) == (places["fukuchiyama"], "table")
    checked = IndicatorImportRun.objects.latest("pk")
    assert (checked.status, checked.values_created, checked.mapping) == ("dry_run", 1, mapping)

    # The next edition with the same columns finds the mapping by itself.
    upload(client, "own-2024.csv", csv_bytes([["市町村名", "年度", "訪問看護件数", "備考"],
                                               ["福知山市", "令和6年度", "1,300", ""]]), mapping="table")
    assert IndicatorImportRun.objects.latest("pk").mapping == mapping


def test_history_lists_only_the_member_own_municipality_runs(staff, places):
    other_office = OrganizationFactory(kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=places["maizuru"])
    other = MembershipFactory(role=Role.MUNICIPAL_STAFF, organization=other_office)
    upload(client_for(other), "maizuru.csv", csv_bytes(death_place_wide([("26202 舞鶴市", [1, 1, 0, 0, 0, 0, 0, 0])])))
    theirs = IndicatorImportRun.objects.get()

    client = client_for(staff)
    page = client.get(reverse("indicators:import_list")).content.decode()

    assert f'data-run="{theirs.pk}"' not in page
    assert client.get(reverse("indicators:import_detail", args=[theirs.pk])).status_code == 404


def test_professionals_cannot_open_the_import_screens(places):
    clinic = OrganizationFactory(municipality=places["fukuchiyama"])
    doctor = MembershipFactory(role=Role.PROFESSIONAL, organization=clinic)

    assert client_for(doctor).get(reverse("indicators:import_upload")).status_code == 403


def test_leaving_out_neighbours_is_kept_from_the_dry_run_to_the_application(staff):
    client = client_for(staff)
    rows = [FUKUCHIYAMA, ("26202 舞鶴市", [1, 1, 0, 0, 0, 0, 0, 0])]
    upload(client, "pref.csv", csv_bytes(death_place_wide(rows)), skip_other_areas="on")
    run = IndicatorImportRun.objects.get()
    assert run.status == "dry_run"

    client.post(reverse("indicators:import_apply", args=[run.pk]))

    assert IndicatorImportRun.objects.latest("pk").status == "applied"
    assert set(IndicatorValue.objects.values_list("area_key", flat=True)) == {"M262013"}
