"""`renkei desk report --municipality CODE [--from YYYY-MM] [--to YYYY-MM] [--format table|csv]`: the desk's monthly
table for a municipality (a designated city includes its wards): received, closed, closed within 30 days (of the
cases that can be judged) and the median days to close, then the span's totals.

Counts are exact (the command is for the municipality's staff on the server). Without --from/--to: the current
fiscal year up to this month. Exit code 1, with a Japanese and English message, on an unknown code or month.
"""

from __future__ import annotations

from django.core.management.base import CommandError

HELP = "Print the consultation desk's monthly table (received, closed, within 30 days, median days) for a municipality."


def add_arguments(parser) -> None:
    parser.add_argument("--municipality", required=True, help="municipality code (6 digits, or the 5-digit JIS code)")
    parser.add_argument("--from", dest="start", default="", help="first month, YYYY-MM (default: April of this "
                                                                 "fiscal year)")
    parser.add_argument("--to", dest="end", default="", help="last month, YYYY-MM (default: this month)")
    parser.add_argument("--format", dest="output", choices=("table", "csv"), default="table",
                        help="a text table (default) or CSV")


def _share(closing) -> str:
    return f"{closing.within_30}/{closing.judged_30} {closing.within_30_share}%" if closing.judged_30 else "-"


def _median(closing) -> str:
    return "-" if closing.median_days is None else f"{closing.median_days:g}"


def handle(command, *, municipality: str, start: str = "", end: str = "", output: str = "table", **options) -> None:
    from renkei.consult.selectors.reports import ReportError, desk_report, municipality_of_code, span_of

    try:
        found = municipality_of_code(municipality)
        first, last = span_of(start, end)
    except ReportError as error:
        raise CommandError(f"{error.ja} / {error.en}", returncode=1) from error
    report = desk_report(found, first, last, suppress=False)
    header = ["月 / month", "受付 / received", "終了 / closed", "30日以内 / within 30 days",
              "中央値(日) / median days"]
    rows = [[row.month.strftime("%Y-%m"), str(row.received), str(row.closed), _share(row.closing),
             _median(row.closing)] for row in report.months]
    rows.append(["計 / total", str(report.total_received), str(report.total_closed), _share(report.closing),
                 _median(report.closing)])
    out = command.stdout
    if output == "csv":
        import io

        from renkei.core.spreadsheets import SafeCsvWriter

        buffer = io.StringIO()
        # An empty cell, not "-", for a figure that does not exist (a bare "-" reads as a formula start).
        SafeCsvWriter(buffer).writerows([header, *[["" if cell == "-" else cell for cell in row] for row in rows]])
        out.write(buffer.getvalue().rstrip("\n"))
        return
    out.write(f"{found.name} ({found.code}) {first:%Y-%m}〜{last:%Y-%m}: 相談支援の月別集計 / the desk's monthly "
              "counts (30日以内 = 30日以内に終えた相談 ÷ 終了または受付から30日経過した相談 / closed within 30 days ÷ "
              "closed or received 30+ days ago)")
    from renkei.core.text import table_lines

    for line in table_lines([header, *rows], left_columns=1):
        out.write(line)

