"""JIS X 0410 standard regional mesh (標準地域メッシュ): codes ↔ cells, vectorised with numpy.

The mesh divides latitude/longitude into cells:
- 1st mesh (第1次地域区画, ~80 km): 40′ of latitude × 1° of longitude, 4 digits `pp uu`
  with pp = ⌊lat × 1.5⌋ and uu = ⌊lon⌋ − 100;
- 2nd mesh (第2次地域区画, ~10 km): the 1st mesh cut 8 × 8 (5′ × 7′30″), 6 digits `… q v`;
- 3rd mesh (基準地域メッシュ, ~1 km): the 2nd mesh cut 10 × 10 (30″ × 45″), 8 digits `… r w`;
- 1/2 mesh (2分の1地域メッシュ, ~500 m): the 3rd mesh cut 2 × 2 (15″ × 22.5″), 9 digits, the last one
  1 = south-west, 2 = south-east, 3 = north-west, 4 = north-east.

Everything is computed on integer "half-mesh" indices: latitude in steps of 15″ (1/240°) and longitude
in steps of 22.5″ (1/160°) east of 100°E. A 1st mesh is then 160 × 160 steps, a 2nd 20 × 20, a 3rd
2 × 2 and a 1/2 mesh 1 × 1, so every level is integer division of the same two numbers.
Codes are Python/numpy int64 internally; the database stores them as strings (`MeshPopulation`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

FIRST, SECOND, THIRD, HALF = 1, 2, 3, 4
# The two meshes coverage runs use, by the names staff see.
MESH_LEVELS = {"1km": THIRD, "500m": HALF}
DIGITS = {FIRST: 4, SECOND: 6, THIRD: 8, HALF: 9}
LEVEL_OF_DIGITS = {v: k for k, v in DIGITS.items()}
# Size of a cell in half-mesh steps, per level.
_STEP = {FIRST: 160, SECOND: 20, THIRD: 2, HALF: 1}
LAT_STEPS_PER_DEGREE = 240
LON_STEPS_PER_DEGREE = 160
# Points exactly on a cell edge belong to the cell north/east of it; the epsilon keeps float noise
# (35.6666…×240 = 8559.9999…) from moving a corner into the neighbouring cell.
_EPS = 1e-9


def level_for(mesh: str | int) -> int:
    """The level number for "1km" / "500m" (or a level number given as is)."""
    if isinstance(mesh, int):
        if mesh not in DIGITS:
            raise ValueError(f"unknown mesh level {mesh!r}")
        return mesh
    try:
        return MESH_LEVELS[mesh]
    except KeyError:
        raise ValueError(f"unknown mesh {mesh!r}: use one of {', '.join(MESH_LEVELS)}") from None


def level_of_code(code: str | int) -> int:
    """The level of one code from its number of digits (4, 6, 8 or 9)."""
    digits = len(str(code))
    if digits not in LEVEL_OF_DIGITS:
        raise ValueError(f"{code!r} is not a 4, 6, 8 or 9 digit mesh code")
    return LEVEL_OF_DIGITS[digits]


def _indices(lats, lons) -> tuple[np.ndarray, np.ndarray]:
    lats = np.asarray(lats, dtype=np.float64)
    lons = np.asarray(lons, dtype=np.float64)
    i = np.floor(lats * LAT_STEPS_PER_DEGREE + _EPS).astype(np.int64)
    j = np.floor((lons - 100.0) * LON_STEPS_PER_DEGREE + _EPS).astype(np.int64)
    return i, j


def _encode(i: np.ndarray, j: np.ndarray, level: int) -> np.ndarray:
    """Codes of the cells (at `level`) holding the half-mesh indices i, j."""
    p, u = i // 160, j // 160
    code = p * 100 + u
    if level == FIRST:
        return code
    q, v = (i % 160) // 20, (j % 160) // 20
    code = code * 100 + q * 10 + v
    if level == SECOND:
        return code
    r, w = (i % 20) // 2, (j % 20) // 2
    code = code * 100 + r * 10 + w
    if level == THIRD:
        return code
    return code * 10 + (i % 2) * 2 + (j % 2) + 1


def _decode(codes, level: int) -> tuple[np.ndarray, np.ndarray]:
    """South-west half-mesh indices of codes at `level`; ValueError for impossible codes."""
    c = np.asarray(codes, dtype=np.int64)
    s = x = np.zeros_like(c)
    r = w = q = v = np.zeros_like(c)
    if level == HALF:
        k = c % 10 - 1
        if np.any((k < 0) | (k > 3)):
            raise ValueError("the 9th digit of a 1/2 mesh code must be 1 to 4")
        s, x = k // 2, k % 2
        c = c // 10
    if level in (THIRD, HALF):
        r, w = (c // 10) % 10, c % 10
        c = c // 100
    if level in (SECOND, THIRD, HALF):
        q, v = (c // 10) % 10, c % 10
        if np.any((q > 7) | (v > 7)):
            raise ValueError("the 5th and 6th digits of a mesh code must be 0 to 7")
        c = c // 100
    if np.any((c < 1000) | (c > 9999)):
        raise ValueError("not a mesh code of this level")
    p, u = c // 100, c % 100
    return p * 160 + q * 20 + r * 2 + s, u * 160 + v * 20 + w * 2 + x


def _codes_array(codes) -> tuple[np.ndarray, int]:
    """Codes (ints or digit strings, all of one level) as int64, and their level."""
    if isinstance(codes, np.ndarray) and codes.dtype.kind in "iu":
        arr = codes.astype(np.int64)
        if arr.size == 0:
            return arr, THIRD
        return arr, level_of_code(int(arr.flat[0]))
    codes = list(codes)
    if not codes:
        return np.zeros(0, dtype=np.int64), THIRD
    levels = {level_of_code(c) for c in codes}
    if len(levels) != 1:
        raise ValueError("mesh codes of different levels in one call")
    try:
        arr = np.asarray([int(c) for c in codes], dtype=np.int64)
    except (TypeError, ValueError):
        raise ValueError("mesh codes are digits only") from None
    return arr, levels.pop()


def mesh_codes_for(lats, lons, level: int | str = THIRD) -> np.ndarray:
    """Mesh codes (int64) of the cells holding each point."""
    level = level_for(level)
    i, j = _indices(lats, lons)
    return _encode(i, j, level)


def mesh_code(lat: float, lon: float, level: int | str = THIRD) -> str:
    """The mesh code of one point, as the string the statistics use."""
    return str(int(mesh_codes_for([lat], [lon], level)[0]))


def cell_bounds(codes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(south, west, north, east) arrays in degrees for codes of one level."""
    arr, level = _codes_array(codes)
    i, j = _decode(arr, level)
    step = _STEP[level]
    south = i / LAT_STEPS_PER_DEGREE
    west = 100.0 + j / LON_STEPS_PER_DEGREE
    return south, west, (i + step) / LAT_STEPS_PER_DEGREE, 100.0 + (j + step) / LON_STEPS_PER_DEGREE


def cell_corners(codes) -> tuple[np.ndarray, np.ndarray]:
    """South-west corners (lat, lon) of codes of one level."""
    south, west, _, _ = cell_bounds(codes)
    return south, west


def cell_centres(codes) -> tuple[np.ndarray, np.ndarray]:
    """Centres (lat, lon) of codes of one level."""
    south, west, north, east = cell_bounds(codes)
    return (south + north) / 2, (west + east) / 2


def cells_in_bbox(min_lat: float, min_lon: float, max_lat: float, max_lon: float,
                  level: int | str = THIRD) -> np.ndarray:
    """Codes of every cell at `level` that touches the box, row by row from the south-west."""
    level = level_for(level)
    step = _STEP[level]
    i0, j0 = _indices([min_lat], [min_lon])
    i1, j1 = _indices([max_lat], [max_lon])
    i0, j0 = int(i0[0]) // step * step, int(j0[0]) // step * step
    i1, j1 = int(i1[0]) // step * step, int(j1[0]) // step * step
    rows = np.arange(i0, i1 + 1, step, dtype=np.int64)
    cols = np.arange(j0, j1 + 1, step, dtype=np.int64)
    ii, jj = np.meshgrid(rows, cols, indexing="ij")
    return _encode(ii.ravel(), jj.ravel(), level)


def parent_codes(codes, level: int) -> np.ndarray:
    """The codes at a coarser `level` containing each code (e.g. 1/2 mesh → its 1 km mesh)."""
    arr, own = _codes_array(codes)
    if level > own:
        raise ValueError("a parent is coarser than its child")
    i, j = _decode(arr, own)
    return _encode(i, j, level)


def children_codes(codes, level: int) -> np.ndarray:
    """For each code, the codes at a finer `level` inside it: an (n, k) array."""
    arr, own = _codes_array(codes)
    i, j = _decode(arr, own)
    ratio = _STEP[own] // _STEP[level]
    step = _STEP[level]
    di, dj = np.meshgrid(np.arange(ratio) * step, np.arange(ratio) * step, indexing="ij")
    return _encode(i[:, None] + di.ravel()[None, :], j[:, None] + dj.ravel()[None, :], level)


def is_valid_code(code: str) -> bool:
    """True for a string of 4, 6, 8 or 9 digits that names a real cell."""
    if not code.isascii() or not code.isdigit():
        return False
    try:
        _decode([int(code)], level_of_code(code))
    except ValueError:
        return False
    return True


def cell_polygon(code: str | int) -> list[list[float]]:
    """The outline of one cell as a closed GeoJSON ring of [lon, lat] pairs."""
    south, west, north, east = (float(a[0]) for a in cell_bounds([code]))
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def as_strings(codes: Iterable[int] | Sequence[int]) -> list[str]:
    return [str(int(c)) for c in codes]
