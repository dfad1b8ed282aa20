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
        from renkei.directory.selectors.dashboard import directory_attention, directory_panel

        dashboard.register_attention(directory_attention)
        dashboard.register(directory_panel)
        post_migrate.connect(_ensure_position_index, sender=self)


def _ensure_position_index(sender, using, **kwargs) -> None:
    """After every migrate: SQLite drops the position index's triggers when a migration rebuilds the
    facility table, so they are put back (and the index refilled) here."""
    from django.db import connections

    from renkei.directory import spatial

    if spatial.FACILITY_TABLE in connections[using].introspection.table_names():
        spatial.ensure_position_index(using=using)
