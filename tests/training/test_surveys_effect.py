"""The effect table: paired differences per item, subscale, total and profession, checked against scipy."""

from __future__ import annotations

import statistics

import pytest
from django.utils.translation import gettext as _
from scipy import stats

from renkei.core.models import AuditEntry
from renkei.indicators.periods import fiscal_year
from renkei.training.models import Phase
from renkei.training.selectors.surveys import ITEM, SUBSCALE, TOTAL, effect_table, response_rates
from renkei.training.survey_indicators import improved_share
from tests.conftest import client_for

from .factories import RegistrationFactory, answer
from .survey_helpers import PAIRS, paired_dataset


def _differences(scale: int = 1) -> list[int]:
    return [(after - before) * scale for before, after in PAIRS]


def test_each_item_row_matches_scipy_on_the_pairs_only(world):
    paired_dataset(world)
    table = effect_table(world.series)
    items = [row for row in table.rows if row.kind == ITEM]
    assert len(items) == 9
    expected = stats.wilcoxon([d for d in _differences() if d], zero_method="wilcox").pvalue
    for row in items:
        effect = row.effect
        assert effect.pairs == 6
        assert effect.mean_before == pytest.approx(sum(b for b, _ in PAIRS) / 6)
        assert effect.mean_after == pytest.approx(sum(a for _, a in PAIRS) / 6)
        assert effect.median_difference == statistics.median(_differences()) == 1.5
        assert effect.improved == 5 and effect.unchanged == 1 and effect.worse == 0
        assert effect.p_value == pytest.approx(expected)
        assert effect.effect_size == 1.0 and effect.magnitude == "large"
    assert (table.pairs, table.only_pre, table.only_post) == (6, 2, 1)


def test_the_total_and_subscales_add_the_items_answered_in_both_phases(world):
    paired_dataset(world)
    table = effect_table(world.series)
    total = table.total.effect
    assert table.total.kind == TOTAL and total.pairs == 6
    assert total.mean_before == pytest.approx(9 * sum(b for b, _ in PAIRS) / 6)
    assert total.p_value == pytest.approx(stats.wilcoxon([d for d in _differences(9) if d]).pvalue)
    [face] = [row for row in table.rows if row.kind == SUBSCALE]  # 顔の見える関係: the only two-item subscale
    assert face.label == "顔の見える関係" and face.effect.mean_before == pytest.approx(2 * 11 / 6)


def test_unpaired_answers_never_change_the_result(world):
    paired_dataset(world)
    before = effect_table(world.series)
    for value in (4, 4, 4):
        answer(RegistrationFactory(series=world.series), Phase.POST, [value] * 9)
    answer(RegistrationFactory(series=world.series), Phase.PRE, [1] * 9)
    after = effect_table(world.series)
    assert [row.effect for row in after.rows] == [row.effect for row in before.rows]
    assert (after.only_pre, after.only_post) == (3, 4)


def test_a_question_skipped_in_one_phase_leaves_that_person_out_of_that_row_only(world):
    registrations = paired_dataset(world)
    first = registrations[0]
    first.survey_responses.get(phase=Phase.POST).answers.filter(item__order=10).delete()
    table = effect_table(world.series)
    assert table.rows[0].effect.pairs == 5
    assert table.rows[1].effect.pairs == 6 and table.total.effect.pairs == 6


def test_each_profession_gets_its_own_rows_and_pairs(world):
    paired_dataset(world)
    table = effect_table(world.series)
    by_profession = {row.profession: row.effect for row in table.by_profession}
    assert set(by_profession) == {"care_manager", "visiting_nurse"}  # the doctors answered only one phase
    assert by_profession["care_manager"].pairs == 3 and by_profession["visiting_nurse"].pairs == 3
    assert by_profession["care_manager"].p_value is None  # fewer than 5 pairs: not tested
    assert by_profession["care_manager"].improved == 3 and by_profession["visiting_nurse"].improved == 2


def test_the_effect_table_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    paired_dataset(world)
    with django_assert_max_num_queries(3):
        effect_table(world.series)
    with django_assert_max_num_queries(2):
        response_rates(world.series)


def test_the_page_shows_pairs_per_row_and_refuses_to_test_small_rows(world):
    paired_dataset(world)
    content = client_for(world.official).get(f"/training/series/{world.series.pk}/effect/").content.decode()
    assert _("Too few pairs to test") in content  # the per-profession rows have 3 pairs each
    assert content.count('<td class="number">6</td>') >= 10  # nine items and the total, six pairs each
    assert "effect-chart-data" in content and "chart.umd.js" in content
    # free text without names, for those who run the training
    assert "連絡先がわかった" in content and "参加者" not in content.split("<main", 1)[-1].split("effect-note")[0]


def test_prefecture_staff_see_the_statistics_but_not_the_free_text(world):
    paired_dataset(world)
    response = client_for(world.prefecture).get(f"/training/series/{world.series.pk}/effect/")
    assert response.status_code == 200
    assert "連絡先がわかった" not in response.content.decode()


def test_the_api_gives_the_same_table_with_pairs_per_row(world, api_token_for):
    from django.test import Client

    paired_dataset(world)
    response = Client().get(f"/api/v1/training/series/{world.series.pk}/effect",
                            HTTP_AUTHORIZATION=f"Bearer {api_token_for(world.official)}")
    assert response.status_code == 200
    body = response.json()
    assert (body["pairs"], body["only_before"], body["only_after"]) == (6, 2, 1)
    assert all(row["pairs"] == 6 for row in body["rows"])
    assert {row["profession"] for row in body["by_profession"]} == {"care_manager", "visiting_nurse"}
    assert "name" not in str(body)


def test_the_indicator_counts_paired_participants_whose_total_rose(world):
    paired_dataset(world)
    [value] = improved_share([world.municipality], fiscal_year(2026))
    assert (value.numerator, value.denominator) == (5, 6)
    assert improved_share([world.municipality], fiscal_year(2025)) == []


def test_the_effect_page_records_no_read_of_names(world):
    paired_dataset(world)
    client_for(world.prefecture).get(f"/training/series/{world.series.pk}/effect/")
    assert not AuditEntry.objects.filter(action="read", object_type="training.registration").exists()
