"""The national topics of consultations, and the desk's indicator definitions (ZT-C-P02, P03, P09 and the
consultations per scene) computed from the desk's records."""

from django.db import migrations


def seed(apps, schema_editor):
    from renkei.consult.topics import seed_topics
    from renkei.indicators.library import seed_library

    seed_topics(apps.get_model("consult", "Topic"))
    seed_library(apps.get_model("indicators", "IndicatorDefinition"))


class Migration(migrations.Migration):
    dependencies = [("consult", "0001_initial"), ("indicators", "0002_engine_seed_library"),
                    ("handoff", "0003_measures_indicator_definitions")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
