"""Seed the national default rule set (research A1.3–A1.4) so every municipality has a rule from the first day."""

from django.db import migrations


def seed(apps, schema_editor):
    from renkei.handoff.services.rules import NATIONAL_FROM, NATIONAL_NAME, NATIONAL_STEPS

    RuleSet = apps.get_model("handoff", "RuleSet")
    RuleStep = apps.get_model("handoff", "RuleStep")
    if RuleSet.objects.filter(area_kind="national").exists():
        return
    rule_set = RuleSet.objects.create(name=NATIONAL_NAME, area_kind="national", effective_from=NATIONAL_FROM)
    RuleStep.objects.bulk_create(RuleStep(rule_set=rule_set, order=i * 10, **{k: str(v) if k in (
        "key", "actor", "anchor", "day_unit") else v for k, v in step.items()})
        for i, step in enumerate(NATIONAL_STEPS, start=1))


class Migration(migrations.Migration):
    dependencies = [("handoff", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
