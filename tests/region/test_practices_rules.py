"""Who reads, writes and copies practices (region.view_practices, write_practice, copy_practice)."""

from __future__ import annotations

from renkei.core import policy
from renkei.region.models import Practice
from renkei.region.selectors.practices import visible_practices

from .practices_helpers import logic_model_of, offer, practice


def test_a_draft_is_read_only_by_its_authors_staff(world):
    draft = practice(world.official)
    assert policy.check(world.official, "region.view_practices", draft)
    assert policy.check(world.coordinator, "region.view_practices", draft)
    assert not policy.check(world.neighbour_official, "region.view_practices", draft)
    assert not policy.check(world.prefecture, "region.view_practices", draft)


def test_a_published_practice_for_the_prefecture_is_read_by_its_staff_only(world):
    shared = practice(world.official, status="published")
    assert policy.check(world.neighbour_official, "region.view_practices", shared)
    assert policy.check(world.health_center_staff, "region.view_practices", shared)
    assert not policy.check(world.other_official, "region.view_practices", shared)
    assert not policy.check(world.other_prefecture, "region.view_practices", shared)


def test_a_national_practice_is_read_by_staff_of_another_prefecture(world):
    shared = practice(world.official, status="published", reach=Practice.Reach.NATIONAL)
    assert policy.check(world.other_official, "region.view_practices", shared)
    assert policy.check(world.other_prefecture, "region.view_practices", shared)
    assert not policy.check(world.professional, "region.view_practices", shared)


def test_a_withdrawn_practice_is_hidden_again_from_others(world):
    shared = practice(world.official, status="published")
    shared.status = Practice.Status.WITHDRAWN
    shared.save()
    assert not policy.check(world.neighbour_official, "region.view_practices", shared)
    assert policy.check(world.official, "region.view_practices", shared)


def test_the_list_scope_follows_the_same_rules(world):
    draft = practice(world.official, title="下書き")
    shared = practice(world.official, title="府内公開", status="published")
    national = practice(world.official, title="全国公開", status="published", reach=Practice.Reach.NATIONAL)
    prefecture_draft = practice(world.prefecture, title="府の下書き")
    assert set(visible_practices(world.official)) == {draft, shared, national}
    assert set(visible_practices(world.neighbour_official)) == {shared, national}
    assert set(visible_practices(world.prefecture)) == {shared, national, prefecture_draft}
    assert set(visible_practices(world.other_official)) == {national}
    assert not visible_practices(world.professional).exists()


def test_municipal_staff_write_for_their_own_municipality_and_prefecture_staff_for_the_prefecture(world):
    assert policy.check(world.official, "region.write_practice", world.fukuchiyama)
    assert policy.check(world.coordinator, "region.write_practice", world.fukuchiyama)
    assert not policy.check(world.official, "region.write_practice", world.maizuru)
    assert not policy.check(world.official, "region.write_practice", world.kyoto)
    assert policy.check(world.prefecture, "region.write_practice", world.kyoto)
    assert not policy.check(world.other_prefecture, "region.write_practice", world.kyoto)
    assert not policy.check(world.prefecture, "region.write_practice", practice(world.official))


def test_only_municipal_staff_copy_a_published_practice_that_offers_something(world):
    shared = practice(world.official, status="published",
                      offer=offer("logic_model", logic_model_of(world.fukuchiyama)))
    assert policy.check(world.neighbour_official, "region.copy_practice", shared)
    assert policy.check(world.neighbour_official, "region.copy_practice", world.maizuru)
    assert not policy.check(world.neighbour_official, "region.copy_practice", world.ayabe)
    assert not policy.check(world.prefecture, "region.copy_practice", shared)
    assert not policy.check(world.coordinator, "region.copy_practice", shared)
    assert not policy.check(world.other_official, "region.copy_practice", shared)


def test_a_practice_offering_nothing_cannot_be_copied(world):
    shared = practice(world.official, status="published")
    assert not policy.check(world.neighbour_official, "region.copy_practice", shared)
