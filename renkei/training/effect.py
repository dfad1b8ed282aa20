"""Paired before/after analysis, shared by training surveys and residents' questionnaires.

Honest by construction: it takes pairs only (the same person's answer before and after), so an unpaired answer
can never enter it. For each set of pairs it gives the number of pairs, the mean before and after, the median
difference, the share who improved (and who got worse), a Wilcoxon signed-rank test (zero differences dropped,
as Wilcoxon's original test; up to 50 pairs the exact p of the signed ranks, mid-ranks for ties included — the same
answer as scipy's permutation test, computed by counting in O(n²) instead of trying 2^n signs, which took seconds
per table; beyond 50 pairs scipy's normal approximation with the tie and continuity corrections, as R's
wilcox.test) and
the matched-pairs rank-biserial correlation as the effect size (Kerby 2014: the share of favourable minus
unfavourable rank sums, -1…1; |r| ≈ 0.1 small, 0.3 medium, 0.5 large).

With fewer than MIN_PAIRS pairs, or when every difference is zero, no p value is computed: the table says so
rather than printing a number that means nothing.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_PAIRS = 5
EXACT_UP_TO = 50
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class PairedEffect:
    pairs: int
    mean_before: float | None
    mean_after: float | None
    median_difference: float | None
    improved: int
    unchanged: int
    worse: int
    p_value: float | None  # None: too few pairs, or no difference at all
    effect_size: float | None  # matched-pairs rank-biserial correlation

    @property
    def share_improved(self) -> float | None:
        return self.improved / self.pairs if self.pairs else None

    @property
    def share_worse(self) -> float | None:
        return self.worse / self.pairs if self.pairs else None

    @property
    def is_significant(self) -> bool:
        return self.p_value is not None and self.p_value < SIGNIFICANCE

    @property
    def has_too_few_pairs(self) -> bool:
        return self.pairs < MIN_PAIRS

    @property
    def magnitude(self) -> str:
        """"none", "small", "medium" or "large" (Cohen's thresholds for r), "" without an effect size."""
        if self.effect_size is None:
            return ""
        size = abs(self.effect_size)
        return "large" if size >= 0.5 else "medium" if size >= 0.3 else "small" if size >= 0.1 else "none"


def paired_effect(pairs: Iterable[tuple[float, float]]) -> PairedEffect:
    """The effect of (before, after) pairs; a pair with a missing value must be left out by the caller."""
    pairs = [(float(before), float(after)) for before, after in pairs]
    n = len(pairs)
    if not n:
        return PairedEffect(0, None, None, None, 0, 0, 0, None, None)
    differences = [after - before for before, after in pairs]
    improved = sum(1 for d in differences if d > 0)
    worse = sum(1 for d in differences if d < 0)
    nonzero = [d for d in differences if d != 0]
    p_value = effect_size = None
    if nonzero:
        effect_size = _rank_biserial(nonzero)
        if n >= MIN_PAIRS:
            p_value = wilcoxon_p(nonzero)
            if math.isnan(p_value):
                p_value = None
    else:
        effect_size = 0.0
    return PairedEffect(
        pairs=n, mean_before=statistics.fmean(b for b, _ in pairs), mean_after=statistics.fmean(a for _, a in pairs),
        median_difference=float(statistics.median(differences)), improved=improved, unchanged=n - improved - worse,
        worse=worse, p_value=p_value, effect_size=effect_size)


def wilcoxon_p(nonzero: list[float]) -> float:
    """Two-sided Wilcoxon signed-rank p of nonzero differences (see the module's docstring for the method)."""
    if len(nonzero) > EXACT_UP_TO:
        return float(stats.wilcoxon(nonzero, alternative="two-sided", method="approx", correction=True).pvalue)
    # Doubled mid-ranks are integers; under the null each rank's sign is + or - with probability 1/2, so the
    # distribution of the positive rank sum is counted rank by rank (a subset-sum count).
    ranks = [int(round(2 * r)) for r in stats.rankdata([abs(d) for d in nonzero])]
    counts = np.zeros(sum(ranks) + 1, dtype=np.int64)
    counts[0] = 1
    for rank in ranks:
        counts[rank:] = counts[rank:] + counts[:-rank]  # the right side is read before the assignment
    observed = sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0)
    centre = sum(ranks) / 2
    sums = np.arange(len(counts))
    extreme = np.abs(sums - centre) >= abs(observed - centre) - 1e-9
    return float(min(1.0, counts[extreme].sum() / 2 ** len(ranks)))


def _rank_biserial(nonzero: list[float]) -> float:
    ranks = stats.rankdata([abs(d) for d in nonzero])
    favourable = sum(r for r, d in zip(ranks, nonzero, strict=True) if d > 0)
    unfavourable = sum(r for r, d in zip(ranks, nonzero, strict=True) if d < 0)
    return float((favourable - unfavourable) / (favourable + unfavourable))
