"""Checks shared by the screens that keep uploaded materials (meeting materials, awareness handouts).

A material is a document, spreadsheet, slide deck, image or text file; its first bytes must match its extension
(a renamed executable is refused) and it must not pass the size limit. The download is always sent as an
attachment with the type listed here.
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings

MB = 1024 * 1024
DEFAULT_MATERIAL_BYTES = 30 * MB

# What a council or an awareness activity hands out: documents, spreadsheets, slides, images, plain text.
MATERIAL_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".ppt": ("application/vnd.ms-powerpoint", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".csv": ("text/csv", ()),
    ".txt": ("text/plain", ()),
}


def material_limit() -> int:
    """The largest material in bytes: `material_bytes` of settings.RENKEI_UPLOAD_LIMITS, else 30 MB."""
    overrides = getattr(settings, "RENKEI_UPLOAD_LIMITS", None) or {}
    return int(overrides.get("material_bytes", DEFAULT_MATERIAL_BYTES))


def material_problem(name: str, size: int, head: bytes) -> str | None:
    """Why a file cannot be a material ("日本語 / English"), or None when it can."""
    limit = material_limit()
    if size > limit:
        megabytes = f"{max(1, limit // MB):,}"
        return f"ファイルが大きすぎます（{megabytes} MB まで）。 / The file is too large ({megabytes} MB at most)."
    if size == 0:
        return "ファイルが空です。 / The file is empty."
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in MATERIAL_TYPES:
        allowed = "、".join(sorted(s.lstrip(".") for s in MATERIAL_TYPES))
        return (f"この種類のファイルは添付できません（{allowed}）。 / "
                f"This kind of file cannot be attached ({allowed.replace('、', ', ')}).")
    _type, signatures = MATERIAL_TYPES[suffix]
    if signatures and not head.startswith(signatures):
        return ("ファイルの中身が拡張子と一致しません。 / The file's content does not match its extension.")
    if not signatures and (b"\x00" in head or not _is_text(head)):
        return "テキストファイルとして読めません。 / The file cannot be read as text."
    return None


def _is_text(head: bytes) -> bool:
    for encoding in ("utf-8", "cp932"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            if error.start >= len(head) - 3:  # a character cut at the end of the sample
                return True
    return False
