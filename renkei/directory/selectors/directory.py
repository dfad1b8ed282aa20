"""Reads for the staff screens of the directory: the facility list with staff-only filters, one facility with
everything shown on its page, and merge candidates waiting for review."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.models import DailyLivingArea, Municipality

from ..models import (
    CollaborationAttribute,
    CollaborationDetail,
    Facility,
    FacilityIdentifier,
    FacilityKind,
    MergeCandidate,
    OpeningHours,
)
from .facilities import stale_before
from .search import FacilitySearch, filtered_facilities, name_term_q, parse_facility_search, query_terms

STATUS_OPEN, STATUS_CLOSED, STATUS_ALL = "open", "closed", "all"
# Query-string names the staff list hands to the shared search (the radius search lives on the map and portal).
SEARCH_PARAMETERS = ("q", "kind", "service", "capability", "department", "area", "municipality", "open_at")
MAX_STALE_MONTHS = 240
WEEKDAY_LABELS = ["月", "火", "水", "木", "金", "土", "日", "祝"]


@dataclass
class StaffFacilityFilter:
    """What the staff list filters on: the shared search fields plus staff-only ones."""

    q: str = ""
    kinds: list[str] = field(default_factory=list)
    service_type: str = ""
    capabilities: list[str] = field(default_factory=list)
    area_id: int | None = None
    municipality_code: str = ""
    status: str = STATUS_OPEN
    stale_months: int | None = None
    no_position: bool = False
    departments: list[str] = field(default_factory=list)
    open_at: Any = None
    # The shared search's parameters (what the portal, the map and the API search with).
    search: FacilitySearch = field(default_factory=FacilitySearch)


def parse_staff_filter(data: Mapping[str, Any], *, default_municipality: Municipality | None = None,
                       membership=None) -> tuple[StaffFacilityFilter, dict[str, str]]:
    """Read the list's query string: the shared search's names (`q`, `kind`, `service`, `capability`, `area`,
    `municipality`, `department`, `open_at`) and the staff-only `status`, `stale_months`, `no_position`.

    Without a `municipality` parameter the list shows the member's own municipality. Returns (filter, errors).
    """
    data = data.copy() if hasattr(data, "copy") else dict(data)
    if "municipality" not in data and default_municipality is not None:
        data["municipality"] = default_municipality.code
    getlist = data.getlist if hasattr(data, "getlist") else (lambda k: [v] if (v := data.get(k)) else [])
    search, errors = parse_facility_search(
        {k: v for k, v in ((k, getlist(k)) for k in SEARCH_PARAMETERS) if v}, membership=membership)
    params = StaffFacilityFilter(
        q=search.q, kinds=search.kinds, service_type=search.service_types[0] if search.service_types else "",
        capabilities=search.capabilities, area_id=search.area_id, municipality_code=search.municipality_code,
        departments=search.departments, open_at=search.open_at, search=search)
    status = data.get("status") or STATUS_OPEN
    params.status = status if status in (STATUS_OPEN, STATUS_CLOSED, STATUS_ALL) else STATUS_OPEN
    stale = (data.get("stale_months") or "").strip()
    if stale:
        if stale.isdecimal() and 1 <= int(stale) <= MAX_STALE_MONTHS:  # not isdigit(): int("²") fails
            params.stale_months = int(stale)
        else:
            errors["stale_months"] = _("Enter a number of months between 1 and %(max)s.") % {"max": MAX_STALE_MONTHS}
    params.no_position = data.get("no_position") in ("1", "on", "true")
    return params, errors


def _name_matches(q: str) -> Q:
    """Name, kana or romaji, every word of the query (the shared search's matching)."""
    condition = Q()
    for term in query_terms(q):
        condition &= name_term_q(term)
    return condition


def staff_facilities(params: StaffFacilityFilter) -> QuerySet[Facility]:
    """Facilities matching the staff filters, ordered for the list, with what the rows show joined in."""
    attributes = list(CollaborationAttribute.objects.filter(code__in=params.search.capabilities))
    queryset = filtered_facilities(replace(params.search, include_closed=True), attributes)
    if params.status != STATUS_ALL:
        queryset = queryset.filter(status=params.status)
    if params.no_position:
        queryset = queryset.filter(latitude__isnull=True)
    if params.stale_months:
        # Stale: nothing confirmed since the threshold (never confirmed included).
        recent = CollaborationDetail.objects.filter(facility=OuterRef("pk"),
                                                    confirmed_on__gte=stale_before(params.stale_months))
        queryset = queryset.filter(~Exists(recent))
    return queryset.select_related("municipality", "daily_living_area").order_by("kind", "kana", "name", "pk")


def with_last_confirmed(queryset: QuerySet[Facility]) -> QuerySet[Facility]:
    """Annotate `last_confirmed`: the latest confirmation date of any of the facility's details."""
    latest = (CollaborationDetail.objects.filter(facility=OuterRef("pk")).order_by("-confirmed_on")
              .values("confirmed_on")[:1])
    return queryset.annotate(last_confirmed=Subquery(latest))


def without_kinds(params: StaffFacilityFilter) -> StaffFacilityFilter:
    """The same filter for every kind (what the counts per kind are taken over)."""
    return replace(params, kinds=[], search=replace(params.search, kinds=[]))


def counts_by_kind(queryset: QuerySet[Facility]) -> list[dict[str, Any]]:
    """[{"kind", "label", "count"}] for every kind, in the kinds' order (zeros included)."""
    counts = dict(queryset.order_by().values_list("kind").annotate(n=Count("pk", distinct=True)))
    return [{"kind": value, "label": label, "count": counts.get(value, 0)} for value, label in FacilityKind.choices]


def pending_merge_candidates(membership) -> QuerySet[MergeCandidate]:
    """Pending pairs where the member may merge both facilities."""
    facilities = policy.scope(membership, "directory.merge_facilities", Facility.objects.all())
    return (MergeCandidate.objects.filter(status=MergeCandidate.Status.PENDING, facility__in=facilities,
                                          other__in=facilities)
            .select_related("facility__municipality", "other__municipality")
            .prefetch_related("facility__identifiers", "other__identifiers"))


def merge_candidate_count(membership) -> int:
    return pending_merge_candidates(membership).count()


def areas_for(municipality_code: str) -> QuerySet[DailyLivingArea]:
    if not municipality_code:
        return DailyLivingArea.objects.none()
    return DailyLivingArea.objects.filter(municipality__code=municipality_code).order_by("sort_order", "name")


def facility_for_page(pk: int) -> Facility | None:
    """One facility with its identifiers, hours and places joined in (for the detail and forms)."""
    return (Facility.objects.select_related("municipality", "prefecture", "daily_living_area", "organization")
            .prefetch_related(Prefetch("identifiers", queryset=FacilityIdentifier.objects.order_by("scheme", "value")),
                              Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")))
            .filter(pk=pk).first())


def identifiers_by_scheme(facility: Facility) -> list[dict[str, Any]]:
    """[{"scheme", "label", "values"}] for every identifier scheme, empty ones included."""
    values: dict[str, list[str]] = {}
    for identifier in facility.identifiers.all():
        values.setdefault(identifier.scheme, []).append(identifier.value)
    return [{"scheme": scheme, "label": label, "values": values.get(scheme, [])}
            for scheme, label in FacilityIdentifier.Scheme.choices]


def hours_table(facility: Facility) -> list[dict[str, Any]]:
    """Eight rows (Monday … Sunday, public holidays), each with its opening periods as "09:00–12:00"."""
    rows = [{"weekday": day, "label": WEEKDAY_LABELS[day], "periods": []} for day in range(8)]
    for hours in facility.opening_hours.all():
        rows[hours.weekday]["periods"].append(f"{hours.opens:%H:%M}–{hours.closes:%H:%M}")
    return rows


def sources_of(facility: Facility) -> list[dict[str, str]]:
    """The sources that list the facility (by name, never their internal key) and the edition each last listed it in."""
    sources = facility.sources or {}
    if isinstance(sources, list):
        return [{"source": source_label(str(s)), "seen": ""} for s in sources]
    return [{"source": source_label(str(k)), "seen": str(v) if not isinstance(v, dict) else ", ".join(
        f"{a}: {b}" for a, b in v.items())} for k, v in sorted(sources.items())]


def source_label(key: str) -> str:
    """A Facility.sources key as people name it: "municipal:262013:medical" → 「福知山市: 医療機関一覧」."""
    from renkei.core.models import Prefecture

    from ..models import ImportRun

    if key in ImportRun.Source.values:
        return str(ImportRun.Source(key).label)
    if key == "demo":
        return _("demo data")
    kind, _sep, rest = key.partition(":")
    if kind != "municipal" or not rest:
        return key
    code, _sep, list_key = rest.partition(":")
    owner = (Municipality.objects.filter(code=code).values_list("name", flat=True).first()
             or Prefecture.objects.filter(local_government_code=code).values_list("name", flat=True).first() or code)
    lists = {"medical": _("list of medical institutions"), "care": _("list of care service offices"),
             "custom": _("own list")}
    return f"{owner}: {lists.get(list_key, list_key)}" if list_key else str(owner)


def distance_km(a: Facility, b: Facility) -> float | None:
    """Great-circle distance between two positioned facilities (haversine), None when either has none."""
    if not (a.has_position and b.has_position):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def merge_partners(facility: Facility, membership, *, q: str = "", limit: int = 20) -> list[Facility]:
    """Facilities this one could be merged with: matching the typed name, else same address or similar name."""
    queryset = policy.scope(membership, "directory.merge_facilities", Facility.objects.all()).exclude(
        pk=facility.pk).select_related("municipality")
    q = q.strip().lstrip("#＃")
    if q:
        if q.isdecimal():  # an id ("#123"); isdigit() would also admit "²", which int() refuses
            return list(queryset.filter(pk=int(q))[:1])
        return list(queryset.filter(_name_matches(q)).order_by("status", "kana", "pk")[:limit])
    suggestions = Q(municipality_id=facility.municipality_id, name=facility.name)
    if facility.address_key:
        suggestions |= Q(address_key=facility.address_key)
    return list(queryset.filter(suggestions).order_by("status", "kana", "pk")[:limit])


def capability_attributes(municipality: Municipality | None) -> list:
    """Active yes/no attributes (shared and the municipality's own): what "can do" filters offer."""
    return list(CollaborationAttribute.objects.filter(
        Q(municipality__isnull=True) | Q(municipality=municipality), is_active=True,
        value_type=CollaborationAttribute.ValueType.YES_NO).select_related("category"))
