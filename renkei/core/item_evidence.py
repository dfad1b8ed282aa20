"""What Renkei already knows about a municipality's work on each program item (ア)–(ク), for the proposals of the
implementation status (region §1). Core uses no app, so apps register their evidence here from their ready hooks:

    item_evidence.register("a", directory_evidence)

A provider answers for many municipalities in a few aggregate queries: `provider(municipality_ids, fiscal_year)`
returns `{municipality_id: Evidence}` for the municipalities it has evidence about (absent: none). The region app
reads every provider of an item and proposes the strongest status found; the municipality confirms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class Evidence:
    """One fact found: what it suggests, in both languages, and where to see it."""

    suggests: str  # region.models.ItemStatus value: "implemented" | "planned" | "not_implemented"
    ja: str
    en: str
    url: str = ""
    stage: str = ""  # (イ) only: region.models.PdcaStage value
    figures: dict = field(default_factory=dict)  # counts behind the sentence (never people's names)


Provider = Callable[[list[int], int], dict[int, Evidence]]

_providers: dict[str, list[tuple[str, Provider]]] = {}


def register(item: str, key: str, provider: Provider) -> None:
    """Register `provider` under `key` for program item `item` ("a"…"h"). A key registers once."""
    entries = _providers.setdefault(item, [])
    if any(existing == key for existing, _ in entries):
        raise ValueError(f"evidence provider {key!r} registered twice for item {item!r}")
    entries.append((key, provider))


def providers(item: str) -> list[tuple[str, Provider]]:
    return list(_providers.get(item, []))


def registered_items() -> list[str]:
    return sorted(_providers)


def gather(municipality_ids: Iterable[int], fiscal_year: int) -> dict[str, dict[int, list[Evidence]]]:
    """{item: {municipality_id: [evidence…]}} from every registered provider."""
    ids = list(municipality_ids)
    out: dict[str, dict[int, list[Evidence]]] = {}
    for item, entries in _providers.items():
        per: dict[int, list[Evidence]] = {}
        for _key, provider in entries:
            for municipality_id, evidence in provider(ids, fiscal_year).items():
                per.setdefault(municipality_id, []).append(evidence)
        out[item] = per
    return out


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a fiscal year (April 1 to March 31)."""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def fiscal_year_span(fiscal_year: int) -> tuple[dt.datetime, dt.datetime]:
    """The fiscal year as aware datetimes [start, end): for filters on DateTimeFields."""
    zone = timezone.get_current_timezone()
    return (dt.datetime(fiscal_year, 4, 1, tzinfo=zone), dt.datetime(fiscal_year + 1, 4, 1, tzinfo=zone))


def counted_for(municipality_ids: Iterable[int]) -> dict[int, int]:
    """{municipality id whose rows count: the asked municipality id}: each asked municipality counts for itself,
    and a designated city's wards count for the city."""
    from renkei.core.models import Municipality

    ids = list(municipality_ids)
    out = {pk: pk for pk in ids}
    for ward_id, parent_id in Municipality.objects.filter(parent_id__in=ids).values_list("pk", "parent_id"):
        out.setdefault(ward_id, parent_id)
    return out


def fold(counts: Iterable[tuple[int, int]], mapping: dict[int, int]) -> dict[int, int]:
    """Sum (municipality id, count) rows onto the asked municipalities (wards onto their city)."""
    out: dict[int, int] = {}
    for municipality_id, number in counts:
        if municipality_id in mapping and number:
            target = mapping[municipality_id]
            out[target] = out.get(target, 0) + number
    return out


def count_by(queryset, municipality_field: str, mapping: dict[int, int], counted: str = "pk") -> dict[int, int]:
    """{asked municipality id: distinct `counted` values} of `queryset` grouped on `municipality_field` (one
    aggregate query; wards folded onto their city)."""
    from django.db.models import Count

    rows = (queryset.filter(**{f"{municipality_field}__in": list(mapping)}).order_by()
            .values(municipality_field).annotate(n=Count(counted, distinct=True))
            .values_list(municipality_field, "n"))
    return fold(rows, mapping)
