"""`renkei logicmodel import FILE --municipality CODE [--dry-run] [--fiscal-year FY]` and
`renkei logicmodel export --municipality CODE --format xlsx|csv [-o FILE] [--fiscal-year FY] [--revision N]`.

The import prints its report (Japanese, then English) and exits with status 1 when the file is rejected (nothing
is written). The export writes the plan's latest revision (or `--revision`) in the import layout.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from renkei.core import audit
from renkei.core.selectors import municipality_or_none
from renkei.pdca.models import PlanPeriod
from renkei.pdca.services.logic_model_files import logic_model_export, logic_model_import, report_lines
from renkei.pdca.services.logic_models import logic_model_current
from renkei.pdca.services.plans import current_fiscal_year


class Command(BaseCommand):
    help = ("Import or export a municipality's logic model "
            "(番号 / 場面 / 具体的な施策 / 成果指標 / 中間アウトカム / 目指す姿).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imports = sub.add_parser("import", help="Import a .csv or .xlsx file as a new draft revision.")
        imports.add_argument("file", metavar="FILE")
        imports.add_argument("--municipality", metavar="CODE", required=True)
        imports.add_argument("--dry-run", action="store_true", help="Check the file; write nothing.")
        imports.add_argument("--fiscal-year", type=int, metavar="FY",
                             help="A fiscal year of the plan (default: this fiscal year).")
        exports = sub.add_parser("export", help="Write the logic model as .xlsx or .csv.")
        exports.add_argument("--municipality", metavar="CODE", required=True)
        exports.add_argument("--format", choices=["xlsx", "csv"], required=True)
        exports.add_argument("-o", "--output", metavar="FILE", help="Default: standard output.")
        exports.add_argument("--fiscal-year", type=int, metavar="FY")
        exports.add_argument("--revision", type=int, metavar="N", help="Default: the latest revision.")
        exports.add_argument("--encoding", choices=["utf-8", "utf-8-sig", "cp932"], default="utf-8",
                             help="CSV text encoding (utf-8-sig for Excel).")

    def handle(self, *args, subcommand, municipality, **options):
        owner = municipality_or_none(municipality)
        if owner is None:
            raise CommandError(f"市区町村コード {municipality} が見つかりません。 / Unknown municipality code "
                               f"{municipality!r} (run “renkei places load” first?)")
        with audit.bind(user_label="renkei logicmodel (command line)"):
            if subcommand == "import":
                return self._import(owner, **options)
            return self._export(owner, **options)

    def _import(self, owner, *, file, dry_run, fiscal_year, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path} / No such file: {path}")
        result = logic_model_import(membership=None, municipality=owner, data=path.read_bytes(),
                                    file_name=path.name, fiscal_year=fiscal_year, dry_run=dry_run)
        for language in ("ja", "en"):
            for line in report_lines(result, language=language):
                self.stdout.write(line)
        if result.is_rejected:
            raise CommandError("取り込めませんでした（何も書き込んでいません）。 / The file was rejected; "
                               "nothing was written.", returncode=1)

    def _export(self, owner, *, format, output, fiscal_year, revision, encoding, **options):
        year = fiscal_year or current_fiscal_year()
        plan = PlanPeriod.objects.filter(municipality=owner, start_fiscal_year__lte=year,
                                         end_fiscal_year__gte=year).first()
        if plan is None:
            raise CommandError(f"{owner.name} の {year} 年度を含む計画がありません。 / {owner.name} has no plan "
                               f"covering fiscal year {year}.", returncode=1)
        logic_model = (plan.logic_models.filter(revision=revision).first() if revision
                       else logic_model_current(plan))
        if logic_model is None:
            raise CommandError("ロジックモデルがありません。 / No logic model (or no such revision).", returncode=1)
        content, name, _type = logic_model_export(membership=None, logic_model=logic_model, file_format=format,
                                                  encoding=encoding)
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"{output}: {len(content)} bytes")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
