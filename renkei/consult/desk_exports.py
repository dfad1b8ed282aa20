"""The desk's files: the report as .xlsx or CSV (counts, masked as on the screen), the case records as .xlsx.

Every cell goes through `renkei.core.spreadsheets` (text never becomes a formula; numbers stay numbers). Files are
written in Japanese whatever the page's language: they go into the municipality's own reports.
"""

from __future__ import annotations

import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Font

from renkei.core.spreadsheets import SafeCsvWriter, excel_cell, excel_row

from .selectors.case_export import COLUMNS, CaseRow
from .selectors.reports import DeskReport, count, masked, masked_share

BOLD = Font(bold=True)
WAREKI_DATE = '[$-411]ggge"年"m"月"d"日"'
MONTH_HEAD = ["月", "受付", "終了", "月末の未終了", "30日以内に終了", "30日判定の対象", "30日以内の割合(%)",
              "終了までの日数 中央値"]
YEAR_HEAD = ["年度", "受付", "終了", "30日以内に終了", "30日判定の対象", "30日以内の割合(%)", "中央値(日)",
             "平均(日)", "90パーセンタイル(日)"]
BREAKDOWN_JA = {"requester_kind": "相談者の種別", "channel": "相談方法", "scene": "場面", "topic": "相談内容の分類",
                "outcome": "結果（期間内に終了した相談）"}


def _cell(value, suppress: bool):
    """A count for a file: the number, or "<10" for a masked viewer."""
    shown = count(value, suppress=suppress)
    return shown.number if shown.number is not None else shown.text


def _stat(value, over: int, suppress: bool):
    shown = masked(value, over, suppress=suppress)
    return "" if shown is None else shown


def _share(closing, suppress: bool):
    shown = masked_share(closing, suppress=suppress)
    return "" if shown is None else shown


def report_tables(report: DeskReport) -> list[tuple[str, list[list]]]:
    """The report as (title, rows with a header row first): the same tables as the screen."""
    s = report.suppress
    months = [MONTH_HEAD]
    for row in report.months:
        c = row.closing
        months.append([row.label, _cell(row.received, s), _cell(row.closed, s),
                       "" if row.open_at_end is None else _cell(row.open_at_end, s),
                       _cell(c.within_30, s), _cell(c.judged_30, s),
                       _share(c, s),
                       _stat(c.median_days, c.closed, s)])
    years = [YEAR_HEAD]
    for row in [*report.years]:
        c = row.closing
        years.append([row.label, _cell(row.received, s), _cell(row.closed, s), _cell(c.within_30, s),
                      _cell(c.judged_30, s), _share(c, s),
                      _stat(c.median_days, c.closed, s), _stat(c.mean_days, c.closed, s),
                      _stat(c.p90_days, c.closed, s)])
    tables = [("月別", months), ("年度計", years)]
    for breakdown in report.breakdowns:
        rows = [["区分", "件数"], *[[str(label), _cell(n, s)] for _, label, n in breakdown.rows]]
        tables.append((BREAKDOWN_JA[breakdown.key], rows))
    return tables


def _title(report: DeskReport) -> str:
    return f"{report.municipality.name} 在宅医療・介護連携の相談支援 集計 {report.span_label}"


def report_workbook(report: DeskReport) -> bytes:
    """One sheet per table, the title and the masking note on top of each."""
    with translation.override("ja"):
        tables = report_tables(report)
    workbook = Workbook(write_only=True)
    for title, rows in tables:
        sheet = workbook.create_sheet(title[:31].replace("（", "(").replace("）", ")"))
        sheet.append([excel_cell(sheet, _title(report), font=BOLD)])
        if report.suppress:
            sheet.append(excel_row(sheet, ["1〜9件は「<10」と表示しています（市区町村外からの閲覧）。"]))
        sheet.append([excel_cell(sheet, value, font=BOLD) for value in rows[0]])
        for row in rows[1:]:
            sheet.append(excel_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_csv(report: DeskReport) -> str:
    """The tables one after another, a blank line between them (UTF-8 with BOM for Excel)."""
    with translation.override("ja"):
        tables = report_tables(report)
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    writer.writerow([_title(report)])
    for title, rows in tables:
        writer.writerow([])
        writer.writerow([title])
        writer.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def cases_workbook(desk, rows: list[CaseRow]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("相談記録")
    sheet.append([excel_cell(sheet, f"{desk.name} 相談記録（氏名・連絡先・相談内容・記録は含みません）", font=BOLD)])
    sheet.append([excel_cell(sheet, value, font=BOLD) for value in COLUMNS])
    for row in rows:
        values = row.values()
        cells = excel_row(sheet, values)
        for index in (1, 2):  # received and closed: date cells shown in 和暦
            if values[index]:
                cells[index] = excel_cell(sheet, values[index], number_format=WAREKI_DATE)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
