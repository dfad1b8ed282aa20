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
        from renkei.pdca import item_evidence

        item_evidence.register()  # evidence for the implementation status (region §1)

        from renkei.core import demo_steps
        from renkei.pdca.services.demo import build_pdca_demo, pdca_demo_summary

        demo_steps.register("pdca", build_pdca_demo, pdca_demo_summary, order=20)
