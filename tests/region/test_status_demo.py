"""The status part of the region demo, on the test world's 京都府."""

import pytest

from renkei.region.demo import status as demo
from renkei.region.models import Implementation, ItemStatus, SurveyRound
from renkei.region.selectors.implementation import current_fiscal_year

pytestmark = pytest.mark.django_db


def implemented(municipality, year):
    sheet = Implementation.objects.get(municipality=municipality, fiscal_year=year)
    return sheet.items.filter(status=ItemStatus.IMPLEMENTED).count()


def test_the_demo_answers_two_years_and_the_city_improves(world):
    lines = demo.build(world.fukuchiyama)
    year = current_fiscal_year()
    assert lines
    assert Implementation.objects.filter(fiscal_year=year - 1, confirmed_at__isnull=False).count() == 4
    assert implemented(world.fukuchiyama, year) > implemented(world.fukuchiyama, year - 1)
    stages = [Implementation.objects.get(municipality=world.fukuchiyama, fiscal_year=y).items.get(item="b").stage
              for y in (year - 1, year)]
    assert stages[0] == "assessing" and stages[1] in ("concrete", "evaluating")
    assert SurveyRound.objects.filter(fiscal_year=year, prefecture=world.kyoto, closed_at__isnull=True).exists()


def test_the_demo_is_idempotent(world):
    demo.build(world.fukuchiyama)
    assert demo.build(world.fukuchiyama) == []
    assert Implementation.objects.count() == 8
