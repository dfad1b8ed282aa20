"""The facility position index the database keeps: an R*Tree kept by triggers on SQLite, a GiST index on
point(longitude, latitude) on PostgreSQL (see renkei/directory/spatial.py)."""

from django.db import migrations


def create_index(apps, schema_editor):
    from renkei.directory.spatial import ensure_position_index

    ensure_position_index(using=schema_editor.connection.alias)


def drop_index(apps, schema_editor):
    from renkei.directory.spatial import drop_position_index

    drop_position_index(using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_correction_proposal")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
