"""Cells for CSV and Excel files we write: text never becomes a live formula (CSV/formula injection).

A value typed by anyone (a facility's survey answer, an imported name) may begin with `=`, `+`, `-`, `@`,
a tab or a carriage return; spreadsheet programs read such a cell as a formula ("=HYPERLINK(...)" sends
the reader's data elsewhere). OWASP's advice, applied by every writer through this module:
- CSV: such text gets a leading single quote (`'=HYPERLINK(...)`), which Excel shows and does not run.
- Excel: every string is written as a string cell (openpyxl would otherwise store "=..." as a formula),
  and such text also gets the quote-prefix style, so editing the cell in Excel keeps it text.
Numbers stay numbers: an int or float, or a string that is only a number ("-12.5"), is left alone.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet would read as a formula; numbers and number-only text are not."""
    return (isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
            and not _PLAIN_NUMBER.fullmatch(value))


def csv_value(value: Any) -> Any:
    """The value as a CSV field: formula-like text gets a leading single quote."""
    return "'" + value if is_formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_value(value) for value in values]


class SafeCsvWriter:
    """`csv.writer` whose rows are neutralised; the only way Renkei writes CSV."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def excel_cell(sheet, value: Any, **styles):
    """A write-only openpyxl cell holding the value; text is always a string cell, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    for name, style in styles.items():
        setattr(cell, name, style)
    return cell


def excel_row(sheet, values: Iterable[Any]) -> list:
    """A row for `sheet.append`, every value through `excel_cell`."""
    return [excel_cell(sheet, value) for value in values]
