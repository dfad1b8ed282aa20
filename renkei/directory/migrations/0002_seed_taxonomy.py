from django.db import migrations


def seed(apps, schema_editor):
    from renkei.directory.taxonomy import seed_taxonomy

    seed_taxonomy(apps.get_model("directory", "CollaborationCategory"),
                  apps.get_model("directory", "CollaborationAttribute"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
