"""Writers of the survey report (`selectors.report.SurveyReport`): Markdown, CSV, Excel and the seed's text lines.

Every writer prints the same tables in the same order; a cell is `count (percent%)` as the seed prints it, and
CSV/Excel also give the count and the percentage in their own columns for further work.
"""

from __future__ import annotations

import csv
import io

from .selectors.report import Cell, SurveyReport, Table, count_text

FORMATS = ("md", "csv", "xlsx", "text")
CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text": "text/plain; charset=utf-8",
}


def heading(report: SurveyReport) -> str:
    where = report.prefecture.name if report.prefecture else "全国"
    return f"在宅医療・介護連携推進事業 実施状況調査 {report.fiscal_year}年度（{where}、n={count_text(report.n)}）"


def _cell_text(cell) -> str:
    return cell.text() if isinstance(cell, Cell) else str(cell)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def to_markdown(report: SurveyReport) -> str:
    lines = [f"# {heading(report)}", ""]
    for table in report.tables:
        lines.append(f"## {table.title}" + (f"（n={count_text(table.n)}）" if table.n is not None else ""))
        lines.append("")
        has_note = any(r.note for r in table.rows)
        columns = ["", *table.columns, "n", *(["" ] if has_note else [])]
        lines.append("| " + " | ".join(columns) + " |")
        lines.append("|" + "|".join(["---", *(["---:"] * (len(columns) - 1))]) + "|")
        for row in table.rows:
            cells = [_md_escape(row.label), *(_cell_text(c) for c in row.cells),
                     count_text(row.n) if row.n is not None else "", *([row.note] if has_note else [])]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def to_text(report: SurveyReport) -> str:
    """The seed's layout, one line a row:
    `（ア）地域の医療・介護の資源の把握 671 (38.5%) 374 (21.5%) 696 (40.0%) (n=1,741)`."""
    lines = [heading(report)]
    for table in report.tables:
        lines.append("")
        lines.append(f"■ {table.title}" + (f" (n={count_text(table.n)})" if table.n is not None else ""))
        lines.append("  " + " / ".join(table.columns))
        lines.extend(row.line() for row in table.rows)
    return "\n".join(lines) + "\n"


def _flat_rows(table: Table) -> tuple[list[str], list[list]]:
    header = ["表", "項目"]
    for column in table.columns:
        header += [column, f"{column}（%）"] if _is_counted(table) else [column]
    header += ["n", "備考"]
    rows = []
    for row in table.rows:
        values: list = [table.title, row.label]
        for cell in row.cells:
            if isinstance(cell, Cell):
                values += [cell.count, "" if cell.percent is None else float(cell.percent)]
            else:
                values.append(str(cell))
        values += ["" if row.n is None else row.n, row.note]
        rows.append(values)
    return header, rows


def _is_counted(table: Table) -> bool:
    return bool(table.rows) and isinstance(table.rows[0].cells[0], Cell)


def to_csv(report: SurveyReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([heading(report)])
    for table in report.tables:
        header, rows = _flat_rows(table)
        writer.writerow([])
        writer.writerow(header)
        for values in rows:
            writer.writerow([f"{v:.1f}" if isinstance(v, float) else v for v in values])
    return out.getvalue()


def to_xlsx(report: SurveyReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "調査結果"
    sheet.append([heading(report)])
    sheet["A1"].font = Font(bold=True)
    for table in report.tables:
        header, rows = _flat_rows(table)
        sheet.append([])
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for values in rows:
            sheet.append(values)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0"
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 60
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(report: SurveyReport, fmt: str) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(report)
    text = {"md": to_markdown, "csv": to_csv, "text": to_text}[fmt](report)
    return text.encode("utf-8-sig" if fmt == "csv" else "utf-8")


def filename(report: SurveyReport, fmt: str) -> str:
    where = report.prefecture.code if report.prefecture else "national"
    return f"implementation-survey-{report.fiscal_year}-{where}.{fmt if fmt != 'text' else 'txt'}"
