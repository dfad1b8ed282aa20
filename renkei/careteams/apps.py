from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareteamsConfig(AppConfig):
    name = "renkei.careteams"
    label = "careteams"
    verbose_name = _("Patients and care teams")

    def ready(self) -> None:
        from renkei.careteams import policy  # noqa: F401  (registers the patient rules)
        from renkei.careteams.home import register as register_home
        from renkei.careteams.home_consent import break_glass_attention
        from renkei.careteams.home_timeline import timeline_attention
        from renkei.careteams.indicators import register_providers
        from renkei.core import dashboard

        register_home()  # the home page's attention items (join requests, invitations waiting)
        dashboard.register_attention(break_glass_attention)
        dashboard.register_attention(timeline_attention)
        register_providers()  # the patients' indicators (careteams/indicators.py)
        from renkei.careteams.services.demo import build_careteams_demo, careteams_demo_summary
        from renkei.core import demo_steps

        demo_steps.register("careteams", build_careteams_demo, careteams_demo_summary, order=30)
