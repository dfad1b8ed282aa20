"""`renkei indicators compute|import …`: one command, each subcommand in its own module under `indicators/cli/`."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compute indicators from Renkei's records, or import indicator values from a file."

    def add_arguments(self, parser):
        from renkei.indicators.cli import compute, imports

        sub = parser.add_subparsers(dest="subcommand", required=True)
        compute.add_arguments(sub.add_parser("compute", help=compute.HELP))
        imports.add_arguments(sub.add_parser("import", help=imports.HELP))

    def handle(self, *args, **options):
        from renkei.indicators.cli import compute, imports

        handler = {"compute": compute.handle, "import": imports.handle}[options["subcommand"]]
        return handler(self, **options)
