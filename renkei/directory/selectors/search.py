"""Facility search shared by the resident portal, staff screens, exports and the JSON API.

Every filter is SQL; the radius comes from the database's position index (`spatial`: the bounding box
there, the exact distance in numpy), and the two meet on facility ids; names from the trigram index
(`name_index`). One page of results costs a bounded number of queries (ids, then the page's rows
with their municipality, hours and collaboration details prefetched).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone

from renkei.core.models import DailyLivingArea, Municipality
from renkei.core.text import katakana_to_hepburn, looks_like_romaji, romaji_to_katakana

from .. import gazetteer, spatial
from ..models import CollaborationAttribute, CollaborationDetail, Facility, FacilityKind
from ..normalize import search_key
from ..taxonomy import SERVICE_TYPES
from .facilities import may_see_professional_details

MAX_LIMIT = 200
MAX_RADIUS_KM = 100.0
MAX_OFFSET = 10_000_000
# Above this many facilities inside the radius, the SQL side filters on the bounding box instead of an id list
# (SQLite allows 32,766 parameters in a statement, PostgreSQL 65,535).
MAX_ID_LIST = 20_000
# Years open_at may name: the holiday calendar (jpholiday) and the conversion to Japan time overflow at the
# edges of Python's calendar (years 1 and 9999), which was a 500.
OPEN_AT_YEARS = (1950, 2200)
JAPAN_LAT = (20.0, 46.0)
JAPAN_LON = (122.0, 154.0)


@dataclass
class FacilitySearch:
    """What a search asks for. Build it with `parse_facility_search` from query-string data."""

    q: str = ""
    kinds: list[str] = field(default_factory=list)
    service_types: list[str] = field(default_factory=list)
    capabilities: list[str] = field(default_factory=list)  # attribute codes answered yes (or non-empty)
    departments: list[str] = field(default_factory=list)
    area_id: int | None = None
    municipality_code: str = ""
    open_at: dt.datetime | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    near: str = ""  # address, postal code or municipality name
    include_closed: bool = False
    limit: int = 50
    offset: int = 0

    @property
    def has_center(self) -> bool:
        return (self.lat is not None and self.lon is not None) or bool(self.near)


@dataclass
class FacilityHit:
    """One hit: a Facility (screens), or with `as_rows` a plain dict of its columns (`facility_rows`)."""

    facility: Facility | None
    distance_km: float | None = None
    row: dict | None = None


@dataclass
class FacilitySearchResult:
    hits: list[FacilityHit] = field(default_factory=list)
    total: int = 0
    center: tuple[float, float] | None = None
    center_label: str = ""
    center_quality: str = ""  # "point", "town", "municipality"
    center_note: str = ""  # said on every screen and in the API: e.g. a town that could not be placed
    # Problems found while searching (e.g. the `near` text could not be placed): {parameter: message}.
    errors: dict[str, str] = field(default_factory=dict)


def _message(ja: str, en: str) -> str:
    return f"{ja} / {en}"


# --- parsing -------------------------------------------------------------------------------------------------

def _values(data: Mapping[str, Any], name: str) -> list[str]:
    """All values of a parameter (repeatable, or comma-separated), stripped, blanks dropped."""
    if hasattr(data, "getlist"):
        raw = data.getlist(name)
    else:
        value = data.get(name)
        raw = [] if value is None else list(value) if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in raw:
        for part in str(item).split(","):
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def _value(data: Mapping[str, Any], name: str) -> str:
    """The last value of a single-valued parameter, stripped ("" when absent)."""
    raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
    if isinstance(raw, list | tuple):
        raw = raw[-1] if raw else None
    return "" if raw is None else str(raw).strip()


def _float(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _int(text: str) -> int | None:
    if not re.fullmatch(r"[+-]?\d{1,12}", text):
        return None
    return int(text)


def parse_open_at(text: str) -> dt.datetime | None:
    """"now" or an ISO date-time ("2026-11-23T10:00", with or without offset; without means Japan time)."""
    if text.lower() == "now":
        return timezone.now()
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T") if len(text) > 10 else text)
    except ValueError:
        return None
    if len(text) <= 10:  # a date alone has no time to be open at
        return None
    if not OPEN_AT_YEARS[0] <= moment.year <= OPEN_AT_YEARS[1]:
        return None
    return moment


SEARCH_PARAMETERS = ("q", "kind", "service", "capability", "department", "area", "municipality", "open_at", "lat",
                     "lon", "near", "radius_km", "include_closed", "limit", "offset")
# C0 and C1 control characters, NUL included: PostgreSQL refuses NUL in text (a DataError, not a message),
# and no search needs a tab or a line break inside a value.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _without_control_characters(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, list[str]]:
    """{parameter: values} of the search parameters; one holding a control character is refused with a message
    and dropped, so nothing below (nor the database) ever sees it. The HTTP middleware's NUL check is not
    relied on: the API, commands and tests call the parser directly."""
    kept: dict[str, list[str]] = {}
    for name in SEARCH_PARAMETERS:
        raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if raw is None:
            continue
        values = [str(item) for item in (raw if isinstance(raw, list | tuple) else [raw])]
        if any(_CONTROL_CHARACTER.search(value.strip()) for value in values):
            errors[name] = _message(f"{name} に使えない文字（制御文字）が含まれています。",
                                    f"{name} contains a control character, which is not allowed.")
            continue
        kept[name] = values
    return kept


def parse_facility_search(data: Mapping[str, Any], *, membership=None) -> tuple[FacilitySearch, dict[str, str]]:
    """Read and check search parameters (query-string names); returns (params, {parameter: message}).

    Messages are in Japanese and English. Pass `membership` to also refuse professional-only capabilities
    to residents here (search_facilities refuses them as well).
    """
    params = FacilitySearch()
    errors: dict[str, str] = {}
    data = _without_control_characters(data, errors)

    params.q = _value(data, "q")
    if len(params.q) > 100:
        errors["q"] = _message("検索語は100文字以内にしてください。", "The search text must be at most 100 characters.")

    kinds = _values(data, "kind")
    unknown = [k for k in kinds if k not in FacilityKind.values]
    if unknown:
        listed = ", ".join(unknown)[:100]
        errors["kind"] = _message(f"不明な種別です: {listed}",
                                  f"Unknown kind: {listed}. Use one of {', '.join(FacilityKind.values)}.")
    params.kinds = kinds

    services = _values(data, "service")
    unknown = [s for s in services if s not in SERVICE_TYPES]
    if unknown:
        errors["service"] = _message(f"不明なサービス種別です: {', '.join(unknown)[:100]}",
                                     f"Unknown service type: {', '.join(unknown)[:100]}.")
    params.service_types = services

    capabilities = _values(data, "capability")
    if capabilities:
        if len(capabilities) > 20 or any(len(c) > 60 for c in capabilities):
            errors["capability"] = _message("連携項目の指定が多すぎます。", "Too many capabilities.")
        else:
            attributes = {a.code: a for a in CollaborationAttribute.objects.filter(code__in=capabilities,
                                                                                  is_active=True)}
            unknown = [c for c in capabilities if c not in attributes]
            if unknown:
                errors["capability"] = _message(f"不明な連携項目です: {', '.join(unknown)[:100]}",
                                                f"Unknown capability: {', '.join(unknown)[:100]}.")
            elif membership is None or not may_see_professional_details(membership):
                message = _professional_only_error(attributes.values(), membership)
                if message:
                    errors["capability"] = message
    params.capabilities = capabilities

    departments = _values(data, "department")
    if any(len(d) > 40 or "|" in d for d in departments) or len(departments) > 10:
        errors["department"] = _message("診療科の指定が正しくありません。", "The department is not valid.")
    params.departments = departments

    area = _value(data, "area")
    if area:
        area_id = _int(area)
        if area_id is None or area_id <= 0 or not DailyLivingArea.objects.filter(pk=area_id).exists():
            errors["area"] = _message("日常生活圏域が見つかりません。", "No such daily living area.")
        else:
            params.area_id = area_id

    municipality = _value(data, "municipality")
    if municipality:
        if not (municipality.isascii() and municipality.isdigit() and len(municipality) in (5, 6)):
            errors["municipality"] = _message("市区町村コードは5桁または6桁の数字です。",
                                              "The municipality code has 5 or 6 digits.")
        elif not Municipality.objects.filter(Q(code=municipality) | Q(jis_code=municipality)).exists():
            errors["municipality"] = _message("市区町村が見つかりません。", "No such municipality.")
        else:
            params.municipality_code = municipality

    open_at = _value(data, "open_at")
    if open_at:
        params.open_at = parse_open_at(open_at[:40])
        if params.open_at is None:
            errors["open_at"] = _message(
                f"日時は「2026-11-23T10:00」の形式（{OPEN_AT_YEARS[0]}〜{OPEN_AT_YEARS[1]}年）"
                "か now で指定してください。",
                f"open_at must be an ISO date and time such as 2026-11-23T10:00 (years {OPEN_AT_YEARS[0]}–"
                f"{OPEN_AT_YEARS[1]}), or now.")

    lat_text, lon_text = _value(data, "lat"), _value(data, "lon")
    if lat_text or lon_text:
        lat, lon = _float(lat_text[:30]), _float(lon_text[:30])
        if lat is None or lon is None:
            errors["lat" if lat is None else "lon"] = _message("緯度と経度は両方を数値で指定してください。",
                                                               "Give both lat and lon as numbers.")
        elif not (JAPAN_LAT[0] <= lat <= JAPAN_LAT[1] and JAPAN_LON[0] <= lon <= JAPAN_LON[1]):
            errors["lat"] = _message("日本国内の地点を指定してください（緯度20〜46度、経度122〜154度）。",
                                     "The point must be in Japan (latitude 20–46, longitude 122–154).")
        else:
            params.lat, params.lon = lat, lon

    params.near = _value(data, "near")
    if len(params.near) > 200:
        errors["near"] = _message("住所は200文字以内にしてください。", "The address must be at most 200 characters.")

    radius = _value(data, "radius_km")
    if radius:
        value = _float(radius[:30])
        if value is None or value <= 0 or value > MAX_RADIUS_KM:
            errors["radius_km"] = _message(f"半径は0より大きく{MAX_RADIUS_KM:g} km以下で指定してください。",
                                           f"radius_km must be more than 0 and at most {MAX_RADIUS_KM:g} km.")
        else:
            params.radius_km = value
            if not (lat_text or lon_text or params.near):
                errors["radius_km"] = _message("半径を使うには地点（lat/lon）か住所（near）を指定してください。",
                                               "radius_km needs a point (lat and lon) or an address (near).")

    closed = _value(data, "include_closed").lower()
    if closed:
        if closed not in ("1", "true", "on", "yes", "0", "false", "off", "no"):
            errors["include_closed"] = _message("include_closed は true か false です。",
                                                "include_closed is true or false.")
        params.include_closed = closed in ("1", "true", "on", "yes")

    for name, low, high, default in (("limit", 1, MAX_LIMIT, 50), ("offset", 0, MAX_OFFSET, 0)):
        text = _value(data, name)
        if not text:
            setattr(params, name, default)
            continue
        number = _int(text)
        if number is None or not low <= number <= high:
            errors[name] = _message(f"{name} は{low}〜{high}の整数で指定してください。",
                                    f"{name} must be a whole number from {low} to {high}.")
        else:
            setattr(params, name, number)
    return params, errors


def _professional_only_error(attributes, membership) -> str:
    professional = [a.code for a in attributes if a.visibility == CollaborationAttribute.Visibility.PROFESSIONAL]
    if professional and not may_see_professional_details(membership):
        return _message(f"専門職向けの項目では検索できません: {', '.join(professional)}",
                        f"Only logged-in professionals can search by: {', '.join(professional)}.")
    return ""


# --- name matching --------------------------------------------------------------------------------------------

_SMALL_VARIANTS = {"ャ": "[ャヤ]", "ュ": "[ュユ]", "ョ": "[ョヨ]", "ァ": "[ァア]", "ィ": "[ィイ]", "ゥ": "[ゥウ]",
                   "ェ": "[ェエ]", "ォ": "[ォオ]", "ヂ": "[ヂジ]", "ジ": "[ジヂ]", "ヅ": "[ヅズ]", "ズ": "[ズヅ]",
                   "ヲ": "[ヲオ]", "ヤ": "[ヤャ]", "ユ": "[ユュ]", "ヨ": "[ヨョ]"}
_ELONGATION = {"a": "[アー]?", "i": "[イー]?", "u": "[ウー]?", "e": "[エイー]?", "o": "[オウー]?"}
_EXTENDS = {"a": "ア", "i": "イ", "u": "ウ", "e": "イエ", "o": "ウオ"}
_SMALL = "ャュョァィゥェォ"
# Variant classes ("[ョヨ]") and optional characters ("ッ?", "[オウー]?") of a loose pattern.
_OPTIONAL_PARTS = re.compile(r"\[[^\]]*\]\??|.\?")
_KATAKANA = re.compile(r"^[\u30A1-\u30FC0-9]+$")


def loose_kana_pattern(kana: str) -> str:
    """A regular expression matching the katakana with long vowels and small kana spelled either way.

    "シンリョジョ" matches "シンリョウジョ" and "シンリョージョ"; "オノ" matches "オオノ". Empty when the
    text is not all katakana (leftover roman letters), so a failed conversion never widens a search.
    """
    if not _KATAKANA.match(kana or ""):
        return ""
    moras: list[str] = []
    for char in kana:
        if char in _SMALL and moras:
            moras[-1] += char
        else:
            moras.append(char)
    parts: list[str] = []
    previous_vowel = ""
    for mora in moras:
        if mora == "ー" or (previous_vowel and mora in _EXTENDS[previous_vowel]):
            previous_vowel = ""  # written elongation: the optional class after the previous mora covers it
            continue
        if mora == "ッ":
            parts.append("ッ?")
            previous_vowel = ""
            continue
        parts.append("".join(_SMALL_VARIANTS.get(c, c) for c in mora))
        reading = katakana_to_hepburn(mora)
        previous_vowel = reading[-1] if reading and reading[-1] in _ELONGATION and mora != "ン" else ""
        if previous_vowel:
            parts.append(_ELONGATION[previous_vowel])
    return "".join(parts)


def _name_variants(term: str) -> tuple[str, str, str, str]:
    """(key, katakana reading, loose-kana regex, the regex's longest literal) of a term; "" where none."""
    key = search_key(term)
    kana = pattern = literal = ""
    if looks_like_romaji(term):
        converted = romaji_to_katakana(key)
        if converted and converted != key:
            kana = converted
        loose = loose_kana_pattern(converted)
        if loose and loose != converted:
            pattern = loose
            literal = max(_OPTIONAL_PARTS.split(loose), key=len)
    return key, kana, pattern, literal


def name_term_q(term: str) -> Q:
    """Facilities whose name, kana, romaji or short name contain the term, in any script.

    This is the exact condition (what a full scan checks); `indexed_name_term_q` adds the index's candidates.
    """
    key, kana, pattern, literal = _name_variants(term)
    condition = Q(search_text__contains=key)
    if kana:
        condition |= Q(search_text__contains=kana)
    if pattern:
        loose = Q(search_text__regex=pattern)
        if literal:
            # A plain substring every match contains: LIKE discards most rows before the regex runs.
            loose = Q(search_text__contains=literal) & loose
        condition |= loose
    return condition


# Trigram indexes find substrings of 3 characters or more; shorter terms are matched by scanning.
TRIGRAM = 3
# A loose-kana pattern is looked up through the spellings of its first three moras: at most this many.
MAX_SPELLINGS = 64
_PATTERN_PART = re.compile(r"\[([^\]]*)\](\?)?|(.)(\?)?")


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def loose_pattern_spellings(pattern: str) -> list[str]:
    """Every spelling of the loose pattern's shortest prefix holding three required characters: each match
    of the pattern starts with one of them, so they are a trigram lookup for the pattern. [] when the
    pattern has fewer than three required characters or too many spellings."""
    spellings = [""]
    required = 0
    for match in _PATTERN_PART.finditer(pattern):
        choices, optional_class, char, optional_char = match.groups()
        options = list(choices) if choices is not None else [char]
        if optional_class or optional_char:
            options.append("")
        else:
            required += 1
        spellings = [s + option for s in spellings for option in options]
        if len(spellings) > MAX_SPELLINGS:
            return []
        if required >= TRIGRAM:
            return sorted(set(spellings))
    return []


def _fts_ids(needles: list[str]) -> RawSQL:
    from ..name_index import FTS_TABLE

    match = " OR ".join(_fts_phrase(needle) for needle in dict.fromkeys(needles))
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S608, S611


def indexed_name_term_q(term: str) -> Q:
    """`name_term_q` answered through the name index, with the same hits.

    PostgreSQL's GIN trigram index serves the LIKE and the regex of `name_term_q` directly. On SQLite the
    FTS5 trigram table answers substrings of 3+ characters exactly (a phrase of consecutive trigrams is the
    substring; the table folds ASCII case as LIKE does, and `search_text` is lower case by construction),
    and gives the candidates the loose-kana regex then checks. Terms with a part shorter than three
    characters keep the plain scan.
    """
    condition = name_term_q(term)
    if connection.vendor != "sqlite":
        return condition
    key, kana, pattern, _literal = _name_variants(term)
    exact = [key] + ([kana] if kana else [])
    spellings = loose_pattern_spellings(pattern) if pattern else []
    if any(len(needle) < TRIGRAM for needle in exact) or (pattern and not spellings):
        return condition
    if not pattern:
        return Q(pk__in=_fts_ids(exact))
    # One candidate list (so SQLite seeks the ids), then: an exact substring, or else the loose regex.
    return Q(pk__in=_fts_ids(exact + spellings)) & (Q(pk__in=_fts_ids(exact)) | Q(search_text__regex=pattern))


def _is_indexed(term: str) -> bool:
    """True when SQLite's FTS5 table answers the term (every needle has 3+ characters)."""
    key, kana, pattern, _literal = _name_variants(term)
    if len(key) < TRIGRAM or (kana and len(kana) < TRIGRAM):
        return False
    return not pattern or bool(loose_pattern_spellings(pattern))


def query_terms(q: str) -> list[str]:
    return [t for t in re.split(r"[\s\u3000]+", q.strip()) if t][:8]


# --- the search ------------------------------------------------------------------------------------------------

def _yes_details(attribute_id: int) -> Exists:
    details = CollaborationDetail.objects.filter(facility=OuterRef("pk"), attribute_id=attribute_id).exclude(
        Q(value__isnull=True) | Q(value=False) | Q(value="") | Q(value="no") | Q(value=[]))
    return Exists(details)


def filtered_facilities(params: FacilitySearch, attributes: list[CollaborationAttribute], *,
                        checked_by_spatial_index: bool = False, use_name_index: bool = True) -> QuerySet[Facility]:
    """Every SQL-side filter of the search (all but the radius).

    `checked_by_spatial_index`: status, kind and capabilities were already checked in memory on the radius
    candidates, so SQL leaves them out — which also keeps SQLite from scanning the status or kind index
    instead of seeking the candidates' ids. `use_name_index` False gives the plain full scan of the names
    (the benchmark's and the tests' reference).
    """
    from ..hours import open_at_q

    qs = Facility.objects.all()
    if not params.include_closed and not checked_by_spatial_index:
        qs = qs.filter(status=Facility.Status.OPEN)
    if params.kinds and not checked_by_spatial_index:
        qs = qs.filter(kind__in=params.kinds)
    if params.service_types:
        qs = qs.filter(service_type__in=params.service_types)
    if params.municipality_code:
        code = params.municipality_code
        field_name = "code" if len(code) == 6 else "jis_code"
        qs = qs.filter(Q(**{f"municipality__{field_name}": code}) | Q(**{f"municipality__parent__{field_name}": code}))
    if params.area_id:
        qs = qs.filter(daily_living_area_id=params.area_id)
    for department in params.departments:
        qs = qs.filter(departments__contains=f"|{department}|")
    for attribute in attributes if not checked_by_spatial_index else []:
        qs = qs.filter(_yes_details(attribute.pk))
    if params.open_at is not None:
        qs = qs.filter(open_at_q(params.open_at))
    for term in query_terms(params.q):
        qs = qs.filter(indexed_name_term_q(term) if use_name_index else name_term_q(term))
    return qs


def _id_in(ids: list[int]) -> Q:
    """`pk IN ids` as one parameter (a JSON or array value): Django prepares each value of a plain `pk__in`
    one by one, which costs more than the query itself for thousands of radius candidates."""
    if connection.vendor == "sqlite":
        return Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)]))
    if connection.vendor == "postgresql":
        return Q(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
    return Q(pk__in=ids)


def _needs_sql(params: FacilitySearch) -> bool:
    """False when the in-memory indexes alone answer (status, kind, capabilities and the radius)."""
    return bool(params.service_types or params.municipality_code or params.area_id or params.departments
                or params.open_at or query_terms(params.q))


class _AuditCache:
    """Values derived from the database, kept per process until the audit log shows a write to their rows
    (in any process; see `spatial` for why the audit log is the cross-process signal)."""

    def __init__(self, object_types: tuple[str, ...]):
        self.object_types = object_types
        self.lock = threading.Lock()
        self.values: dict = {}
        self.head: tuple[int, str] | None = None

    def get(self, key, load):
        with self.lock:
            head = spatial.audit_head()  # before loading, so a write in between is seen next time
            if head != self.head:
                if self.head is None or spatial.written_since(self.head, head, self.object_types):
                    self.values.clear()
                self.head = head
            if key not in self.values:
                self.values[key] = load()
            return self.values[key]


_details_cache = _AuditCache(("directory.collaborationdetail", "directory.collaborationattribute",
                              "directory.collaborationcategory"))


def yes_facility_ids(attribute_id: int) -> np.ndarray:
    """Sorted ids of facilities whose answer for the attribute means yes (kept in memory per process)."""

    def load():
        rows = CollaborationDetail.objects.filter(attribute_id=attribute_id).values_list("facility_id", "value")
        return np.array(sorted(f for f, v in rows if CollaborationDetail(value=v).is_yes), dtype=np.int64)

    return _details_cache.get(("yes", attribute_id), load)


def _attributes_by_id() -> dict[int, CollaborationAttribute]:
    return _details_cache.get("attributes", lambda: {
        a.pk: a for a in CollaborationAttribute.objects.select_related("category")})


def _page(ids: list[int], *, with_details: bool = True, with_hours: bool = True) -> dict[int, Facility]:
    rows = Facility.objects.filter(pk__in=ids).select_related("municipality__prefecture", "daily_living_area")
    if not with_details:
        return {f.pk: f for f in rows}
    related = ["opening_hours", "collaboration_details"] if with_hours else ["collaboration_details"]
    facilities = {f.pk: f for f in rows.prefetch_related(*related)}
    # The taxonomy is small and shared: attach the cached attributes (with their category) instead of
    # loading them again with every detail.
    attributes = _attributes_by_id()
    for facility in facilities.values():
        for detail in facility.collaboration_details.all():
            attribute = attributes.get(detail.attribute_id)
            if attribute is not None:
                detail.attribute = attribute
    return facilities


# Columns of a page of hits read as plain values (`facility_rows`), with the municipality's and area's names.
ROW_FIELDS = ("id", "version", "kind", "service_type", "name", "kana", "status", "address", "postal_code", "phone",
              "website", "latitude", "longitude", "coordinate_quality", "departments", "closed_on_holidays",
              "hours_note", "municipality_id", "prefecture_id", "municipality__code", "municipality__name",
              "daily_living_area__name")


@dataclass(frozen=True)
class Period:
    """An opening period read as values (what `hours.is_open_at` and `hours.hours_by_day` read)."""

    weekday: int
    opens: dt.time
    closes: dt.time


def facility_rows(ids: list[int], *, with_hours: bool = True, with_details: bool = True) -> dict[int, dict]:
    """{id: the facility's columns as a dict} for a page of hits, without building model objects for the rows
    or their hours: "hours" is a list of `Period`, "details" the collaboration details (few, as models with
    their cached attribute). One query, plus one each for hours and details when asked for."""
    from ..models import OpeningHours

    rows = {row["id"]: row | {"hours": [], "details": []}
            for row in Facility.objects.filter(pk__in=ids).order_by().values(*ROW_FIELDS)}
    if with_hours and rows:
        for facility_id, weekday, opens, closes in (OpeningHours.objects.filter(facility_id__in=ids).order_by()
                                                    .values_list("facility_id", "weekday", "opens", "closes")):
            rows[facility_id]["hours"].append(Period(weekday, opens, closes))
    if with_details and rows:
        attributes = _attributes_by_id()
        for detail in CollaborationDetail.objects.filter(facility_id__in=ids).order_by():
            attribute = attributes.get(detail.attribute_id)
            if attribute is not None:
                detail.attribute = attribute
                rows[detail.facility_id]["details"].append(detail)
    return rows


def _hits(ids: list[int], distance: Mapping[int, float] | None, *, with_details: bool, with_hours: bool,
          as_rows: bool) -> list[FacilityHit]:
    distance = distance or {}
    if as_rows:
        rows = facility_rows(ids, with_hours=with_details and with_hours, with_details=with_details)
        return [FacilityHit(None, distance.get(i), row=rows[i]) for i in ids if i in rows]
    facilities = _page(ids, with_details=with_details, with_hours=with_hours)
    return [FacilityHit(facilities[i], distance.get(i)) for i in ids if i in facilities]


# Kana order, entries without a kana (some municipal lists) after them, by name. Written as a literal
# expression (not a Case with parameters) so that SQLite walks the `name_index.ORDER_INDEX` in order.
KANA_ORDER = (RawSQL('"directory_facility"."kana" = \'\'', []), "kana", "name", "pk")
# SQLite: up to this many hits are read as ids in one pass and the page sorted from them; more (a frequent
# word or character) are counted, and the page read by walking the order index.
SPARSE_HITS = 10_000


def _kana_ordered_page(matching: QuerySet[Facility], window: slice) -> tuple[int, list[int]]:
    """(how many facilities match, the ids of the window in kana order).

    SQLite: one unordered read of the matching ids stops at SPARSE_HITS + 1; a sparse search gets them all
    from it and sorts only those, a dense one is counted and its page read along the order index (narrow,
    since it holds search_text, and the page's hits come early). PostgreSQL: the count, then the page by a
    top-N sort of the hits (measured faster than COUNT(*) OVER (), which sorts every hit, and than walking
    an order index, which reads the table row of every entry until the hits begin).
    """
    if connection.vendor != "sqlite":
        total = matching.count()
        if total <= window.start:
            return total, []
        without_kana_last = Case(When(kana="", then=Value(1)), default=Value(0))
        page = matching.order_by(without_kana_last, "kana", "name", "pk").values_list("pk", flat=True)
        return total, list(page[window])
    probe = list(matching.order_by().values_list("pk", flat=True)[:SPARSE_HITS + 1])
    if len(probe) <= SPARSE_HITS:
        if not probe or window.start >= len(probe):
            return len(probe), []
        page = Facility.objects.filter(_id_in(probe)).order_by(*KANA_ORDER).values_list("pk", flat=True)
        return len(probe), list(page[window])
    return matching.count(), list(matching.order_by(*KANA_ORDER).values_list("pk", flat=True)[window])


def search_facilities(params: FacilitySearch, *, membership=None, with_details: bool = True,
                      with_hours: bool = True, as_rows: bool = False) -> FacilitySearchResult:
    """Facilities matching every given filter; nearest first around a centre, else in kana order.

    Residents (membership None) cannot filter on professional-only attributes: the result then carries an
    error for `capability` and no hits. Each hit's facility comes with its municipality and daily living
    area, and (unless `with_details` is False, e.g. for bare map markers) its opening hours and
    collaboration details prefetched (`with_hours` False leaves the hours out: map popups do not show
    them). With `as_rows` each hit carries a plain dict (`facility_rows`) instead
    of a Facility: what the JSON API renders, at a fraction of the cost of model objects.
    """
    result = FacilitySearchResult()
    attributes = list(CollaborationAttribute.objects.filter(code__in=params.capabilities))
    if params.capabilities:
        missing = sorted(set(params.capabilities) - {a.code for a in attributes})
        if missing:
            result.errors["capability"] = _message(f"不明な連携項目です: {', '.join(missing)}",
                                                   f"Unknown capability: {', '.join(missing)}.")
            return result
        message = _professional_only_error(attributes, membership)
        if message:
            result.errors["capability"] = message
            return result

    if params.lat is not None and params.lon is not None:
        result.center = (params.lat, params.lon)
        result.center_quality = "point"
    elif params.near:
        municipality = None
        if params.municipality_code:
            municipality = Municipality.objects.filter(Q(code=params.municipality_code)
                                                       | Q(jis_code=params.municipality_code)).first()
        place = gazetteer.resolve_near(params.near, municipality=municipality)
        if place is None:
            result.errors["near"] = gazetteer.NOT_FOUND_MESSAGE
            return result
        result.center = (place.lat, place.lon)
        result.center_label = place.label
        result.center_quality = place.quality
        result.center_note = place.note

    window = slice(params.offset, params.offset + params.limit)

    if result.center is None:
        result.total, ids = _kana_ordered_page(filtered_facilities(params, attributes), window)
        result.hits = _hits(ids, None, with_details=with_details, with_hours=with_hours, as_rows=as_rows)
        return result

    lat, lon = result.center
    if params.radius_km is not None:
        nearby = spatial.facilities_within(lat, lon, params.radius_km, include_closed=params.include_closed,
                                           kinds=params.kinds)
        for attribute in attributes:
            if not nearby:
                break
            yes = yes_facility_ids(attribute.pk)
            ids = np.fromiter((i for i, _ in nearby), dtype=np.int64, count=len(nearby))
            keep = np.isin(ids, yes)
            nearby = [pair for pair, kept in zip(nearby, keep, strict=True) if kept]
        distance = dict(nearby)
        if not nearby:
            return result
        if not _needs_sql(params):
            matching = distance.keys()  # status, kind and capabilities were checked in memory
        else:
            candidates = filtered_facilities(params, attributes, checked_by_spatial_index=True).order_by()
            if len(nearby) <= MAX_ID_LIST:
                matching = set(candidates.filter(_id_in(list(distance))).values_list("pk", flat=True))
            else:
                # Many facilities in the circle: SQL reads the bounding box from the position index instead.
                dlat = params.radius_km / 111.0
                dlon = params.radius_km / (111.0 * max(0.05, math.cos(math.radians(lat))))
                matching = set(candidates.filter(latitude__range=(lat - dlat, lat + dlat),
                                                 longitude__range=(lon - dlon, lon + dlon))
                               .values_list("pk", flat=True))
        ordered_ids = [i for i, _ in nearby if i in matching]
        result.total = len(ordered_ids)
        page_ids = ordered_ids[window]
        result.hits = _hits(page_ids, distance, with_details=with_details, with_hours=with_hours, as_rows=as_rows)
        return result

    # A centre without a radius: everything that matches, nearest first, unpositioned ones last.
    ids = list(filtered_facilities(params, attributes).order_by().values_list("pk", flat=True))
    distance = spatial.distances_to(lat, lon, ids)
    ids.sort(key=lambda i: (i not in distance, distance.get(i, 0.0), i))
    result.total = len(ids)
    page_ids = ids[window]
    result.hits = _hits(page_ids, distance, with_details=with_details, with_hours=with_hours, as_rows=as_rows)
    return result
