"""Helpers of the awareness tests: a data folder for materials, activities in a world, answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from renkei.training.models import AwarenessResponse

from .factories import ActivityFactory

PDF = b"%PDF-1.4\n% test leaflet\n"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def pdf(name: str = "leaflet.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def activity_in(world, **kwargs):
    kwargs.setdefault("municipality", world.municipality)
    return ActivityFactory(**kwargs)


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def answers(activity, rows: list[tuple]) -> None:
    """rows of (before, after, intention, age band, comment)."""
    for before, after, intention, age, comment in rows:
        AwarenessResponse.objects.create(activity=activity, submitted_at=timezone.now(), understanding_before=before,
                                         understanding_after=after, acp_intention=intention, age_band=age,
                                         comment=comment)
