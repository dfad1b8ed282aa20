"""`renkei indicators import FILE --mapping NAME [--dry-run] [--municipality CODE] [--period P]`

NAME is a built-in layout (estat-death-place, estat-population-age, mieruka, kdb, table) or a column mapping
saved for the municipality. Prints the report like `renkei import` and exits with status 1 when the file is
rejected (nothing of it is written).
"""

from pathlib import Path

from django.core.management.base import CommandError

from renkei.core import audit
from renkei.indicators.importers.layouts import LAYOUTS
from renkei.indicators.models import IndicatorColumnMapping, IndicatorImportRun
from renkei.indicators.services.imports import indicator_file_import, municipality_by_code, report_lines

HELP = "Import indicator values from a file (e-Stat, 見える化, KDB, a plain table); all or nothing."


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE")
    parser.add_argument("--mapping", metavar="NAME", required=True,
                        help=f"A built-in layout ({', '.join(LAYOUTS)}) or a saved column mapping's name.")
    parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
    parser.add_argument("--municipality", metavar="CODE",
                        help="The importing municipality (6- or 5-digit code): its saved mappings and definitions.")
    parser.add_argument("--period", metavar="PERIOD", default="",
                        help="The file's period when it has no period column (e.g. 2023, 令和5年, FY2023).")


def handle(command, *, file, mapping, dry_run=False, municipality=None, period="", **options):
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"No such file: {path}")
    owner = None
    if municipality:
        owner = municipality_by_code(municipality)
        if owner is None:
            raise CommandError(f"Unknown municipality code {municipality!r} (run “renkei places load” first?)")
    chosen = mapping
    if mapping not in LAYOUTS:
        if owner is None:
            raise CommandError(f"{mapping!r} is not a built-in layout ({', '.join(LAYOUTS)}); a saved column "
                               "mapping needs --municipality.")
        chosen = IndicatorColumnMapping.objects.filter(municipality=owner, name=mapping).first() or \
            IndicatorColumnMapping.objects.filter(municipality__isnull=True, prefecture=owner.prefecture,
                                                  name=mapping).first()
        if chosen is None:
            raise CommandError(f"No column mapping named {mapping!r} for {owner}.")
    with audit.bind(user_label="renkei indicators import (command line)"):
        run = indicator_file_import(path_or_file=path, file_name=path.name, mapping=chosen, municipality=owner,
                                    dry_run=dry_run, period=period)
    for line in report_lines(run):
        command.stdout.write(line)
    if run.status == IndicatorImportRun.Status.REJECTED:
        raise CommandError(f"{path.name} rejected; nothing of it was written.", returncode=1)
