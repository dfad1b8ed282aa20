"""`renkei survey_reminders [--round ID] [--dry-run]`: e-mail reminders for rounds past half their time (cron).

Only facilities with an e-mail address that have not answered (sent or returned) are reminded, at most
once a week each. A reminder carries a new link and the previous one stops working (only token hashes
are stored). Facilities without an e-mail address keep their printed link; they are listed so staff can
phone or fax them.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from renkei.core import audit
from renkei.directory.models import SurveyInvitation
from renkei.directory.services import surveys as services


class Command(BaseCommand):
    help = "Send survey reminders for rounds past half their time without an answer."

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, dest="round_id", help="only this round (its id)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent; send nothing")
        parser.add_argument("--base-url", default="",
                            help="site address for the links, e.g. https://renkei.example.jp "
                                 "(default: RENKEI_BASE_URL)")

    def handle(self, *args, round_id=None, dry_run=False, base_url="", **options):
        base_url = (base_url or getattr(settings, "RENKEI_BASE_URL", "") or os.environ.get("RENKEI_BASE_URL", "")
                    ).rstrip("/")
        if not base_url and not dry_run:
            raise CommandError("Set --base-url or RENKEI_BASE_URL: links in e-mails need the site's address.")
        rounds = services.rounds_due_for_reminders(round_id=round_id)
        if round_id is not None and not rounds:
            self.stdout.write(f"Round {round_id} is closed, unknown, or not yet halfway: nothing to send.")
        sent = skipped = 0
        with audit.bind(user_label="system: renkei survey_reminders"):
            for survey_round in rounds:
                waiting = [i for i in survey_round.invitations.select_related("facility", "survey_round__municipality")
                           .filter(status__in=[SurveyInvitation.Status.SENT, SurveyInvitation.Status.RETURNED])
                           if i.expires_at > timezone.now()]
                to_remind = [i for i in waiting if i.email and services.reminder_needed(i)]
                without_email = [i for i in waiting if not i.email]
                self.stdout.write(f"{survey_round.pk} {survey_round.municipality.name} 「{survey_round.title}」: "
                                  f"{len(to_remind)} to remind by e-mail, {len(without_email)} without e-mail")
                for invitation in without_email:
                    self.stdout.write(f"  phone/fax: {invitation.facility.name} {invitation.facility.phone}")
                    skipped += 1
                for invitation in to_remind:
                    if dry_run:
                        self.stdout.write(f"  would remind: {invitation.facility.name} <{invitation.email}>")
                        continue
                    services.reminder_send_as_system(invitation=invitation, base_url=base_url)
                    self.stdout.write(f"  reminded: {invitation.facility.name} <{invitation.email}>")
                    sent += 1
        if dry_run:
            self.stdout.write(f"{len(rounds)} rounds; dry run, nothing sent; {skipped} without e-mail")
        else:
            self.stdout.write(f"{len(rounds)} rounds; {sent} reminders sent; {skipped} without e-mail")
