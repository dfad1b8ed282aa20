"""The region demo's survey part: the population (total and aged 75+) of every municipality of 京都府 for the two
fiscal years of the demo, generated from a fixed seed (no outside data files) and recorded through
`services.population.population_record` (the indicators engine's ZT-BASE-01/02). Sizes are plausible and cover
every band from 1万人未満 to 50万人以上; 京都市 is the largest. Runs before the status part's answers.
"""

from __future__ import annotations

import random

from django.utils import timezone

SEED = 20261207
# jis code: approximate population (a fixed picture of 京都府, rounded; the generator varies it a little).
SIZES = {
    "26100": 1_450_000,  # 京都市: 50万人以上
    "26201": 77_000, "26202": 79_000, "26203": 31_000, "26204": 180_000, "26205": 33_000, "26206": 74_000,
    "26207": 28_000, "26208": 76_000, "26209": 19_000, "26210": 75_000, "26211": 67_000, "26212": 52_000,
    "26213": 21_000, "26214": 32_000, "26303": 13_000, "26322": 15_000, "26343": 16_000, "26344": 3_600,
    "26364": 15_000, "26365": 2_800, "26366": 1_200, "26367": 8_000, "26407": 13_000, "26463": 2_000,
    "26465": 21_000,
}
AGED_SHARE = (0.14, 0.24)  # 75歳以上 among the total: larger in small towns


def _years() -> tuple[int, int]:
    today = timezone.localdate()
    current = today.year if today.month >= 4 else today.year - 1
    return current - 1, current


def build(city) -> list[str]:
    """Record the population of the demo prefecture's municipalities for two fiscal years (once)."""
    from renkei.core.models import Municipality

    from ..selectors.population import band_of, populations
    from ..services.population import PopulationRow, population_record

    municipalities = list(Municipality.objects.filter(prefecture=city.prefecture, abolished_on__isnull=True,
                                                      parent__isnull=True).order_by("code"))
    first, last = _years()
    if not municipalities or len(populations(municipalities, last)) == len(municipalities):
        return []
    rng = random.Random(SEED)
    rows = []
    for municipality in municipalities:
        base = SIZES.get(municipality.jis_code) or rng.choice((4_000, 12_000, 25_000, 60_000))
        for year in (first, last):
            total = int(base * (1 - 0.006 * (last - year)) * rng.uniform(0.99, 1.01))
            share = AGED_SHARE[0] + (AGED_SHARE[1] - AGED_SHARE[0]) * (1 if total < 20_000 else 0.4 if total < 100_000
                                                                        else 0)
            rows.append(PopulationRow(municipality, year, total, int(total * share * rng.uniform(0.95, 1.05))))
    population_record(rows, source_note="デモ（架空の概数）")
    bands = sorted({band_of(row.total).ja for row in rows}, key=len)
    return [f"人口: {city.prefecture.name} {len(municipalities)} 市区町村 × {first}・{last}年度（{len(bands)} 区分）"]
