from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareteamsConfig(AppConfig):
    name = "renkei.careteams"
    label = "careteams"
    verbose_name = _("Patients and care teams")

    def ready(self) -> None:
        from renkei.careteams import policy  # noqa: F401  (registers the patient rules)
        from renkei.careteams.home_timeline import timeline_attention
        from renkei.core import dashboard

        dashboard.register_attention(timeline_attention)

        from renkei.careteams.home import register as register_home

        register_home()  # the home page's attention items (join requests, invitations waiting)
