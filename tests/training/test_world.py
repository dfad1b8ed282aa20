"""The training world and its rules at their simplest."""

from renkei.core import policy
from renkei.training.models import TrainingSeries

from .factories import Phase, RegistrationFactory, answer


def test_the_builtin_instrument_has_likert_and_text_items(world):
    items = list(world.series.instrument.items.order_by("order"))
    assert [i.kind for i in items].count("likert") == 9 and items[-1].kind == "text"


def test_staff_run_and_the_prefecture_reads(world):
    for runner in (world.official, world.coordinator, world.admin):
        assert policy.check(runner, "training.manage_series", world.series)
    assert policy.check(world.prefecture, "training.view_series", world.series)
    assert not policy.check(world.prefecture, "training.manage_series", world.series)
    for outsider in (world.neighbour_official, world.other_prefecture, world.professional):
        assert not policy.check(outsider, "training.view_series", world.series)
        assert not policy.scope(outsider, "training.view_series", TrainingSeries.objects.all()).exists()


def test_answers_are_stored_per_item(world):
    registration = RegistrationFactory(series=world.series)
    response = answer(registration, Phase.PRE, [1, 2, 3], text="学びたい")
    assert response.answers.filter(value__isnull=False).count() == 3
    assert response.answers.filter(text="学びたい").count() == 1
