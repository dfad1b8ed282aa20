"""Where patients' files are kept (timeline photos and PDFs, scanned consent forms): outside the web root.

Files are checked by their content, not their name or the browser's type: a photo must open as an image
(JPEG, PNG, WebP; HEIC is not accepted because browsers cannot show it), a PDF must start as one. Photos are
re-encoded without their metadata (EXIF carries the GPS position of the patient's home) after turning them
upright. Nothing serves the folder: a view reads a file back with `open_patient_file` after asking the policy.
The root is `settings.RENKEI_PATIENT_FILES_ROOT` (default DATA_DIR/"patient-files"), read at every access so
tests can point it at a temporary folder; back it up with the database (docs/operations.md).
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from renkei.core.files import FileError

IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
PDF = ("application/pdf", "pdf")
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; bigger is a decompression bomb, not a phone picture


@dataclass(frozen=True)
class StoredFile:
    storage_path: str  # relative to the root
    original_name: str
    content_type: str
    size: int
    sha256: str


def files_root() -> Path:
    root = getattr(settings, "RENKEI_PATIENT_FILES_ROOT", None) or Path(settings.DATA_DIR) / "patient-files"
    return Path(root)


def max_bytes() -> int:
    return int(getattr(settings, "RENKEI_PATIENT_FILE_MAX_BYTES", 20 * 1024 * 1024))


def _clean_image(data: bytes) -> tuple[bytes, str, str]:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if kind not in IMAGE_FORMATS:
                raise FileError("写真は JPEG・PNG・WebP のみ受け付けます。", "Photos must be JPEG, PNG or WebP.")
            image.load()
            upright = ImageOps.exif_transpose(image)
            if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            # Saving without exif=/pnginfo drops the metadata, the GPS position with it.
            upright.save(out, format=kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise FileError("画像として読めないファイルです。", "The file cannot be read as an image.") from exc
    content_type, extension = IMAGE_FORMATS[kind]
    return out.getvalue(), content_type, extension


def check_and_clean(data: bytes, *, allow_images: bool = True, allow_pdf: bool = True) -> tuple[bytes, str, str]:
    """The bytes to store, their content type and extension; FileError (Japanese and English) when refused."""
    if not data:
        raise FileError("ファイルが空です。", "The file is empty.")
    if len(data) > max_bytes():
        limit = max_bytes() // (1024 * 1024)
        raise FileError(f"ファイルが大きすぎます（上限 {limit} MB）。", f"The file is too large (limit {limit} MB).")
    if data[:5] == b"%PDF-":
        if not allow_pdf:
            raise FileError("PDF はここには添付できません。", "A PDF cannot be attached here.")
        return data, *PDF
    if allow_images:
        return _clean_image(data)
    raise FileError("PDF のみ受け付けます。", "Only PDF files are accepted.")


def save_patient_file(*, patient_id: int, upload, allow_images: bool = True, allow_pdf: bool = True) -> StoredFile:
    """Check, clean and store an uploaded file for a patient; the caller records the row and the audit entry."""
    data = upload.read(max_bytes() + 1)
    cleaned, content_type, extension = check_and_clean(data, allow_images=allow_images, allow_pdf=allow_pdf)
    relative = f"{int(patient_id)}/{uuid.uuid4().hex}.{extension}"
    path = files_root() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cleaned)
    name = Path(getattr(upload, "name", "") or f"file.{extension}").name[:200]
    return StoredFile(relative, name, content_type, len(cleaned), hashlib.sha256(cleaned).hexdigest())


def open_patient_file(storage_path: str):
    """The stored file for reading (after the policy said yes); FileNotFoundError when it is gone."""
    root = files_root().resolve()
    path = (root / storage_path).resolve()
    if root not in path.parents:  # a stored path never leaves the root
        raise FileNotFoundError(storage_path)
    return path.open("rb")


def delete_patient_file(storage_path: str) -> None:
    try:
        root = files_root().resolve()
        path = (root / storage_path).resolve()
        if root in path.parents:
            path.unlink()
    except FileNotFoundError:
        pass
