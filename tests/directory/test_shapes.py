"""Daily living area shapes from GeoJSON: all or nothing, validated, facilities placed in their area."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.core.models import AuditEntry, Organization, Role
from renkei.directory.models import AreaShape, CoverageRun, Facility, ImportRun
from renkei.directory.services.shapes import Kind, area_shapes_import, facility_areas_assign, read_shapes

from ..factories import DailyLivingAreaFactory, FacilityFactory, OrganizationFactory


def ring(south, west, north, east):
    return [[[west, south], [east, south], [east, north], [west, north], [west, south]]]


def feature(properties, coordinates, kind="Polygon"):
    return {"type": "Feature", "properties": properties, "geometry": {"type": kind, "coordinates": coordinates}}


def collection(*features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra},
                      ensure_ascii=False).encode("utf-8")


WEST_RING = ring(35.20, 135.00, 35.40, 135.12)
EAST_RING = ring(35.20, 135.12, 35.40, 135.25)


@pytest.fixture
def areas(municipality):
    return (DailyLivingAreaFactory(municipality=municipality, name="西部圏域"),
            DailyLivingAreaFactory(municipality=municipality, name="東部圏域"))


def run_import(municipality, data, **kwargs):
    return area_shapes_import(file=data, file_name="areas.geojson", municipality=municipality, **kwargs)


def test_areas_are_stored_with_their_bounding_box_and_one_bulk_audit_entry(municipality, areas, settings):
    settings.RENKEI_RUN_JOBS_INLINE = True
    report = run_import(municipality, collection(feature({"name": "西部圏域"}, WEST_RING),
                                                 feature({"name": "東部圏域"}, EAST_RING)))
    assert not report.is_rejected
    west = AreaShape.objects.get(daily_living_area=areas[0])
    assert (west.min_lat, west.min_lon, west.max_lat, west.max_lon) == pytest.approx((35.20, 135.00, 35.40, 135.12))
    assert west.geometry["type"] == "Polygon"
    assert report.run.outcome == ImportRun.Outcome.APPLIED
    assert report.run.source == "area_shapes"
    assert report.run.counts["created"] == 2
    entry = AuditEntry.objects.get(action=AuditEntry.Action.BULK, object_type="directory.importrun")
    assert entry.changes["import_run"] == report.run.pk
    assert CoverageRun.objects.get(municipality=municipality).status == CoverageRun.Status.DONE


def test_a_second_import_replaces_the_shape_of_an_area(municipality, areas):
    run_import(municipality, collection(feature({"name": "西部圏域"}, WEST_RING)))
    report = run_import(municipality, collection(feature({"name": "西部圏域"}, ring(35.2, 135.0, 35.3, 135.1))))
    assert report.run.counts == {"features": 1, "created": 0, "updated": 1, "skipped": 0, "rejected": 0,
                                 "facilities_assigned": 0}
    assert AreaShape.objects.get(daily_living_area=areas[0]).max_lat == pytest.approx(35.3)


def test_the_japanese_property_names_and_full_width_spaces_are_accepted(municipality, areas):
    report = run_import(municipality, collection(feature({"日常生活圏域": "西部 圏域"}, WEST_RING),
                                                 feature({"圏域名": "東部圏域"}, EAST_RING)))
    assert sorted(report.areas) == ["東部圏域", "西部圏域"]


def test_a_named_property_is_used_when_given(municipality, areas):
    report = run_import(municipality, collection(feature({"NAME_JA": "西部圏域", "name": "West"}, WEST_RING)),
                        name_property="NAME_JA")
    assert report.areas == ["西部圏域"]


def test_features_with_the_same_name_are_merged_into_a_multipolygon(municipality, areas):
    run_import(municipality, collection(feature({"name": "西部圏域"}, ring(35.2, 135.0, 35.3, 135.05)),
                                        feature({"name": "西部圏域"}, ring(35.35, 135.0, 35.4, 135.05))))
    assert AreaShape.objects.get(daily_living_area=areas[0]).geometry["type"] == "MultiPolygon"


def test_an_unknown_area_rejects_the_whole_file(municipality, areas):
    report = run_import(municipality, collection(feature({"name": "西部圏域"}, WEST_RING),
                                                 feature({"name": "北部圏域"}, EAST_RING)))
    assert report.is_rejected
    assert not AreaShape.objects.exists()
    [reject] = report.rejects
    assert reject["row"] == 2
    assert "「北部圏域」" in reject["reason"] and "“北部圏域” is not a daily living area" in reject["reason_en"]
    assert ImportRun.objects.get().outcome == ImportRun.Outcome.REJECTED


def test_a_self_intersecting_ring_is_rejected_with_the_reason(municipality, areas):
    bow_tie = [[[135.0, 35.2], [135.1, 35.3], [135.1, 35.2], [135.0, 35.3], [135.0, 35.2]]]
    report = run_import(municipality, collection(feature({"name": "西部圏域"}, bow_tie)))
    assert report.is_rejected
    assert "Self-intersection" in report.rejects[0]["reason_en"]
    assert "図形が不正です" in report.rejects[0]["reason"]


def test_projected_coordinates_are_rejected_as_outside_japan(municipality, areas):
    # 平面直角座標系 VI (metres), as exported by GIS software that did not reproject.
    report = run_import(municipality, collection(feature({"name": "西部圏域"}, ring(-120000, -30000, -100000,
                                                                                      -10000))))
    assert report.is_rejected
    assert "outside Japan" in report.rejects[0]["reason_en"]


def test_swapped_latitude_and_longitude_are_explained(municipality, areas):
    swapped = [[[y, x] for x, y in WEST_RING[0]]]
    report = run_import(municipality, collection(feature({"name": "西部圏域"}, swapped)))
    assert "swapped" in report.rejects[0]["reason_en"]


def test_a_projected_crs_member_is_rejected(municipality, areas):
    data = collection(feature({"name": "西部圏域"}, WEST_RING),
                      crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6674"}})
    report = run_import(municipality, data)
    assert report.is_rejected
    assert "EPSG::6674" in report.rejects[0]["reason_en"]


def test_a_jgd2011_geographic_crs_member_is_accepted(municipality, areas):
    data = collection(feature({"name": "西部圏域"}, WEST_RING),
                      crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::6668"}})
    assert not run_import(municipality, data).is_rejected


@pytest.mark.parametrize(("data", "message"), [
    (b"{not json", "Not readable as GeoJSON"),
    (json.dumps({"type": "Feature"}).encode(), "Not a GeoJSON FeatureCollection"),
    (collection(), "no features"),
    (collection(feature({"name": "西部圏域"}, [[135.1, 35.3]], kind="Point")), "Geometry type Point"),
    (collection(feature({}, WEST_RING)), "No area name property"),
])
def test_broken_files_are_rejected_with_a_reason(municipality, areas, data, message):
    report = run_import(municipality, data)
    assert report.is_rejected
    assert message in report.rejects[0]["reason_en"]
    assert not AreaShape.objects.exists()


coordinates = st.lists(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=3),
                       max_size=6)
junk_geometry = st.fixed_dictionaries({"type": st.sampled_from(["Polygon", "MultiPolygon", "Point", "Nope"]),
                                       "coordinates": st.one_of(coordinates, st.lists(coordinates, max_size=2),
                                                                st.lists(st.lists(coordinates, max_size=2),
                                                                         max_size=2))})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk_geometry)
def test_any_geometry_gives_a_shape_or_a_reason_never_an_exception(municipality, areas, geometry):
    data = collection({"type": "Feature", "properties": {"name": "西部圏域"}, "geometry": geometry})
    shapes, rejects, _ = read_shapes(data=data, municipality=municipality)
    assert bool(shapes) != bool(rejects)
    assert all(r["reason"] and r["reason_en"] for r in rejects)


def test_an_n03_file_gives_the_municipality_outline_and_skips_the_others(municipality):
    data = collection(
        feature({"N03_001": "京都府", "N03_004": "福知山市", "N03_007": municipality.jis_code}, WEST_RING),
        feature({"N03_001": "京都府", "N03_004": "福知山市", "N03_007": municipality.jis_code}, EAST_RING),
        feature({"N03_001": "京都府", "N03_004": "舞鶴市", "N03_007": "26202"}, ring(35.4, 135.3, 35.5, 135.4)))
    report = run_import(municipality, data, kind=Kind.OUTLINE)
    assert report.outline and report.skipped == 1
    outline = AreaShape.objects.get(municipality=municipality, daily_living_area=None)
    assert (outline.min_lon, outline.max_lon) == pytest.approx((135.0, 135.25))
    assert outline.geometry["type"] == "Polygon"  # the two touching halves were merged


def test_an_n03_file_gives_a_designated_city_the_outline_of_its_wards(db):
    from ..factories import MunicipalityFactory

    city = MunicipalityFactory(jis_code="26100", name="京都市", kind="designated_city")
    MunicipalityFactory(jis_code="26101", name="北区", kind="ward", parent=city)
    MunicipalityFactory(jis_code="26102", name="上京区", kind="ward", parent=city)
    data = collection(feature({"N03_004": "京都市", "N03_005": "北区", "N03_007": "26101"}, WEST_RING),
                      feature({"N03_004": "京都市", "N03_005": "上京区", "N03_007": "26102"}, EAST_RING),
                      feature({"N03_004": "所属未定地", "N03_007": None}, ring(35.5, 135.0, 35.6, 135.1)))
    report = run_import(city, data, kind=Kind.OUTLINE)
    assert not report.is_rejected and report.skipped == 1
    outline = AreaShape.objects.get(municipality=city, daily_living_area=None)
    assert (outline.min_lon, outline.max_lon, outline.max_lat) == pytest.approx((135.0, 135.25, 35.4))


def test_a_plain_outline_file_uses_every_feature(municipality):
    report = run_import(municipality, collection(feature({"name": "福知山市"}, WEST_RING)), kind=Kind.OUTLINE)
    assert report.outline and report.skipped == 0


def test_an_n03_file_without_the_municipality_is_rejected(municipality):
    data = collection(feature({"N03_007": "26202"}, WEST_RING))
    report = run_import(municipality, data, kind=Kind.OUTLINE)
    assert report.is_rejected
    assert municipality.jis_code in report.rejects[0]["reason_en"]


def test_facilities_without_an_area_are_placed_in_the_shape_that_holds_them(municipality, areas):
    west_area, east_area = areas
    empty = FacilityFactory(municipality=municipality, latitude=35.3, longitude=135.05)
    chosen = FacilityFactory(municipality=municipality, latitude=35.3, longitude=135.05,
                             daily_living_area=east_area)
    outside = FacilityFactory(municipality=municipality, latitude=35.6, longitude=135.05)
    report = run_import(municipality, collection(feature({"name": "西部圏域"}, WEST_RING),
                                                 feature({"name": "東部圏域"}, EAST_RING)))
    assert report.assignment["assigned"] == 1
    assert report.assignment["disagreeing"] == 1 and report.assignment["outside"] == 1
    assert Facility.objects.get(pk=empty.pk).daily_living_area == west_area
    assert Facility.objects.get(pk=chosen.pk).daily_living_area == east_area  # staff's choice is kept
    assert Facility.objects.get(pk=outside.pk).daily_living_area is None
    assert AuditEntry.objects.filter(action=AuditEntry.Action.BULK, object_type="directory.facility").count() == 1


def test_assigning_again_changes_nothing(municipality, areas):
    FacilityFactory(municipality=municipality, latitude=35.3, longitude=135.05)
    run_import(municipality, collection(feature({"name": "西部圏域"}, WEST_RING)))
    again = facility_areas_assign(municipality=municipality)
    assert (again["assigned"], again["agreeing"]) == (0, 1)


# --- the upload screen ---------------------------------------------------------------------------

@pytest.fixture
def staff(make_membership, municipal_office):
    return make_membership(Role.MUNICIPAL_STAFF, organization=municipal_office)


def test_staff_upload_a_geojson_and_see_the_report(municipality, areas, staff, login_as):
    upload = SimpleUploadedFile("圏域.geojson", collection(feature({"name": "西部圏域"}, WEST_RING)),
                                content_type="application/geo+json")
    response = login_as(staff).post(reverse("directory:coverage_shapes_upload", args=[municipality.code]),
                                    {"kind": "areas", "file": upload, "name_property": ""})
    assert response.status_code == 200
    assert AreaShape.objects.filter(daily_living_area=areas[0]).exists()
    html = response.content.decode()
    assert "東部圏域" in html  # listed as still without a shape
    with translation.override("ja"):
        label = gettext("areas in the file")
    assert f"<dt>{label}</dt><dd>1</dd>" in html


def test_a_rejected_upload_shows_the_reasons_and_answers_400(municipality, areas, staff, login_as):
    upload = SimpleUploadedFile("bad.geojson", collection(feature({"name": "北部圏域"}, WEST_RING)))
    response = login_as(staff).post(reverse("directory:coverage_shapes_upload", args=[municipality.code]),
                                    {"kind": "areas", "file": upload})
    assert response.status_code == 400
    assert "北部圏域" in response.content.decode()
    assert not AreaShape.objects.exists()


def test_staff_of_another_municipality_cannot_upload_shapes(municipality, other_municipality, make_membership,
                                                            login_as):
    other = make_membership(Role.MUNICIPAL_STAFF, organization=OrganizationFactory(
        kind=Organization.Kind.MUNICIPALITY_OFFICE, municipality=other_municipality))
    url = reverse("directory:coverage_shapes_upload", args=[municipality.code])
    assert login_as(other).get(url).status_code == 403
    assert login_as(make_membership(Role.PROFESSIONAL)).get(url).status_code == 403
