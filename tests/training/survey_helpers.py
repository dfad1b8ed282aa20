"""Helpers for the surveys tests: issue a link and get its token, a full set of answers, a paired dataset."""

from __future__ import annotations

from django.utils import timezone

from renkei.training.models import Phase, SurveyLink
from renkei.training.services import surveys as services

from .factories import RegistrationFactory, SessionFactory, answer


def upcoming(world) -> None:
    """Move the world's series so that the training has not begun yet (pre links can be issued)."""
    import datetime as dt

    now = timezone.now()
    world.first_session.starts_at = now + dt.timedelta(days=3)
    world.first_session.status = "scheduled"
    world.first_session.save()
    world.second_session.starts_at = now + dt.timedelta(days=10)
    world.second_session.save()


def issue(world, registration, phase=Phase.PRE) -> str:
    """Issue one link and return its token (the last path segment of the link)."""
    [issued] = services.survey_links_issue(series=world.series, phase=phase, membership=world.official,
                                           registrations=[registration], send_email=False)
    return issued.link.rstrip("/").rsplit("/", 1)[-1]


def full_answers(world, value: int = 3, text: str = "") -> dict:
    """POST data answering every active item of the world's series with `value`."""
    data = {}
    for item in services.survey_items(world.series):
        data[f"item_{item.pk}"] = text if item.kind == "text" else str(value)
    return data


# Nine participants: six pairs (two professions), two who answered only before, one only after.
# The first item's pre/post values per pair; the others are offset so the total differs too.
PAIRS = [(1, 3), (2, 3), (2, 4), (3, 3), (1, 2), (2, 4)]
PROFESSIONS = ["care_manager", "care_manager", "care_manager", "visiting_nurse", "visiting_nurse", "visiting_nurse"]


def paired_dataset(world):
    """Registrations with answers: PAIRS on every scale item, plus unpaired answers that must not count."""
    registrations = []
    for (before, after), profession in zip(PAIRS, PROFESSIONS, strict=True):
        registration = RegistrationFactory(series=world.series, profession=profession)
        answer(registration, Phase.PRE, [before] * 9, text="不安があります")
        answer(registration, Phase.POST, [after] * 9, text="連絡先がわかった")
        registrations.append(registration)
    for value in (1, 1):
        answer(RegistrationFactory(series=world.series, profession="doctor"), Phase.PRE, [value] * 9)
    answer(RegistrationFactory(series=world.series, profession="doctor"), Phase.POST, [4] * 9)
    return registrations


def link_of(registration, phase=Phase.PRE) -> SurveyLink:
    return SurveyLink.objects.get(registration=registration, phase=phase)


__all__ = ["PAIRS", "PROFESSIONS", "SessionFactory", "full_answers", "issue", "link_of", "paired_dataset",
           "upcoming"]
