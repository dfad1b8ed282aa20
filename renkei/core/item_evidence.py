"""What Renkei already knows about a municipality's work on each program item (ア)–(ク), for the proposals of the
implementation status (region §1). Core uses no app, so apps register their evidence here from their ready hooks:

    item_evidence.register("a", directory_evidence)

A provider answers for many municipalities in a few aggregate queries: `provider(municipality_ids, fiscal_year)`
returns `{municipality_id: Evidence}` for the municipalities it has evidence about (absent: none). The region app
reads every provider of an item and proposes the strongest status found; the municipality confirms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


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
