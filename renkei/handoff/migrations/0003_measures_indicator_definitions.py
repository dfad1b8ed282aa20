"""Seed the handoff's indicator definitions (ZT-A-P06…P12: 退院調整率 要介護・要支援, もれ率, late notice, admission
information sent, conference held, 身寄りなし) into the built-in library."""

from django.db import migrations


def seed(apps, schema_editor):
    from renkei.indicators.library import seed_library

    seed_library(apps.get_model("indicators", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("handoff", "0002_national_defaults"), ("indicators", "0002_engine_seed_library")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
