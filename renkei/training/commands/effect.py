"""`renkei training effect SERIES_ID [--format table|csv] [--by item|profession]`: the paired pre/post table.

Rows: per question, subscale and the total score (`--by item`, the default) or the same per profession
(`--by profession`). Columns: item, profession, pairs, median difference, Wilcoxon p, effect size r and its
magnitude, share improved. Only participants who answered both phases are counted; a row with fewer than 5 pairs
has no p value. Exit code 1 on an unknown series.
"""

from __future__ import annotations

import io

from django.core.management.base import CommandError

HELP = "Print the paired pre/post effect table of a training series."
HEADER = ["設問 / item", "職種 / profession", "ペア数 / pairs", "差の中央値 / median difference",
          "Wilcoxon p", "効果量 r / effect size", "大きさ / magnitude", "改善した割合 / improved"]


def add_arguments(parser) -> None:
    parser.add_argument("series_id", help="the training series' number (as in its page's address)")
    parser.add_argument("--format", choices=["table", "csv"], default="table", help="text table (default) or CSV")
    parser.add_argument("--by", choices=["item", "profession"], default="item",
                        help="rows per question (default) or per question and profession")


def effect_rows(table, by: str) -> list[list[str]]:
    """The table's rows as text cells (shared by the CLI; the API gives numbers)."""
    rows = table.rows if by == "item" else table.by_profession_items
    out = []
    for row in rows:
        effect = row.effect
        if effect.pairs and effect.has_too_few_pairs:
            p_value = "ペア不足 / too few pairs"
        elif effect.p_value is None:
            p_value = "-"
        else:
            p_value = f"{effect.p_value:.4f}"
        label = {"total": "合計点 / total", "subscale": f"下位尺度 / subscale: {row.label}"}.get(row.kind, row.label)
        out.append([
            label, row.profession_label if row.profession else "全体 / all", str(effect.pairs),
            "-" if effect.median_difference is None else f"{effect.median_difference:g}", p_value,
            "-" if effect.effect_size is None else f"{effect.effect_size:.2f}", effect.magnitude or "-",
            "-" if effect.share_improved is None else f"{effect.share_improved * 100:.1f}%"])
    return out


def handle(command, *, series_id: str, format: str = "table", by: str = "item", **options) -> None:  # noqa: A002
    from renkei.training.models import TrainingSeries
    from renkei.training.selectors.surveys import effect_table

    # isdecimal, not isdigit ("²" is a digit int() cannot read), and at most 18 digits (a larger number overflows
    # the database's integer): anything else is an unknown series, not a traceback.
    raw = (series_id or "").strip()
    series = (TrainingSeries.objects.filter(pk=int(raw)).first()
              if raw.isascii() and raw.isdecimal() and len(raw) <= 18 else None)
    if series is None:
        raise CommandError(f"研修シリーズ {series_id} は見つかりません / unknown training series: {series_id}",
                           returncode=1)
    table = effect_table(series)
    rows = effect_rows(table, by)
    out = command.stdout
    out.write(f"{series.title} (#{series.pk}): 前後の両方に答えた人 / pairs {table.pairs}, "
              f"前だけ / only before {table.only_pre}, 後だけ / only after {table.only_post} "
              "(片方だけの回答は使いません / not used)")
    if format == "csv":
        from renkei.core.spreadsheets import SafeCsvWriter

        buffer = io.StringIO()
        SafeCsvWriter(buffer).writerows([HEADER, *rows])
        out.write(buffer.getvalue().rstrip("\n"))
        return
    from renkei.core.text import table_lines

    for line in table_lines([HEADER, *rows], left_columns=2):
        out.write(line)

