from django.apps import AppConfig
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

        from django.db.models.signals import post_migrate

        from renkei.directory.name_index import post_migrate_handler

        # Puts the name index's SQLite triggers back after a migration rebuilt the facility table.
        post_migrate.connect(post_migrate_handler, sender=self, dispatch_uid="directory_name_index")
