"""Reads for public awareness: the staff list, an activity's page and results, the residents' calendar (page,
iCalendar and JSON feed share `calendar_activities`), and the reach by daily living area over fiscal years."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from renkei.core import policy
from renkei.core.models import DailyLivingArea, JointProject

from ..effect import PairedEffect, paired_effect
from ..models import AcpIntention, AwarenessActivity, AwarenessMaterial, AwarenessResponse, AwarenessSurveyLink

VIEW = "training.view_awareness"
# Kinds held in a place on a day (their attendance counts as reach); articles and leaflets count copies.
HELD_KINDS = ("public_lecture", "outreach_lecture", "event", "other")


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(fiscal_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def activities_for_year(membership, *, fiscal_year: int, municipality=None, kind: str = "", theme: str = "",
                        area_id: int | None = None) -> QuerySet[AwarenessActivity]:
    """The activities of a fiscal year the member may see, oldest first, with the filters of the list screen.

    Themes are a JSON list of codes: a code is matched with its quotes (the same SQL on PostgreSQL and SQLite)."""
    start, end = fiscal_year_bounds(fiscal_year)
    rows = policy.scope(membership, VIEW, AwarenessActivity.objects.all()).filter(date__gte=start, date__lte=end)
    if municipality is not None:  # its own activities and its joint projects' (共同実施)
        rows = rows.filter(Q(municipality=municipality) | Q(joint_project__in=JointProject.objects.filter(
            municipalities=municipality).values("pk")))
    if kind:
        rows = rows.filter(kind=kind)
    if theme:
        rows = rows.filter(themes__icontains=f'"{theme}"')
    if area_id:
        rows = rows.filter(daily_living_area_id=area_id)
    return (rows.select_related("municipality", "daily_living_area", "organizer")
            .annotate(response_count=Count("responses", distinct=True))
            .order_by("date", "starts_at", "title"))


def activity_with_details(pk: int) -> AwarenessActivity:
    return (AwarenessActivity.objects.select_related("municipality__prefecture", "daily_living_area", "organizer")
            .prefetch_related("materials").get(pk=pk))


def active_survey_link(activity: AwarenessActivity) -> AwarenessSurveyLink | None:
    return activity.survey_links.filter(is_active=True, expires_at__gt=timezone.now()).first()


# --- results of the questionnaire ------------------------------------------------------------------------------

@dataclass
class AwarenessResults:
    answers: int
    understanding: PairedEffect
    acp_answers: int
    acp_shares: list[tuple[str, str, int, float]]  # (code, label, count, share)
    age_bands: list[tuple[str, int]]
    comments: list[str] = field(default_factory=list)

    @property
    def acp_positive_share(self) -> float | None:
        positive = sum(count for code, _, count, _ in self.acp_shares if code in ("will_talk", "already"))
        return positive / self.acp_answers if self.acp_answers else None


def activity_results(activity: AwarenessActivity, *, with_comments: bool = False) -> AwarenessResults:
    """The answers of one activity: counts, the before/after understanding pairs (an answer counts as a pair
    only when it gives both), the ACP intention shares among those who answered that question."""
    rows = list(AwarenessResponse.objects.filter(activity=activity).order_by("submitted_at", "pk").values_list(
        "understanding_before", "understanding_after", "acp_intention", "age_band", "comment"))
    pairs = [(before, after) for before, after, *_ in rows if before is not None and after is not None]
    intentions = Counter(row[2] for row in rows if row[2])
    acp_answers = sum(intentions.values())
    shares = [(code, str(label), intentions.get(code, 0), intentions.get(code, 0) / acp_answers if acp_answers else 0)
              for code, label in AcpIntention.choices]
    ages = Counter(row[3] for row in rows if row[3])
    return AwarenessResults(
        answers=len(rows), understanding=paired_effect(pairs), acp_answers=acp_answers, acp_shares=shares,
        age_bands=[(str(label), ages.get(code, 0)) for code, label in AwarenessResponse.AgeBand.choices],
        comments=[row[4] for row in rows if row[4]] if with_comments else [])


# --- the residents' calendar -----------------------------------------------------------------------------------

def calendar_activities(municipality, *, start: dt.date | None = None, end: dt.date | None = None,
                        theme: str = "") -> QuerySet[AwarenessActivity]:
    """Published, not cancelled activities of a municipality (and its wards; None: every municipality), by date:
    what the residents' calendar, its iCalendar file and the JSON feed show. Public materials are prefetched."""
    rows = AwarenessActivity.objects.filter(is_published=True, is_cancelled=False)
    if municipality is not None:
        rows = rows.filter(Q(municipality=municipality) | Q(municipality__parent=municipality))
    if start:
        rows = rows.filter(date__gte=start)
    if end:
        rows = rows.filter(date__lte=end)
    if theme:
        rows = rows.filter(themes__icontains=f'"{theme}"')
    return (rows.select_related("municipality")
            .prefetch_related(Prefetch("materials", queryset=AwarenessMaterial.objects.filter(is_public=True),
                                       to_attr="public_materials"))
            .order_by("date", "starts_at", "title"))


def calendar_split(municipality, *, theme: str = "", today: dt.date | None = None, past_days: int = 365):
    """(upcoming from today on, past of the last `past_days` newest first) for the calendar page."""
    today = today or timezone.localdate()
    upcoming = list(calendar_activities(municipality, start=today, theme=theme))
    past = list(calendar_activities(municipality, start=today - dt.timedelta(days=past_days),
                                    end=today - dt.timedelta(days=1), theme=theme).reverse())
    return upcoming, past


# --- reach by daily living area --------------------------------------------------------------------------------

@dataclass
class ReachRow:
    area: DailyLivingArea | None
    cells: dict[int, tuple[int, int]]  # fiscal year → (activities, attendance)

    @property
    def is_never_reached(self) -> bool:
        return not any(count for count, _ in self.cells.values())

    def cell_list(self, years: list[int]) -> list[tuple[int, int]]:
        return [self.cells.get(year, (0, 0)) for year in years]


def reach_by_area(municipality, *, first_year: int, last_year: int) -> list[ReachRow]:
    """Areas × fiscal years (held, not cancelled activities and their attendance); never-reached areas first,
    then the areas in name order; activities without an area in a last row (area None) when there are any."""
    start, _ = fiscal_year_bounds(first_year)
    _, end = fiscal_year_bounds(last_year)
    areas = list(DailyLivingArea.objects.filter(municipality=municipality).order_by("name"))
    rows = AwarenessActivity.objects.filter(municipality=municipality, is_cancelled=False, date__gte=start,
                                            date__lte=min(end, timezone.localdate()))
    cells: dict[int | None, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for area_id, day, attendance in rows.values_list("daily_living_area_id", "date", "attendance"):
        cell = cells[area_id][fiscal_year_of(day)]
        cell[0] += 1
        cell[1] += attendance or 0
    out = [ReachRow(area, {year: tuple(value) for year, value in cells.get(area.pk, {}).items()}) for area in areas]
    out.sort(key=lambda row: (not row.is_never_reached, row.area.name))
    if None in cells:
        out.append(ReachRow(None, {year: tuple(value) for year, value in cells[None].items()}))
    return out


# --- figures for indicators ------------------------------------------------------------------------------------

def held_figures(municipality_ids: list[int], start: dt.date, end: dt.date) -> dict[int, dict]:
    """{municipality id: {"activities", "attendance", "areas"}} of not cancelled activities held between start
    and end (a ward's activities count for its municipality row only; the caller adds them to the city)."""
    rows = (AwarenessActivity.objects.filter(municipality_id__in=municipality_ids, is_cancelled=False,
                                             date__gte=start, date__lte=end)
            .order_by().values("municipality_id")
            .annotate(activities=Count("pk"),
                      attendance=Sum("attendance", filter=Q(kind__in=HELD_KINDS)),
                      areas=Count("daily_living_area", distinct=True)))
    return {row["municipality_id"]: row for row in rows}


# --- what residents see ----------------------------------------------------------------------------------------

WEEKDAYS_JA = "月火水木金土日"


def date_label(day: dt.date) -> str:
    """令和8年12月20日（日）: the date residents read on the calendar."""
    from renkei.core.wareki import to_wareki

    return f"{to_wareki(day)}（{WEEKDAYS_JA[day.weekday()]}）"


def public_fields(activity: AwarenessActivity) -> dict:
    """The published fields of an activity (the calendar page, its iCalendar file and the JSON feed): never the
    attendance, the capacity's fill, the organizer's staff, the questionnaire or staff-only materials."""
    from ..models import ActivityKind, Theme

    theme_labels = dict(Theme.choices)
    return {
        "id": activity.pk, "municipality": activity.municipality.code, "kind": activity.kind,
        "kind_label": str(dict(ActivityKind.choices).get(activity.kind, activity.kind)),
        "title": activity.title, "description": activity.description, "date": activity.date,
        "date_label": date_label(activity.date), "starts_at": activity.starts_at, "ends_at": activity.ends_at,
        "place": activity.place, "themes": list(activity.themes or []),
        "theme_labels": [str(theme_labels.get(t, t)) for t in activity.themes or []],
        "audience": activity.audience, "capacity": activity.capacity, "how_to_join": activity.how_to_join,
        "contact": activity.contact,
        "materials": [{"id": m.pk, "title": m.title, "content_type": m.content_type, "size": m.size}
                      for m in getattr(activity, "public_materials", [])],
    }


def public_material(pk: int) -> AwarenessMaterial | None:
    """A material residents may download: public, of a published, not cancelled activity."""
    return (AwarenessMaterial.objects.select_related("activity__municipality")
            .filter(pk=pk, is_public=True, activity__is_published=True, activity__is_cancelled=False).first())


def soon_without_questionnaire(membership, *, days: int = 14) -> list[AwarenessActivity]:
    """Published, not cancelled activities of the next `days` days the member runs, without an open
    questionnaire link (to print its QR code on the handout in time)."""
    today = timezone.localdate()
    rows = policy.scope(membership, "training.manage_awareness", AwarenessActivity.objects.all())
    open_links = AwarenessSurveyLink.objects.filter(is_active=True, expires_at__gt=timezone.now())
    return list(rows.filter(is_published=True, is_cancelled=False, date__gte=today,
                            date__lte=today + dt.timedelta(days=days))
                .exclude(pk__in=open_links.values("activity_id")).order_by("date", "pk")[:20])
