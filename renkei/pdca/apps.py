from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PdcaConfig(AppConfig):
    name = "renkei.pdca"
    label = "pdca"
    verbose_name = _("Issues and measures (PDCA)")

    def ready(self) -> None:
        from renkei.core import dashboard
        from renkei.pdca import policy  # noqa: F401  (registers the PDCA rules)
        from renkei.pdca.selectors.councils import pdca_attention
        from renkei.pdca.selectors.turn import turn_panel

        dashboard.register_attention(pdca_attention)
        dashboard.register(turn_panel)
