"""Built-in questions ask only the kinds they fit: no 医師・看護師への相談方法 for a pharmacy."""

from django.db import migrations


# Frozen copy of taxonomy.KIND_CORRECTIONS at the time of writing: the kinds to take away from a question.
NOT_FOR = {"how_to_meet_doctor": ["pharmacy"]}


def correct_kinds(apps, schema_editor):
    attribute_model = apps.get_model("directory", "CollaborationAttribute")
    for code, kinds in NOT_FOR.items():
        for attribute in attribute_model.objects.filter(code=code, is_builtin=True, municipality__isnull=True):
            if any(kind in attribute.applies_to for kind in kinds):  # keep whatever else staff changed
                attribute.applies_to = [kind for kind in attribute.applies_to if kind not in kinds]
                attribute.save(update_fields=["applies_to"])


class Migration(migrations.Migration):

    dependencies = [
        ("directory", "0004_audit_labels"),
    ]

    operations = [
        migrations.RunPython(correct_kinds, migrations.RunPython.noop),
    ]
