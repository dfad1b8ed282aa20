import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from renkei.careteams import storage
from renkei.core.files import FileError


@pytest.fixture(autouse=True)
def files_root(settings, tmp_path):
    settings.RENKEI_PATIENT_FILES_ROOT = tmp_path / "patient-files"
    return settings.RENKEI_PATIENT_FILES_ROOT


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (35.0, 17.0, 0.0), 1: "N"}  # GPSInfo
    exif[0x0112] = 6  # rotated: the stored photo is turned upright
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_is_stored_outside_the_web_root_without_its_location(files_root):
    stored = storage.save_patient_file(patient_id=7, upload=SimpleUploadedFile("家.jpg", jpeg_with_gps()))
    assert stored.content_type == "image/jpeg" and stored.original_name == "家.jpg"
    assert stored.storage_path.startswith("7/")
    with storage.open_patient_file(stored.storage_path) as f, Image.open(f) as image:
        assert not image.getexif().get_ifd(0x8825)
        assert 0x0112 not in image.getexif()
        assert image.size == (30, 40)


def test_a_pdf_is_kept_as_it_is():
    data = b"%PDF-1.4\n%test\n"
    stored = storage.save_patient_file(patient_id=1, upload=SimpleUploadedFile("同意書.pdf", data))
    assert stored.content_type == "application/pdf"
    with storage.open_patient_file(stored.storage_path) as f:
        assert f.read() == data


@pytest.mark.parametrize("data", [b"MZ\x90\x00 not an image", b"<html><script>", b"GIF89a\x01\x00"])
def test_a_file_that_is_neither_photo_nor_pdf_is_refused_by_content(data):
    with pytest.raises(FileError) as error:
        storage.save_patient_file(patient_id=1, upload=SimpleUploadedFile("photo.jpg", data))
    assert error.value.reason and error.value.reason_en


def test_a_file_over_the_limit_is_refused(settings):
    settings.RENKEI_PATIENT_FILE_MAX_BYTES = 10
    with pytest.raises(FileError, match="too large"):
        storage.save_patient_file(patient_id=1, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 " + b"x" * 20))


def test_images_can_be_refused_where_only_a_pdf_belongs():
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, format="PNG")
    with pytest.raises(FileError):
        storage.save_patient_file(patient_id=1, upload=SimpleUploadedFile("a.png", out.getvalue()),
                                  allow_images=False)


def test_a_stored_path_cannot_leave_the_root():
    with pytest.raises(FileNotFoundError):
        storage.open_patient_file("../../etc/passwd")
