"""Coverage gaps: cells, distances, population weighting, background runs, the command and the screens."""

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from renkei.core.models import Organization, Role
from renkei.directory import jobs
from renkei.directory import mesh as jis_mesh
from renkei.directory.management.commands.coverage import Command as CoverageCommand
from renkei.directory.models import AreaShape, CoverageCell, CoverageRun, MeshPopulation
from renkei.directory.services import coverage
from renkei.directory.services.coverage import coverage_compute, haversine_km

from ..factories import DailyLivingAreaFactory, FacilityFactory, OrganizationFactory, PrefectureFactory, set_details

# A 40 km square north-east of 福知山's centre: 0.36° of latitude × 0.44° of longitude at 35° N.
SOUTH, WEST, NORTH, EAST = 35.0, 135.0, 35.36, 135.44


def square(south=SOUTH, west=WEST, north=NORTH, east=EAST) -> dict:
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north],
                                                [west, south]]]}


def put_shape(municipality, geometry, area=None) -> AreaShape:
    xs = [p[0] for p in geometry["coordinates"][0]]
    ys = [p[1] for p in geometry["coordinates"][0]]
    return AreaShape.objects.create(municipality=municipality, daily_living_area=area, geometry=geometry,
                                    min_lat=min(ys), max_lat=max(ys), min_lon=min(xs), max_lon=max(xs))


def home_visit_clinic(municipality, lat, lon, **kwargs):
    clinic = FacilityFactory(municipality=municipality, kind="clinic", latitude=lat, longitude=lon, **kwargs)
    set_details(clinic, scheduled_home_visit=True)
    return clinic


def nursing_station(municipality, lat, lon, round_the_clock=True):
    station = FacilityFactory(municipality=municipality, kind="visiting_nursing_station", latitude=lat,
                              longitude=lon, service_type="130")
    set_details(station, round_the_clock=round_the_clock)
    return station


@pytest.fixture
def outlined(municipality):
    put_shape(municipality, square())
    return municipality


def expected_gaps(lat, lon, level="1km", radius=16.0) -> set[str]:
    """Brute force: every cell of the square whose centre is farther than the radius from (lat, lon)."""
    codes = jis_mesh.cells_in_bbox(SOUTH, WEST, NORTH, EAST, level)
    c_lat, c_lon = jis_mesh.cell_centres(codes)
    inside = (c_lat > SOUTH) & (c_lat < NORTH) & (c_lon > WEST) & (c_lon < EAST)
    far = haversine_km(c_lat, c_lon, lat, lon) > radius
    return {str(c) for c in codes[inside & far]}


def gap_codes(run, field="is_home_visit_gap") -> set[str]:
    return set(CoverageCell.objects.filter(run=run, **{field: True}).values_list("mesh_code", flat=True))


def test_cells_farther_than_16_km_from_the_only_home_visit_clinic_are_gaps(outlined):
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    run = coverage_compute(municipality=outlined)
    assert run.status == CoverageRun.Status.DONE
    assert run.summary["method"] == coverage.METHOD_SHAPES
    assert run.summary["cells"] == CoverageCell.objects.filter(run=run).count()
    assert 1500 < run.summary["cells"] < 1800  # ~40 km × 40 km of 1 km cells
    assert gap_codes(run) == expected_gaps(SOUTH + 0.001, WEST + 0.001)
    assert run.summary["uncovered_home_visit"] == len(expected_gaps(SOUTH + 0.001, WEST + 0.001))
    assert run.summary["providers_home_visit"] == 1


def test_stored_distances_are_great_circle_distances_to_the_nearest_provider(outlined):
    home_visit_clinic(outlined, 35.1, 135.1)
    home_visit_clinic(outlined, 35.3, 135.4)
    run = coverage_compute(municipality=outlined)
    cell = CoverageCell.objects.filter(run=run).order_by("mesh_code")[37]
    lat, lon = jis_mesh.cell_centres([cell.mesh_code])
    nearest = min(haversine_km(lat, lon, 35.1, 135.1)[0], haversine_km(lat, lon, 35.3, 135.4)[0])
    assert cell.home_visit_km == pytest.approx(nearest, abs=0.002)


def test_without_a_24_hour_station_every_cell_is_a_nursing_gap_with_no_distance(outlined):
    home_visit_clinic(outlined, 35.18, 135.22)
    nursing_station(outlined, 35.18, 135.22, round_the_clock=False)
    run = coverage_compute(municipality=outlined)
    assert run.summary["uncovered_nursing_24h"] == run.summary["cells"]
    assert not CoverageCell.objects.filter(run=run, nursing_24h_km__isnull=False).exists()
    assert run.summary["providers_nursing_24h"] == 0


def test_a_24_hour_nursing_station_covers_cells_within_the_radius(outlined):
    nursing_station(outlined, NORTH - 0.001, EAST - 0.001)
    run = coverage_compute(municipality=outlined)
    assert gap_codes(run, "is_nursing_24h_gap") == expected_gaps(NORTH - 0.001, EAST - 0.001)


def test_a_clinic_across_the_border_in_another_municipality_covers_the_cells(outlined, other_municipality):
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    # 5 km east of the square's north-east corner, in the next municipality.
    home_visit_clinic(other_municipality, NORTH, EAST + 0.055)
    run = coverage_compute(municipality=outlined)
    near_corner = expected_gaps(SOUTH + 0.001, WEST + 0.001)
    near_neighbour = expected_gaps(NORTH, EAST + 0.055)
    assert gap_codes(run) == near_corner & near_neighbour
    assert len(gap_codes(run)) < len(near_corner)
    assert run.summary["providers_home_visit"] == 2


def test_closed_clinics_and_clinics_without_home_visits_do_not_count(outlined):
    closed = home_visit_clinic(outlined, 35.18, 135.22)
    closed.status = "closed"
    closed.save()
    no_visits = FacilityFactory(municipality=outlined, latitude=35.18, longitude=135.22)
    set_details(no_visits, scheduled_home_visit=False)
    pharmacy = FacilityFactory(municipality=outlined, kind="pharmacy", latitude=35.18, longitude=135.22)
    set_details(pharmacy, scheduled_home_visit=True)
    run = coverage_compute(municipality=outlined)
    assert run.summary["uncovered_home_visit"] == run.summary["cells"]


def test_urgent_home_visits_alone_make_a_hospital_a_provider(outlined):
    hospital = FacilityFactory(municipality=outlined, kind="hospital", latitude=35.18, longitude=135.22)
    set_details(hospital, urgent_home_visit=True)
    run = coverage_compute(municipality=outlined)
    assert run.summary["uncovered_home_visit"] < run.summary["cells"]


def test_a_larger_radius_leaves_fewer_gaps(outlined):
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    near = coverage_compute(municipality=outlined, radius_km=16)
    far = coverage_compute(municipality=outlined, radius_km=30)
    assert gap_codes(far) == expected_gaps(SOUTH + 0.001, WEST + 0.001, radius=30)
    assert far.summary["uncovered_home_visit"] < near.summary["uncovered_home_visit"]


def test_the_500_m_mesh_has_four_times_the_cells_and_9_digit_codes(outlined):
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    one_km = coverage_compute(municipality=outlined, mesh="1km")
    half = coverage_compute(municipality=outlined, mesh="500m")
    assert half.summary["cells"] == pytest.approx(4 * one_km.summary["cells"], rel=0.03)
    assert {len(c) for c in CoverageCell.objects.filter(run=half).values_list("mesh_code", flat=True)} == {9}
    assert gap_codes(half) == expected_gaps(SOUTH + 0.001, WEST + 0.001, level="500m")


def test_population_weights_the_figures_when_mesh_population_is_imported(outlined):
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    gaps = sorted(expected_gaps(SOUTH + 0.001, WEST + 0.001))
    near = jis_mesh.mesh_code(SOUTH + 0.01, WEST + 0.01)
    MeshPopulation.objects.create(mesh_code=near, population=900)
    MeshPopulation.objects.create(mesh_code=gaps[0], population=60)
    MeshPopulation.objects.create(mesh_code=gaps[1], population=40)
    run = coverage_compute(municipality=outlined)
    s = run.summary
    assert s["has_population"] is True
    assert s["population"] == 1000
    assert s["population_uncovered_home_visit"] == 100
    assert s["share_uncovered_home_visit"] == pytest.approx(0.1)
    assert s["population_uncovered_nursing_24h"] == 1000
    assert CoverageCell.objects.get(run=run, mesh_code=gaps[0]).population == 60


def test_1_km_population_is_shared_by_its_four_500_m_cells(outlined):
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    code = jis_mesh.mesh_code(35.2, 135.2)
    MeshPopulation.objects.create(mesh_code=code, population=400)
    run = coverage_compute(municipality=outlined, mesh="500m")
    assert run.summary["population"] == 400
    quarters = CoverageCell.objects.filter(run=run, mesh_code__startswith=code)
    assert sorted(quarters.values_list("population", flat=True)) == [100, 100, 100, 100]


def test_the_by_area_table_splits_cells_between_daily_living_areas(outlined):
    west = DailyLivingAreaFactory(municipality=outlined, name="西部圏域")
    east = DailyLivingAreaFactory(municipality=outlined, name="東部圏域")
    put_shape(outlined, square(east=135.22), west)
    put_shape(outlined, square(west=135.22), east)
    home_visit_clinic(outlined, 35.18, WEST + 0.001)
    run = coverage_compute(municipality=outlined)
    rows = {row["name"]: row for row in run.summary["by_area"]}
    assert rows["西部圏域"]["cells"] + rows["東部圏域"]["cells"] == run.summary["cells"]
    assert rows["東部圏域"]["uncovered_home_visit"] > rows["西部圏域"]["uncovered_home_visit"]
    assert CoverageCell.objects.filter(run=run, daily_living_area=west).count() == rows["西部圏域"]["cells"]


def test_one_daily_living_area_is_computed_on_its_own_shape(outlined):
    east = DailyLivingAreaFactory(municipality=outlined, name="東部圏域")
    put_shape(outlined, square(west=135.22), east)
    run = coverage_compute(daily_living_area=east)
    assert run.municipality == outlined and run.daily_living_area == east
    assert 700 < run.summary["cells"] < 900
    assert [row["name"] for row in run.summary["by_area"]] == ["東部圏域"]


def test_without_shapes_the_populated_cells_around_the_facilities_are_used(municipality):
    home_visit_clinic(municipality, 35.30, 135.12)
    home_visit_clinic(municipality, 35.32, 135.16)
    populated = jis_mesh.mesh_code(35.31, 135.14)
    MeshPopulation.objects.create(mesh_code=populated, population=120)
    MeshPopulation.objects.create(mesh_code=jis_mesh.mesh_code(33.5, 130.4), population=999)  # 福岡: far away
    run = coverage_compute(municipality=municipality)
    assert run.summary["method"] == coverage.METHOD_POPULATION
    assert list(CoverageCell.objects.filter(run=run).values_list("mesh_code", flat=True)) == [populated]


def test_without_shapes_or_population_the_box_around_the_facilities_is_used(municipality):
    home_visit_clinic(municipality, 35.30, 135.12)
    run = coverage_compute(municipality=municipality)
    assert run.summary["method"] == coverage.METHOD_BBOX
    # 3 km on every side of one point: about 7 × 7 cells of 1 km.
    assert 30 < run.summary["cells"] < 80
    assert run.summary["uncovered_home_visit"] == 0


def test_a_municipality_with_nothing_positioned_has_nothing_to_evaluate(municipality):
    run = coverage_compute(municipality=municipality)
    assert run.status == CoverageRun.Status.DONE
    assert run.summary["method"] == coverage.METHOD_NONE
    assert run.summary["cells"] == 0


def test_a_prefecture_run_covers_all_its_municipalities(outlined, other_municipality):
    put_shape(other_municipality, square(35.4, 135.0, 35.5, 135.1))
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    run = coverage_compute(prefecture=outlined.prefecture)
    names = {row["name"] for row in run.summary["by_area"]}
    assert names == {outlined.name, other_municipality.name}
    assert run.municipality is None and run.prefecture == outlined.prefecture
    assert sum(row["cells"] for row in run.summary["by_area"]) == run.summary["cells"]


def test_a_new_run_drops_the_cells_of_older_runs_but_keeps_their_summary(outlined):
    first = coverage_compute(municipality=outlined)
    second = coverage_compute(municipality=outlined)
    assert not CoverageCell.objects.filter(run=first).exists()
    assert CoverageCell.objects.filter(run=second).count() == second.summary["cells"]
    first.refresh_from_db()
    assert first.summary["cells"] == second.summary["cells"]


def test_unit_sphere_nearest_agrees_with_brute_force_haversine():
    rng = np.random.default_rng(7)
    p_lat, p_lon = rng.uniform(33, 36, 300), rng.uniform(132, 137, 300)
    c_lat, c_lon = rng.uniform(33, 36, 500), rng.uniform(132, 137, 500)
    fast = coverage.nearest_km(p_lat, p_lon, c_lat, c_lon, max_km=1000)
    brute = np.array([haversine_km(la, lo, p_lat, p_lon).min() for la, lo in zip(c_lat, c_lon, strict=True)])
    assert np.allclose(fast, brute, atol=1e-6)


# --- background runs -----------------------------------------------------------------------------

def test_scheduled_runs_are_computed_at_once_when_jobs_run_inline(outlined):
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    [run] = jobs.schedule_coverage_recompute([outlined.pk])
    assert run.status == CoverageRun.Status.DONE
    assert run.summary["uncovered_home_visit"] == len(expected_gaps(SOUTH + 0.001, WEST + 0.001))


def test_scheduled_runs_wait_in_the_queue_until_a_worker_computes_them(outlined, queued_jobs):
    from renkei.core.models import Job
    from renkei.core.tasks import run_waiting_jobs

    runs = jobs.schedule_coverage_recompute([outlined.pk, outlined.pk])
    again = jobs.schedule_coverage_recompute([outlined.pk])
    assert len(runs) == 1 and again[0].pk == runs[0].pk  # one waiting run per municipality
    [job] = Job.objects.filter(kind=jobs.COVERAGE_JOB)  # and one job for it
    assert (job.status, job.municipality_id) == (Job.Status.QUEUED, outlined.pk)
    assert CoverageRun.objects.get(pk=runs[0].pk).status == CoverageRun.Status.PENDING
    assert run_waiting_jobs() == 2  # the coverage run, then the indicators job it queues (indicators.compute)
    assert CoverageRun.objects.get(pk=runs[0].pk).status == CoverageRun.Status.DONE
    assert Job.objects.get(kind="indicators.compute").status == Job.Status.SUCCEEDED
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result["coverage_run"] == runs[0].pk


def test_a_run_that_fails_is_marked_failed_with_the_error(outlined, monkeypatch):
    def broken(run):
        raise RuntimeError("disk full")

    monkeypatch.setattr(coverage, "_compute_and_store", broken)
    [run] = jobs.schedule_coverage_recompute([outlined.pk])
    run.refresh_from_db()
    assert run.status == CoverageRun.Status.FAILED
    assert run.error == "RuntimeError: disk full"


def test_runs_left_running_by_a_dead_process_are_picked_up_again(outlined):
    from django.utils import timezone

    stale = CoverageRun.objects.create(municipality=outlined, status=CoverageRun.Status.RUNNING,
                                       requested_at=timezone.now() - jobs.STALE_AFTER * 2)
    fresh = CoverageRun.objects.create(municipality=outlined, status=CoverageRun.Status.RUNNING)
    assert jobs.reset_stale_runs() == 1
    assert [r.pk for r in jobs.run_pending_coverage()] == [stale.pk]
    fresh.refresh_from_db()
    assert fresh.status == CoverageRun.Status.RUNNING


# --- the command ---------------------------------------------------------------------------------

def test_the_command_prints_uncovered_cells_and_totals(outlined, capsys):
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    gaps = expected_gaps(SOUTH + 0.001, WEST + 0.001)
    MeshPopulation.objects.create(mesh_code=sorted(gaps)[0], population=77)
    call_command("coverage", outlined.code, "--radius-km", "16")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "area from shapes" in lines[0]
    assert lines[2] == "mesh_code\tarea\tpopulation\thome_visit_km\tnursing_24h_km\tgap"
    assert lines[3].startswith(f"{sorted(gaps)[0]}\t-\t77\t")
    assert lines[3].endswith("home_visit+nursing_24h")
    assert f"uncovered for home visits: {len(gaps)}," in out
    assert "population: 77, uncovered for home visits: 77" in out


def test_the_command_computes_one_area_on_the_500_m_mesh(outlined, capsys):
    east = DailyLivingAreaFactory(municipality=outlined, name="東部圏域")
    put_shape(outlined, square(west=135.22), east)
    call_command("coverage", outlined.jis_code, "--mesh", "500m", "--area", "東部圏域")
    out = capsys.readouterr().out
    assert "coverage of 東部圏域 — mesh 500m" in out
    assert out.splitlines()[3].split("\t")[0].isdigit() and len(out.splitlines()[3].split("\t")[0]) == 9


def test_the_command_exits_2_for_an_unknown_municipality(db, capsys):
    with pytest.raises(SystemExit) as exit_info:
        CoverageCommand().run_from_argv(["renkei", "coverage", "999999"])
    assert exit_info.value.code == 2
    assert "unknown municipality code 999999" in capsys.readouterr().err


def test_the_command_exits_2_for_an_unknown_area(outlined):
    with pytest.raises(CommandError) as error:
        call_command("coverage", outlined.code, "--area", "存在しない圏域")
    assert error.value.returncode == 2


def test_the_command_computes_a_prefecture(outlined, capsys):
    call_command("coverage", outlined.prefecture.code, "--prefecture")
    assert f"coverage of {outlined.prefecture}" in capsys.readouterr().out


# --- screens -------------------------------------------------------------------------------------

@pytest.fixture
def staff(make_membership, municipal_office):
    return make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)


def test_staff_see_the_summary_and_the_table_by_area(outlined, staff, login_as):
    DailyLivingAreaFactory(municipality=outlined, name="中部圏域")
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    run = coverage_compute(municipality=outlined)
    response = login_as(staff).get(reverse("directory:coverage_municipality", args=[outlined.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "中部圏域" in html
    assert f">{run.summary['uncovered_home_visit']}<" in html
    assert f'data-overlay-url="{reverse("directory:coverage_cells_geojson", args=[run.pk])}"' in html
    assert f'data-areas-url="/directory/areas.geojson?municipality={outlined.code}"' in html


def test_recompute_now_creates_a_finished_run(outlined, staff, login_as):
    client = login_as(staff)
    url = reverse("directory:coverage_recompute", args=[outlined.code])
    assert client.get(url).status_code == 405
    response = client.post(url, {"mesh": "500m", "radius_km": "10"})
    assert response.status_code == 302
    run = CoverageRun.objects.get(municipality=outlined)
    assert (run.mesh, run.radius_km, run.status) == ("500m", 10.0, CoverageRun.Status.DONE)


def test_recompute_with_a_bad_radius_changes_nothing(outlined, staff, login_as):
    response = login_as(staff).post(reverse("directory:coverage_recompute", args=[outlined.code]),
                                    {"mesh": "1km", "radius_km": "-3"})
    assert response.status_code == 302
    assert not CoverageRun.objects.exists()


def test_the_gap_layer_is_geojson_polygons_with_a_style(outlined, staff, login_as):
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    run = coverage_compute(municipality=outlined)
    response = login_as(staff).get(reverse("directory:coverage_cells_geojson", args=[run.pk]))
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert len(data["features"]) == run.summary["cells"]  # nursing: no station at all, every cell a gap
    feature = data["features"][0]
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"]["style"]["color"].startswith("#")
    codes = {f["properties"]["mesh_code"] for f in data["features"] if f["properties"]["gap"] == "both"}
    assert codes == expected_gaps(SOUTH + 0.001, WEST + 0.001)


def test_the_screens_read_a_bounded_number_of_queries(outlined, staff, login_as, django_assert_max_num_queries):
    for name in ("東部圏域", "西部圏域", "中部圏域"):
        DailyLivingAreaFactory(municipality=outlined, name=name)
    run = coverage_compute(municipality=outlined)
    client = login_as(staff)
    with django_assert_max_num_queries(20):
        client.get(reverse("directory:coverage_municipality", args=[outlined.code]))
    with django_assert_max_num_queries(12):
        client.get(reverse("directory:coverage_run", args=[run.pk]))
    with django_assert_max_num_queries(10):
        client.get(reverse("directory:coverage_cells_geojson", args=[run.pk]))


def test_the_run_page_lists_uncovered_cells(outlined, staff, login_as):
    run = coverage_compute(municipality=outlined)
    response = login_as(staff).get(reverse("directory:coverage_run", args=[run.pk]))
    assert response.status_code == 200
    first = CoverageCell.objects.filter(run=run).order_by("mesh_code").first()
    assert first.mesh_code in response.content.decode()


def test_staff_of_another_municipality_and_professionals_are_refused(outlined, other_municipality,
                                                                     make_membership, login_as):
    run = coverage_compute(municipality=outlined)
    other_staff = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality))
    professional = make_membership(Role.PROFESSIONAL)
    for membership in (other_staff, professional):
        client = login_as(membership)
        assert client.get(reverse("directory:coverage_municipality", args=[outlined.code])).status_code == 403
        assert client.get(reverse("directory:coverage_run", args=[run.pk])).status_code == 403
        assert client.get(reverse("directory:coverage_cells_geojson", args=[run.pk])).status_code == 403
        assert client.post(reverse("directory:coverage_recompute", args=[outlined.code])).status_code == 403
    assert login_as(professional).get(reverse("directory:coverage_index")).status_code == 403


def test_a_prefecture_run_is_for_prefecture_staff_not_for_one_municipality(outlined, other_municipality, staff,
                                                                          make_membership, login_as):
    run = coverage_compute(prefecture=outlined.prefecture)
    prefecture_staff = make_membership(Role.PREFECTURE_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=PrefectureFactory()))
    url = reverse("directory:coverage_run", args=[run.pk])
    assert login_as(prefecture_staff).get(url).status_code == 200
    assert login_as(staff).get(url).status_code == 403


def test_the_index_finds_a_municipality_by_code(outlined, staff, login_as):
    response = login_as(staff).get(reverse("directory:coverage_index"), {"code": outlined.jis_code})
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:coverage_municipality", args=[outlined.code])



@pytest.fixture
def prefecture_staff(make_membership):
    return make_membership(Role.PREFECTURE_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.PREFECTURE_OFFICE, municipality=None, prefecture=PrefectureFactory()))


def test_prefecture_staff_recompute_their_prefecture_and_see_it_by_municipality(outlined, other_municipality,
                                                                                prefecture_staff, login_as,
                                                                                settings):
    settings.RENKEI_RUN_JOBS_INLINE = True
    home_visit_clinic(outlined, SOUTH + 0.001, WEST + 0.001)
    client = login_as(prefecture_staff)
    code = outlined.prefecture.code
    response = client.post(reverse("directory:coverage_prefecture_recompute", args=[code]),
                           {"mesh": "1km", "radius_km": "16"})
    assert response.status_code == 302
    run = CoverageRun.objects.get(prefecture=outlined.prefecture)
    assert run.status == CoverageRun.Status.DONE
    html = client.get(reverse("directory:coverage_prefecture", args=[code])).content.decode()
    with translation.override("ja"):
        by_municipality = gettext("By municipality")
    assert by_municipality in html and outlined.name in html
    index = client.get(reverse("directory:coverage_index")).content.decode()
    assert reverse("directory:coverage_prefecture", args=[code]) in index


def test_a_prefecture_recompute_waits_for_the_background_worker(outlined, prefecture_staff, login_as, queued_jobs):
    from renkei.core.models import Job

    login_as(prefecture_staff).post(reverse("directory:coverage_prefecture_recompute",
                                            args=[outlined.prefecture.code]), {"mesh": "500m", "radius_km": "16"})
    assert CoverageRun.objects.get(prefecture=outlined.prefecture).status == CoverageRun.Status.PENDING
    job = Job.objects.get(kind=jobs.COVERAGE_JOB)
    assert (job.status, job.prefecture_id, job.municipality_id) == (Job.Status.QUEUED, outlined.prefecture.pk, None)
    assert job.requested_by == prefecture_staff.user


def test_municipal_staff_cannot_open_the_prefecture_page(outlined, other_municipality, staff, login_as):
    from renkei.core.models import AuditEntry

    url = reverse("directory:coverage_prefecture", args=[outlined.prefecture.code])
    assert login_as(staff).get(url).status_code == 403
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSE, permission="directory.view_coverage").exists()
    index = login_as(staff).get(reverse("directory:coverage_index")).content.decode()
    assert url not in index


def test_a_mis_geocoded_facility_fails_the_approximate_run_with_an_explanation(municipality):
    home_visit_clinic(municipality, 35.30, 135.12)
    home_visit_clinic(municipality, 43.06, 141.35)  # 札幌: a geocoding slip
    run = coverage_compute(municipality=municipality)
    assert run.status == CoverageRun.Status.FAILED
    assert "check their positions or load the municipality outline" in run.error


def test_approving_a_home_visit_answer_recomputes_the_municipalitys_coverage(municipality):
    from renkei.directory.models import CoverageRun
    from renkei.directory.services.coverage import coverage_compute

    from ..factories import FacilityFactory, set_details

    clinic = FacilityFactory(municipality=municipality)
    first = coverage_compute(municipality=municipality)
    assert first.summary["providers_home_visit"] == 0
    set_details(clinic, scheduled_home_visit=True)
    latest = CoverageRun.objects.filter(municipality=municipality).latest("pk")
    assert latest.pk != first.pk and latest.status == "done"
    assert latest.summary["providers_home_visit"] == 1


def test_details_unrelated_to_coverage_do_not_recompute_it(municipality):
    from renkei.directory.models import CoverageRun
    from renkei.directory.services.coverage import coverage_compute

    from ..factories import FacilityFactory, set_details

    clinic = FacilityFactory(municipality=municipality)
    coverage_compute(municipality=municipality)
    set_details(clinic, unit_dose_packaging=True)
    assert CoverageRun.objects.filter(municipality=municipality).count() == 1
