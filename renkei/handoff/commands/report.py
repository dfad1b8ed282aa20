"""`renkei handoffs report --area CODE [--from YYYY-MM] [--to YYYY-MM] [--csv]`: the もれ率 table by hospital and
month, then the area's total, for a municipality, a group of municipalities or a prefecture.

CODE: a municipality's 6-digit local government code or 5-digit JIS code (a designated city includes its
wards), `G` and an area group's number (as the report screen's chooser shows it, e.g. G12), or a 2-digit
prefecture code. Without --from/--to: the last twelve months. Each cell is "missed/counted rate%"; counts are
not suppressed (the command is for the region's staff on the server). Exit code 1 on an unknown area or month.
"""

from __future__ import annotations

from django.core.management.base import CommandError

HELP = "Print the missed discharge coordination (もれ率) table by hospital and month for an area."


def add_arguments(parser) -> None:
    parser.add_argument("--area", required=True,
                        help="municipality code (6 or 5 digits), G<area group id>, or prefecture code (2 digits)")
    parser.add_argument("--from", dest="start", default="", help="first month, YYYY-MM (default: 11 months ago)")
    parser.add_argument("--to", dest="end", default="", help="last month, YYYY-MM (default: this month)")
    parser.add_argument("--csv", action="store_true", help="comma-separated output instead of a text table")


def _cell(figures) -> str:
    if figures is None or not figures.counted:
        return "-"
    return f"{figures.missed}/{figures.counted} {figures.missed_rate}%"


def handle(command, *, area: str, start: str = "", end: str = "", csv: bool = False, **options) -> None:
    from renkei.handoff.report_areas import AreaError, area_from_key
    from renkei.handoff.selectors import measures
    from renkei.handoff.selectors.report import PeriodError, period_of

    try:
        found = area_from_key(area)
        first, last = period_of(start, end)
    except (AreaError, PeriodError) as error:
        raise CommandError(f"{error.ja} / {error.en}", returncode=1) from error
    months = measures.months_between(first, last)
    handoffs = measures.discharges(start=first, end=last, area=found)
    table = measures.by_hospital_and_month(handoffs, months=months)
    total = measures.totals(handoffs)
    by_month = {f.key: f for f in measures.by_month(handoffs)}
    header = ["病院 / hospital", *(f"{m:%Y-%m}" for m in months), "計 / total"]
    rows = []
    for name, cells in table.rows:
        counted = sum(f.counted for f in cells.values())
        missed = sum(f.missed for f in cells.values())
        hospital_total = measures.Figures(counted=counted, missed=missed)
        rows.append([name, *(_cell(cells.get(m)) for m in months), _cell(hospital_total)])
    rows.append(["計 / total", *(_cell(by_month.get(m)) for m in months), _cell(total)])
    out = command.stdout
    out.write(f"{found.name} ({found.key}) {first:%Y-%m}〜{last:%Y-%m}: "
              "もれ率 = 退院前に連絡のなかった退院 ÷ 数えた退院 / "
              "missed rate = discharges without timely notice ÷ counted discharges")
    if csv:
        import io

        from renkei.core.spreadsheets import SafeCsvWriter

        buffer = io.StringIO()
        SafeCsvWriter(buffer).writerows([header, *rows])
        out.write(buffer.getvalue().rstrip("\n"))
    else:
        from renkei.core.text import table_lines

        for line in table_lines([header, *rows], left_columns=1):
            out.write(line)
    out.write(f"数えた退院 / counted {total.counted}, もれ / missed {total.missed}, "
              f"退院調整率 要介護 / coordination rate care {total.coordination_rate_care or '-'}%, "
              f"要支援 / support {total.coordination_rate_support or '-'}%, "
              f"急な連絡 / late notice {total.late_notice}, 入院時情報なし / admission information never sent "
              f"{total.admission_info_missing}, 事後に把握 / reported afterwards {total.reported_afterwards}")

