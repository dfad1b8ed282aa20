"""The name search's index: pg_trgm GIN on PostgreSQL, an FTS5 trigram table kept by triggers on SQLite.

See renkei/directory/name_index.py (also run after every migrate, which restores SQLite's triggers when a
later migration rebuilds the facility table).
"""

from django.db import migrations


def create_index(apps, schema_editor):
    from renkei.directory.name_index import ensure_name_index

    ensure_name_index(schema_editor.connection)


def drop_index(apps, schema_editor):
    from renkei.directory.name_index import drop_name_index

    drop_name_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("directory", "0007_spatial_position_index")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
