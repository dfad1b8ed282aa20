import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from renkei.core.models import TOTPDevice

DEMO_DOMAIN = "@demo.renkei.example"


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (only with DEBUG on, for demos)."

    def add_arguments(self, parser):
        parser.add_argument("email", help=f"the demo login, e.g. doctor{DEMO_DOMAIN} (or just doctor)")

    def handle(self, *args, **options):
        email = options["email"].strip().lower()
        if "@" not in email:
            email += DEMO_DOMAIN  # `renkei totp-code doctor`
        if not settings.DEBUG or not email.endswith(DEMO_DOMAIN):
            raise CommandError("Only for demo accounts on a development (DEBUG) installation.")
        device = TOTPDevice.objects.filter(user__email=email).first()
        if device is None:
            raise CommandError("That account has no two-factor device.")
        self.stdout.write(pyotp.TOTP(device.secret).now())
