from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "renkei.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from renkei.indicators import jobs, policy  # noqa: F401  (registers the indicators' rules and job kind)
