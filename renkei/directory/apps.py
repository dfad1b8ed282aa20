from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "renkei.directory"
    label = "directory"
    verbose_name = _("Resource directory")

    def ready(self) -> None:
        from renkei.core import dashboard
        from renkei.directory import jobs, policy  # noqa: F401  (registers the directory's rules and job kinds)
        from renkei.directory.indicators import register_providers
        from renkei.directory.selectors.dashboard import directory_attention, directory_panel

        dashboard.register_attention(directory_attention)
        dashboard.register(directory_panel)
        register_providers()  # the directory's indicators (renkei/directory/indicators.py)
        from renkei.directory import item_evidence

        item_evidence.register()  # evidence for the implementation status (region §1)
        from renkei.core import demo_steps
        from renkei.directory.services.demo import build_directory_demo, directory_demo_summary

        demo_steps.register("directory", build_directory_demo, directory_demo_summary, order=10)
        post_migrate.connect(restore_facility_indexes, sender=self, dispatch_uid="directory_facility_indexes")


def restore_facility_indexes(sender, using="default", **kwargs) -> None:
    """After every migrate: SQLite drops a table's triggers when a migration rebuilds it, so the position
    index and the name index put theirs back on the facility table (and refill themselves when they were
    missing)."""
    from django.db import connections

    from renkei.directory import name_index, spatial

    connection = connections[using]
    if spatial.FACILITY_TABLE in connection.introspection.table_names():
        spatial.ensure_position_index(using=using)
        name_index.ensure_name_index(connection)
