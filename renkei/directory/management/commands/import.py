"""renkei import mhlw|municipal|kaigo FILE… [--dry-run] [--municipality CODE] [--mapping NAME] [--kind KIND]

Prints a report per file and exits with status 1 when any file was rejected (nothing of that file is
written) or when the coverage recomputation after the import failed (the import itself stays applied).
MHLW facility files are imported before speciality-and-hours files whatever the order given.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from renkei.core import audit
from renkei.core.models import Municipality
from renkei.directory.importers.common import FileError, read_header
from renkei.directory.importers.mhlw import HOURS_FILE_PATTERN
from renkei.directory.importers.municipal import standard_mapping
from renkei.directory.models import ColumnMapping, CoverageRun, FacilityKind, ImportRun
from renkei.directory.services.imports import ImportContext, import_file, mapping_for_header, report_lines


class Command(BaseCommand):
    help = "Import MHLW 医療情報ネット, 介護サービス情報公表システム or municipal lists into the directory."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=["mhlw", "municipal", "kaigo"])
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--municipality", metavar="CODE",
                            help="Limit to this municipality (6-digit code); the owner of a municipal list.")
        parser.add_argument("--mapping", metavar="NAME", help="A saved column mapping of the municipality.")
        parser.add_argument("--kind", choices=FacilityKind.values,
                            help="Kind of facility of a municipal list's rows whose kind column is empty "
                                 "(e.g. dental_clinic for a dental list).")
        parser.add_argument("--no-coverage", action="store_true",
                            help="Do not recompute coverage gaps after the import (run “renkei coverage” later).")

    def handle(self, *args, source, files, dry_run, municipality, mapping, no_coverage, verbosity, kind=None,
               **options):
        if kind and source != ImportRun.Source.MUNICIPAL:
            raise CommandError("--kind applies to municipal lists only.")
        owner = None
        if municipality:
            owner = Municipality.objects.filter(code=municipality).first() or Municipality.objects.filter(
                jis_code=municipality).first()
            if owner is None:
                raise CommandError(f"Unknown municipality code {municipality!r} (run “renkei places load” first?)")
        saved = None
        if mapping:
            if owner is None:
                raise CommandError("--mapping needs --municipality (mappings belong to a municipality).")
            saved = ColumnMapping.objects.filter(municipality=owner, name=mapping).first()
            if saved is None:
                raise CommandError(f"No column mapping named {mapping!r} for {owner}.")
        paths = [Path(f) for f in files]
        for path in paths:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
        if source == "mhlw":  # facility files first: their speciality files refer to them
            paths.sort(key=lambda p: bool(HOURS_FILE_PATTERN.search(p.name)))
        # Coverage is recomputed once at the end, in this process: a background thread would die with it.
        context = ImportContext(coverage_municipality_ids=set())
        rejected = 0
        with audit.bind(user_label="renkei import (command line)"):
            for path in paths:
                file_mapping = saved
                if source == ImportRun.Source.MUNICIPAL and file_mapping is None:
                    file_mapping = self._find_mapping(path, owner)
                run = import_file(source=source, file=path, file_name=path.name, dry_run=dry_run,
                                  mapping=file_mapping, municipality=owner, context=context, kind=kind or "")
                for line in report_lines(run):
                    self.stdout.write(line)
                if run.outcome == ImportRun.Outcome.REJECTED:
                    rejected += 1
        coverage_failed = False
        if context.coverage_municipality_ids and not dry_run and not no_coverage:
            coverage_failed = not self._recompute_coverage(sorted(context.coverage_municipality_ids))
        if rejected:
            raise CommandError(f"{rejected} of {len(paths)} file(s) rejected; nothing of them was written.",
                               returncode=1)
        if coverage_failed:
            raise CommandError("The import was applied, but the coverage recomputation failed (see above).",
                               returncode=1)

    def _recompute_coverage(self, municipality_ids: list[int]) -> bool:
        """Recompute coverage for the imported municipalities; False (and each reason on stderr) when any failed."""
        from renkei.core.models import Job
        from renkei.directory.jobs import schedule_coverage_recompute

        try:
            runs = schedule_coverage_recompute(municipality_ids, inline=True)
        except Exception as error:  # noqa: BLE001 (the import is committed; say so and go on)
            self.stderr.write(_("Coverage not recomputed (%(error)s); run “renkei coverage --pending” later.")
                              % {"error": error})
            return False
        failed = [run for run in runs if run.status != CoverageRun.Status.DONE]
        if failed:
            # The import is committed; the failed jobs are on the jobs screen, with a retry button.
            ids = Job.objects.filter(key__in=[f"coverage-run:{run.pk}" for run in failed],
                                     status=Job.Status.FAILED).values_list("pk", flat=True)
            self.stderr.write(_("Coverage not recomputed (%(error)s); retry it on the background jobs screen "
                                "or with “renkei jobs --retry %(job)s”.")
                              % {"error": "; ".join(run.error or run.status for run in failed),
                                 "job": " ".join(str(pk) for pk in ids) or "ID"})
            return False
        self.stdout.write(_("Coverage gaps recomputed for %(count)s municipalities.")
                          % {"count": len(municipality_ids)})
        return True

    def _find_mapping(self, path: Path, owner):
        """None for the standard layout; the saved mapping whose header signature matches; else stop."""
        try:
            _, header, _ = read_header(path.read_bytes())
        except FileError:
            return None  # import_file reports why the file cannot be read
        if standard_mapping(header):
            return None
        if owner is None:
            raise CommandError(f"{path.name}: not a 自治体標準オープンデータセット layout. Give --municipality CODE "
                               "and map its columns in the browser (ディレクトリ → 取り込み → 列の対応づけ) first.")
        found = mapping_for_header(municipality=owner, headers=header)
        if found is None:
            raise CommandError(
                f"{path.name}: no saved column mapping fits this header. Map its columns once in the browser "
                "(資源ディレクトリ → 取り込み → 列の対応づけ); the next edition is then found automatically. "
                "/ 列の対応づけをブラウザで行ってください。")
        return found
