"""Reads of the implementation status (§1): the sheets a viewer may see (`policy.scope("region.view_implementation")`),
one prefecture's status matrix for a year, a municipality's history across years, a survey round's progress."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import Municipality, Prefecture

from ..models import Implementation, ItemImplementation, ItemStatus, SurveyRound
from ..services.implementation import ITEMS

VIEW = "region.view_implementation"
ANSWER = "region.answer_implementation"


def current_fiscal_year(today=None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def with_items(queryset: QuerySet) -> QuerySet:
    items = ItemImplementation.objects.select_related("contractor").prefetch_related("joint_with")
    return queryset.select_related("municipality__prefecture", "confirmed_by__user", "survey_round").prefetch_related(
        Prefetch("items", queryset=items))


def visible_sheets(membership) -> QuerySet:
    """Every sheet the viewer may read."""
    return policy.scope(membership, VIEW, Implementation.objects.all())


def answering_municipality(membership) -> Municipality | None:
    """The municipality the member answers or reads for (a ward's office: its designated city)."""
    municipality = membership.organization.municipality
    if municipality is not None and municipality.parent_id and municipality.kind == Municipality.Kind.WARD:
        return municipality.parent
    return municipality


def current_municipalities(prefecture) -> QuerySet:
    """A prefecture's current municipalities that answer the survey (designated cities answer for their wards)."""
    return (Municipality.objects.filter(prefecture=prefecture, abolished_on__isnull=True)
            .exclude(kind=Municipality.Kind.WARD).order_by("code"))


def sheet(membership, municipality, fiscal_year: int) -> Implementation | None:
    """The municipality's sheet for the year, if the viewer may read it."""
    return with_items(visible_sheets(membership)).filter(municipality=municipality, fiscal_year=fiscal_year).first()


def municipality_sheets(membership, municipality) -> list[Implementation]:
    """The municipality's sheets the viewer may read, newest year first."""
    return list(with_items(visible_sheets(membership)).filter(municipality=municipality).order_by("-fiscal_year"))


def item_statuses(implementation: Implementation | None) -> dict[str, ItemImplementation]:
    if implementation is None:
        return {}
    return {row.item: row for row in implementation.items.all()}


@dataclass
class MatrixRow:
    municipality: Municipality
    sheet: Implementation | None
    items: dict[str, ItemImplementation] = field(default_factory=dict)

    @property
    def state(self) -> str:
        """"confirmed" | "answered" (draft) | "none"."""
        if self.sheet is None:
            return "none"
        return "confirmed" if self.sheet.is_confirmed else "answered"

    @property
    def implemented_count(self) -> int:
        return sum(1 for row in self.items.values() if row.status == ItemStatus.IMPLEMENTED)

    def statuses(self) -> list[ItemImplementation | None]:
        return [self.items.get(item) for item in ITEMS]


def status_matrix(membership, prefecture: Prefecture, fiscal_year: int) -> list[MatrixRow]:
    """Every current municipality of the prefecture with the sheet of the year the viewer may read (three
    queries whatever the number of municipalities)."""
    municipalities = list(current_municipalities(prefecture))
    sheets = {s.municipality_id: s for s in with_items(visible_sheets(membership)).filter(
        fiscal_year=fiscal_year, municipality__in=municipalities)}
    return [MatrixRow(m, sheets.get(m.pk), item_statuses(sheets.get(m.pk))) for m in municipalities]


def matrix_counts(rows: list[MatrixRow]) -> dict[str, Counter]:
    """{item: Counter(status)} over the rows' sheets (counts of municipalities, never people)."""
    out = {item: Counter() for item in ITEMS}
    for row in rows:
        for item, answer in row.items.items():
            out[item][answer.status] += 1
    return out


def history(membership, municipality) -> list[MatrixRow]:
    """The municipality's sheets across years (oldest first), for the progress table."""
    sheets = municipality_sheets(membership, municipality)
    return [MatrixRow(municipality, s, item_statuses(s)) for s in reversed(sheets)]


def visible_rounds(membership) -> QuerySet:
    return policy.scope(membership, "region.view_rounds", SurveyRound.objects.select_related("prefecture"))


def round_progress(survey_round: SurveyRound) -> list[MatrixRow]:
    """Who answered, confirmed, or not yet: the round's prefecture's municipalities (every current one for a
    national round), with their sheet of the year."""
    if survey_round.prefecture_id:
        municipalities = list(current_municipalities(survey_round.prefecture_id))
    else:
        municipalities = list(Municipality.objects.filter(abolished_on__isnull=True)
                              .exclude(kind=Municipality.Kind.WARD).order_by("code"))
    sheets = {s.municipality_id: s for s in Implementation.objects.filter(
        fiscal_year=survey_round.fiscal_year, municipality__in=municipalities).select_related("confirmed_by")}
    return [MatrixRow(m, sheets.get(m.pk)) for m in municipalities]


def open_round_for(municipality, fiscal_year: int | None = None) -> SurveyRound | None:
    """The open round (the prefecture's, else the national one) the municipality answers, newest year first."""
    rounds = SurveyRound.objects.filter(closed_at__isnull=True).filter(
        prefecture_id__in=[municipality.prefecture_id]) | SurveyRound.objects.filter(closed_at__isnull=True,
                                                                                     prefecture__isnull=True)
    if fiscal_year is not None:
        rounds = rounds.filter(fiscal_year=fiscal_year)
    return rounds.order_by("-fiscal_year", "prefecture_id").first()
