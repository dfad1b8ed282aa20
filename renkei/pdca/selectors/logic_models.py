"""Reads of logic models: the table per scene (with each linked indicator's latest value and status) and the
comparison of two revisions."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from renkei.core.models import Scene
from renkei.indicators.models import IndicatorTarget, IndicatorValue
from renkei.indicators.status import Status, status_of

from ..models import Goal, LogicModel, LogicModelIndicator, Measure, MeasurePlacement, Outcome, PlanPeriod


def logic_model_of(plan: PlanPeriod, revision: int | None = None) -> LogicModel | None:
    """A revision of the plan's logic model (the latest when `revision` is None)."""
    models = plan.logic_models.all()
    if revision is not None:
        return models.filter(revision=revision).first()
    return models.order_by("-revision").first()


@dataclass
class IndicatorRow:
    indicator: LogicModelIndicator
    value: IndicatorValue | None = None
    status: Status | None = None


@dataclass
class Block:
    outcome: Outcome
    placements: list[MeasurePlacement] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)

    @property
    def rowspan(self) -> int:
        return max(1, len(self.placements))


@dataclass
class SceneTable:
    scene: str
    label: str
    goal: Goal | None
    blocks: list[Block] = field(default_factory=list)

    @property
    def measure_count(self) -> int:
        return sum(len(block.placements) for block in self.blocks)


def logic_model_tables(logic_model: LogicModel) -> list[SceneTable]:
    """The logic model as the printed table, one per scene in the plan's order: blocks (outcome, indicators,
    numbered rows). A fixed number of queries whatever the size."""
    plan = logic_model.plan
    outcomes = list(logic_model.outcomes.order_by("sort_order", "pk"))
    placements = list(logic_model.placements.select_related("measure").order_by("number"))
    indicators = list(logic_model.indicators.select_related("definition").order_by("sort_order", "pk"))
    rows = _indicator_rows(plan, indicators)
    blocks = {outcome.pk: Block(outcome=outcome) for outcome in outcomes}
    for placement in placements:
        blocks[placement.outcome_id].placements.append(placement)
    for row in rows:
        blocks[row.indicator.outcome_id].indicators.append(row)
    goals = {g.scene: g for g in plan.goals.filter(is_current=True)}
    labels = dict(Scene.choices)
    order = [*plan.scenes, *[o.scene for o in outcomes if o.scene not in plan.scenes]]
    tables = []
    for scene in dict.fromkeys(order):
        scene_blocks = [b for b in blocks.values() if b.outcome.scene == scene]
        scene_blocks.sort(key=lambda b: (b.placements[0].number if b.placements else 10**9, b.outcome.sort_order))
        tables.append(SceneTable(scene=scene, label=str(labels.get(scene, scene)), goal=goals.get(scene),
                                 blocks=scene_blocks))
    return tables


def _indicator_rows(plan: PlanPeriod, indicators: list[LogicModelIndicator]) -> list[IndicatorRow]:
    """Each indicator with, when a definition is linked, the municipality's latest current value and status."""
    definition_ids = {i.definition_id for i in indicators if i.definition_id}
    values: dict[int, list[IndicatorValue]] = {}
    targets: dict[int, IndicatorTarget] = {}
    if definition_ids:
        for value in IndicatorValue.objects.filter(definition_id__in=definition_ids, municipality=plan.municipality,
                                                   area_level="municipality", is_current=True):
            values.setdefault(value.definition_id, []).append(value)
        for target in (IndicatorTarget.objects.filter(definition_id__in=definition_ids,
                                                      municipality=plan.municipality,
                                                      start_fiscal_year__lte=plan.end_fiscal_year,
                                                      end_fiscal_year__gte=plan.start_fiscal_year)
                       .prefetch_related("years").order_by("-end_fiscal_year")):
            targets.setdefault(target.definition_id, target)
    rows = []
    for indicator in indicators:
        if not indicator.definition_id:
            rows.append(IndicatorRow(indicator))
            continue
        found = values.get(indicator.definition_id, [])
        latest = max(found, key=lambda v: v.period_start) if found else None
        status = status_of(targets.get(indicator.definition_id), found, indicator.definition.higher_is_better)
        rows.append(IndicatorRow(indicator, latest, status))
    return rows


# --- comparing two revisions ------------------------------------------------------------------------------

MEASURE_COMPARED = ("text", "status", "lead_note", "partner_note", "start_date", "end_date", "program_items")


@dataclass
class Change:
    kind: str  # added / removed / changed
    what: str  # measure / outcome / indicator / placement
    label: str
    fields: dict[str, tuple] = field(default_factory=dict)  # name → (before, after)


@dataclass
class Comparison:
    old: LogicModel
    new: LogicModel
    changes: list[Change]

    def of(self, what: str, kind: str | None = None) -> list[Change]:
        return [c for c in self.changes if c.what == what and (kind is None or c.kind == kind)]

    @property
    def is_empty(self) -> bool:
        return not self.changes


def _measures(model: LogicModel) -> dict[str, Measure]:
    return {m.key: m for m in model.measures.prefetch_related(
        Prefetch("lead_organizations"), Prefetch("partner_organizations"))}


def logic_model_compare(old: LogicModel, new: LogicModel) -> Comparison:
    """What changed from `old` to `new`: measures and outcomes by key, indicators by block and label,
    placements by measure and block (number, "(再)", printed text)."""
    changes: list[Change] = []
    old_m, new_m = _measures(old), _measures(new)
    for key in [k for k in new_m if k not in old_m]:
        changes.append(Change("added", "measure", new_m[key].text))
    for key in [k for k in old_m if k not in new_m]:
        changes.append(Change("removed", "measure", old_m[key].text))
    for key in [k for k in new_m if k in old_m]:
        before, after = old_m[key], new_m[key]
        fields = {name: (getattr(before, name), getattr(after, name)) for name in MEASURE_COMPARED
                  if getattr(before, name) != getattr(after, name)}
        for name in ("lead_organizations", "partner_organizations"):
            b = sorted(o.name for o in getattr(before, name).all())
            a = sorted(o.name for o in getattr(after, name).all())
            if a != b:
                fields[name] = ("、".join(b), "、".join(a))
        if fields:
            changes.append(Change("changed", "measure", after.text, fields))
    old_o = {o.key: o for o in old.outcomes.all()}
    new_o = {o.key: o for o in new.outcomes.all()}
    for key, outcome in new_o.items():
        if key not in old_o:
            changes.append(Change("added", "outcome", outcome.text))
        else:
            fields = {name: (getattr(old_o[key], name), getattr(outcome, name)) for name in ("scene", "text")
                      if getattr(old_o[key], name) != getattr(outcome, name)}
            if fields:
                changes.append(Change("changed", "outcome", outcome.text, fields))
    changes += [Change("removed", "outcome", o.text) for key, o in old_o.items() if key not in new_o]

    def indicators(model):
        return {(i.outcome.key, i.label): i for i in model.indicators.select_related("outcome", "definition")}

    old_i, new_i = indicators(old), indicators(new)
    for key, indicator in new_i.items():
        if key not in old_i:
            changes.append(Change("added", "indicator", indicator.label))
        elif old_i[key].definition_id != indicator.definition_id or old_i[key].level != indicator.level:
            changes.append(Change("changed", "indicator", indicator.label, {
                "definition": (old_i[key].definition.code if old_i[key].definition_id else "",
                               indicator.definition.code if indicator.definition_id else ""),
                "level": (old_i[key].level, indicator.level)}))
    changes += [Change("removed", "indicator", i.label) for key, i in old_i.items() if key not in new_i]

    def placements(model):
        return {(p.measure.key, p.outcome.key): p
                for p in model.placements.select_related("measure", "outcome")}

    old_p, new_p = placements(old), placements(new)
    for key, placement in new_p.items():
        label = f"{placement.number} {placement.text_override or placement.measure.text}"
        if key not in old_p:
            changes.append(Change("added", "placement", label))
        else:
            before = old_p[key]
            fields = {name: (getattr(before, name), getattr(placement, name))
                      for name in ("number", "is_repeat", "text_override")
                      if getattr(before, name) != getattr(placement, name)}
            if fields:
                changes.append(Change("changed", "placement", label, fields))
    changes += [Change("removed", "placement", f"{p.number} {p.text_override or p.measure.text}")
                for key, p in old_p.items() if key not in new_p]
    return Comparison(old=old, new=new, changes=changes)
