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
