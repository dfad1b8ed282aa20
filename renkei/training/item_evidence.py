"""Evidence for (カ) 医療・介護関係者の研修 and (キ) 地域住民への普及啓発 (region §1): sessions held in the fiscal
year suggest (カ) implemented (sessions only scheduled: planned), with the survey's training contents the series'
kinds and target professions point to; awareness activities held suggest (キ) implemented. Counts only."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from renkei.core import item_evidence
from renkei.core.item_evidence import Evidence
from renkei.core.models import Profession

from . import registrations
from .models import AwarenessActivity, SeriesKind, TrainingSession

IMPLEMENTED, PLANNED = "implemented", "planned"
MEDICAL = {Profession.DOCTOR, Profession.DENTIST, Profession.PHARMACIST, Profession.NURSE,
           Profession.VISITING_NURSE, Profession.DISCHARGE_NURSE, Profession.MEDICAL_SOCIAL_WORKER,
           Profession.DENTAL_HYGIENIST}
CARE = {Profession.CARE_MANAGER, Profession.CARE_WORKER}


def training_contents_of(kind: str, professions: list[str]) -> set[str]:
    """The survey's training contents (region TrainingContent values) a series' kind and targets point to."""
    targets = set(professions or [])
    if kind in (SeriesKind.GROUP_WORK, SeriesKind.CASE_CONFERENCE, SeriesKind.SHADOWING) or not targets or (
            targets & MEDICAL and targets & CARE):
        return {"multi_professional"}
    if targets <= MEDICAL:
        return {"care_for_medical"}
    if targets <= CARE:
        return {"medical_for_care"}
    return set()


def training_evidence(municipality_ids: list[int], fiscal_year: int) -> dict[int, Evidence]:
    """Per municipality: sessions held and scheduled in the fiscal year, and the training contents they suggest."""
    mapping = item_evidence.counted_for(municipality_ids)
    start, end = item_evidence.fiscal_year_span(fiscal_year)
    rows = (TrainingSession.objects.filter(series__municipality_id__in=list(mapping), starts_at__gte=start,
                                           starts_at__lt=end)
            .exclude(status=TrainingSession.Status.CANCELLED).order_by()
            .values_list("series__municipality_id", "status", "starts_at", "series__kind",
                         "series__target_professions"))
    now = timezone.now()
    per: dict[int, dict] = {}
    for municipality_id, status, starts_at, kind, professions in rows:
        figures = per.setdefault(mapping[municipality_id], {"held": 0, "scheduled": 0, "contents": set()})
        if status == TrainingSession.Status.HELD or starts_at < now:
            figures["held"] += 1
            figures["contents"] |= training_contents_of(kind, professions)
        else:
            figures["scheduled"] += 1
    url = reverse("training:index")
    out = {}
    for municipality_id, figures in per.items():
        figures["training_contents"] = sorted(figures.pop("contents"))
        if figures["held"]:
            out[municipality_id] = Evidence(
                IMPLEMENTED, f"今年度の研修 {figures['held']} 回を開催（予定 {figures['scheduled']} 回）",
                f"{figures['held']} training sessions held this fiscal year ({figures['scheduled']} scheduled)",
                url, figures=figures)
        else:
            out[municipality_id] = Evidence(
                PLANNED, f"今年度の研修 {figures['scheduled']} 回を予定", f"{figures['scheduled']} training sessions "
                f"scheduled this fiscal year", url, figures=figures)
    return out


def awareness_evidence(municipality_ids: list[int], fiscal_year: int) -> dict[int, Evidence]:
    """Per municipality: awareness activities (not cancelled) held in the fiscal year; later ones: planned."""
    mapping = item_evidence.counted_for(municipality_ids)
    start, end = item_evidence.fiscal_year_bounds(fiscal_year)
    today = timezone.localdate()
    activities = AwarenessActivity.objects.filter(is_cancelled=False, date__range=(start, end))
    held = item_evidence.count_by(activities.filter(date__lte=today), "municipality_id", mapping)
    planned = item_evidence.count_by(activities.filter(date__gt=today), "municipality_id", mapping)
    url = reverse("training:awareness_list")
    out = {}
    for municipality_id in set(held) | set(planned):
        figures = {"held": held.get(municipality_id, 0), "planned": planned.get(municipality_id, 0)}
        if figures["held"]:
            out[municipality_id] = Evidence(
                IMPLEMENTED, f"今年度の普及啓発 {figures['held']} 件を実施",
                f"{figures['held']} awareness activities held this fiscal year", url, figures=figures)
        else:
            out[municipality_id] = Evidence(
                PLANNED, f"今年度の普及啓発 {figures['planned']} 件を予定",
                f"{figures['planned']} awareness activities planned this fiscal year", url, figures=figures)
    return out


@registrations.on_ready
def register() -> None:
    item_evidence.register("f", "training", training_evidence)
    item_evidence.register("g", "awareness", awareness_evidence)
