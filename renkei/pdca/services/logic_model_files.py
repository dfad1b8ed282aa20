"""Import a logic-model file as a new revision of a plan's logic model, and export a revision in the same layout.

All-or-nothing: a file with any rejected row writes nothing, and the report says each row and why (ja/en).
Measures and outcomes keep their keys (and what staff added: organizations, status, dates, definitions) when the
plan's latest revision already had them, so actions tied to a measure stay tied and revisions compare by key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from renkei.core import audit, policy
from renkei.core.models import AuditEntry, Municipality

from ..importers.logic_model import (
    ParsedLogicModel,
    export_rows,
    measure_match_key,
    parse_logic_model,
    write_csv,
    write_xlsx,
)
from ..models import LogicModel, LogicModelIndicator, Measure, MeasurePlacement, Outcome, PlanPeriod
from .logic_models import definitions_for_plan, logic_model_current
from .plans import current_fiscal_year, goal_current, goal_revise, plan_period_for_fiscal_year


@dataclass
class LogicModelImportResult:
    """What an import did (or, in a dry run, would do)."""

    file_name: str
    dry_run: bool
    parsed: ParsedLogicModel
    plan: PlanPeriod | None = None
    logic_model: LogicModel | None = None
    goal_changed: bool = False
    linked_indicators: int = 0
    notes: list[tuple[str, str]] = field(default_factory=list)  # (ja, en)

    @property
    def is_rejected(self) -> bool:
        return not self.parsed.is_valid

    @property
    def counts(self) -> dict[str, int]:
        rows = self.parsed.rows
        return {
            "rows": len(rows), "measures": len(self.parsed.measures),
            "repeats": sum(1 for row in rows if row.is_repeat), "outcomes": len(self.parsed.blocks),
            "indicators": sum(len(block.indicators) for block in self.parsed.blocks),
            "scenes": len(self.parsed.scenes),
        }

    def errors(self) -> list[dict]:
        if self.parsed.file_error is not None:
            return [{"row": None, "column": "", "reason": self.parsed.file_error.reason,
                     "reason_en": self.parsed.file_error.reason_en}]
        return [error.as_dict() for error in self.parsed.errors]


def report_lines(result: LogicModelImportResult, *, language: str = "ja") -> list[str]:
    """The import report as lines of text, in Japanese or English."""
    ja = language.startswith("ja")
    lines = []
    if result.is_rejected:
        lines.append(f"{result.file_name}: 取り込めません（何も書き込んでいません）。" if ja
                     else f"{result.file_name}: rejected (nothing was written).")
        for error in result.errors():
            where = (f"{error['row']} 行目" if ja else f"row {error['row']}") if error["row"] else ""
            column = f" [{error['column']}]" if error["column"] else ""
            reason = error["reason"] if ja else error["reason_en"]
            lines.append(f"  {where}{column}: {reason}" if where or column else f"  {reason}")
        return lines
    c = result.counts
    verb_ja = "取り込めます（試行のため書き込んでいません）" if result.dry_run else "取り込みました"
    verb_en = "would be imported (dry run: nothing written)" if result.dry_run else "imported"
    revision = f" rev.{result.logic_model.revision}" if result.logic_model else ""
    if ja:
        lines.append(f"{result.file_name}: {verb_ja}{revision}。施策 {c['measures']}（行 {c['rows']}、うち再掲 "
                     f"{c['repeats']}）、中間アウトカム {c['outcomes']}、成果指標 {c['indicators']}、"
                     f"場面 {c['scenes']}。")
    else:
        lines.append(f"{result.file_name}: {verb_en}{revision}. {c['measures']} measures ({c['rows']} rows, "
                     f"{c['repeats']} listed again), {c['outcomes']} outcomes, {c['indicators']} indicators, "
                     f"{c['scenes']} scenes.")
    for note_ja, note_en in result.notes:
        lines.append(f"  {note_ja if ja else note_en}")
    return lines


def logic_model_import(*, membership, municipality: Municipality, data: bytes, file_name: str,
                       fiscal_year: int | None = None, dry_run: bool = False) -> LogicModelImportResult:
    """Import a logic-model file (.csv or .xlsx) into the plan covering `fiscal_year` (this fiscal year by
    default; the plan is created when missing) as a new draft revision. `membership` None: the system."""
    if membership is not None:
        policy.require(membership, "pdca.edit_plan", municipality)
    parsed = parse_logic_model(data, file_name)
    result = LogicModelImportResult(file_name=file_name, dry_run=dry_run, parsed=parsed)
    if not parsed.is_valid:
        return result
    if parsed.orphan_repeats:
        rows = "、".join(str(r) for r in parsed.orphan_repeats)
        result.notes.append((f"{rows} 行目の「(再)」は元の施策がファイルにないため、新しい施策として取り込みます。",
                             f"The “(再)” rows {rows} have no first listing in the file: imported as measures "
                             "of their own."))
    fiscal_year = fiscal_year or current_fiscal_year()
    if dry_run:
        result.plan = plan_period_for_fiscal_year(membership=membership, municipality=municipality,
                                                  fiscal_year=fiscal_year, create=False)
        return result
    with transaction.atomic():
        plan = plan_period_for_fiscal_year(membership=membership, municipality=municipality,
                                           fiscal_year=fiscal_year)
        result.plan = plan
        result.logic_model = _write_revision(plan, parsed, membership, result)
        if parsed.overall_goal:
            current = goal_current(plan)
            if current is None or current.text != parsed.overall_goal:
                goal_revise(membership=membership, plan=plan, scene="", text=parsed.overall_goal,
                            reason=f"ロジックモデルの取り込み: {file_name}"[:300])
                result.goal_changed = True
    return result


def _write_revision(plan: PlanPeriod, parsed: ParsedLogicModel, membership, result) -> LogicModel:
    previous = logic_model_current(plan)
    old_outcomes = {(o.scene, o.text): o for o in previous.outcomes.all()} if previous else {}
    old_measures: dict[str, Measure] = {}
    old_definitions: dict[tuple[str, str], int | None] = {}
    if previous is not None:
        for measure in previous.measures.prefetch_related("lead_organizations", "partner_organizations"):
            old_measures.setdefault(measure_match_key(measure.text), measure)
        for indicator in previous.indicators.select_related("outcome"):
            old_definitions[(indicator.outcome.key, indicator.label)] = indicator.definition_id
    by_name = {d.name_ja: d.pk for d in definitions_for_plan(plan)}
    revision = (previous.revision if previous else 0) + 1
    added_scenes = [s for s in parsed.scenes if s not in plan.scenes]
    if added_scenes:
        plan.scenes = [*plan.scenes, *added_scenes]
        plan.save()
    logic_model = LogicModel.objects.create(
        plan=plan, revision=revision, based_on=previous, source_file=parsed.file_name[:255],
        scene_labels=dict(parsed.scene_labels), created_by=getattr(membership, "user", None),
        change_summary=f"ファイルから取り込み: {parsed.file_name}"[:1000])
    measures: list[Measure] = []
    used_keys: set[str] = set()
    for text in parsed.measures:
        old = old_measures.get(measure_match_key(text))
        measure = Measure(logic_model=logic_model, text=text)
        if old is not None and old.key not in used_keys:
            measure.key = old.key
            for name in ("lead_note", "partner_note", "status", "start_date", "end_date", "program_items"):
                setattr(measure, name, getattr(old, name))
        measure.save()
        used_keys.add(measure.key)
        if old is not None and measure.key == old.key:
            measure.lead_organizations.set(old.lead_organizations.all())
            measure.partner_organizations.set(old.partner_organizations.all())
        measures.append(measure)
    for order, block in enumerate(parsed.blocks, start=1):
        old = old_outcomes.pop((block.scene, block.outcome), None)
        outcome = Outcome(logic_model=logic_model, scene=block.scene, text=block.outcome, sort_order=order)
        if old is not None:
            outcome.key = old.key
        outcome.save()
        for row in block.rows:
            measure = measures[row.measure]
            MeasurePlacement.objects.create(
                logic_model=logic_model, measure=measure, outcome=outcome, number=row.number,
                is_repeat=row.is_repeat, text_override="" if row.text == measure.text else row.text)
        for position, label in enumerate(block.indicators, start=1):
            definition_id = old_definitions.get((outcome.key, label)) or by_name.get(label)
            result.linked_indicators += bool(definition_id)
            LogicModelIndicator.objects.create(logic_model=logic_model, outcome=outcome, label=label,
                                               definition_id=definition_id, sort_order=position)
    return logic_model


def logic_model_export(*, membership, logic_model: LogicModel, file_format: str, encoding: str = "utf-8"
                       ) -> tuple[bytes, str, str]:
    """(content, file name, content type) of a revision in the import layout; an `export` audit entry."""
    if membership is not None:
        policy.require(membership, "pdca.view_plan", logic_model.plan)
    plan = logic_model.plan
    goal = goal_current(plan)
    rows = export_rows(logic_model, goal.text if goal else "")
    stem = f"logic-model-{plan.municipality.code}-{plan.start_fiscal_year}-rev{logic_model.revision}"
    if file_format == "xlsx":
        content = write_xlsx(rows)
        name, content_type = f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif file_format == "csv":
        content = write_csv(rows, encoding=encoding)
        name, content_type = f"{stem}.csv", f"text/csv; charset={'shift_jis' if encoding == 'cp932' else 'utf-8'}"
    else:
        raise ValueError(f"Unknown export format {file_format!r}")
    audit.record(action=AuditEntry.Action.EXPORT, obj=logic_model,
                 changes={"format": file_format, "rows": len(rows) - 1}, permission="pdca.view_plan")
    return content, name, content_type
