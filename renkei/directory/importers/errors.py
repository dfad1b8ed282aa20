"""The two errors of every importer: a row that cannot be imported, a file that cannot be read."""

from __future__ import annotations

from typing import Any


class RowError(Exception):
    """One row that cannot be imported, with the reason in Japanese (for staff) and English."""

    def __init__(self, reason: str, reason_en: str, *, row: int | None = None, column: str = ""):
        super().__init__(reason_en)
        self.reason = reason
        self.reason_en = reason_en
        self.row = row
        self.column = column

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason, "reason_en": self.reason_en}


class FileError(Exception):
    """A whole file that cannot be read: unknown layout, not text, empty…"""

    def __init__(self, reason: str, reason_en: str):
        super().__init__(reason_en)
        self.reason = reason
        self.reason_en = reason_en
