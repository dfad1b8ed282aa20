"""Population bands (the national survey's seven 人口規模): read from the imported ZT-BASE-01 (総人口) values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from renkei.indicators.selectors.values import latest_builtin_values

POPULATION_CODE = "ZT-BASE-01"
AGED_75_CODE = "ZT-BASE-02"


@dataclass(frozen=True)
class Band:
    key: str
    ja: str
    label: object  # lazy translation
    low: int  # inclusive
    high: int | None  # exclusive; None: no upper bound


# Smallest first, as the seed's chart lists them from the bottom.
BANDS: tuple[Band, ...] = (
    Band("lt10k", "1万人未満", _("under 10,000"), 0, 10_000),
    Band("10k-20k", "1万人以上2万人未満", _("10,000 to under 20,000"), 10_000, 20_000),
    Band("20k-50k", "2万人以上5万人未満", _("20,000 to under 50,000"), 20_000, 50_000),
    Band("50k-100k", "5万人以上10万人未満", _("50,000 to under 100,000"), 50_000, 100_000),
    Band("100k-200k", "10万人以上20万人未満", _("100,000 to under 200,000"), 100_000, 200_000),
    Band("200k-500k", "20万人以上50万人未満", _("200,000 to under 500,000"), 200_000, 500_000),
    Band("500k+", "50万人以上", _("500,000 and over"), 500_000, None),
)
BAND_BY_KEY = {band.key: band for band in BANDS}


def band_of(population) -> Band | None:
    if population is None:
        return None
    for band in BANDS:
        if population >= band.low and (band.high is None or population < band.high):
            return band
    return None


def area_key(municipality) -> str:
    return f"M{municipality.code}"


def fiscal_year_end(fiscal_year: int) -> dt.date:
    return dt.date(fiscal_year + 1, 3, 31)


def populations(municipalities, fiscal_year: int, *, code: str = POPULATION_CODE) -> dict[int, int]:
    """{municipality id: population} from the latest value on or before the fiscal year's end (one query)."""
    by_key = {area_key(m): m.pk for m in municipalities}
    found = latest_builtin_values(code=code, area_keys=by_key, on_or_before=fiscal_year_end(fiscal_year))
    return {by_key[key]: int(value) for key, (value, _start) in found.items()}


def bands(municipalities, fiscal_year: int) -> dict[int, Band]:
    """{municipality id: band}; municipalities without an imported population are absent."""
    return {pk: band for pk, population in populations(municipalities, fiscal_year).items()
            if (band := band_of(population)) is not None}
