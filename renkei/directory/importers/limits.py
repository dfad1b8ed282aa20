"""How much one upload may hold: file size, rows, columns, cells, and how long a kept upload waits.

One place for every reader (CSV, Excel, GeoJSON shapes) and for the upload forms. Bounded because a
file is read on a web worker: an Excel file claiming 16,384 columns once took 64 s of CPU, a CSV with
20,000 header columns made a 30 MB mapping page. The defaults hold the national MHLW files (about
250,000 facilities, at most ~150 columns in the pharmacy file). An installation changes them in its
settings, e.g. `RENKEI_UPLOAD_LIMITS = {"rows": 500_000, "retention_days": 7}` (or the environment
variable of the same name holding JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from django.conf import settings

from .errors import FileError

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    file_bytes: int = 200 * MB
    rows: int = 2_000_000  # data rows, the header not counted
    columns: int = 300
    cells: int = 60_000_000  # rows × their cells, over the whole file
    unpacked_bytes: int = 1024 * MB  # an Excel file's worksheets once unzipped (a ZIP bomb's size)
    geojson_bytes: int = 100 * MB  # a prefecture-wide N03 (行政区域) file is about 50 MB
    geojson_depth: int = 64  # nesting of a GeoJSON document (a MultiPolygon needs 5)
    retention_days: int = 14  # an upload not applied is deleted after this many days


def upload_limits() -> UploadLimits:
    """The limits in force: the defaults, overridden by settings.RENKEI_UPLOAD_LIMITS."""
    overrides = getattr(settings, "RENKEI_UPLOAD_LIMITS", None) or {}
    known = {f.name for f in fields(UploadLimits)}
    return replace(UploadLimits(), **{k: int(v) for k, v in overrides.items() if k in known})


def _number(value: int) -> str:
    return f"{value:,}"


def too_large(size: int, *, limit: int | None = None) -> FileError | None:
    """The error for a file over the size limit (the list limit unless another is given), or None."""
    limit = upload_limits().file_bytes if limit is None else limit
    if size <= limit:
        return None
    megabytes = _number(max(1, limit // MB))
    return FileError(f"ファイルが大きすぎます（{megabytes} MB まで）。",
                     f"The file is too large ({megabytes} MB at most).")


def too_many_columns(count: int, limit: int, *, row: int | None = None) -> FileError:
    where_ja, where_en = (f"{row} 行目の", f"Row {row} has") if row else ("見出しの", "The header has")
    return FileError(f"{where_ja}列が多すぎます（{_number(count)} 列以上。{_number(limit)} 列まで）。"
                     "不要な列を削除してください。",
                     f"{where_en} too many columns ({_number(count)} or more; {_number(limit)} at most). "
                     "Delete the columns you do not need.")


def too_many_rows(limit: int) -> FileError:
    return FileError(f"行が多すぎます（{_number(limit)} 行まで）。ファイルを分けてください。",
                     f"The file has too many rows ({_number(limit)} at most). Split it into several files.")


def too_many_cells(limit: int) -> FileError:
    return FileError(f"セルが多すぎます（行数×列数で {_number(limit)} まで）。"
                     "ファイルを分けるか不要な列を削除してください。",
                     f"The file has too many cells (rows × columns, {_number(limit)} at most). "
                     "Split it or delete the columns you do not need.")


def too_large_unpacked(limit: int) -> FileError:
    megabytes = _number(max(1, limit // MB))
    return FileError(f"Excel ファイルの中身が大きすぎます（展開後 {megabytes} MB まで）。",
                     f"The Excel file is too large once unpacked ({megabytes} MB at most).")


def too_deep(limit: int) -> FileError:
    return FileError(f"GeoJSON の入れ子が深すぎます（{limit} 段まで）。",
                     f"The GeoJSON is nested too deeply ({limit} levels at most).")


class RowCounter:
    """Counts rows and cells as a reader yields them; raises the limit's FileError past a limit."""

    def __init__(self, limits: UploadLimits):
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def add(self, number: int, cells: list) -> None:
        if len(cells) > self.limits.columns:
            raise too_many_columns(len(cells), self.limits.columns, row=number)
        self.rows += 1
        self.cells += len(cells)
        if self.rows > self.limits.rows:
            raise too_many_rows(self.limits.rows)
        if self.cells > self.limits.cells:
            raise too_many_cells(self.limits.cells)
