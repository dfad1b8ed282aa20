"""`renkei handoffs remind [--hours 24] [--dry-run] [--base-url URL]` (cron): e-mail the people steps are due
from (a link, no patient data), once per step; a hospital not on Renkei's steps go to the care manager."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import CommandError

HELP = "E-mail the people handoff steps are due from within the next hours (once per step)."


def add_arguments(parser) -> None:
    from renkei.handoff.services import reminders

    parser.add_argument("--hours", type=float, default=reminders.REMIND_HOURS,
                        help="remind of steps due within this many hours (default 24)")
    parser.add_argument("--dry-run", action="store_true", help="print only; send no e-mail, mark nothing")
    parser.add_argument("--base-url", default="", help="site address for the links (default: RENKEI_BASE_URL)")


def handle(command, *, hours, dry_run, base_url, **options) -> None:
    from renkei.core import audit
    from renkei.handoff.services import reminders

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
