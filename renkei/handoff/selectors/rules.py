"""Reads for the rules screens and API: the rule that applies to a viewer, an area's versions, the differences
between two versions, a deadline preview with a municipality's calendar, closed days. No patient data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from renkei.core.models import AreaGroup, Municipality, Prefecture, Role

from ..days import Calendar
from ..models import Anchor, ClosedDay, DayUnit, Handoff, RuleSet, RuleStep
from ..rule_text import step_sentence
from ..services.rules import rule_set_for

STEP_FIELDS = ("actor", "anchor", "offset_days", "day_unit", "after_hours_shift", "is_required",
               "counts_for_missed", "label", "note")
RULE_FIELDS = ("name", "effective_from", "covers_support_levels", "covers_uncertified",
               "excluded_planned_stay_days", "note", "source_url")


def _with_steps(queryset):
    return queryset.select_related("municipality", "area_group", "prefecture").prefetch_related(
        Prefetch("steps", queryset=RuleStep.objects.order_by("order", "pk")))


def rule_set_of(rule_set_id: int) -> RuleSet:
    """One rule set with its steps (404 when missing); rules are public to everyone signed in."""
    return get_object_or_404(_with_steps(RuleSet.objects.all()), pk=rule_set_id)


def viewer_municipality(membership) -> Municipality | None:
    organization = membership.organization if membership else None
    return organization.municipality if organization is not None else None


def viewer_prefecture_id(membership) -> int | None:
    organization = membership.organization if membership else None
    if organization is None:
        return None
    return organization.prefecture_id or (organization.municipality.prefecture_id
                                          if organization.municipality_id else None)


def applicable_rule(membership, on: dt.date | None = None) -> RuleSet | None:
    """The rule in force today for the viewer's organization's municipality (None for a prefecture office)."""
    municipality = viewer_municipality(membership)
    if municipality is None:
        return None if membership.role == Role.PREFECTURE_STAFF else rule_set_for(None, on)
    found = rule_set_for(municipality, on)
    return _with_steps(RuleSet.objects.filter(pk=found.pk)).first()


def same_area(rule_set: RuleSet):
    return RuleSet.objects.filter(area_kind=rule_set.area_kind, municipality_id=rule_set.municipality_id,
                                  area_group_id=rule_set.area_group_id, prefecture_id=rule_set.prefecture_id)


@dataclass
class Version:
    rule_set: RuleSet
    status: str  # "in_force", "scheduled", "superseded"
    handoff_count: int = 0


@dataclass
class Area:
    name: str
    kind: str
    versions: list[Version]

    @property
    def current(self) -> Version | None:
        return next((v for v in self.versions if v.status == "in_force"), None)

    @property
    def scheduled(self) -> list[Version]:
        return [v for v in self.versions if v.status == "scheduled"]


def _statuses(rule_sets: list[RuleSet], today: dt.date) -> list[Version]:
    """Newest first; the newest version already effective is in force, later ones scheduled, older superseded."""
    ordered = sorted(rule_sets, key=lambda r: (r.effective_from, r.version), reverse=True)
    versions, found = [], False
    for rule_set in ordered:
        if rule_set.effective_from > today:
            status = "scheduled"
        elif not found:
            status, found = "in_force", True
        else:
            status = "superseded"
        versions.append(Version(rule_set, status))
    return versions


def _areas(queryset, today: dt.date) -> list[Area]:
    counts = dict(Handoff.objects.filter(rule_set__in=queryset).exclude(status=Handoff.Status.CANCELLED)
                  .values("rule_set").annotate(n=Count("pk"))
                  .values_list("rule_set", "n"))
    grouped: dict[tuple, list[RuleSet]] = {}
    for rule_set in queryset.select_related("municipality", "area_group", "prefecture"):
        key = (rule_set.area_kind, rule_set.municipality_id, rule_set.area_group_id, rule_set.prefecture_id)
        grouped.setdefault(key, []).append(rule_set)
    areas = []
    for rule_sets in grouped.values():
        versions = _statuses(rule_sets, today)
        for version in versions:
            version.handoff_count = counts.get(version.rule_set.pk, 0)
        areas.append(Area(rule_sets[0].area_name, rule_sets[0].area_kind, versions))
    order = {RuleSet.AreaKind.PREFECTURE: 0, RuleSet.AreaKind.AREA_GROUP: 1, RuleSet.AreaKind.MUNICIPALITY: 2}
    return sorted(areas, key=lambda a: (order.get(a.kind, 3), a.name))


def prefecture_areas(prefecture_id: int | None, today: dt.date | None = None) -> list[Area]:
    """The rules of a prefecture's areas (the prefecture, its groups, its municipalities), each with its versions."""
    if prefecture_id is None:
        return []
    queryset = RuleSet.objects.filter(Q(prefecture_id=prefecture_id) | Q(area_group__prefecture_id=prefecture_id)
                                      | Q(municipality__prefecture_id=prefecture_id))
    return _areas(queryset, today or timezone.localdate())


def national_area(today: dt.date | None = None) -> Area:
    from ..services.rules import national_defaults

    national_defaults()  # seeded by migration 0002; made again on first use after a database was emptied
    areas = _areas(RuleSet.objects.filter(area_kind=RuleSet.AreaKind.NATIONAL), today or timezone.localdate())
    return areas[0] if areas else Area("", RuleSet.AreaKind.NATIONAL, [])


def area_versions(rule_set: RuleSet, today: dt.date | None = None) -> list[Version]:
    """Every version of the rule set's area, newest first, with how many handoffs ran under each."""
    areas = _areas(same_area(rule_set), today or timezone.localdate())
    return sorted(areas[0].versions, key=lambda v: v.rule_set.version, reverse=True) if areas else []


def previous_version(rule_set: RuleSet) -> RuleSet | None:
    return _with_steps(same_area(rule_set).filter(version__lt=rule_set.version).order_by("-version")).first()


def latest_version(rule_set: RuleSet) -> RuleSet:
    return _with_steps(same_area(rule_set).order_by("-version")).first()


@dataclass
class StepChange:
    key: str
    change: str  # "added", "removed", "changed"
    before: str = ""
    after: str = ""
    fields: tuple[str, ...] = ()


@dataclass
class Diff:
    fields: list[tuple[str, object, object]]  # (field verbose name, before, after)
    steps: list[StepChange]

    @property
    def is_empty(self) -> bool:
        return not self.fields and not self.steps


def version_diff(before: RuleSet, after: RuleSet, language: str | None = None) -> Diff:
    """What changed from one version to another: the rule's fields, and each step added, removed or changed
    (with the sentences before and after)."""
    fields = [(str(RuleSet._meta.get_field(name).verbose_name), getattr(before, name), getattr(after, name))
              for name in RULE_FIELDS if getattr(before, name) != getattr(after, name)]
    old = {s.key: s for s in before.steps.all()}
    new = {s.key: s for s in after.steps.all()}
    steps = []
    for key, step in new.items():
        if key not in old:
            steps.append(StepChange(key, "added", after=step_sentence(step, language)))
            continue
        changed = tuple(str(RuleStep._meta.get_field(name).verbose_name) for name in STEP_FIELDS
                        if getattr(old[key], name) != getattr(step, name))
        if changed:
            steps.append(StepChange(key, "changed", before=step_sentence(old[key], language),
                                    after=step_sentence(step, language), fields=changed))
    steps += [StepChange(key, "removed", before=step_sentence(step, language))
              for key, step in old.items() if key not in new]
    return Diff(fields, steps)


@dataclass
class PreviewRow:
    step: RuleStep
    due_at: dt.datetime | None


def deadline_preview(rule_set: RuleSet, *, municipality_id: int | None, admitted_at: dt.datetime,
                     planned_discharge_on: dt.date | None = None) -> list[PreviewRow]:
    """Each step's due time for an admission at `admitted_at` with this municipality's calendar (steps counted
    from the discharge assume the person leaves on the planned day; without one they stay open)."""
    calendar = Calendar.for_municipality(municipality_id)
    rows = []
    for step in rule_set.steps.all():
        anchor = admitted_at if step.anchor == Anchor.ADMISSION else planned_discharge_on
        due = None
        if anchor is not None:
            due = calendar.deadline(anchor, offset_days=step.offset_days, working=step.day_unit == DayUnit.WORKING,
                                    after_hours_shift=step.after_hours_shift)
        rows.append(PreviewRow(step, due))
    return rows


def area_municipalities(rule_set: RuleSet):
    """The municipalities a rule can apply to (for the preview's calendar choice)."""
    if rule_set.municipality_id:
        return Municipality.objects.filter(pk=rule_set.municipality_id)
    if rule_set.area_group_id:
        return rule_set.area_group.municipalities.order_by("code")
    if rule_set.prefecture_id:
        return Municipality.objects.filter(prefecture_id=rule_set.prefecture_id).order_by("code")
    return Municipality.objects.none()


def closed_days_of(municipality: Municipality, *, since: dt.date | None = None):
    """A municipality's closed days from `since` (default: a year ago), in date order."""
    since = since or timezone.localdate() - dt.timedelta(days=365)
    return ClosedDay.objects.filter(municipality=municipality, date__gte=since).order_by("date")


def manageable_areas(membership) -> list[tuple[str, str]]:
    """The areas a member may write a rule for, as ("kind:id", label) choices (the policy decides on save)."""
    from renkei.core import policy

    choices: list[tuple[str, str]] = []
    role = membership.role
    prefecture_id = viewer_prefecture_id(membership)
    if role == Role.SYSTEM_ADMIN:
        choices.append((RuleSet.AreaKind.NATIONAL.value, str(RuleSet.AreaKind.NATIONAL.label)))
        prefectures = Prefecture.objects.all()
        groups = AreaGroup.objects.all()
        municipalities = Municipality.objects.filter(prefecture_id=prefecture_id) if prefecture_id else \
            Municipality.objects.none()
    elif role == Role.PREFECTURE_STAFF:
        prefectures = Prefecture.objects.filter(pk=prefecture_id)
        groups = AreaGroup.objects.filter(prefecture_id=prefecture_id)
        municipalities = Municipality.objects.filter(prefecture_id=prefecture_id)
    elif role in (Role.MUNICIPAL_STAFF, Role.COORDINATOR):
        own = viewer_municipality(membership)
        prefectures = Prefecture.objects.none()
        groups = AreaGroup.objects.filter(municipalities=own) if own else AreaGroup.objects.none()
        municipalities = Municipality.objects.filter(pk=own.pk) if own else Municipality.objects.none()
    else:
        return []
    choices += [(f"prefecture:{p.pk}", str(p)) for p in prefectures.order_by("code")]
    choices += [(f"area_group:{g.pk}", str(g)) for g in groups.order_by("name")]
    choices += [(f"municipality:{m.pk}", str(m)) for m in municipalities.order_by("code")]
    return [c for c in choices if policy.check(membership, "handoff.manage_rules", area_candidate(c[0]))]


def area_candidate(value: str) -> RuleSet | None:
    """An unsaved RuleSet for an area choice ("municipality:12"), for the policy to judge; None when unknown."""
    kind, _, pk = value.partition(":")
    if kind == RuleSet.AreaKind.NATIONAL:
        return RuleSet(area_kind=kind)
    model = {"municipality": Municipality, "area_group": AreaGroup, "prefecture": Prefecture}.get(kind)
    if model is None or not (pk.isascii() and pk.isdigit()):
        return None
    area = model.objects.filter(pk=int(pk)).first()
    if area is None:
        return None
    return RuleSet(area_kind=kind, **{kind: area})
