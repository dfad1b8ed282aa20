"""The built-in indicator library gains the patients' computed indicators (ZT-C-P07, ZT-C-P08, ZT-E-P03, ZT-E-S05,
ZT-T-O06, ZT-T-O07): seeding again creates them (idempotent, by code)."""

from django.db import migrations


def seed(apps, schema_editor):
    from renkei.indicators.library import seed_library

    seed_library(apps.get_model("indicators", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("careteams", "0001_initial"), ("indicators", "0002_engine_seed_library")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
