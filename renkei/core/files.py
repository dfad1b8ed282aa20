"""Reading the files staff upload, for every app: bytes → text → rows, cells cleaned, within the upload limits.

Real files arrive as UTF-8 (with or without BOM) or CP932, comma- or tab-separated (Excel's タブ区切り text
saved as .csv), or as .xlsx workbooks; they hold full-width digits and spaces and quoted line breaks.
A file that cannot be read raises `FileError`, a row that cannot be imported `RowError`, both with the reason
in Japanese (for staff) and English; importers built on this are all-or-nothing per file.

How much one upload may hold (file size, rows, columns, cells, and how long a kept upload waits) is bounded
here too, because files are read on a web worker: an Excel file claiming 16,384 columns once took 64 s of
CPU, a CSV with 20,000 header columns made a 30 MB mapping page. The defaults hold the national MHLW files
(about 250,000 facilities, at most ~150 columns in the pharmacy file). An installation changes them in its
settings, e.g. `RENKEI_UPLOAD_LIMITS = {"rows": 500_000, "retention_days": 7}` (or the environment variable of
the same name holding JSON).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

from django.conf import settings

# --- errors ---------------------------------------------------------------------------------------

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


# --- limits ---------------------------------------------------------------------------------------

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


# --- bytes → text → rows --------------------------------------------------------------------------

_BINARY_SIGNATURES = (b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for UTF-8 with or without BOM, or CP932 (Shift_JIS as Windows writes it)."""
    if not data.strip():
        raise FileError("ファイルが空です。", "The file is empty.")
    if data.startswith(_BINARY_SIGNATURES) or b"\x00" in data[:4096]:
        raise FileError("CSV ファイルではありません（画像・PDF・Excel などのファイルです）。",
                        "This is not a CSV file (it looks like an image, a PDF or a spreadsheet).")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise _undecodable() from error
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "cp932"
    except UnicodeDecodeError as error:
        raise _undecodable() from error


def _undecodable() -> FileError:
    return FileError("文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）。",
                     "Cannot read the text encoding (save the file as UTF-8 or Shift_JIS).")


def read_csv_text(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header (cleaned) and an iterator of (row number as a spreadsheet shows it, cells).

    Quoted fields keep their embedded line breaks; the row number counts records, not physical lines,
    so it is the row staff find in Excel (the header is row 1).
    """
    return _read_csv(io.StringIO(text, newline=""), delimiter=_delimiter(text))


def _read_csv(lines, *, delimiter: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as error:
        raise FileError("ファイルが空です。", "The file is empty.") from error
    except csv.Error as error:
        raise FileError(f"CSV として読めません: {error}", f"Cannot read the file as CSV: {error}") from error
    header = [clean_header(h) for h in header]
    if not any(header):
        raise FileError("1 行目に見出しがありません。", "The first row holds no column names.")
    limits = upload_limits()
    if len(header) > limits.columns:
        raise too_many_columns(len(header), limits.columns)
    counter = RowCounter(limits)

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for cells in reader:
                number += 1
                counter.add(number, cells)
                if not any(c.strip() for c in cells):
                    continue
                yield number, cells
        except csv.Error as error:
            raise FileError(f"{number} 行目付近が CSV として読めません: {error}",
                            f"Cannot read the CSV near row {number}: {error}") from error

    return header, rows()


STREAM_CHUNK = 1024 * 1024


def read_csv_stream(binary) -> tuple[str, list[str], Iterator[tuple[int, list[str]]]]:
    """(encoding, header, rows) of a CSV read from a binary file object, as `read_csv_text` gives them.

    The file is decoded as it is read, never held whole as text: the encoding is checked in a first pass of
    one-megabyte chunks (UTF-8 with or without BOM, else CP932), then the CSV reader reads the file again.
    """
    start = binary.read(4096)
    if not start.strip() and not binary.read(1):
        raise FileError("ファイルが空です。", "The file is empty.")
    if start.startswith(_BINARY_SIGNATURES) or b"\x00" in start:
        raise FileError("CSV ファイルではありません（画像・PDF・Excel などのファイルです）。",
                        "This is not a CSV file (it looks like an image, a PDF or a spreadsheet).")
    binary.seek(0)
    encoding = "utf-8-sig" if start.startswith(b"\xef\xbb\xbf") else "utf-8"
    if not _decodes(binary, encoding):
        if encoding == "utf-8-sig" or not _decodes(binary, "cp932"):
            raise _undecodable()
        encoding = "cp932"
    text = io.TextIOWrapper(binary, encoding=encoding, newline="")
    first_line = text.readline()
    text.seek(0)
    return encoding, *_read_csv(text, delimiter=_delimiter(first_line))


def _decodes(binary, encoding: str) -> bool:
    import codecs

    decoder = codecs.getincrementaldecoder(encoding)()
    binary.seek(0)
    try:
        while chunk := binary.read(STREAM_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        binary.seek(0)


def _delimiter(text: str) -> str:
    """"\t" when the header line is tab-separated (Excel's タブ区切り text saved as .csv), else ","."""
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def is_xlsx(data: bytes) -> bool:
    """An Excel workbook (.xlsx is a ZIP holding xl/workbook.xml)."""
    return data.startswith(b"PK\x03\x04") and b"xl/" in data[:65536]


def _open_workbook(data: bytes):
    """The workbook (read-only, values not formulas), after the unpacked-size check; FileError when unreadable."""
    import zipfile

    from openpyxl import load_workbook

    limits = upload_limits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked > limits.unpacked_bytes:
            raise too_large_unpacked(limits.unpacked_bytes)
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileError("Excel ファイルとして読めません（.xlsx で保存してください）。",
                        "Cannot read the Excel file (save it as .xlsx).") from error


def _excel_text(value) -> str:
    """A cell as text: dates as ISO text (the date parsers read it), whole numbers without ".0", empty as ""."""
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet_values(sheet, limits: UploadLimits):
    # One column past the limit is read, to tell a file over the limit; the rest is never parsed into cells
    # (a sheet whose dimension claims 16,384 columns would otherwise be padded to that width, row by row).
    return sheet.iter_rows(max_col=limits.columns + 1, values_only=True)


def read_xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Header and rows of the first worksheet, as `read_csv_text` gives them for a CSV.

    Dates become ISO text (the date parsers read it), whole numbers lose their ".0", empty cells are "".
    """
    limits = upload_limits()
    sheet = _open_workbook(data).worksheets[0]
    values = _sheet_values(sheet, limits)
    try:
        header = [clean_header(_excel_text(v)) for v in next(values)]
    except StopIteration as error:
        raise FileError("ファイルが空です。", "The file is empty.") from error
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise FileError("1 行目に見出しがありません。", "The first row holds no column names.")
    if len(header) > limits.columns:
        raise too_many_columns(len(header), limits.columns)
    counter = RowCounter(limits)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(values, start=2):
            cells = [_excel_text(v) for v in cells]
            while cells and not cells[-1]:
                cells.pop()
            counter.add(number, cells)
            if any(c.strip() for c in cells):
                yield number, cells

    return header, rows()


def read_grid(data: bytes, *, sheet_prefixes: tuple[str, ...] = ()) -> tuple[str, str, list[tuple[int, list[str]]]]:
    """(encoding or "xlsx", sheet name, every non-empty row with its number) of a CSV or Excel file, header unknown.

    For files whose header is not on row 1 (statistics tables put a title, the survey and notes above it)
    or that are not one table at all: the reader finds the header itself. Rows keep their spreadsheet
    number; trailing empty cells are dropped. The delimiter is sniffed over the first lines, not only the
    first (a title line holds no delimiter). For a workbook, the first sheet whose name starts with one of
    `sheet_prefixes` is read, else the first sheet. Counted against the upload limits.
    """
    limits = upload_limits()
    counter = RowCounter(limits)
    grid: list[tuple[int, list[str]]] = []
    if is_xlsx(data):
        workbook = _open_workbook(data)
        sheet = next((s for prefix in sheet_prefixes for s in workbook.worksheets if s.title.startswith(prefix)),
                     workbook.worksheets[0])
        for number, values in enumerate(_sheet_values(sheet, limits), start=1):
            cells = [_excel_text(v) for v in values]
            while cells and not cells[-1].strip():
                cells.pop()
            counter.add(number, cells)
            if cells:
                grid.append((number, cells))
        if not grid:
            raise FileError("ファイルが空です。", "The file is empty.")
        return "xlsx", sheet.title, grid
    text, encoding = decode_bytes(data)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=_sniffed_delimiter(text))
    number = 0
    try:
        for cells in reader:
            number += 1
            while cells and not cells[-1].strip():
                cells.pop()
            counter.add(number, cells)
            if cells:
                grid.append((number, cells))
    except csv.Error as error:
        raise FileError(f"{number} 行目付近が CSV として読めません: {error}",
                        f"Cannot read the CSV near row {number}: {error}") from error
    if not grid:
        raise FileError("ファイルが空です。", "The file is empty.")
    return encoding, "", grid


def _sniffed_delimiter(text: str) -> str:
    """Tab or comma, whichever separates more of the first 30 lines (title lines hold neither)."""
    lines = text.lstrip("\ufeff").split("\n", 30)[:30]
    tabs = sum(line.count("\t") for line in lines)
    commas = sum(line.count(",") for line in lines)
    return "\t" if tabs > commas else ","


def read_table(data: bytes) -> tuple[str, list[str], Iterator[tuple[int, list[str]]]]:
    """(encoding or "xlsx", header, rows) of a municipality's list, whether CSV or Excel."""
    if is_xlsx(data):
        header, rows = read_xlsx(data)
        return "xlsx", header, rows
    text, encoding = decode_bytes(data)
    header, rows = read_csv_text(text)
    return encoding, header, rows


def read_header(file, *, sample_size: int = 5) -> tuple[str, list[str], list[list[str]]]:
    """(encoding, header, first rows) of a CSV (bytes, a path or a file object): what the mapping screen shows."""
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif hasattr(file, "read"):
        data = file.read()
    else:
        from pathlib import Path

        data = Path(file).read_bytes()
    encoding, header, rows = read_table(data)
    sample = []
    for _, cells in rows:
        sample.append([clean(c) for c in cells])
        if len(sample) >= sample_size:
            break
    return encoding, header, sample


# --- cells ----------------------------------------------------------------------------------------

_SPACES = re.compile(r"[ \t\u3000]+")


def clean(value: Any) -> str:
    """NFKC (full-width digits, letters and spaces to ASCII; half-width kana to full-width), trimmed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    if "\t" not in text and "  " not in text:  # NFKC made every other space a single " ": nothing to collapse
        return text.strip()
    return _SPACES.sub(" ", text).strip()


def clean_header(value: Any) -> str:
    """A column name: trimmed, BOM removed, but not width-normalized (MHLW names use full-width brackets)."""
    return _SPACES.sub(" ", str(value or "").replace("\ufeff", "")).strip()


def clean_multiline(value: Any) -> str:
    """Like `clean`, keeping line breaks (notes such as その他の休診日 hold several lines)."""
    lines = [clean(line) for line in str(value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line)
