"""Which rule set applies, the national defaults, and new versions of a region's rules."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from renkei.core import policy
from renkei.core.models import Municipality

from ..models import Actor, Anchor, ClosedDay, DayUnit, RuleSet, RuleStep, StepKey

# The national defaults (research A1.3–A1.4): 入院時情報連携加算 I/II (the day of admission or the next two,
# after hours counting from the next day), 入退院支援加算1 (screening within 3 days, the interview and the start of
# the discharge plan within 7), the care manager told before the discharge day, the summaries within 2 days.
NATIONAL_STEPS: tuple[dict, ...] = (
    dict(key=StepKey.ADMISSION_INFO, actor=Actor.CARE_MANAGER, anchor=Anchor.ADMISSION, offset_days=2,
         day_unit=DayUnit.CALENDAR, after_hours_shift=True),
    dict(key=StepKey.SCREENING, actor=Actor.HOSPITAL, anchor=Anchor.ADMISSION, offset_days=3,
         day_unit=DayUnit.CALENDAR),
    dict(key=StepKey.INTERVIEW, actor=Actor.HOSPITAL, anchor=Anchor.ADMISSION, offset_days=7,
         day_unit=DayUnit.CALENDAR),
    dict(key=StepKey.DISCHARGE_NOTICE, actor=Actor.HOSPITAL, anchor=Anchor.PLANNED_DISCHARGE, offset_days=-1,
         day_unit=DayUnit.CALENDAR, counts_for_missed=True),
    dict(key=StepKey.CONFERENCE, actor=Actor.HOSPITAL, anchor=Anchor.PLANNED_DISCHARGE, offset_days=-1,
         day_unit=DayUnit.CALENDAR, is_required=False),
    dict(key=StepKey.DISCHARGE, actor=Actor.HOSPITAL, anchor=Anchor.DISCHARGE, offset_days=0,
         day_unit=DayUnit.CALENDAR),
    dict(key=StepKey.SUMMARIES, actor=Actor.HOSPITAL, anchor=Anchor.DISCHARGE, offset_days=2,
         day_unit=DayUnit.CALENDAR),
)
NATIONAL_NAME = "全国の標準（入院時情報連携加算・入退院支援加算）"
NATIONAL_FROM = dt.date(2024, 6, 1)  # 令和6年度 介護報酬・診療報酬改定


def national_defaults() -> RuleSet:
    """The national default rule set (created on first use; the migration seeds it too)."""
    rule_set = RuleSet.objects.filter(area_kind=RuleSet.AreaKind.NATIONAL).order_by("-version").first()
    if rule_set is None:
        with transaction.atomic():
            rule_set = RuleSet.objects.create(name=NATIONAL_NAME, area_kind=RuleSet.AreaKind.NATIONAL,
                                              effective_from=NATIONAL_FROM)
            RuleStep.objects.bulk_create(RuleStep(rule_set=rule_set, order=i * 10, **step)
                                         for i, step in enumerate(NATIONAL_STEPS, start=1))
    return rule_set


def rule_set_for(municipality: Municipality | None, on: dt.date | None = None) -> RuleSet:
    """The rule set in force on `on` for a municipality: its own, else its groups', else its prefecture's, else
    the national defaults; within an area the newest version already effective."""
    on = on or timezone.localdate()
    if municipality is not None:
        in_force = RuleSet.objects.filter(effective_from__lte=on).order_by("-effective_from", "-version", "-pk")
        for area in (Q(municipality=municipality), Q(area_group__municipalities=municipality),
                     Q(prefecture_id=municipality.prefecture_id)):
            found = in_force.filter(area).first()
            if found is not None:
                return found
    national = (RuleSet.objects.filter(area_kind=RuleSet.AreaKind.NATIONAL, effective_from__lte=on)
                .order_by("-effective_from", "-version").first())
    return national or national_defaults()


# Sane range for a deadline, in days from its event.
OFFSET_MIN, OFFSET_MAX = -30, 60


def steps_problems(steps: list[dict]) -> list[str]:
    """What is wrong with a rule's steps (empty when nothing): duplicates, offsets out of range or before their
    event, a step counted as missed coordination that is not due before the discharge."""
    problems = []
    keys = [str(s["key"]) for s in steps]
    if not steps:
        problems.append(_("A rule needs at least one step."))
    if len(set(keys)) != len(keys):
        problems.append(_("Each step can appear only once in a rule."))
    for step in steps:
        name = StepKey(str(step["key"])).label
        offset, anchor = int(step.get("offset_days", 0)), str(step.get("anchor"))
        if not OFFSET_MIN <= offset <= OFFSET_MAX:
            problems.append(_("“%(step)s”: the days must be between %(low)s and %(high)s.")
                            % {"step": name, "low": OFFSET_MIN, "high": OFFSET_MAX})
        if offset < 0 and anchor in (Anchor.ADMISSION, Anchor.DISCHARGE):
            problems.append(_("“%(step)s”: a step counted from the admission or the actual discharge cannot be due "
                              "before it (count it from the planned discharge).") % {"step": name})
        if step.get("counts_for_missed") and (anchor == Anchor.DISCHARGE
                                              or (anchor == Anchor.PLANNED_DISCHARGE and offset >= 0)):
            problems.append(_("“%(step)s”: a step that counts as missed coordination must be due before the "
                              "discharge.") % {"step": name})
    return problems


def rule_set_create(*, membership, name: str, area_kind: str, municipality=None, area_group=None, prefecture=None,
                    effective_from: dt.date, steps: list[dict],
                    covers_support_levels: bool = True, covers_uncertified: bool = True,
                    excluded_planned_stay_days: int = 0, note: str = "", source_url: str = "") -> RuleSet:
    """A new rule set, or the next version of an area's (never an edit of one handoffs ran under)."""
    candidate = RuleSet(name=name, area_kind=area_kind, municipality=municipality, area_group=area_group,
                        prefecture=prefecture, effective_from=effective_from)
    candidate.clean()
    policy.require(membership, "handoff.manage_rules", candidate)
    problems = steps_problems(steps)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        same_area = RuleSet.objects.filter(area_kind=area_kind, municipality=municipality, area_group=area_group,
                                           prefecture=prefecture)
        candidate.version = (same_area.aggregate(v=Max("version"))["v"] or 0) + 1
        candidate.covers_support_levels = covers_support_levels
        candidate.covers_uncertified = covers_uncertified
        candidate.excluded_planned_stay_days = excluded_planned_stay_days
        candidate.note = note
        candidate.source_url = source_url
        candidate.created_by = membership
        candidate.save()
        for i, step in enumerate(steps, start=1):
            RuleStep.objects.create(rule_set=candidate, order=step.get("order", i * 10),
                                    **{k: v for k, v in step.items() if k != "order"})
        return candidate


def rule_set_new_version(*, membership, previous: RuleSet, effective_from: dt.date, steps: list[dict],
                         **fields) -> RuleSet:
    """The next version of `previous`'s area (the earlier versions, and the handoffs that ran under them, stay)."""
    return rule_set_create(membership=membership, area_kind=previous.area_kind, municipality=previous.municipality,
                           area_group=previous.area_group, prefecture=previous.prefecture,
                           effective_from=effective_from, steps=steps, **fields)


# A municipality's own days off beyond weekends and national holidays: a range longer than this is a mistake.
CLOSED_RANGE_MAX_DAYS = 31


def closed_days_add(*, membership, municipality: Municipality, first: dt.date, last: dt.date | None = None,
                    name: str = "") -> list[ClosedDay]:
    """Add one closed day, or every day of a range (年末年始: 12/29–1/3); days already listed are kept as they are.
    Returns the days added."""
    policy.require(membership, "handoff.manage_closed_days", municipality)
    last = last or first
    if last < first:
        raise ValidationError(_("The last day of the range comes before the first."))
    if (last - first).days + 1 > CLOSED_RANGE_MAX_DAYS:
        raise ValidationError(_("A range of closed days can be at most %(days)s days.")
                              % {"days": CLOSED_RANGE_MAX_DAYS})
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    with transaction.atomic():
        existing = set(ClosedDay.objects.filter(municipality=municipality, date__in=days)
                       .values_list("date", flat=True))
        added = [ClosedDay(municipality=municipality, date=day, name=name) for day in days if day not in existing]
        for closed in added:
            closed.save()  # one by one: each addition is audited
    return added


def closed_day_remove(*, membership, closed_day: ClosedDay) -> None:
    """Remove a closed day that is still to come (a past one stays: deadlines were computed with it)."""
    policy.require(membership, "handoff.manage_closed_days", closed_day)
    if closed_day.date <= timezone.localdate():
        raise ValidationError(_("A closed day that has passed cannot be removed: deadlines were counted with it."))
    closed_day.delete()
