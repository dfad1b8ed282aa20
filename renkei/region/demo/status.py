"""The region demo's status part: 京都府's current municipalities answered and confirmed for the previous and the
current fiscal year, 福知山市 clearly improving (its answers this year follow its demo evidence), a few
municipalities with nothing implemented yet, and the prefecture's survey round for the current year with a few
municipalities not confirmed yet. Fixed seed; written through `implementation_save` (the system, no membership).
"""

from __future__ import annotations

import random

from django.utils import timezone

from renkei.core.models import ProgramItem

from ..models import Difficulty, Implementation, ItemStatus, Operation, PdcaStage, SupportWish, SurveyRound
from ..selectors.implementation import current_fiscal_year, current_municipalities
from ..selectors.proposals import proposals
from ..services.implementation import ITEMS, ItemAnswer, implementation_save, round_open, round_publish

SEED = 20150801  # the seed survey's 平成27年8月1日現在
NOT_CONFIRMED = 4  # municipalities still drafting this year's answers
YES, SOON, NO = ItemStatus.IMPLEMENTED, ItemStatus.PLANNED, ItemStatus.NOT_IMPLEMENTED
# 福知山市: last year half the items, this year what its demo evidence shows (and at least six items).
CITY_LAST_YEAR = {"a": YES, "b": YES, "c": SOON, "d": NO, "e": YES, "f": YES, "g": SOON, "h": NO}


def _round(prefecture, year: int, *, closed: bool) -> SurveyRound:
    survey_round = SurveyRound.objects.filter(fiscal_year=year, prefecture=prefecture).first()
    if survey_round is None:
        survey_round = round_open(membership=None, fiscal_year=year, prefecture=prefecture)
    if closed and survey_round.closed_at is None:
        survey_round.closed_at = timezone.now()
        survey_round.save(update_fields=["closed_at"])
    return survey_round


def _random_statuses(rng: random.Random, maturity: float) -> dict[str, str]:
    out = {}
    for item in ITEMS:
        roll = rng.random()
        out[item] = YES if roll < maturity else SOON if roll < maturity + (1 - maturity) / 2 else NO
    return out


def _improved(rng: random.Random, statuses: dict[str, str]) -> dict[str, str]:
    """Next year's answers: a planned item is implemented now and then, nothing goes backwards."""
    out = {}
    for item, status in statuses.items():
        if status == SOON and rng.random() < 0.6:
            status = YES
        elif status == NO and rng.random() < 0.3:
            status = SOON
        out[item] = status
    return out


def _answers(rng: random.Random, statuses: dict[str, str], stage: str, partners: list) -> list[ItemAnswer]:
    answers = []
    for item in ITEMS:
        status = statuses[item]
        operation = ""
        joint_ids: list[int] = []
        if status == YES:
            operation = rng.choice([Operation.DIRECT, Operation.DIRECT, Operation.CONTRACTED, Operation.JOINT])
            if operation == Operation.JOINT and partners:
                joint_ids = [m.pk for m in rng.sample(partners, k=min(2, len(partners)))]
            elif operation == Operation.JOINT:
                operation = Operation.DIRECT
        answers.append(ItemAnswer(
            item=item, status=status, stage=stage if item == ProgramItem.B and status == YES else "",
            operation=operation, contractor_name="医師会" if operation == Operation.CONTRACTED else "",
            joint_with_ids=joint_ids, prefecture_supported=(rng.random() < 0.35) if status == YES else None))
    return answers


def _questions(rng: random.Random) -> dict:
    difficulties = rng.sample([c for c in Difficulty.values if c not in ("q40_14", "q40_15")], k=rng.randint(2, 5))
    wishes = rng.sample([c for c in SupportWish.values if c not in ("q42_09", "q42_10")], k=rng.randint(1, 4))
    return {"difficulties": difficulties, "support_wishes": wishes, "answered_questions": True}


def build(city) -> list[str]:
    """Build this part for the demo prefecture of `city`; return the lines to print (none when built before)."""
    year = current_fiscal_year()
    if Implementation.objects.filter(municipality=city, fiscal_year=year).exists():
        return []
    rng = random.Random(SEED)
    prefecture = city.prefecture
    municipalities = list(current_municipalities(prefecture))
    others = [m for m in municipalities if m.pk != city.pk]
    nothing_yet = {m.pk for m in rng.sample(others, k=min(3, len(others)))}
    drafting = {m.pk for m in rng.sample([m for m in others if m.pk not in nothing_yet],
                                         k=min(NOT_CONFIRMED, max(len(others) - 3, 0)))}
    last_round = _round(prefecture, year - 1, closed=True)
    this_round = _round(prefecture, year, closed=False)
    for municipality in municipalities:
        partners = [m for m in municipalities if m.pk != municipality.pk and m.kind != "designated_city"]
        if municipality.pk == city.pk:
            last = dict(CITY_LAST_YEAR)
            proposed = proposals(city, year)
            this = {item: (YES if proposed[item].status == YES or last[item] == YES else SOON) for item in ITEMS}
            for item in ("c", "g", "h"):  # the city's demo work this year: rota, awareness, the wide-area rule
                this[item] = YES if proposed[item].status in (YES, "") else this[item]
            stages = (PdcaStage.ASSESSING, proposed["b"].stage if proposed["b"].stage not in ("", PdcaStage.ASSESSING)
                      else PdcaStage.CONCRETE)
        elif municipality.pk in nothing_yet:
            last = {item: rng.choice([SOON, NO, NO]) for item in ITEMS}
            this = {item: SOON if status == SOON else rng.choice([SOON, NO]) for item, status in last.items()}
            stages = ("", "")
        else:
            last = _random_statuses(rng, rng.uniform(0.3, 0.85))
            this = _improved(rng, last)
            stages = (rng.choice([PdcaStage.ASSESSING, PdcaStage.CONCRETE]),
                      rng.choice([PdcaStage.CONCRETE, PdcaStage.EVALUATING]))
        implementation_save(membership=None, municipality=municipality, fiscal_year=year - 1,
                            items=_answers(rng, last, stages[0], partners), confirm=True,
                            survey_round=last_round, **_questions(rng))
        implementation_save(membership=None, municipality=municipality, fiscal_year=year,
                            items=_answers(rng, this, stages[1], partners),
                            training_contents=["multi_professional"] if this["f"] == YES else [],
                            confirm=municipality.pk not in drafting, survey_round=this_round, **_questions(rng))
    published = round_publish(membership=None, survey_round=last_round)
    confirmed = len(municipalities) - len(drafting)
    return [f"implementation status: {len(municipalities)} municipalities of {prefecture.name} for FY{year - 1} "
            f"(published: {published}) and FY{year} ({confirmed} confirmed, {len(drafting)} drafting)"]
