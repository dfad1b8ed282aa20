"""Usage errors of Renkei's own management commands in Japanese and English, with exit code 1.

argparse answers a missing or unknown argument in English and exits with 2; staff read Japanese and scripts
treat every refusal alike. `BilingualParser` says it in both languages and exits with 1 on the command line (a call
from code still gets Django's CommandError). Use it for a command's subcommands:
`parser.add_subparsers(..., parser_class=BilingualParser)`, and `bilingual(parser)` for the command's own parser.
"""

from __future__ import annotations

import sys

from django.core.management.base import CommandError, CommandParser

JA = "引数が正しくありません（--help で使い方を表示します）"


class BilingualParser(CommandParser):
    def error(self, message):
        if not self.called_from_command_line:
            raise CommandError(f"{JA} / Error: {message}", returncode=1)
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: {JA} / error: {message}\n")


def bilingual(parser: CommandParser) -> CommandParser:
    """Turn a command's own parser (made by Django) into a BilingualParser."""
    parser.__class__ = BilingualParser
    return parser
