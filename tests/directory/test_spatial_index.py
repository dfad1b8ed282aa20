"""The position index the database keeps: exact answers, and in step with every write, in any process."""

# Table and trigger names are this module's constants; every value is a bound parameter.
# ruff: noqa: S608

import math
import random

import pytest
from django.db import connection

from renkei.directory import spatial
from renkei.directory.models import Facility, FacilityKind
from renkei.directory.services.facilities import facility_close, facility_reopen, facility_save
from renkei.directory.services.imports import import_file

from ..factories import FacilityFactory
from .test_import_support import facility_header, facility_row, make_kumamoto, write_mhlw

pytestmark = pytest.mark.django_db

HERE = (35.2966, 135.1264)  # central 福知山, where the factory puts facilities
ELSEWHERE = (35.0116, 135.7681)  # 京都市, some 60 km away
only_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="the R*Tree is SQLite's index")


@pytest.fixture
def clinic(municipality):
    facility = FacilityFactory(municipality=municipality, name="内記ホームクリニック")
    FacilityFactory(municipality=municipality, name="隣の医院")
    return facility


def nearby_ids(point, radius_km=2.0, **kwargs):
    return [facility_id for facility_id, _distance in spatial.facilities_within(*point, radius_km, **kwargs)]


def rtree_entry(facility_id):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT min_lat, min_lon FROM {spatial.RTREE_TABLE} WHERE id = %s", [facility_id])
        return cursor.fetchone()


def rtree_ids():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {spatial.RTREE_TABLE} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def positioned_ids():
    return list(Facility.objects.filter(latitude__isnull=False, longitude__isnull=False)
                .order_by("id").values_list("id", flat=True))


def brute_force(lat, lon, radius_km, *, include_closed=False, kinds=None, candidate_ids=None):
    """Every facility, haversine one by one: what the index must answer."""
    hits = []
    for facility in Facility.objects.filter(latitude__isnull=False):
        if not include_closed and facility.status != Facility.Status.OPEN:
            continue
        if kinds and facility.kind not in kinds:
            continue
        if candidate_ids is not None and facility.pk not in candidate_ids:
            continue
        distance = spatial.haversine_km(lat, lon, facility.latitude, facility.longitude)
        if distance <= radius_km:
            hits.append((facility.pk, distance))
    return sorted(hits, key=lambda hit: (hit[1], hit[0]))


def test_radius_searches_give_the_same_ids_and_distances_as_a_brute_force_haversine(municipality):
    rng = random.Random(20261206)
    kinds = [k for k in FacilityKind.values]
    centres = [HERE, ELSEWHERE, (43.06, 141.35), (26.21, 127.68)]  # 福知山, 京都, 札幌, 那覇
    facilities = []
    for number in range(400):
        lat, lon = centres[number % len(centres)]
        spread = rng.choice([0.01, 0.1, 0.4])
        facilities.append(Facility(
            name=f"施設{number}", kana=f"シセツ{number}", kind=rng.choice(kinds), municipality=municipality,
            prefecture=municipality.prefecture, latitude=lat + rng.uniform(-spread, spread),
            longitude=lon + rng.uniform(-spread, spread),
            status=Facility.Status.OPEN if rng.random() < 0.8 else Facility.Status.CLOSED))
    facilities.append(Facility(name="位置不明", kana="イチフメイ", municipality=municipality,
                               prefecture=municipality.prefecture))
    Facility.objects.bulk_create(facilities)  # bulk writes keep the index in step too (triggers / GiST)
    all_ids = positioned_ids()
    for _query in range(60):
        lat, lon = rng.choice(centres)
        lat, lon = lat + rng.uniform(-0.3, 0.3), lon + rng.uniform(-0.3, 0.3)
        radius = rng.choice([0.5, 2.0, 16.0, rng.uniform(0.1, 60.0)])
        options = rng.choice([{}, {"include_closed": True}, {"kinds": rng.sample(kinds, 2)},
                              {"candidate_ids": set(rng.sample(all_ids, 150))}])
        expected = brute_force(lat, lon, radius, **options)
        got = spatial.facilities_within(lat, lon, radius, **options)
        assert [i for i, _ in got] == [i for i, _ in expected], (lat, lon, radius, options)
        # numpy's vectorised sine and math.sin may differ in the last bit
        assert [d for _, d in got] == pytest.approx([d for _, d in expected], rel=1e-12, abs=1e-12)


def test_a_facility_just_inside_the_radius_at_the_box_edge_is_found(municipality):
    # Due north and due east, 10 m inside a 16 km circle: on the edge of the bounding box the index reads.
    lat, lon = HERE
    north = FacilityFactory(municipality=municipality, latitude=lat + math.degrees(15.99 / spatial.EARTH_RADIUS_KM))
    east_lon = lon + math.degrees(15.99 / spatial.EARTH_RADIUS_KM) / math.cos(math.radians(lat))
    east = FacilityFactory(municipality=municipality, longitude=east_lon)
    assert set(nearby_ids(HERE, 16.0)) == {north.pk, east.pk}
    assert nearby_ids(HERE, 15.9) == []


def test_distances_to_gives_the_haversine_of_each_positioned_facility(clinic, municipality):
    unplaced = FacilityFactory(municipality=municipality, latitude=None, longitude=None)
    far = FacilityFactory(municipality=municipality, latitude=ELSEWHERE[0], longitude=ELSEWHERE[1])
    distances = spatial.distances_to(*HERE, [clinic.pk, unplaced.pk, far.pk, 999_999])
    assert distances == {clinic.pk: 0.0, far.pk: pytest.approx(spatial.haversine_km(*HERE, *ELSEWHERE), rel=1e-12)}


@only_sqlite
def test_every_positioned_facility_and_only_those_are_in_the_r_tree(clinic, municipality):
    FacilityFactory(municipality=municipality, latitude=None, longitude=None)
    assert rtree_ids() == positioned_ids()


@only_sqlite
@pytest.mark.parametrize(("field", "value"), [("description", "訪問診療に力を入れています。"),
                                              ("phone", "0773-99-9999"), ("name", "改名クリニック")])
def test_an_edit_that_moves_nothing_does_not_touch_the_r_tree(clinic, field, value):
    # Mark the entry: a rewrite by the trigger would put the stored position back.
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {spatial.RTREE_TABLE} SET min_lat = 20, max_lat = 20 WHERE id = %s", [clinic.pk])
    setattr(clinic, field, value)
    facility_save(facility=clinic)
    assert rtree_entry(clinic.pk)[0] == 20


@only_sqlite
def test_closing_or_a_kind_change_does_not_touch_the_r_tree(clinic):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {spatial.RTREE_TABLE} SET min_lat = 20, max_lat = 20 WHERE id = %s", [clinic.pk])
    facility_close(facility=clinic, reason="閉院")
    clinic.refresh_from_db()
    clinic.kind = "pharmacy"
    facility_save(facility=clinic)
    assert rtree_entry(clinic.pk)[0] == 20


@only_sqlite
def test_a_move_rewrites_only_that_facilitys_r_tree_entry(clinic):
    neighbour = clinic.pk + 1
    before = rtree_entry(neighbour)
    clinic.latitude, clinic.longitude = ELSEWHERE
    facility_save(facility=clinic)
    assert rtree_entry(clinic.pk) == pytest.approx(ELSEWHERE, abs=1e-5)
    assert rtree_entry(neighbour) == before


def test_a_moved_facility_is_found_at_its_new_position(clinic):
    assert clinic.pk in nearby_ids(HERE)
    clinic.latitude, clinic.longitude = ELSEWHERE
    facility_save(facility=clinic)
    assert clinic.pk not in nearby_ids(HERE)
    assert nearby_ids(ELSEWHERE) == [clinic.pk]


def test_a_facility_moved_by_another_process_is_found_by_the_next_search(clinic):
    # Another worker's write as plain SQL, not even audited: no code of this process sees it, only the
    # database's index does (and a process that starts now holds nothing to load).
    assert clinic.pk in nearby_ids(HERE)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE directory_facility SET latitude = %s, longitude = %s WHERE id = %s",
                       [*ELSEWHERE, clinic.pk])
    assert nearby_ids(ELSEWHERE) == [clinic.pk]
    assert clinic.pk not in nearby_ids(HERE)


def test_a_facility_whose_position_is_cleared_leaves_the_index(clinic):
    Facility.objects.filter(pk=clinic.pk).update(latitude=None, longitude=None)
    assert clinic.pk not in nearby_ids(HERE, include_closed=True)
    assert spatial.distances_to(*HERE, [clinic.pk]) == {}


def test_a_deleted_facility_leaves_the_index(clinic):
    pk = clinic.pk
    Facility.objects.filter(pk=pk).delete()
    assert pk not in nearby_ids(HERE, include_closed=True)


def test_a_closed_facility_disappears_from_nearby_unless_closed_ones_are_asked_for(clinic):
    facility_close(facility=clinic, reason="閉院")
    assert clinic.pk not in nearby_ids(HERE)
    assert clinic.pk in nearby_ids(HERE, include_closed=True)
    facility_reopen(facility=clinic)
    assert clinic.pk in nearby_ids(HERE)


def test_a_kind_change_is_seen_by_the_next_search(clinic):
    clinic.kind = "pharmacy"
    facility_save(facility=clinic)
    assert nearby_ids(HERE, kinds=["pharmacy"]) == [clinic.pk]
    assert clinic.pk not in nearby_ids(HERE, kinds=["clinic"])


def test_a_new_facility_is_found_by_the_next_search(clinic, municipality):
    added = FacilityFactory(municipality=municipality, latitude=ELSEWHERE[0], longitude=ELSEWHERE[1])
    assert nearby_ids(ELSEWHERE) == [added.pk]


def test_bulk_update_of_positions_keeps_the_index_in_step(clinic):
    clinic.latitude, clinic.longitude = ELSEWHERE
    Facility.objects.bulk_update([clinic], ["latitude", "longitude"])
    assert nearby_ids(ELSEWHERE) == [clinic.pk]


def test_an_import_that_moves_a_facility_is_seen_by_the_next_search(tmp_path):
    make_kumamoto()
    first = tmp_path / "first"
    first.mkdir()
    old = write_mhlw(first / "01-1_hospital_facility_info_20260101.csv", facility_header(),
                     [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1"),
                      facility_row("4310000000002", "熊本東病院", "熊本市東区1-1", lat="32.79")])
    import_file(source="mhlw", file=old, file_name=old.name)
    hospital = Facility.objects.get(name="熊本中央病院")
    assert hospital.pk in nearby_ids((32.80, 130.70))
    path = write_mhlw(tmp_path / "01-1_hospital_facility_info_20260601.csv", facility_header(),
                      [facility_row("4310000000001", "熊本中央病院", "熊本市中央区新屋敷1-17-1", lat="32.90"),
                       facility_row("4310000000002", "熊本東病院", "熊本市東区1-1", lat="32.79")])
    assert import_file(source="mhlw", file=path, file_name=path.name).counts["updated"] == 1
    assert hospital.pk not in nearby_ids((32.80, 130.70))
    assert nearby_ids((32.90, 130.70)) == [hospital.pk]
    if connection.vendor == "sqlite":
        assert rtree_ids() == positioned_ids()


@only_sqlite
def test_a_missing_r_tree_is_rebuilt_from_the_facilities(clinic, municipality):
    # What a migration that rebuilds the facility table does to the triggers; post_migrate repairs it.
    spatial.drop_position_index()
    assert spatial.ensure_position_index() is True
    assert spatial.ensure_position_index() is False
    assert rtree_ids() == positioned_ids()
    added = FacilityFactory(municipality=municipality, latitude=ELSEWHERE[0], longitude=ELSEWHERE[1])
    assert nearby_ids(ELSEWHERE) == [added.pk]


def test_the_database_index_exists_after_migrate():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name IN (%s, %s, %s, %s, %s)",
                           list(spatial.SQLITE_OBJECTS))
            assert cursor.fetchone()[0] == 5
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [spatial.GIST_INDEX])
            assert "gist" in cursor.fetchone()[0]
            # The search's expression is the indexed one (the planner would otherwise have to scan).
            sql, params = spatial._in_box(*HERE, 16.0, include_closed=False, kinds=None)
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            assert spatial.GIST_INDEX in " ".join(row[0] for row in cursor.fetchall())
