import getpass
import os

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from renkei.core import audit
from renkei.core.models import Municipality, Organization, Role, TwoFactorEnrolment, User
from renkei.core.services.accounts import two_factor_enrolment_issue
from renkei.core.services.organizations import membership_create, organization_save


class Command(BaseCommand):
    help = ("Create the first system administrator of an installation, in the municipality office of "
            "MUNICIPALITY_CODE (created if missing). The password is asked for, or read from RENKEI_ADMIN_PASSWORD.")

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("municipality_code", help="6-digit local government code, e.g. 262013")
        parser.add_argument("--name", default="", help="the administrator's name")
        parser.add_argument("--organization", default="", help="name of the office (default: <municipality>役所)")

    def handle(self, *args, email, municipality_code, name, organization, **options):
        municipality = Municipality.objects.select_related("prefecture").filter(code=municipality_code).first()
        if municipality is None:
            raise CommandError(f"Unknown municipality code {municipality_code}. Run `renkei places load` first.")
        email = email.strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"{email} already has an account.")
        password = os.environ.get("RENKEI_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            password_validation.validate_password(password, User(email=email, display_name=name))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        with transaction.atomic(), audit.bind(user_label="system: renkei create-admin"):
            office = Organization.objects.filter(municipality=municipality,
                                                 kind=Organization.Kind.MUNICIPALITY_OFFICE).first()
            if office is None:
                office = organization_save(organization=Organization(
                    kind=Organization.Kind.MUNICIPALITY_OFFICE, name=organization or f"{municipality.name}役所",
                    municipality=municipality, prefecture=municipality.prefecture))
            user = User.objects.create_user(email, password, display_name=name or email)
            membership_create(user=user, organization=office, role=Role.SYSTEM_ADMIN)
            # Whoever runs this command on the server issues the administrator's first two-factor set-up.
            two_factor_enrolment_issue(user=user, reason=TwoFactorEnrolment.Reason.COMMAND)
        self.stdout.write(self.style.SUCCESS(
            f"{email} is a system administrator of {office.name}. Two-factor set-up is asked at first login "
            f"(within {settings.RENKEI_INVITATION_DAYS} days)."))
