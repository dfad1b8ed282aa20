from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "renkei.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from renkei.core import audit, dashboard, policy_rules  # noqa: F401  (registers signal handlers and rules)
        from renkei.core.selectors import jobs_attention

        dashboard.register_attention(jobs_attention)
        post_migrate.connect(create_cache_table, sender=self)


def create_cache_table(sender, using: str = "default", **kwargs) -> None:
    """The database cache (throttles, lockouts) needs its table: every `migrate` makes sure it exists."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
