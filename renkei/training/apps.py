from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "renkei.training"
    label = "training"
    verbose_name = _("Training and public awareness")

    def ready(self) -> None:
        from renkei.training import (
            policy,  # noqa: F401  (registers the training and awareness rules)
            registrations,
        )

        registrations.register_all()
