"""`renkei implementation import FILE --year YYYY [--dry-run]`: the national survey's answers from the long CSV
(`市区町村コード,取組,回答`; docs/guide/region_survey.md lists every 取組 code and 回答 phrase).

Run by the server's operator (the system): every municipality of the nation. All or nothing: any rejected row
(with its row number, in Japanese and English) and nothing is written; exit code 1.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

HELP = "Import the implementation survey's answers (市区町村コード,取組,回答) for a fiscal year; all or nothing."


def add_arguments(parser) -> None:
    parser.add_argument("file", help="CSV (UTF-8/CP932, commas or tabs) or .xlsx: 市区町村コード,取組,回答")
    parser.add_argument("--year", type=int, required=True, help="fiscal year (年度), e.g. 2025")
    parser.add_argument("--dry-run", action="store_true", help="check the file and report, write nothing")


def handle(command, *, file: str, year: int, dry_run: bool = False, **options) -> None:
    from renkei.core import audit
    from renkei.core.files import FileError

    from ..services.implementation_import import implementation_import

    path = Path(file)
    if not path.is_file():
        raise CommandError(f"ファイル {file} がありません / no such file: {file}", returncode=1)
    try:
        with audit.bind(user_label="system: renkei implementation import"):
            report = implementation_import(data=path.read_bytes(), fiscal_year=year, dry_run=dry_run)
    except FileError as error:
        raise CommandError(f"{error.reason} / {error.reason_en}", returncode=1) from error
    out = command.stdout
    if not report.ok:
        for error in report.errors:
            where = f"{error.row} 行目 / row {error.row}: " if error.row else ""
            command.stderr.write(f"{where}{error.reason} / {error.reason_en}")
        raise CommandError(f"{len(report.errors)} 件の問題があるため何も取り込みませんでした / "
                           f"{len(report.errors)} problems: nothing was imported", returncode=1)
    ja, en = report.summary()
    out.write(ja)
    out.write(en)
    for label, names in (("新規 / created", report.created), ("更新 / updated", report.updated)):
        if names:
            shown = "、".join(names[:50]) + (f" … ほか {len(names) - 50}" if len(names) > 50 else "")
            out.write(f"{label}: {shown}")
