"""Logic-model templates: a logic model as a JSON package (DHIS2's metadata packages are the model), saved for a
prefecture (its standard set for its municipalities) or a municipality, and applied to a plan as a new draft.

{"format": "renkei-logic-model", "version": 1, "scenes": [...], "scene_labels": {...}, "outcomes": [...],
 "measures": [...], "placements": [...], "indicators": [{"outcome", "label", "level", "definition": CODE|null}]}
Measures and outcomes are named by their keys inside the package; organizations are not part of it (they are the
municipality's own), their notes as written are. Indicator definitions travel by code and are resolved in the
receiving municipality's reach; a code it does not reach is kept as the printed label and reported.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import transaction

from renkei.core import audit, policy
from renkei.core.concurrency import for_write
from renkei.core.models import AuditEntry, Municipality, Prefecture, ProgramItem, Scene

from ..models import LogicModel, LogicModelIndicator, LogicModelTemplate, Measure, MeasurePlacement, Outcome, PlanPeriod
from .logic_models import definitions_for_plan, logic_model_current

FORMAT, VERSION = "renkei-logic-model", 1
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024


def logic_model_template_content(logic_model: LogicModel) -> dict:
    """The revision as a template package (see the module)."""
    outcomes = list(logic_model.outcomes.order_by("sort_order", "pk"))
    measures = list(logic_model.measures.order_by("pk"))
    return {
        "format": FORMAT, "version": VERSION,
        "scenes": list(logic_model.plan.scenes),
        "scene_labels": dict(logic_model.scene_labels or {}),
        "outcomes": [{"key": o.key, "scene": o.scene, "text": o.text} for o in outcomes],
        "measures": [{"key": m.key, "text": m.text, "lead_note": m.lead_note, "partner_note": m.partner_note,
                      "status": m.status, "program_items": list(m.program_items),
                      "start_date": m.start_date.isoformat() if m.start_date else None,
                      "end_date": m.end_date.isoformat() if m.end_date else None} for m in measures],
        "placements": [{"number": p.number, "measure": p.measure.key, "outcome": p.outcome.key,
                        "is_repeat": p.is_repeat, "text_override": p.text_override}
                       for p in logic_model.placements.select_related("measure", "outcome").order_by("number")],
        "indicators": [{"outcome": i.outcome.key, "label": i.label, "level": i.level,
                        "definition": i.definition.code if i.definition_id else None}
                       for i in logic_model.indicators.select_related("outcome", "definition")
                       .order_by("outcome__sort_order", "sort_order", "pk")],
    }


@dataclass
class TemplateProblems:
    """Why a package cannot be used (ja, en), and what was kept as written."""

    errors: list[tuple[str, str]] = field(default_factory=list)
    unresolved_codes: list[str] = field(default_factory=list)

    def add(self, ja: str, en: str) -> None:
        self.errors.append((ja, en))


def template_check(content) -> TemplateProblems:
    """Check a package's shape; every problem is listed (nothing is used unless there are none)."""
    problems = TemplateProblems()
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        problems.add("Renkei のロジックモデル テンプレート（format: renkei-logic-model）ではありません。",
                     "This is not a Renkei logic-model template (format: renkei-logic-model).")
        return problems
    if content.get("version") != VERSION:
        problems.add(f"テンプレートの版 {content.get('version')!r} は読めません（{VERSION} のみ）。",
                     f"Template version {content.get('version')!r} is not supported (only {VERSION}).")
        return problems
    lists = {name: content.get(name) for name in ("outcomes", "measures", "placements", "indicators")}
    for name, items in lists.items():
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            problems.add(f"「{name}」は一覧（配列）である必要があります。", f"“{name}” must be a list of objects.")
    if problems.errors:
        return problems
    outcome_keys = {o.get("key") for o in lists["outcomes"]}
    measure_keys = {m.get("key") for m in lists["measures"]}
    if len(outcome_keys) != len(lists["outcomes"]) or len(measure_keys) != len(lists["measures"]):
        problems.add("同じ key が二度使われています。", "A key is used twice.")
    if any(not isinstance(k, str) or len(k) > 12 for k in outcome_keys | measure_keys):
        problems.add("key は 12 文字までの文字列です。", "Keys are strings of at most 12 characters.")
    for index, outcome in enumerate(lists["outcomes"], start=1):
        if outcome.get("scene") not in Scene.values:
            problems.add(f"中間アウトカム {index}: 場面「{outcome.get('scene')}」は分かりません。",
                         f"Outcome {index}: unknown scene “{outcome.get('scene')}”.")
        if not str(outcome.get("text", "")).strip() or not outcome.get("key"):
            problems.add(f"中間アウトカム {index}: key と text が必要です。", f"Outcome {index}: needs key and text.")
    for index, measure in enumerate(lists["measures"], start=1):
        if not str(measure.get("text", "")).strip() or not measure.get("key"):
            problems.add(f"施策 {index}: key と text が必要です。", f"Measure {index}: needs key and text.")
        if measure.get("status", "planned") not in Measure.Status.values:
            problems.add(f"施策 {index}: 状態が不正です。", f"Measure {index}: unknown status.")
        if any(item not in ProgramItem.values for item in measure.get("program_items") or []):
            problems.add(f"施策 {index}: 事業項目が不正です。", f"Measure {index}: unknown program item.")
        for name in ("start_date", "end_date"):
            if measure.get(name):
                try:
                    dt.date.fromisoformat(str(measure[name]))
                except ValueError:
                    problems.add(f"施策 {index}: 日付 {measure[name]} が読めません。",
                                 f"Measure {index}: cannot read the date {measure[name]}.")
    numbers = set()
    for index, placement in enumerate(lists["placements"], start=1):
        number = placement.get("number")
        if not isinstance(number, int) or number < 1 or number in numbers:
            problems.add(f"行 {index}: 番号 {number!r} が不正か重複しています。",
                         f"Row {index}: number {number!r} is not valid or repeated.")
        numbers.add(number)
        if placement.get("measure") not in measure_keys or placement.get("outcome") not in outcome_keys:
            problems.add(f"行 {index}: 施策または中間アウトカムが見つかりません。",
                         f"Row {index}: its measure or outcome is not in the template.")
    for index, indicator in enumerate(lists["indicators"], start=1):
        if indicator.get("outcome") not in outcome_keys or not str(indicator.get("label", "")).strip():
            problems.add(f"指標 {index}: 中間アウトカムと label が必要です。",
                         f"Indicator {index}: needs its outcome and a label.")
        if indicator.get("level", "outcome") not in LogicModelIndicator.Level.values:
            problems.add(f"指標 {index}: 区分が不正です。", f"Indicator {index}: unknown level.")
    return problems


def template_read(data: bytes) -> tuple[dict | None, TemplateProblems]:
    """(content, problems) of an uploaded JSON file; content is None when it cannot be used."""
    problems = TemplateProblems()
    if len(data) > MAX_TEMPLATE_BYTES:
        problems.add("ファイルが大きすぎます（2 MB まで）。", "The file is too large (2 MB at most).")
        return None, problems
    try:
        content = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        problems.add("JSON として読めません。", "Cannot read the file as JSON.")
        return None, problems
    problems = template_check(content)
    return (None if problems.errors else content), problems


@transaction.atomic
def logic_model_template_save(*, membership, name: str, content: dict, description: str = "",
                              municipality: Municipality | None = None, prefecture: Prefecture | None = None
                              ) -> LogicModelTemplate:
    """Save a package as a template of a municipality or (no municipality) of a prefecture."""
    place = municipality or prefecture
    if place is None:
        raise ValueError("a template belongs to a municipality or a prefecture")
    if membership is not None:
        policy.require(membership, "pdca.share_template", place)
    problems = template_check(content)
    if problems.errors:
        from django.core.exceptions import ValidationError

        raise ValidationError([f"{ja} / {en}" for ja, en in problems.errors])
    return LogicModelTemplate.objects.create(
        municipality=municipality, prefecture=prefecture if municipality is None else municipality.prefecture,
        name=name.strip()[:200] or "template", description=description, content=content,
        created_by=getattr(membership, "user", None))


@dataclass
class TemplateApplied:
    logic_model: LogicModel
    unresolved_codes: list[str]


@transaction.atomic
def logic_model_template_apply(*, membership, template: LogicModelTemplate | dict, plan: PlanPeriod
                               ) -> TemplateApplied:
    """Make the template the plan's next draft revision (keys are fresh to the plan unless its latest revision
    has the same measure or outcome key). Definition codes are resolved in the municipality's reach; unknown
    codes are kept as the printed label and listed in `unresolved_codes`."""
    if membership is not None:
        policy.require(membership, "pdca.edit_plan", plan)
        if isinstance(template, LogicModelTemplate):
            policy.require(membership, "pdca.view_templates", template)
    content = template.content if isinstance(template, LogicModelTemplate) else template
    problems = template_check(content)
    if problems.errors:
        from django.core.exceptions import ValidationError

        raise ValidationError([f"{ja} / {en}" for ja, en in problems.errors])
    plan = for_write(PlanPeriod.objects.filter(pk=plan.pk)).get()
    previous = logic_model_current(plan)
    revision = (previous.revision if previous else 0) + 1
    labels = content.get("scene_labels") if isinstance(content.get("scene_labels"), dict) else {}
    name = template.name if isinstance(template, LogicModelTemplate) else "JSON"
    new = LogicModel.objects.create(plan=plan, revision=revision, based_on=previous,
                                    scene_labels={str(k): str(v) for k, v in labels.items()},
                                    change_summary=f"テンプレートから作成: {name}"[:1000],
                                    created_by=getattr(membership, "user", None))
    scenes = [s for s in (content.get("scenes") if isinstance(content.get("scenes"), list) else [])
              if s in Scene.values]
    scenes += [o["scene"] for o in content["outcomes"]]
    added = [s for s in dict.fromkeys(scenes) if s not in plan.scenes]
    if added:
        plan.scenes = [*plan.scenes, *added]
        plan.save()
    outcomes = {}
    for order, item in enumerate(content["outcomes"], start=1):
        outcomes[item["key"]] = Outcome.objects.create(logic_model=new, key=item["key"],
                                                       scene=item["scene"], text=str(item["text"]), sort_order=order)
    measures = {}
    for item in content["measures"]:
        measures[item["key"]] = Measure.objects.create(
            logic_model=new, key=item["key"], text=str(item["text"]),
            lead_note=str(item.get("lead_note") or "")[:200], partner_note=str(item.get("partner_note") or "")[:200],
            status=item.get("status") or Measure.Status.PLANNED, program_items=list(item.get("program_items") or []),
            start_date=dt.date.fromisoformat(item["start_date"]) if item.get("start_date") else None,
            end_date=dt.date.fromisoformat(item["end_date"]) if item.get("end_date") else None)
    for item in content["placements"]:
        MeasurePlacement.objects.create(logic_model=new, measure=measures[item["measure"]],
                                        outcome=outcomes[item["outcome"]], number=item["number"],
                                        is_repeat=bool(item.get("is_repeat")),
                                        text_override=str(item.get("text_override") or ""))
    reach = {d.code: d for d in definitions_for_plan(plan)}
    unresolved = []
    positions: dict[str, int] = {}
    for item in content["indicators"]:
        code = item.get("definition")
        definition = reach.get(code) if code else None
        if code and definition is None:
            unresolved.append(code)
        positions[item["outcome"]] = positions.get(item["outcome"], 0) + 1
        LogicModelIndicator.objects.create(logic_model=new, outcome=outcomes[item["outcome"]],
                                           label=str(item["label"])[:300],
                                           level=item.get("level") or LogicModelIndicator.Level.OUTCOME,
                                           definition=definition, sort_order=positions[item["outcome"]])
    audit.record(action=AuditEntry.Action.CREATE, obj=new,
                 changes={"template": name, "unresolved_definitions": sorted(set(unresolved))})
    return TemplateApplied(new, sorted(set(unresolved)))
