"""Logic-model revisions: the next revision is a full copy of the current one, so any two can be compared."""

from __future__ import annotations

from django.db import transaction

from renkei.core import audit, policy
from renkei.core.concurrency import for_write
from renkei.core.models import AuditEntry

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
                                    change_summary=change_summary, effective_fiscal_year=effective_fiscal_year)
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
