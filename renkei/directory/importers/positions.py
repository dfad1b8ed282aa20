"""Positions far from their municipality: a list's latitude and longitude checked against where the row is.

National and municipal lists hold positions geocoded elsewhere (a 姫路市 office at Fukuoka's coordinates, a
白老町 one in Tokyo). Such a position would put the facility on the wrong map and stretch its municipality's
coverage area across Japan, so the row keeps its address and loses its position; the import report counts it.

Two checks, without any shape data:
1. the position lies in the row's prefecture: the prefecture's bounding boxes (main land and island groups,
   rounded outwards) padded by PREFECTURE_MARGIN_DEGREES;
2. when the file places several rows in the same municipality, a position much farther from their median
   than the others (more than MUNICIPALITY_RADIUS_KM, or three times their typical distance) is dropped.
"""

from __future__ import annotations

import math
import statistics

from .common import ParsedFile, clean

PREFECTURE_MARGIN_DEGREES = 0.3  # about 30 km: a position near the border is never dropped
MUNICIPALITY_RADIUS_KM = 80.0  # the widest municipalities (高山市, 浜松市) are about 80 km across
MIN_POINTS_FOR_MEDIAN = 5

# (south, north, west, east) of each prefecture, by its two-digit code; several boxes for island groups.
PREFECTURE_BOXES: dict[str, list[tuple[float, float, float, float]]] = {
    "01": [(41.3, 45.6, 139.3, 148.9)], "02": [(40.2, 41.6, 139.4, 141.7)], "03": [(38.7, 40.5, 140.6, 142.1)],
    "04": [(37.7, 39.0, 140.2, 141.7)], "05": [(38.8, 40.6, 139.6, 141.0)], "06": [(37.7, 39.2, 139.5, 140.7)],
    "07": [(36.8, 38.0, 139.1, 141.1)], "08": [(35.7, 37.0, 139.6, 140.9)], "09": [(36.2, 37.2, 139.3, 140.3)],
    "10": [(35.9, 37.1, 138.4, 139.7)], "11": [(35.7, 36.3, 138.7, 139.9)], "12": [(34.9, 36.1, 139.7, 140.9)],
    "13": [(35.4, 35.9, 138.9, 139.95), (32.4, 34.8, 139.1, 140.4), (24.2, 27.8, 140.8, 142.3)],
    "14": [(35.1, 35.7, 138.9, 139.8)], "15": [(36.7, 38.6, 137.6, 139.95)], "16": [(36.2, 37.0, 136.7, 137.8)],
    "17": [(36.0, 37.9, 136.2, 137.4)], "18": [(35.3, 36.3, 135.4, 136.85)], "19": [(35.1, 36.0, 138.2, 139.2)],
    "20": [(35.2, 37.05, 137.3, 138.75)], "21": [(35.1, 36.5, 136.25, 137.7)], "22": [(34.55, 35.65, 137.45, 139.2)],
    "23": [(34.5, 35.45, 136.65, 137.85)], "24": [(33.7, 35.3, 135.85, 137.0)], "25": [(34.75, 35.7, 135.75, 136.45)],
    "26": [(34.7, 35.8, 134.85, 136.05)], "27": [(34.25, 35.05, 135.1, 135.75)], "28": [(34.15, 35.7, 134.25, 135.5)],
    "29": [(33.85, 34.8, 135.55, 136.25)], "30": [(33.4, 34.4, 135.0, 136.0)], "31": [(35.05, 35.6, 133.1, 134.5)],
    "32": [(34.3, 36.4, 131.65, 133.4)], "33": [(34.35, 35.35, 133.25, 134.45)], "34": [(34.0, 35.1, 132.0, 133.5)],
    "35": [(33.7, 34.8, 130.75, 132.5)], "36": [(33.5, 34.25, 133.65, 134.85)], "37": [(34.0, 34.6, 133.45, 134.45)],
    "38": [(32.9, 34.3, 132.0, 133.7)], "39": [(32.7, 33.9, 132.45, 134.3)], "40": [(33.0, 34.25, 129.9, 131.2)],
    "41": [(32.95, 33.65, 129.7, 130.55)], "42": [(32.55, 34.75, 128.55, 130.4)], "43": [(32.05, 33.2, 129.95, 131.35)],
    "44": [(32.7, 33.75, 130.8, 132.1)], "45": [(31.35, 32.85, 130.7, 131.9)], "46": [(27.0, 32.25, 128.4, 131.2)],
    "47": [(24.0, 27.9, 122.9, 131.35)],
}


def is_in_prefecture(prefecture_code: str, latitude: float, longitude: float) -> bool:
    """True when the position lies in (or within the margin of) the prefecture; True for an unknown code."""
    boxes = PREFECTURE_BOXES.get(clean(prefecture_code))
    if not boxes:
        return True
    margin = PREFECTURE_MARGIN_DEGREES
    return any(south - margin <= latitude <= north + margin and west - margin <= longitude <= east + margin
               for south, north, west, east in boxes)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


_POSITION_FIELDS = ("latitude", "longitude", "coordinate_source", "coordinate_quality")


def drop_far_positions(parsed: ParsedFile) -> None:
    """Remove the positions of rows far from their municipality; count them and say which in the messages."""
    far = []
    by_municipality: dict[int, list] = {}
    for record in parsed.facilities:
        latitude, longitude = record.values.get("latitude"), record.values.get("longitude")
        if latitude is None or longitude is None:
            continue
        municipality = record.municipality
        prefecture = getattr(municipality, "prefecture", None)
        if prefecture is not None and not is_in_prefecture(prefecture.code, latitude, longitude):
            far.append(record)
        else:
            by_municipality.setdefault(municipality.pk, []).append(record)
    for records in by_municipality.values():
        if len(records) < MIN_POINTS_FOR_MEDIAN:
            continue
        centre = (statistics.median(r.values["latitude"] for r in records),
                  statistics.median(r.values["longitude"] for r in records))
        distances = [distance_km(*centre, r.values["latitude"], r.values["longitude"]) for r in records]
        limit = max(MUNICIPALITY_RADIUS_KM, 3 * statistics.median(distances))
        far += [r for r, d in zip(records, distances, strict=True) if d > limit]
    for record in sorted(far, key=lambda r: r.row):
        latitude, longitude = record.values["latitude"], record.values["longitude"]
        for name in _POSITION_FIELDS:
            record.values.pop(name, None)
        parsed.positions_dropped += 1
        parsed.messages.append(f"row {record.row}: position {latitude:.5f}, {longitude:.5f} is far from "
                               f"{record.municipality}; the address is kept, the position dropped / "
                               f"{record.row} 行目: 位置が{record.municipality}から遠いため取り込みませんでした")
