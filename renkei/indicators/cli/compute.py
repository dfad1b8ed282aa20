"""`renkei indicators compute [--municipality CODE] [--prefecture CODE] [--period FY]`.

Recomputes every active computed indicator (provider registered) from Renkei's records, now, in this process:
for one municipality, one prefecture (its municipalities and itself) or, with neither, every prefecture.
`--period` takes FY2024, 2024, R6, 令和6年度 (a month 2024-05 or quarter 2024Q1 concerns monthly or quarterly
indicators only); without it the current fiscal year (and month, quarter). Prints the counts of values
created, corrected and unchanged. Exit code 1 on an unknown code or an unreadable period.
"""

from __future__ import annotations

from django.core.management.base import CommandError

from renkei.core.models import Municipality, Prefecture

HELP = "Recompute the computed indicators (directory and others) for a municipality, a prefecture or all."


def add_arguments(parser) -> None:
    parser.add_argument("--municipality", default="", help="municipality code (6-digit or 5-digit JIS code)")
    parser.add_argument("--prefecture", default="", help="prefecture code (2 digits)")
    parser.add_argument("--period", default="", help="fiscal year (FY2024, 2024, R6, 令和6年度), month or quarter")


def _municipality(code: str) -> Municipality:
    code = code.strip()
    field = "code" if len(code) == 6 else "jis_code"
    found = (Municipality.objects.select_related("prefecture").filter(**{field: code}).first()
             if code.isdigit() and len(code) in (5, 6) else None)
    if found is None:
        raise CommandError(f"市区町村コード「{code}」は見つかりません（6桁の全国地方公共団体コードまたは5桁の"
                           "JISコード）。 / "
                           f"Unknown municipality code “{code}” (6-digit local government code or 5-digit JIS code).",
                           returncode=1)
    return found


def _prefecture(code: str) -> Prefecture:
    code = code.strip()
    found = Prefecture.objects.filter(code=code.zfill(2)).first() if code.isdigit() and len(code) <= 2 else None
    if found is None:
        raise CommandError(f"都道府県コード「{code}」は見つかりません（2桁、例: 26）。 / "
                           f"Unknown prefecture code “{code}” (2 digits, e.g. 26).", returncode=1)
    return found


def handle(command, *, municipality: str = "", prefecture: str = "", period: str = "", **options) -> None:
    from renkei.indicators.periods import PeriodError, parse_period
    from renkei.indicators.services.compute import indicators_compute

    found_municipality = _municipality(municipality) if municipality else None
    found_prefecture = _prefecture(prefecture) if prefecture else None
    if found_municipality and found_prefecture and found_municipality.prefecture_id != found_prefecture.pk:
        raise CommandError(f"{found_municipality.name} は{found_prefecture.name}の市区町村ではありません。 / "
                           f"{found_municipality.name} is not in {found_prefecture.name}.", returncode=1)
    try:
        asked = parse_period(period) if period else None
    except PeriodError as exc:
        raise CommandError(f"{exc.ja} / {exc.en}", returncode=1) from exc
    result = indicators_compute(municipality=found_municipality, prefecture=found_prefecture, period=asked)
    where = (found_municipality.name if found_municipality else found_prefecture.name if found_prefecture
             else "全国 / all prefectures")
    out = command.stdout
    periods = ", ".join(result.periods) or "-"
    out.write(f"{where}: {result.definitions} computed indicator definition(s), {result.municipalities} "
              f"municipalit{'y' if result.municipalities == 1 else 'ies'}, period(s) {periods}")
    out.write(f"created {result.counts['created']}, corrected {result.counts['corrected']}, "
              f"unchanged {result.counts['unchanged']}")
    if result.without_provider:
        command.stderr.write("provider not registered (skipped): " + ", ".join(result.without_provider))
