from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "renkei.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from renkei.core import audit, policy_rules  # noqa: F401  (registers signal handlers and rules)
