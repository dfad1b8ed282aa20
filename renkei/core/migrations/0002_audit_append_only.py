"""The audit log refuses UPDATE and DELETE at the database too, not only in the ORM."""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
    "CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS core_auditentry_no_update", "DROP TRIGGER IF EXISTS core_auditentry_no_delete"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditentry_refuse_change() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER core_auditentry_no_change BEFORE UPDATE OR DELETE ON core_auditentry "
    "FOR EACH ROW EXECUTE FUNCTION core_auditentry_refuse_change()",
]
POSTGRES_REVERSE = ["DROP TRIGGER IF EXISTS core_auditentry_no_change ON core_auditentry",
                    "DROP FUNCTION IF EXISTS core_auditentry_refuse_change()"]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)
    apps.get_model("core", "AuditChainHead").objects.get_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
