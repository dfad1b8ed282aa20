"""What the status part adds to the home page: for municipal staff, an open survey round whose sheet of the
year is not confirmed yet ("the survey for FY… is open and not confirmed")."""

from __future__ import annotations

from django.utils.translation import gettext as _

from renkei.core import dashboard
from renkei.core.dashboard import AttentionItem
from renkei.core.models import Role
from renkei.core.wareki import fiscal_year_wareki

from . import registrations

ANSWER = "region.answer_implementation"


def survey_attention(membership) -> list[AttentionItem]:
    """An open round the member's municipality has not confirmed (one query for the round, one for the sheet)."""
    if membership is None or membership.role != Role.MUNICIPAL_STAFF:
        return []
    from .models import Implementation
    from .selectors.implementation import answering_municipality, open_round_for
    from .views.status import answer_url

    municipality = answering_municipality(membership)
    if municipality is None:
        return []
    survey_round = open_round_for(municipality)
    if survey_round is None:
        return []
    if Implementation.objects.filter(municipality=municipality, fiscal_year=survey_round.fiscal_year,
                                     confirmed_at__isnull=False).exists():
        return []
    text = _("The implementation status survey for %(year)s is open and not confirmed") % {
        "year": fiscal_year_wareki(survey_round.fiscal_year)}
    detail = survey_round.title
    if survey_round.closes_on:
        detail = f"{detail} ({_('answers due')} {survey_round.closes_on:%Y-%m-%d})"
    return [AttentionItem(text=text, detail=detail, url=answer_url(municipality, survey_round.fiscal_year),
                          action=ANSWER, obj=municipality, order=30)]


@registrations.on_ready
def register_survey_attention() -> None:
    dashboard.register_attention(survey_attention)
