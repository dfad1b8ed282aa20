"""`renkei implementation population FILE [--year YYYY]`: municipalities' population for the survey's bands.

CSV (or .xlsx) `市区町村コード,総人口[,75歳以上人口][,年度]` (`人口` for 総人口; codes of 6 or 5 digits); the 年度
column, or --year for rows without one. Written through `services.population.population_record` (the
indicators engine's ZT-BASE-01/02). All or nothing with row numbers; exit code 1 on any problem.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

HELP = "Import municipalities' population (市区町村コード,総人口[,75歳以上人口][,年度]); all or nothing."


def add_arguments(parser) -> None:
    parser.add_argument("file", help="CSV or .xlsx: 市区町村コード,総人口[,75歳以上人口][,年度]")
    parser.add_argument("--year", type=int, default=None, help="fiscal year for rows without a 年度 column")


def handle(command, *, file: str, year: int | None = None, **options) -> None:
    from renkei.core import audit
    from renkei.core.files import FileError

    from ..services.population import population_import

    path = Path(file)
    if not path.is_file():
        raise CommandError(f"ファイル {file} がありません / no such file: {file}", returncode=1)
    try:
        with audit.bind(user_label="system: renkei implementation population"):
            result = population_import(data=path.read_bytes(), fiscal_year=year)
    except FileError as error:
        raise CommandError(f"{error.reason} / {error.reason_en}", returncode=1) from error
    except ValueError as error:  # the indicators engine refused a value or a year (nothing was written)
        raise CommandError(f"記録できない値があるため何も取り込みませんでした / nothing was imported: {error}",
                           returncode=1) from error
    if result.errors:
        for error in result.errors:
            command.stderr.write(f"{error.row} 行目 / row {error.row}: {error.reason} / {error.reason_en}")
        raise CommandError(f"{len(result.errors)} 件の問題があるため何も取り込みませんでした / "
                           f"{len(result.errors)} problems: nothing was imported", returncode=1)
    command.stdout.write(f"{result.rows} 行、{result.municipalities} 市区町村の人口を記録しました / "
                         f"recorded the population of {result.municipalities} municipalities ({result.rows} rows)")
