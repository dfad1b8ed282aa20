from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvisionConfig(AppConfig):
    name = "renkei.provision"
    label = "provision"
    verbose_name = _("Seamless provision: on-call cover and backup beds")

    def ready(self) -> None:
        from renkei.careteams import frame
        from renkei.core import dashboard
        from renkei.indicators import registry
        from renkei.provision import policy  # noqa: F401  (registers the provision rules and the sheet reader)
        from renkei.provision.home import provision_attention
        from renkei.provision.indicators import PROVIDERS, register_counts

        frame.register_section("provision_contacts", "provision/_patient_section.html", "careteams.view_patient",
                               order=20)
        dashboard.register_attention(provision_attention)
        for key, provider in PROVIDERS.items():
            registry.register(key, provider)
        register_counts()  # the same numbers on the municipality's counts page
        from renkei.provision import item_evidence

        item_evidence.register()  # evidence for the implementation status (region §1)
        from renkei.core import demo_steps
        from renkei.provision.services.demo import build_provision_demo, provision_demo_summary

        demo_steps.register("provision", build_provision_demo, provision_demo_summary, order=40)
