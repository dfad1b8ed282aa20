from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoffConfig(AppConfig):
    name = "renkei.handoff"
    label = "handoff"
    verbose_name = _("Admission and discharge handoffs")

    def ready(self) -> None:
        from renkei.handoff import (
            policy,  # noqa: F401  (registers the handoff rules)
            registrations,
        )

        registrations.register_all()
