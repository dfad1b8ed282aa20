"""`renkei implementation import|report|population …`: one command, each subcommand in its own module under
`region/commands/` (`import_.py` is `import`)."""

import importlib
import pkgutil

from django.core.management.base import BaseCommand

import renkei.region.commands as subcommands
from renkei.core.command_parsers import BilingualParser, bilingual


def _modules() -> dict:
    return {info.name.rstrip("_"): importlib.import_module(f"{subcommands.__name__}.{info.name}")
            for info in pkgutil.iter_modules(subcommands.__path__) if not info.name.startswith("_")}


class Command(BaseCommand):
    help = ("The implementation status of (ア)–(ク): import answers (import), print the national survey's tables "
            "(report), import municipalities' population (population).")

    def add_arguments(self, parser):
        bilingual(parser)  # usage errors in Japanese and English, exit code 1
        sub = parser.add_subparsers(dest="subcommand", required=True, parser_class=BilingualParser)
        for name, module in sorted(_modules().items()):
            module.add_arguments(sub.add_parser(name, help=module.HELP))

    def handle(self, *args, **options):
        return _modules()[options["subcommand"]].handle(self, **options)
