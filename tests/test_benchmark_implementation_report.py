"""The implementation survey report benchmark at a tiny scale: the synthetic nation builds and the report's item
table equals the one-query-per-cell baseline."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from implementation_report import YEARS, baseline, build, engine  # noqa: E402

from renkei.region.models import Implementation, ItemImplementation  # noqa: E402


@pytest.mark.django_db
def test_the_tiny_nation_gives_the_same_item_table_both_ways():
    built = build(municipalities=30, prefectures=3, log=lambda *a, **k: None)
    assert built["municipalities"] == 30
    assert Implementation.objects.count() == 30 * len(YEARS)
    assert ItemImplementation.objects.count() == 30 * len(YEARS) * 8
    table, size = engine(YEARS[-1])
    assert table == baseline(YEARS[-1])
    assert sum(table["a"]) == 30 and size > 1000
