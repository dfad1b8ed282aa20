"""The surveys' indicator provider for the PDCA engine: ZT-C-O01 `training.improved_share`.

Per municipality and fiscal year: among participants of the municipality's series of that fiscal year who answered
the same instrument before and after (pairs), the share whose post total is higher than their pre total, over the
scale items answered in both phases. Those who answered one phase only are not counted. No pairs: no value.
"""

from __future__ import annotations

from collections import defaultdict

from renkei.indicators.areas import Area
from renkei.indicators.periods import Period
from renkei.indicators.registry import Computed, register

from . import registrations
from .models import InstrumentItem, Phase, SurveyAnswer

NOTE = "Renkei の研修の前後アンケート（前後の両方に答えた参加者のみ）"


def improved_counts(municipality_ids: list[int], fiscal_year: int) -> dict[int, tuple[int, int]]:
    """{municipality id: (improved, pairs)} for the fiscal year's series (one query)."""
    answers: dict = defaultdict(lambda: {Phase.PRE: {}, Phase.POST: {}})
    owner = {}
    for registration_id, municipality_id, phase, item_id, value in (
            SurveyAnswer.objects.filter(response__registration__series__municipality_id__in=municipality_ids,
                                        response__registration__series__fiscal_year=fiscal_year,
                                        response__registration__cancelled_at__isnull=True,
                                        item__kind=InstrumentItem.Kind.LIKERT, value__isnull=False)
            .values_list("response__registration_id", "response__registration__series__municipality_id",
                         "response__phase", "item_id", "value").order_by()):
        answers[registration_id][phase][item_id] = value
        owner[registration_id] = municipality_id
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for registration_id, person in answers.items():
        common = [pk for pk in person[Phase.PRE] if pk in person[Phase.POST]]
        if not common:
            continue
        before = sum(person[Phase.PRE][pk] for pk in common)
        after = sum(person[Phase.POST][pk] for pk in common)
        counts = out[owner[registration_id]]
        counts[1] += 1
        counts[0] += after > before
    return {pk: (improved, pairs) for pk, (improved, pairs) in out.items()}


def improved_share(municipalities: list, period: Period) -> list[Computed]:
    by_id = {m.pk: m for m in municipalities}
    counts = improved_counts(list(by_id), period.fiscal_year)
    return [Computed(Area.of_municipality(by_id[pk]), improved, pairs, NOTE)
            for pk, (improved, pairs) in counts.items() if pairs]


@registrations.on_ready
def register_indicator_providers() -> None:
    register("training.improved_share", improved_share)
