from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareteamsConfig(AppConfig):
    name = "renkei.careteams"
    label = "careteams"
    verbose_name = _("Patients and care teams")

    def ready(self) -> None:
        from renkei.careteams import policy  # noqa: F401  (registers the patient rules)
        from renkei.careteams.indicators import register_providers

        register_providers()  # the patients' indicators (careteams/indicators.py)
