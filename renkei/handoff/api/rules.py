"""Rules under /api/v1/handoffs/rules and closed days under /api/v1/handoffs/closed-days: the same selectors,
services and policy as the screens. Rules carry no patient data."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from renkei.core import policy
from renkei.core.models import AreaGroup, Municipality, Prefecture

from ..models import Actor, Anchor, DayUnit, RuleSet, StepKey
from ..rule_text import step_sentences
from ..selectors import rules as selectors
from ..services import rules as services

router = Router(tags=["handoffs"])

VIEW, MANAGE, CLOSED = "handoff.view_rules", "handoff.manage_rules", "handoff.manage_closed_days"


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class StepOut(Schema):
    key: str
    order: int
    actor: str
    anchor: str
    offset_days: int
    day_unit: str
    after_hours_shift: bool
    is_required: bool
    counts_for_missed: bool
    label: str
    note: str
    sentence_ja: str
    sentence_en: str


class RuleOut(Schema):
    id: int
    name: str
    area_kind: str
    area_name: str
    municipality: str | None = Field(None, description="local government code")
    area_group: int | None
    prefecture: str | None = Field(None, description="prefecture code")
    version: int
    effective_from: dt.date
    status: str = Field("", description="in_force, scheduled or superseded within its area")
    applies_to_me: bool = False
    covers_support_levels: bool
    covers_uncertified: bool
    excluded_planned_stay_days: int
    note: str
    source_url: str
    steps: list[StepOut]


class StepIn(Schema):
    key: StepKey
    actor: Actor
    anchor: Anchor
    offset_days: int = Field(..., ge=-30, le=60)
    day_unit: DayUnit = DayUnit.CALENDAR
    after_hours_shift: bool = False
    is_required: bool = True
    counts_for_missed: bool = False
    label: str = Field("", max_length=120)
    note: str = Field("", max_length=300)


class RuleIn(Schema):
    """A new rule, or the next version of an area's rule (`previous`: any version of it)."""

    previous: int | None = None
    name: str = Field("", max_length=120)
    area_kind: RuleSet.AreaKind | None = None
    municipality: str = Field("", description="local government code, for a municipality's rule")
    area_group: int | None = None
    prefecture: str = Field("", description="prefecture code, for a prefecture's rule")
    effective_from: dt.date | None = None
    covers_support_levels: bool = True
    covers_uncertified: bool = True
    excluded_planned_stay_days: int = Field(0, ge=0, le=14)
    note: str = ""
    source_url: str = Field("", max_length=200)
    steps: list[StepIn] = []


class ClosedDayOut(Schema):
    id: int
    municipality: str
    date: dt.date
    name: str


class ClosedDayIn(Schema):
    municipality: str = Field("", description="local government code (default: the caller's municipality)")
    date: dt.date | None = None
    last: dt.date | None = Field(None, description="the last day of a range")
    name: str = Field("", max_length=60)


def _rule_out(rule_set: RuleSet, *, status: str = "", applies: bool = False) -> dict:
    return {
        "id": rule_set.pk, "name": rule_set.name, "area_kind": rule_set.area_kind, "area_name": rule_set.area_name,
        "municipality": rule_set.municipality.code if rule_set.municipality_id else None,
        "area_group": rule_set.area_group_id,
        "prefecture": rule_set.prefecture.code if rule_set.prefecture_id else None,
        "version": rule_set.version, "effective_from": rule_set.effective_from, "status": status,
        "applies_to_me": applies, "covers_support_levels": rule_set.covers_support_levels,
        "covers_uncertified": rule_set.covers_uncertified,
        "excluded_planned_stay_days": rule_set.excluded_planned_stay_days, "note": rule_set.note,
        "source_url": rule_set.source_url,
        "steps": [{"key": s.key, "order": s.order, "actor": s.actor, "anchor": s.anchor,
                   "offset_days": s.offset_days, "day_unit": s.day_unit, "after_hours_shift": s.after_hours_shift,
                   "is_required": s.is_required, "counts_for_missed": s.counts_for_missed, "label": s.label,
                   "note": s.note, **{f"sentence_{k}": v for k, v in step_sentences(s).items()}}
                  for s in rule_set.steps.all()],
    }


def _invalid(error: ValidationError):
    errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    return Status(422, {"detail": " ".join(m for ms in errors.values() for m in ms), "errors": errors})


@router.get("/handoffs/rules", response=list[RuleOut])
@policy.api_requires(VIEW)
def list_rules(request):
    """The rule in force for the caller's municipality first, then every version of the prefecture's areas'
    rules, then the national defaults."""
    membership = request.membership
    applicable = selectors.applicable_rule(membership)
    areas = [*selectors.prefecture_areas(selectors.viewer_prefecture_id(membership)), selectors.national_area()]
    versions = [v for area in areas for v in area.versions]
    ids = [v.rule_set.pk for v in versions]
    loaded = {r.pk: r for r in selectors._with_steps(RuleSet.objects.filter(pk__in=ids))}
    out = []
    if applicable is not None:
        status = next((v.status for v in versions if v.rule_set.pk == applicable.pk), "in_force")
        out.append(_rule_out(applicable, status=status, applies=True))
    out += [_rule_out(loaded[v.rule_set.pk], status=v.status) for v in versions
            if applicable is None or v.rule_set.pk != applicable.pk]
    return out


@router.get("/handoffs/rules/applicable", response={200: RuleOut, 404: ErrorOut})
@policy.api_requires(VIEW)
def applicable_rule(request, municipality: str = Query(..., description="local government code"),
                    on: dt.date | None = None):
    """The rule in force for a municipality on a day (own → group → prefecture → national)."""
    place = Municipality.objects.filter(code=municipality).first()
    if place is None:
        return Status(404, {"detail": _("No municipality has the code %(code)s.") % {"code": municipality}})
    found = services.rule_set_for(place, on)
    return _rule_out(selectors.rule_set_of(found.pk), status="in_force", applies=True)


@router.get("/handoffs/rules/{int:rule_set_id}", response=RuleOut)
@policy.api_requires(VIEW)
def get_rule(request, rule_set_id: int):
    """One rule set with its steps (sentences in Japanese and English)."""
    rule_set = selectors.rule_set_of(rule_set_id)
    status = next((v.status for v in selectors.area_versions(rule_set) if v.rule_set.pk == rule_set.pk), "")
    return _rule_out(rule_set, status=status)


def _area_of(payload: RuleIn) -> dict:
    if payload.previous is not None:
        previous = get_object_or_404(RuleSet, pk=payload.previous)
        return dict(area_kind=previous.area_kind, municipality=previous.municipality,
                    area_group=previous.area_group, prefecture=previous.prefecture)
    kind = payload.area_kind
    area = dict(area_kind=kind.value if kind else "", municipality=None, area_group=None, prefecture=None)
    if kind == RuleSet.AreaKind.MUNICIPALITY:
        area["municipality"] = get_object_or_404(Municipality, code=payload.municipality)
    elif kind == RuleSet.AreaKind.AREA_GROUP:
        area["area_group"] = get_object_or_404(AreaGroup, pk=payload.area_group or 0)
    elif kind == RuleSet.AreaKind.PREFECTURE:
        area["prefecture"] = get_object_or_404(Prefecture, code=payload.prefecture)
    elif kind is None:
        raise ValidationError({"area_kind": [_("Choose the area the rule belongs to.")]})
    return area


@router.post("/handoffs/rules", response={201: RuleOut, 422: ErrorOut})
@policy.api_requires(MANAGE)
def create_rule(request, payload: RuleIn):
    """A new rule, or a new version of an area's rule (a saved version never changes)."""
    try:
        area = _area_of(payload)
        if payload.effective_from is None:
            raise ValidationError({"effective_from": [_("Enter the day the rule takes effect.")]})
        if not payload.name.strip():
            raise ValidationError({"name": [_("Enter the rule's name.")]})
        steps = [step.model_dump() for step in payload.steps]
        for step in steps:
            for name in ("key", "actor", "anchor", "day_unit"):
                step[name] = str(step[name].value if hasattr(step[name], "value") else step[name])
        problems = services.steps_problems(steps)
        if problems:
            raise ValidationError({"steps": problems})  # keyed by field (the service would say the same)
        rule_set = services.rule_set_create(
            membership=request.membership, name=payload.name.strip(), effective_from=payload.effective_from,
            steps=steps, covers_support_levels=payload.covers_support_levels,
            covers_uncertified=payload.covers_uncertified,
            excluded_planned_stay_days=payload.excluded_planned_stay_days, note=payload.note,
            source_url=payload.source_url, **area)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, _rule_out(selectors.rule_set_of(rule_set.pk)))


@router.get("/handoffs/closed-days", response={200: list[ClosedDayOut], 404: ErrorOut})
@policy.api_requires(VIEW)
def list_closed_days(request, municipality: str = Query("", description="local government code (default: mine)"),
                     since: dt.date | None = None):
    """A municipality's closed days from `since` (default: a year ago)."""
    place = (Municipality.objects.filter(code=municipality).first() if municipality
             else selectors.viewer_municipality(request.membership))
    if place is None:
        return Status(404, {"detail": _("Name a municipality by its local government code.")})
    return [{"id": d.pk, "municipality": place.code, "date": d.date, "name": d.name}
            for d in selectors.closed_days_of(place, since=since)]


@router.post("/handoffs/closed-days", response={201: list[ClosedDayOut], 404: ErrorOut, 422: ErrorOut})
@policy.api_asks_on_object(CLOSED)
def add_closed_days(request, payload: ClosedDayIn):
    """Add a closed day or a range (obj: the municipality; its municipal staff and coordinators)."""
    place = (Municipality.objects.filter(code=payload.municipality).first() if payload.municipality
             else selectors.viewer_municipality(request.membership))
    if place is None:
        policy.require(request.membership, CLOSED, None)
        raise HttpError(404, _("Name a municipality by its local government code."))
    policy.require(request.membership, CLOSED, place)
    try:
        if payload.date is None:
            raise ValidationError({"date": [_("Enter the closed day.")]})
        added = services.closed_days_add(membership=request.membership, municipality=place, first=payload.date,
                                         last=payload.last, name=payload.name)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, [{"id": d.pk, "municipality": place.code, "date": d.date, "name": d.name} for d in added])
