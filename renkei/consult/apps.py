from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "renkei.consult"
    label = "consult"
    verbose_name = _("Consultation desk")

    def ready(self) -> None:
        from renkei.consult import (
            policy,  # noqa: F401  (registers the desk's rules)
            registrations,
        )

        registrations.register_all()
