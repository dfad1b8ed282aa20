"""Audit entries record whose object they are about (owner municipality and prefecture).

Nullable columns without a default: both SQLite and PostgreSQL add them in place (ALTER TABLE ADD COLUMN),
so the append-only triggers of 0002 stay, and no existing entry is rewritten. Entries written before have
no owner (system administrators see them) and keep verifying: the hash covers the owner only when set.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_background_jobs'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='owner_municipality_id',
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.AddField(
            model_name='auditentry',
            name='owner_prefecture_id',
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
    ]
