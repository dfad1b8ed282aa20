"""JIS X 0410 standard regional mesh: codes, cells, boxes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.directory import mesh

lat = st.floats(min_value=20.0, max_value=45.9, allow_nan=False)
lon = st.floats(min_value=122.0, max_value=153.9, allow_nan=False)
level = st.sampled_from([mesh.FIRST, mesh.SECOND, mesh.THIRD, mesh.HALF])
TOLERANCE = 1e-7


def test_tokyo_station_is_in_3rd_mesh_53394611():
    """東京駅 (35.681236 N, 139.767125 E), derived by hand from JIS X 0410:

    lat × 1.5 = 53.5219 → p = 53; 0.5219 × 8 = 4.175 → q = 4; 0.175 × 10 = 1.75 → r = 1
    lon − 100 = 39.767 → u = 39; 0.767 × 8 = 6.137 → v = 6; 0.137 × 10 = 1.37 → w = 1
    → 53 39 4 6 1 1. The 1/2 mesh: 0.75 of the 3rd-mesh row (north half) and 0.37 of the column
    (west half) → 3 (north-west).
    """
    assert mesh.mesh_code(35.681236, 139.767125, mesh.FIRST) == "5339"
    assert mesh.mesh_code(35.681236, 139.767125, mesh.SECOND) == "533946"
    assert mesh.mesh_code(35.681236, 139.767125, "1km") == "53394611"
    assert mesh.mesh_code(35.681236, 139.767125, "500m") == "533946113"


def test_the_south_west_corner_of_a_1st_mesh_is_whole_degrees_and_two_thirds():
    """5339: p = 53 → 53 / 1.5 = 35.3333° N; u = 39 → 139° E; 40′ × 1° big."""
    south, west, north, east = (float(a[0]) for a in mesh.cell_bounds(["5339"]))
    assert south == pytest.approx(35 + 1 / 3)
    assert west == pytest.approx(139.0)
    assert north - south == pytest.approx(40 / 60)
    assert east - west == pytest.approx(1.0)


def test_3rd_mesh_is_30_by_45_seconds_and_half_mesh_15_by_22_5():
    s, w, n, e = (float(a[0]) for a in mesh.cell_bounds(["53394611"]))
    assert (n - s) * 3600 == pytest.approx(30)
    assert (e - w) * 3600 == pytest.approx(45)
    s, w, n, e = (float(a[0]) for a in mesh.cell_bounds(["533946114"]))
    assert (n - s) * 3600 == pytest.approx(15)
    assert (e - w) * 3600 == pytest.approx(22.5)


def test_the_four_half_meshes_are_numbered_sw_se_nw_ne():
    s, w, n, e = (float(a[0]) for a in mesh.cell_bounds(["53394611"]))
    mid_lat, mid_lon = (s + n) / 2, (w + e) / 2
    quarter_lat, quarter_lon = (n - s) / 4, (e - w) / 4
    points = [(mid_lat - quarter_lat, mid_lon - quarter_lon), (mid_lat - quarter_lat, mid_lon + quarter_lon),
              (mid_lat + quarter_lat, mid_lon - quarter_lon), (mid_lat + quarter_lat, mid_lon + quarter_lon)]
    codes = mesh.mesh_codes_for([p[0] for p in points], [p[1] for p in points], mesh.HALF)
    assert codes.tolist() == [533946111, 533946112, 533946113, 533946114]


@given(lat, lon, level)
def test_a_point_lies_inside_the_cell_of_its_code(la, lo, lvl):
    code = mesh.mesh_codes_for([la], [lo], lvl)
    south, west, north, east = (float(a[0]) for a in mesh.cell_bounds(code))
    assert south - TOLERANCE <= la <= north + TOLERANCE
    assert west - TOLERANCE <= lo <= east + TOLERANCE
    assert len(str(int(code[0]))) == mesh.DIGITS[lvl]


@given(lat, lon, level)
def test_the_centre_of_a_cell_maps_back_to_the_same_code(la, lo, lvl):
    code = mesh.mesh_codes_for([la], [lo], lvl)
    c_lat, c_lon = mesh.cell_centres(code)
    assert mesh.mesh_codes_for(c_lat, c_lon, lvl).tolist() == code.tolist()


@given(lat, lon)
def test_a_half_mesh_lies_inside_its_1km_mesh_and_that_inside_its_1st_mesh(la, lo):
    half = mesh.mesh_codes_for([la], [lo], mesh.HALF)
    assert mesh.parent_codes(half, mesh.THIRD).tolist() == mesh.mesh_codes_for([la], [lo], mesh.THIRD).tolist()
    assert mesh.parent_codes(half, mesh.FIRST).tolist() == mesh.mesh_codes_for([la], [lo], mesh.FIRST).tolist()
    assert str(int(half[0])).startswith(str(int(mesh.parent_codes(half, mesh.THIRD)[0])))


def test_a_1km_mesh_has_four_half_meshes_and_a_2nd_mesh_one_hundred_1km_meshes():
    assert sorted(mesh.children_codes(["53394611"], mesh.HALF)[0].tolist()) == [
        533946111, 533946112, 533946113, 533946114]
    children = mesh.children_codes(["533946"], mesh.THIRD)[0]
    assert len(set(children.tolist())) == 100
    assert {str(c)[:6] for c in children.tolist()} == {"533946"}


def test_cells_in_a_box_cover_it_without_gaps():
    codes = mesh.cells_in_bbox(35.60, 139.60, 35.70, 139.80, "1km")
    south, west, north, east = mesh.cell_bounds(codes)
    assert south.min() <= 35.60 and north.max() >= 35.70
    assert west.min() <= 139.60 and east.max() >= 139.80
    # 0.1° of latitude is 12 rows of 30″ (plus the partial one); 0.2° of longitude 16 columns of 45″.
    assert len(np.unique(south)) in (12, 13, 14)
    assert len(np.unique(west)) in (16, 17, 18)
    assert len(codes) == len(set(codes.tolist()))


def test_impossible_codes_are_refused():
    assert not mesh.is_valid_code("53398611")  # 2nd-mesh digits run 0–7
    assert not mesh.is_valid_code("533946115")  # 1/2 mesh digit runs 1–4
    assert not mesh.is_valid_code("5339461")  # 7 digits
    assert not mesh.is_valid_code("5339４611")
    assert mesh.is_valid_code("53394611")
    with pytest.raises(ValueError):
        mesh.cell_centres(["53398611"])
    with pytest.raises(ValueError):
        mesh.cell_centres(["53394611", "533946111"])
    with pytest.raises(ValueError):
        mesh.level_for("250m")


def test_a_cell_polygon_is_a_closed_ring_of_lon_lat():
    ring = mesh.cell_polygon("53394611")
    assert ring[0] == ring[-1]
    assert len(ring) == 5
    # South-west corner: (53 + 4/8 + 1/80) / 1.5 = 35.675 N and 139 + 6/8 + 1/80 = 139.7625 E.
    assert ring[0] == pytest.approx([139.7625, 35.675])


@given(lat, lon, st.floats(min_value=0.0, max_value=0.3), st.floats(min_value=0.0, max_value=0.3),
       st.sampled_from(["1km", "500m"]), st.floats(min_value=0, max_value=1), st.floats(min_value=0, max_value=1))
def test_every_point_of_a_box_lies_in_one_of_the_box_cells(la, lo, height, width, level_name, fy, fx):
    box = (la, lo, min(la + height, 45.99), min(lo + width, 153.99))
    codes = set(mesh.cells_in_bbox(*box, level_name).tolist())
    point_lat = box[0] + (box[2] - box[0]) * fy
    point_lon = box[1] + (box[3] - box[1]) * fx
    assert int(mesh.mesh_codes_for([point_lat], [point_lon], level_name)[0]) in codes
