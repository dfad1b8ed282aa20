"""`renkei handoffs <subcommand>` (cron and operators).

- `remind [--hours 24] [--dry-run] [--base-url URL]`: e-mail the people steps are due from (a link, no
  patient data), once per step.

Another part adds its subcommand to SUBCOMMANDS (name → (add_arguments, handle)).
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from renkei.core import audit
from renkei.handoff.services import reminders


def _remind_arguments(parser) -> None:
    parser.add_argument("--hours", type=float, default=reminders.REMIND_HOURS,
                        help="remind of steps due within this many hours (default 24)")
    parser.add_argument("--dry-run", action="store_true", help="print only; send no e-mail, mark nothing")
    parser.add_argument("--base-url", default="", help="site address for the links (default: RENKEI_BASE_URL)")


def _remind(command, *, hours, dry_run, base_url, **options) -> None:
    if not 0 < hours <= 24 * 31:
        raise CommandError("--hours must be between 0 and 744.")
    base_url = (base_url or getattr(settings, "RENKEI_BASE_URL", "") or os.environ.get("RENKEI_BASE_URL", "")
                ).rstrip("/")
    if not base_url and not dry_run:
        raise CommandError("Set --base-url or RENKEI_BASE_URL: links in e-mails need the site's address.")
    with audit.bind(user_label="system: renkei handoffs remind"):
        sent, steps = reminders.reminders_send(hours=hours, base_url=base_url, dry_run=dry_run)
    for reminder in sent:
        keys = ", ".join(f"#{s.handoff_id} {s.key}" for s in reminder.steps)
        command.stdout.write(f"{reminder.membership.pk} {reminder.membership.organization}: {keys}")
    suffix = "dry run, nothing sent" if dry_run else f"{len(sent)} e-mails sent"
    command.stdout.write(f"{len(steps)} steps due within {hours:g} hours not yet reminded; {suffix}")


SUBCOMMANDS = {"remind": (_remind_arguments, _remind)}


class Command(BaseCommand):
    help = "Admission and discharge handoffs: `remind` e-mails the steps due soon."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, (arguments, _handle) in SUBCOMMANDS.items():
            arguments(sub.add_parser(name))

    def handle(self, *args, subcommand, **options):
        SUBCOMMANDS[subcommand][1](self, **options)
