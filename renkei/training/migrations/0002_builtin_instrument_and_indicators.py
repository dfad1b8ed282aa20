"""The built-in collaboration self-assessment, and the training and awareness indicator definitions (ZT-C-P04,
P05, O01, P14–P17, ZT-T-O08) computed from their records."""

from django.db import migrations


def seed(apps, schema_editor):
    from renkei.indicators.library import seed_library
    from renkei.training.builtin_instruments import seed_instruments

    seed_instruments(apps.get_model("training", "Instrument"), apps.get_model("training", "InstrumentItem"))
    seed_library(apps.get_model("indicators", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial"), ("indicators", "0002_engine_seed_library"),
                    ("consult", "0002_national_topics_and_indicators")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
