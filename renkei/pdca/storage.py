"""Where meeting materials are kept: under the data directory, never under a public URL.

Files a council hands out (drafts, member lists) are for its members only, so the storage has no base URL:
nothing serves them from /media. `pdca:material_download` reads them back after asking `pdca.view_council`.
The root follows `settings.DATA_DIR` at every access (tests point it at a temporary folder).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class MaterialStorage(FileSystemStorage):
    """FileSystemStorage rooted at DATA_DIR, without a URL."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(Path(settings.DATA_DIR))

    @property
    def location(self):
        return str(Path(settings.DATA_DIR).resolve())

    def url(self, name):
        raise ValueError("meeting materials have no public URL; link to pdca:material_download")


def material_storage() -> MaterialStorage:
    return MaterialStorage()
