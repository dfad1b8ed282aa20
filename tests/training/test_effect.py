"""The paired analysis: pairs only, Wilcoxon p only with enough pairs, effect size and shares."""

import pytest
from scipy import stats

from renkei.training.effect import MIN_PAIRS, paired_effect


def test_no_pairs_gives_an_empty_effect():
    effect = paired_effect([])
    assert effect.pairs == 0 and effect.p_value is None and effect.share_improved is None


def test_a_clear_improvement_is_significant_and_large():
    pairs = [(1, 3), (2, 3), (2, 4), (1, 2), (2, 3), (3, 4), (1, 3), (2, 4)]
    effect = paired_effect(pairs)
    assert effect.pairs == 8 and effect.improved == 8 and effect.worse == 0
    assert effect.median_difference == 1.5
    assert effect.effect_size == 1.0 and effect.magnitude == "large"
    # tied differences: the exact p of the signed mid-ranks, the same as scipy's (slow) permutation test
    differences = [b - a for a, b in pairs]
    assert effect.p_value == pytest.approx(stats.wilcoxon(differences, method="exact").pvalue
                                           if len(set(differences)) == len(differences)
                                           else 2 / 2 ** 8)
    assert effect.is_significant


def test_no_change_has_no_p_value_and_zero_effect():
    effect = paired_effect([(3, 3)] * 10)
    assert effect.p_value is None and effect.effect_size == 0.0 and effect.unchanged == 10
    assert not effect.is_significant


def test_too_few_pairs_get_no_p_value_but_still_shares():
    effect = paired_effect([(1, 4)] * (MIN_PAIRS - 1))
    assert effect.has_too_few_pairs and effect.p_value is None
    assert effect.share_improved == 1.0


def test_mixed_changes_give_a_rank_biserial_between_minus_one_and_one():
    effect = paired_effect([(2, 3), (3, 2), (2, 4), (4, 3), (1, 1), (2, 3)])
    # nonzero diffs: +1 -1 +2 -1 +1 → ranks of |d|: 1s get 2.5, the 2 gets 5; favourable 2.5+5+2.5=10, unfav 5
    assert effect.effect_size == pytest.approx((10 - 5) / 15)
    assert effect.improved == 3 and effect.worse == 2 and effect.unchanged == 1


def test_without_ties_the_p_value_is_exact():
    pairs = [(1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7)]
    assert paired_effect(pairs).p_value == pytest.approx(stats.wilcoxon([1, 2, 3, 4, 5, 6], method="exact").pvalue)



@pytest.mark.parametrize("seed", range(8))
def test_the_counted_exact_p_equals_scipys_permutation_test(seed):
    import random

    rng = random.Random(seed)
    differences = [d for d in (rng.randint(-3, 3) for _ in range(rng.randint(5, 12))) if d] or [1]
    expected = stats.wilcoxon(differences, method=stats.PermutationMethod(n_resamples=10**6)).pvalue
    assert paired_effect([(0, d) for d in differences]).p_value == pytest.approx(expected)


def test_beyond_fifty_pairs_the_normal_approximation_is_used():
    differences = [1 + (n % 4) for n in range(60)] + [-1, -2]
    expected = stats.wilcoxon(differences, method="approx", correction=True).pvalue
    assert paired_effect([(0, d) for d in differences]).p_value == pytest.approx(expected)
