import datetime as dt

import pytest
from django.utils import timezone

from renkei.indicators import registry
from renkei.indicators.models import IndicatorDefinition, IndicatorValue
from renkei.indicators.periods import period_of
from renkei.indicators.services.compute import indicators_compute

from .measures_world import build_hand_built

pytestmark = pytest.mark.django_db

CODES = ["ZT-A-P06", "ZT-A-P07", "ZT-A-P08", "ZT-A-P09", "ZT-A-P10", "ZT-A-P11", "ZT-A-P12"]


def test_the_definitions_are_seeded_and_their_providers_registered(db):
    definitions = IndicatorDefinition.objects.filter(code__in=CODES, owner_municipality__isnull=True)
    assert definitions.count() == 7
    for definition in definitions:
        assert definition.origin == "computed"
        assert registry.provider(definition.provider) is not None, definition.code


def test_the_providers_count_as_the_report_does(world):
    hand_built = build_hand_built(world)
    municipality = hand_built.patient.municipality
    # The hand-built discharges span the last 60 days: take each discharge's fiscal year.
    years = {period_of(h.discharged_on or timezone.localdate(), "fiscal_year") for h in hand_built.handoffs}
    missed = counted = care = care_counted = 0
    for period in years:
        for computed in registry.provider("handoff.missed_rate")([municipality], period):
            missed, counted = missed + computed.numerator, counted + computed.denominator
        for computed in registry.provider("handoff.coordination_rate_care")([municipality], period):
            care, care_counted = care + computed.numerator, care_counted + computed.denominator
    assert (missed, counted) == (4, 7)
    assert (care, care_counted) == (2, 5)


def test_the_engine_writes_the_missed_rate(world):
    build_hand_built(world)
    municipality = world.patient.municipality
    for day in {timezone.localdate(), timezone.localdate() - dt.timedelta(days=60)}:
        indicators_compute(municipality=municipality, period=period_of(day, "fiscal_year"))
    values = IndicatorValue.objects.filter(definition__code="ZT-A-P08", municipality=municipality, is_current=True)
    assert values.exists()
    assert sum(v.denominator for v in values) == 7
