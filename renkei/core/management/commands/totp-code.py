import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from renkei.core.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (only with DEBUG on, for demos)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        if not settings.DEBUG or not options["email"].endswith("@demo.renkei.example"):
            raise CommandError("Only for demo accounts on a development (DEBUG) installation.")
        device = TOTPDevice.objects.filter(user__email=options["email"].lower()).first()
        if device is None:
            raise CommandError("That account has no two-factor device.")
        self.stdout.write(pyotp.TOTP(device.secret).now())
