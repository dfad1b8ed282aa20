from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionConfig(AppConfig):
    name = "renkei.region"
    label = "region"
    verbose_name = _("Prefecture and cross-municipal work")

    def ready(self) -> None:
        from renkei.region import (
            policy,  # noqa: F401  (registers the region's rules)
            registrations,
        )

        registrations.register_all()
