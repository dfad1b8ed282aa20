from django.core.management.base import BaseCommand, CommandError

from renkei.core.audit import verify


class Command(BaseCommand):
    help = "Audit log tools. `renkei audit verify` checks the hash chain; exits 1 when it was tampered with."

    def add_arguments(self, parser):
        parser.add_argument("subcommand", choices=["verify"])

    def handle(self, *args, **options):
        result = verify()
        if result.is_intact:
            self.stdout.write(self.style.SUCCESS(f"audit log intact: {result.checked} entries checked"))
            return
        for problem in result.problems:
            self.stderr.write(problem)
        raise CommandError(f"audit log tampered with: {len(result.problems)} problem(s) in {result.checked} entries")
