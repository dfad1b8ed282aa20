"""Logic-model revisions: the next revision is a full copy of the current one, so any two can be compared."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from renkei.core import audit, policy
from renkei.core.concurrency import for_write
from renkei.core.models import AuditEntry, Scene

from ..models import LogicModel, LogicModelIndicator, Measure, MeasurePlacement, Outcome, PlanPeriod


def logic_model_current(plan: PlanPeriod) -> LogicModel | None:
    """The plan's latest revision (adopted or draft)."""
    return plan.logic_models.order_by("-revision").first()


@transaction.atomic
def logic_model_revise(*, logic_model: LogicModel, membership=None, by=None, change_summary: str = "",
                       effective_fiscal_year: int | None = None) -> LogicModel:
    """Start the next revision of `logic_model`'s plan as a copy of it (outcomes, measures with their keys and
    organizations, placements, indicators); the copied revision becomes superseded when the new one is adopted.

    `membership` (None: the system) is asked `pdca.edit_plan` on the plan.
    """
    plan = for_write(PlanPeriod.objects.filter(pk=logic_model.plan_id)).get()
    if membership is not None:
        policy.require(membership, "pdca.edit_plan", plan)
        by = by or membership.user
    revision = (plan.logic_models.order_by("-revision").values_list("revision", flat=True).first() or 0) + 1
    new = LogicModel.objects.create(plan=plan, revision=revision, based_on=logic_model, created_by=by,
                                    change_summary=change_summary, effective_fiscal_year=effective_fiscal_year,
                                    scene_labels=dict(logic_model.scene_labels or {}))
    outcomes = {}
    for outcome in logic_model.outcomes.all():
        outcomes[outcome.pk] = Outcome.objects.create(logic_model=new, key=outcome.key, scene=outcome.scene,
                                                      text=outcome.text, sort_order=outcome.sort_order)
    measures = {}
    for measure in logic_model.measures.prefetch_related("lead_organizations", "partner_organizations"):
        copy = Measure.objects.create(
            logic_model=new, key=measure.key, text=measure.text, lead_note=measure.lead_note,
            partner_note=measure.partner_note, status=measure.status, start_date=measure.start_date,
            end_date=measure.end_date, program_items=list(measure.program_items))
        copy.lead_organizations.set(measure.lead_organizations.all())
        copy.partner_organizations.set(measure.partner_organizations.all())
        measures[measure.pk] = copy
    MeasurePlacement.objects.bulk_create([
        MeasurePlacement(logic_model=new, measure=measures[p.measure_id], outcome=outcomes[p.outcome_id],
                         number=p.number, is_repeat=p.is_repeat, text_override=p.text_override)
        for p in logic_model.placements.all()
    ])
    for indicator in logic_model.indicators.prefetch_related("measures"):
        copy = LogicModelIndicator.objects.create(
            logic_model=new, outcome=outcomes[indicator.outcome_id], label=indicator.label,
            definition_id=indicator.definition_id, level=indicator.level, sort_order=indicator.sort_order)
        copy.measures.set([measures[m.pk] for m in indicator.measures.all()])
    audit.record(action=AuditEntry.Action.CREATE, obj=new,
                 changes={"based_on": logic_model.revision, "measures": len(measures), "outcomes": len(outcomes)})
    return new


# --- editing: every change goes to a draft revision -------------------------------------------------------

def logic_model_draft(*, membership, plan: PlanPeriod) -> LogicModel:
    """The revision edits go to: the latest when it is a draft, else the next one started from the latest
    (`logic_model_revise`), else a first, empty revision. Call inside the editing service's transaction."""
    latest = logic_model_current(plan)
    if latest is not None and latest.status == LogicModel.Status.DRAFT:
        return latest
    if latest is not None:
        return logic_model_revise(logic_model=latest, membership=membership)
    new = LogicModel.objects.create(plan=plan, revision=1, created_by=getattr(membership, "user", None))
    return new


def _locked_plan(membership, plan: PlanPeriod) -> PlanPeriod:
    plan = for_write(PlanPeriod.objects.filter(pk=plan.pk)).get()
    if membership is not None:
        policy.require(membership, "pdca.edit_plan", plan)
    return plan


def _invalid(ja: str, en: str) -> ValidationError:
    return ValidationError(f"{ja} / {en}")


def _outcome_in(draft: LogicModel, key: str) -> Outcome:
    outcome = draft.outcomes.filter(key=key).first()
    if outcome is None:
        raise _invalid("中間アウトカムが見つかりません。", "No such intermediate outcome.")
    return outcome


def _measure_in(draft: LogicModel, key: str) -> Measure:
    measure = draft.measures.filter(key=key).first()
    if measure is None:
        raise _invalid("施策が見つかりません。", "No such measure.")
    return measure


@transaction.atomic
def outcome_save(*, membership, plan: PlanPeriod, scene: str, text: str, key: str = "",
                 sort_order: int | None = None) -> Outcome:
    """Add an intermediate outcome (取り組みの方向性) under a scene, or change the one with `key`, in the draft."""
    plan = _locked_plan(membership, plan)
    if scene not in Scene.values:
        raise _invalid(f"場面の値が不正です: {scene}", f"Unknown scene: {scene}")
    text = (text or "").strip()
    if not text:
        raise _invalid("中間アウトカムを入力してください。", "Write the intermediate outcome.")
    draft = logic_model_draft(membership=membership, plan=plan)
    if key:
        outcome = _outcome_in(draft, key)
        outcome.scene, outcome.text = scene, text
        if sort_order is not None:
            outcome.sort_order = sort_order
        outcome.save()
    else:
        last = draft.outcomes.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
        outcome = Outcome.objects.create(logic_model=draft, scene=scene, text=text,
                                         sort_order=sort_order if sort_order is not None else last + 1)
    if scene not in plan.scenes:
        plan.scenes = [*plan.scenes, scene]
        plan.save()
    return outcome


@transaction.atomic
def outcome_remove(*, membership, plan: PlanPeriod, key: str) -> None:
    """Remove an outcome block from the draft with its placements and indicators (measures stay)."""
    plan = _locked_plan(membership, plan)
    draft = logic_model_draft(membership=membership, plan=plan)
    outcome = _outcome_in(draft, key)
    affected = set()
    for placement in list(outcome.placements.all()):
        if not placement.is_repeat:
            affected.add(placement.measure_id)
        placement.delete()
    for measure in draft.measures.filter(pk__in=affected):
        _first_listing_again(measure)
    for indicator in list(outcome.indicators.all()):
        indicator.delete()
    outcome.delete()
    _close_gaps(draft)


MEASURE_FIELDS = ("text", "lead_note", "partner_note", "status", "start_date", "end_date", "program_items")


@transaction.atomic
def measure_save(*, membership, plan: PlanPeriod, text: str, key: str = "", lead_organizations=(),
                 partner_organizations=(), lead_note: str = "", partner_note: str = "",
                 status: str = Measure.Status.PLANNED, start_date=None, end_date=None,
                 program_items: list[str] | None = None) -> Measure:
    """Add a measure (具体的な施策) to the draft, or change the one with `key`.

    Organizations must be the municipality's (or its prefecture-level bodies'); bodies not in Renkei go in
    the notes as written.
    """
    from renkei.core.models import ProgramItem

    plan = _locked_plan(membership, plan)
    text = (text or "").strip()
    if not text:
        raise _invalid("施策を入力してください。", "Write the measure.")
    if status not in Measure.Status.values:
        raise _invalid("状態が不正です。", "Unknown status.")
    items = list(dict.fromkeys(program_items or []))
    if any(item not in ProgramItem.values for item in items):
        raise _invalid("事業項目が不正です。", "Unknown program item.")
    if start_date and end_date and end_date < start_date:
        raise _invalid("終了が開始より前です。", "The end is before the start.")
    allowed = set(organizations_for_plan(plan).values_list("pk", flat=True))
    leads, partners = list(lead_organizations or []), list(partner_organizations or [])
    if any(org.pk not in allowed for org in [*leads, *partners]):
        raise _invalid("この市区町村の機関ではありません。", "An organization is not of this municipality.")
    draft = logic_model_draft(membership=membership, plan=plan)
    measure = _measure_in(draft, key) if key else Measure(logic_model=draft)
    measure.text, measure.lead_note, measure.partner_note = text, lead_note.strip()[:200], partner_note.strip()[:200]
    measure.status, measure.start_date, measure.end_date, measure.program_items = status, start_date, end_date, items
    measure.save()
    before_leads = sorted(measure.lead_organizations.values_list("pk", flat=True)) if key else []
    before_partners = sorted(measure.partner_organizations.values_list("pk", flat=True)) if key else []
    measure.lead_organizations.set(leads)
    measure.partner_organizations.set(partners)
    after_leads, after_partners = sorted(o.pk for o in leads), sorted(o.pk for o in partners)
    if (before_leads, before_partners) != (after_leads, after_partners):
        # Many-to-many changes are not captured by the automatic entries: say them here.
        audit.record(action=AuditEntry.Action.UPDATE, obj=measure,
                     changes={"lead_organizations": [before_leads, after_leads],
                              "partner_organizations": [before_partners, after_partners]})
    return measure


@transaction.atomic
def measure_remove(*, membership, plan: PlanPeriod, key: str) -> None:
    """Remove a measure from the draft, with all its placements (its "(再)" rows too)."""
    plan = _locked_plan(membership, plan)
    draft = logic_model_draft(membership=membership, plan=plan)
    measure = _measure_in(draft, key)
    for placement in list(measure.placements.all()):
        placement.delete()
    measure.delete()
    _close_gaps(draft)


def _close_gaps(draft: LogicModel) -> None:
    """Number the rows 1, 2, 3… again after rows were taken out (lowest first: each number taken is free)."""
    for number, placement in enumerate(draft.placements.order_by("number"), start=1):
        if placement.number != number:
            placement.number = number
            placement.save(update_fields=["number"])


@transaction.atomic
def placement_add(*, membership, plan: PlanPeriod, measure_key: str, outcome_key: str,
                  number: int | None = None, text_override: str = "") -> MeasurePlacement:
    """List a measure under an outcome block with a number. A measure already listed elsewhere is listed
    again ("(再)") without being copied. Numbers at or after `number` move down by one."""
    plan = _locked_plan(membership, plan)
    draft = logic_model_draft(membership=membership, plan=plan)
    measure, outcome = _measure_in(draft, measure_key), _outcome_in(draft, outcome_key)
    if measure.placements.filter(outcome=outcome).exists():
        raise _invalid("この施策はすでにこのブロックにあります。", "The measure is already in this block.")
    last = draft.placements.order_by("-number").values_list("number", flat=True).first() or 0
    if number is None or number > last:
        number = last + 1
    if number < 1:
        raise _invalid("番号は 1 以上です。", "Numbers start at 1.")
    _shift_numbers(draft, from_number=number, by=1)
    return MeasurePlacement.objects.create(logic_model=draft, measure=measure, outcome=outcome, number=number,
                                           is_repeat=measure.placements.exists(),
                                           text_override=(text_override or "").strip())


def _shift_numbers(draft: LogicModel, *, from_number: int, by: int) -> None:
    """Renumber placements at or after `from_number` (one save each, highest first, so numbers stay unique)."""
    rows = list(draft.placements.filter(number__gte=from_number).order_by("-number" if by > 0 else "number"))
    for placement in rows:
        placement.number += by
        placement.save(update_fields=["number"])


@transaction.atomic
def placement_remove(*, membership, plan: PlanPeriod, number: int) -> None:
    """Take a row out of the table; the numbers below move up. The measure stays (it may be listed elsewhere);
    when its first listing goes, its next one is no longer a "(再)" row."""
    plan = _locked_plan(membership, plan)
    draft = logic_model_draft(membership=membership, plan=plan)
    placement = draft.placements.filter(number=number).first()
    if placement is None:
        raise _invalid("その番号の行はありません。", "No row has that number.")
    measure, was_first = placement.measure, not placement.is_repeat
    placement.delete()
    if was_first:
        _first_listing_again(measure)
    _shift_numbers(draft, from_number=number + 1, by=-1)


def _first_listing_again(measure: Measure) -> None:
    """When a measure's first listing went, its next row is printed without "(再)"."""
    first = measure.placements.order_by("number").first()
    if first is not None and first.is_repeat and not measure.placements.filter(is_repeat=False).exists():
        first.is_repeat = False
        first.save(update_fields=["is_repeat"])


@transaction.atomic
def indicator_save(*, membership, plan: PlanPeriod, outcome_key: str, label: str, definition=None,
                   level: str = LogicModelIndicator.Level.OUTCOME, indicator: LogicModelIndicator | None = None
                   ) -> LogicModelIndicator:
    """Add an indicator to an outcome block as written (optionally tied to a definition the municipality
    sees), or change `indicator` (of any revision of the plan: its copy in the draft is changed)."""
    plan = _locked_plan(membership, plan)
    label = (label or "").strip()
    if not label:
        raise _invalid("指標名を入力してください。", "Write the indicator.")
    if level not in LogicModelIndicator.Level.values:
        raise _invalid("指標の区分が不正です。", "Unknown indicator level.")
    if definition is not None and not definitions_for_plan(plan).filter(pk=definition.pk).exists():
        raise _invalid("この市区町村では使えない指標定義です。", "This indicator definition is not available here.")
    draft = logic_model_draft(membership=membership, plan=plan)
    outcome = _outcome_in(draft, outcome_key)
    if indicator is not None:
        row = indicator_in(draft, indicator)
        row.outcome, row.label, row.definition, row.level = outcome, label, definition, level
        row.save()
        return row
    last = outcome.indicators.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    return LogicModelIndicator.objects.create(logic_model=draft, outcome=outcome, label=label,
                                              definition=definition, level=level, sort_order=last + 1)


def indicator_in(draft: LogicModel, indicator: LogicModelIndicator) -> LogicModelIndicator:
    """The draft's row for an indicator of any revision of the same plan (same block, order and label)."""
    if indicator.logic_model_id == draft.pk:
        return indicator
    if indicator.logic_model.plan_id != draft.plan_id:
        raise _invalid("指標が見つかりません。", "No such indicator.")
    row = draft.indicators.filter(outcome__key=indicator.outcome.key, sort_order=indicator.sort_order,
                                  label=indicator.label).first()
    if row is None:
        raise _invalid("指標が見つかりません。", "No such indicator.")
    return row


@transaction.atomic
def indicator_remove(*, membership, plan: PlanPeriod, indicator: LogicModelIndicator) -> None:
    """Remove an indicator from its block in the draft."""
    plan = _locked_plan(membership, plan)
    draft = logic_model_draft(membership=membership, plan=plan)
    indicator_in(draft, indicator).delete()


@transaction.atomic
def logic_model_adopt(*, membership, logic_model: LogicModel, effective_fiscal_year: int | None = None
                      ) -> LogicModel:
    """Adopt a draft revision (the council decided it); the previously adopted one becomes superseded."""
    plan = _locked_plan(membership, logic_model.plan)
    logic_model = for_write(LogicModel.objects.filter(pk=logic_model.pk)).get()
    if logic_model.status != LogicModel.Status.DRAFT:
        raise _invalid("下書きだけが採択できます。", "Only a draft can be adopted.")
    for previous in plan.logic_models.filter(status=LogicModel.Status.ADOPTED):
        previous.status = LogicModel.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    logic_model.status = LogicModel.Status.ADOPTED
    if effective_fiscal_year:
        logic_model.effective_fiscal_year = effective_fiscal_year
    logic_model.save(update_fields=["status", "effective_fiscal_year"])
    return logic_model


def organizations_for_plan(plan: PlanPeriod):
    """Organizations a measure of this plan may name: the municipality's, and prefecture-level bodies of its
    prefecture (a 保健所 without a municipality)."""
    from django.db.models import Q

    from renkei.core.models import Organization

    municipality = plan.municipality
    return Organization.objects.filter(
        Q(municipality=municipality) | Q(municipality__parent=municipality)
        | Q(municipality__isnull=True, prefecture_id=municipality.prefecture_id),
        is_active=True).order_by("kind", "name")


def definitions_for_plan(plan: PlanPeriod):
    """Indicator definitions visible to the plan's municipality: the built-in library, its own, its
    prefecture's, and those other municipalities of its prefecture share."""
    from django.db.models import Q

    from renkei.indicators.models import IndicatorDefinition

    municipality = plan.municipality
    return IndicatorDefinition.objects.filter(
        Q(owner_municipality__isnull=True, owner_prefecture__isnull=True)
        | Q(owner_municipality=municipality)
        | Q(owner_municipality__isnull=True, owner_prefecture_id=municipality.prefecture_id)
        | Q(is_shared=True, owner_municipality__prefecture_id=municipality.prefecture_id),
        is_active=True).order_by("code")
