"""Seed provision's indicator definitions (ZT-E-P11…P14) into the built-in library."""

from django.db import migrations


def seed(apps, schema_editor):
    from renkei.indicators.library import seed_library

    seed_library(apps.get_model("indicators", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("provision", "0001_initial"), ("indicators", "0002_engine_seed_library")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
