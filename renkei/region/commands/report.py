"""`renkei implementation report --year YYYY [--prefecture NN] --format csv|xlsx|md|text [--output FILE]`: the
national implementation survey's tables from the confirmed answers of the fiscal year (the seed's layout).

Run by the server's operator: every municipality's confirmed sheet counts. `text` prints the seed's lines
(`（ア）地域の医療・介護の資源の把握 671 (38.5%) 374 (21.5%) 696 (40.0%) (n=1,741)`). xlsx needs --output.
Exit code 1 on an unknown prefecture.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

HELP = "Print the implementation survey's tables for a fiscal year (csv, xlsx, md or text)."


def add_arguments(parser) -> None:
    parser.add_argument("--year", type=int, required=True, help="fiscal year (年度)")
    parser.add_argument("--prefecture", default="", help="2-digit prefecture code (default: the nation)")
    parser.add_argument("--format", dest="fmt", choices=("csv", "xlsx", "md", "text"), default="md")
    parser.add_argument("--output", default="", help="write to this file instead of standard output")


def handle(command, *, year: int, prefecture: str = "", fmt: str = "md", output: str = "", **options) -> None:
    from renkei.core.models import Prefecture

    from ..report_formats import render
    from ..selectors.report import report_scope, survey_report

    found = None
    if prefecture:
        found = Prefecture.objects.filter(code=prefecture.zfill(2)).first()
        if found is None:
            raise CommandError(f"都道府県コード「{prefecture}」はありません / unknown prefecture code {prefecture!r}",
                               returncode=1)
    if fmt == "xlsx" and not output:
        raise CommandError("xlsx は --output でファイルを指定してください / xlsx needs --output FILE", returncode=1)
    report = survey_report(report_scope(None), fiscal_year=year, prefecture=found)
    data = render(report, fmt)
    if output:
        Path(output).write_bytes(data)
        command.stdout.write(f"{output} に書き出しました / written to {output} (n={report.n})")
        return
    command.stdout.write(data.decode("utf-8-sig"), ending="")
