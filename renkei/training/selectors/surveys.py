"""Reads for the pre and post surveys: response rates, the paired effect table, free-text answers, instruments.

The effect table is honest by construction: a participant enters a row only with an answer to that row's
question(s) in both phases (a pair); those who answered one phase only are counted and shown, never used.
A subscale's or the total's score is the sum of the person's answers to the row's items answered in both phases.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from renkei.core import policy
from renkei.core.models import Profession

from ..effect import PairedEffect, paired_effect
from ..models import Instrument, InstrumentItem, Phase, Registration, SurveyAnswer, SurveyResponse, TrainingSeries

ITEM, SUBSCALE, TOTAL = "item", "subscale", "total"


@dataclass(frozen=True)
class EffectRow:
    kind: str  # item, subscale or total
    label: str
    effect: PairedEffect
    profession: str = ""  # a profession code in the per-profession breakdown, "" for everyone
    item_id: int | None = None

    @property
    def profession_label(self) -> str:
        return str(Profession(self.profession).label) if self.profession in Profession.values else self.profession


@dataclass
class EffectTable:
    rows: list[EffectRow]  # items, subscales, then the total, for everyone
    by_profession: list[EffectRow]  # the total score per profession
    by_profession_items: list[EffectRow] = field(default_factory=list)  # each item per profession (CLI, API)
    pairs: int = 0  # participants with both phases answered
    only_pre: int = 0
    only_post: int = 0

    @property
    def total(self) -> EffectRow | None:
        return next((row for row in self.rows if row.kind == TOTAL), None)


@dataclass(frozen=True)
class ResponseRates:
    registrations: int
    pre: int
    post: int
    pairs: int

    def share(self, count: int) -> float | None:
        return count / self.registrations if self.registrations else None

    @property
    def pre_share(self):
        return self.share(self.pre)

    @property
    def post_share(self):
        return self.share(self.post)


def response_rates(series: TrainingSeries) -> ResponseRates:
    """Active registrations and how many answered before, after, and both (one query)."""
    counts = Registration.objects.filter(series=series, cancelled_at__isnull=True).aggregate(
        registrations=Count("pk", distinct=True),
        pre=Count("pk", filter=Q(survey_responses__phase=Phase.PRE), distinct=True),
        post=Count("pk", filter=Q(survey_responses__phase=Phase.POST), distinct=True))
    both = (SurveyResponse.objects.filter(registration__series=series, registration__cancelled_at__isnull=True)
            .values("registration_id").annotate(n=Count("phase", distinct=True)).filter(n=2).count())
    return ResponseRates(counts["registrations"], counts["pre"], counts["post"], both)


def _answers_by_person(series_ids) -> tuple[dict, dict, dict]:
    """({registration: {phase: {item id: value}}}, {registration: profession}, {registration: {phases}})."""
    values: dict = defaultdict(lambda: {Phase.PRE: {}, Phase.POST: {}})
    professions: dict = {}
    for registration_id, phase, item_id, value, profession in (
            SurveyAnswer.objects.filter(response__registration__series_id__in=series_ids,
                                        response__registration__cancelled_at__isnull=True,
                                        item__kind=InstrumentItem.Kind.LIKERT, value__isnull=False)
            .values_list("response__registration_id", "response__phase", "item_id", "value",
                         "response__registration__profession").order_by()):
        values[registration_id][phase][item_id] = value
        professions[registration_id] = profession
    phases: dict = defaultdict(set)
    for registration_id, phase in (SurveyResponse.objects.filter(registration__series_id__in=series_ids,
                                                                 registration__cancelled_at__isnull=True)
                                   .values_list("registration_id", "phase").order_by()):
        phases[registration_id].add(phase)
    return values, professions, phases


def person_totals(before: dict, after: dict, item_ids=None) -> tuple[int, int] | None:
    """(pre total, post total) over the items answered in both phases (limited to `item_ids`); None if none."""
    common = [pk for pk in before if pk in after and (item_ids is None or pk in item_ids)]
    if not common:
        return None
    return sum(before[pk] for pk in common), sum(after[pk] for pk in common)


def _rows(items: list[InstrumentItem], people: list[dict], profession: str = "") -> list[EffectRow]:
    rows = []
    for item in items:
        pairs = [(p[Phase.PRE][item.pk], p[Phase.POST][item.pk]) for p in people
                 if item.pk in p[Phase.PRE] and item.pk in p[Phase.POST]]
        rows.append(EffectRow(ITEM, item.text, paired_effect(pairs), profession, item.pk))
    subscales: dict[str, set[int]] = {}
    for item in items:
        if item.subscale:
            subscales.setdefault(item.subscale, set()).add(item.pk)
    for name, ids in subscales.items():
        if len(ids) < 2:  # a subscale of one item is that item's row
            continue
        pairs = [t for p in people if (t := person_totals(p[Phase.PRE], p[Phase.POST], ids))]
        rows.append(EffectRow(SUBSCALE, name, paired_effect(pairs), profession))
    pairs = [t for p in people if (t := person_totals(p[Phase.PRE], p[Phase.POST]))]
    rows.append(EffectRow(TOTAL, "合計点", paired_effect(pairs), profession))
    return rows


def effect_items(series: TrainingSeries, answered_ids=()) -> list[InstrumentItem]:
    """The series' scale items: the active ones and any retired one that has answers, in order."""
    if series.instrument_id is None:
        return []
    return list(InstrumentItem.objects.filter(instrument_id=series.instrument_id, kind=InstrumentItem.Kind.LIKERT)
                .filter(Q(is_active=True) | Q(pk__in=list(answered_ids))).order_by("order", "pk"))


def effect_table(series: TrainingSeries) -> EffectTable:
    """The paired effect per item, subscale and total score, overall and per profession (three queries)."""
    values, professions, phases = _answers_by_person([series.pk])
    answered = {pk for person in values.values() for answers in person.values() for pk in answers}
    items = effect_items(series, answered)
    people = list(values.values())
    rows = _rows(items, people)
    by_profession, by_profession_items = [], []
    grouped: dict[str, list[dict]] = defaultdict(list)
    for registration_id, person in values.items():
        grouped[professions.get(registration_id) or ""].append(person)
    for profession in sorted(grouped, key=lambda code: (code == "", code)):
        profession_rows = _rows(items, grouped[profession], profession or "unknown")
        if not profession_rows[-1].effect.pairs:  # only one phase answered in this profession: nothing to show
            continue
        by_profession.append(profession_rows[-1])
        by_profession_items.extend(profession_rows)
    both = sum(1 for found in phases.values() if len(found) == 2)
    return EffectTable(
        rows=rows, by_profession=by_profession, by_profession_items=by_profession_items, pairs=both,
        only_pre=sum(1 for found in phases.values() if found == {Phase.PRE}),
        only_post=sum(1 for found in phases.values() if found == {Phase.POST}))


def free_text_answers(series: TrainingSeries) -> list[dict]:
    """The free-text answers of a series without names: {"phase", "question", "text"}, by question and phase."""
    return list(SurveyAnswer.objects.filter(response__registration__series=series, item__kind=InstrumentItem.Kind.TEXT)
                .exclude(text="").order_by("item__order", "response__phase", "response__submitted_at")
                .values("response__phase", "item__text", "text"))


def registrations_for_links(series: TrainingSeries) -> list[Registration]:
    """Active registrations with their links and responses (for the links page; names shown to staff)."""
    return list(Registration.objects.filter(series=series, cancelled_at__isnull=True)
                .select_related("series__municipality")  # the read entry's owner, without a query per row
                .prefetch_related("survey_links", "survey_responses").order_by("name", "pk"))


def instruments_for(membership):
    """The instruments a member may read: the built-in ones and their municipality's own, with item counts."""
    return (policy.scope(membership, "training.view_instruments", Instrument.objects.all())
            .select_related("municipality")
            .annotate(item_count=Count("items", filter=Q(items__is_active=True)))
            .order_by("municipality_id", "name"))


def instrument_items(instrument: Instrument) -> list[InstrumentItem]:
    """All items of an instrument (retired last), each with its number of answers."""
    return list(instrument.items.annotate(answer_count=Count("answers")).order_by("-is_active", "order", "pk"))
