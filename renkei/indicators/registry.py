"""Indicator providers: how apps compute indicators from their own records (like home-page panels).

An app registers, in its AppConfig.ready():

    registry.register("directory.home_visit_clinics_per_75", provide_home_visit_clinics)

A provider is `provider(municipalities, period) -> Iterable[Computed]`: for each municipality in the list (all
of one prefecture, or one), and optionally its daily living areas, the numerator and denominator for the
period. It reads its app's records with as few queries as it can (one aggregate per prefecture, not one per
municipality): `renkei indicators compute` calls it once per prefecture and period. A definition names its
provider in `IndicatorDefinition.provider`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from .areas import Area
from .periods import Period


@dataclass(frozen=True)
class Computed:
    area: Area
    numerator: Decimal | int | None
    denominator: Decimal | int | None = None
    note: str = ""


Provider = Callable[[list, Period], Iterable[Computed]]
_providers: dict[str, Provider] = {}
_inputs: set[str] = set()


def register(key: str, provider: Provider, *, reads: Iterable[str] = ()) -> Provider:
    """Register `provider` under `key`. `reads` names the definitions (codes) whose values it divides by or
    otherwise uses: an import that changes them queues a recomputation (population 75+ → rates per 75+)."""
    if key in _providers and _providers[key] is not provider:
        raise ValueError(f"indicator provider {key!r} registered twice")
    _providers[key] = provider
    _inputs.update(reads)
    return provider


def is_provider_input(code: str) -> bool:
    """Whether some provider reads this definition's values (see `register(reads=…)`)."""
    return code in _inputs


def provider(key: str) -> Provider | None:
    return _providers.get(key)


def registered() -> list[str]:
    return sorted(_providers)
