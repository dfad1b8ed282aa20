"""`renkei rota gaps [--days 14] [--dry-run] [--base-url URL]`: print and e-mail the uncovered shifts (cron).

For each active cover group, the nights, weekend days and holiday days of the next N days nobody covers; each
group's members get one e-mail with the dates and a link to the rota (no patient data).
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from renkei.core import audit
from renkei.provision.selectors import rota
from renkei.provision.services.gaps import gap_mail_send


class Command(BaseCommand):
    help = "On-call rota: `gaps` prints and e-mails the shifts nobody covers in the next days."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["gaps"])
        parser.add_argument("--days", type=int, default=rota.GAP_DAYS, help="how many days ahead (default 14)")
        parser.add_argument("--dry-run", action="store_true", help="print only; send no e-mail")
        parser.add_argument("--base-url", default="", help="site address for the links (default: RENKEI_BASE_URL)")

    def handle(self, *args, subcommand="gaps", days=rota.GAP_DAYS, dry_run=False, base_url="", **options):
        if not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366.")
        base_url = (base_url or getattr(settings, "RENKEI_BASE_URL", "") or os.environ.get("RENKEI_BASE_URL", "")
                    ).rstrip("/")
        if not base_url and not dry_run:
            raise CommandError("Set --base-url or RENKEI_BASE_URL: links in e-mails need the site's address.")
        found = rota.groups_with_gaps(days_ahead=days)
        mailed = 0
        with audit.bind(user_label="system: renkei rota gaps"):
            for group, gaps in found:
                self.stdout.write(f"{group.pk} {group.municipality.name} 「{group.name}」: {len(gaps)} uncovered")
                for gap in gaps:
                    self.stdout.write(f"  {gap.date.isoformat()} {gap.kind}")
                if not dry_run:
                    mailed += gap_mail_send(group=group, gaps=gaps, base_url=base_url)
        total = sum(len(g) for _group, g in found)
        suffix = "dry run, nothing sent" if dry_run else f"{mailed} e-mails sent"
        self.stdout.write(f"{len(found)} groups with gaps; {total} uncovered shifts in {days} days; {suffix}")
