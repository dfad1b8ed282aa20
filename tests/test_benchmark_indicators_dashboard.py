"""The indicator dashboard benchmark at a tiny scale: its data generate, and its naive baseline reads the same
dashboard as the selector it measures (so the ratio compares equal work)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from indicators_dashboard import SCENES, generate, naive_scene_dashboard  # noqa: E402

from renkei.indicators import dashboards  # noqa: E402
from renkei.indicators.models import IndicatorValue  # noqa: E402

from .factories import MunicipalityFactory  # noqa: E402
from .indicators.dashboard_data import staff_of  # noqa: E402


def _summary(board):
    return [(p.definition.code, [(pt.period.key, pt.own and pt.own.value, pt.prefecture and pt.prefecture.value,
                                  pt.nation and pt.nation.value, pt.target) for pt in p.points],
             p.status.code, p.rank, p.sources, p.vintage) for p in board.panels]


@pytest.mark.django_db
def test_the_tiny_benchmark_generates_values_and_its_baseline_matches_the_selector():
    municipalities = [MunicipalityFactory(jis_code=f"26{n}") for n in (201, 202, 203)]
    prefecture = municipalities[0].prefecture
    generate(prefecture=prefecture, municipalities=municipalities, indicators=12, years=2)
    # 12 indicators: 8 yearly (2 values) and 4 monthly (24 values), for 3 municipalities, the prefecture, the nation.
    assert IndicatorValue.objects.count() == (8 * 2 + 4 * 24) * 5
    membership = staff_of(municipalities[1])
    for scene in SCENES:
        fast = dashboards.scene_dashboard(membership, municipalities[1], scene)
        naive = naive_scene_dashboard(membership, municipalities[1], scene)
        assert len(fast.panels) == 3
        assert _summary(fast) == _summary(naive)
        assert all(p.rank.count == 3 for p in fast.panels)
