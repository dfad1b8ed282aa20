"""The directory's background jobs: recomputing coverage gaps after imports and detail changes, and
deleting uploads kept past their retention period (`directory.discard_old_uploads`, queued daily by
`renkei discard_old_uploads` from cron).

`schedule_coverage_recompute(ids)` writes one *pending* CoverageRun per municipality (1 km mesh,
default radius; a pending run already waiting for the same municipality is reused) and queues a
`directory.coverage` job for it on the task queue (`renkei.core.tasks`), both inside the caller's
transaction. A worker (`renkei db_worker`, or the RQ worker) computes it; a failed computation is a
failed job on the jobs screen, retried automatically and then by staff. With the immediate backend
(tests, `RENKEI_RUN_JOBS_INLINE=1`) or `inline=True` (the import command) it is computed at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renkei.core.tasks import JobError, job_enqueue, job_kind

from .models import CoverageRun

COVERAGE_JOB = "directory.coverage"
DISCARD_UPLOADS_JOB = "directory.discard_old_uploads"
STALE_AFTER = timedelta(hours=1)


@job_kind(COVERAGE_JOB, label=_("Coverage gaps recomputation"))
def coverage_run_job(*, run_id: int) -> dict:
    """Compute one queued CoverageRun; a failed computation fails the job with the run's error."""
    from .services.coverage import coverage_run_execute

    run = CoverageRun.objects.select_related("municipality", "prefecture", "daily_living_area").filter(
        pk=run_id).first()
    if run is None:
        raise JobError(_("The coverage run %(run)s no longer exists."), run=run_id)
    if run.status == CoverageRun.Status.DONE:
        return {"coverage_run": run.pk, "cells": run.summary.get("cells")}
    run = coverage_run_execute(run)
    if run.status != CoverageRun.Status.DONE:
        raise JobError(_("Coverage gaps could not be computed: %(error)s"), error=run.error or "?")
    _indicators_may_have_changed(run)
    return {"coverage_run": run.pk, "cells": run.summary.get("cells"),
            "uncovered_home_visit": run.summary.get("uncovered_home_visit")}


@job_kind(DISCARD_UPLOADS_JOB, label=_("Deletion of old uploaded files"))
def discard_old_uploads_job() -> dict:
    """Delete the uploaded lists kept longer than the retention period without being applied."""
    from .importers.limits import upload_limits
    from .services.imports import discard_old_uploads

    return {"deleted": discard_old_uploads(), "retention_days": upload_limits().retention_days}


def _indicators_may_have_changed(run: CoverageRun) -> None:
    """The directory's indicators read facilities, details and coverage: recompute them after the coverage
    recomputation that follows every import and facility change (in the background, one job per area)."""
    from renkei.indicators.jobs import schedule_indicators_compute

    if run.municipality_id:
        schedule_indicators_compute(municipality=run.municipality)
    elif run.prefecture_id:
        schedule_indicators_compute(prefecture=run.prefecture)


def schedule_upload_cleanup(*, inline: bool = False):
    """Queue the deletion of old uploads (one waiting job at most); with `inline`, run it now."""
    return job_enqueue(kind=DISCARD_UPLOADS_JOB, key="" if inline else DISCARD_UPLOADS_JOB, inline=inline)


def _queue(run: CoverageRun, *, requested_by=None, inline: bool = False) -> CoverageRun:
    job_enqueue(kind=COVERAGE_JOB, arguments={"run_id": run.pk}, municipality=run.municipality,
                prefecture=run.prefecture, key=f"coverage-run:{run.pk}", requested_by=requested_by, inline=inline)
    run.refresh_from_db()
    return run


def schedule_coverage_recompute(municipality_ids: Iterable[int], *, mesh: str = "1km",
                                radius_km: float | None = None, inline: bool = False,
                                requested_by=None) -> list[CoverageRun]:
    """Queue a coverage recomputation for each municipality (computed now with `inline`)."""
    from .services.coverage import DEFAULT_RADIUS_KM

    radius = DEFAULT_RADIUS_KM if radius_km is None else radius_km
    runs = []
    for municipality_id in sorted({int(m) for m in municipality_ids if m}):
        run = CoverageRun.objects.filter(municipality_id=municipality_id, prefecture=None, daily_living_area=None,
                                         mesh=mesh, radius_km=radius, status=CoverageRun.Status.PENDING).first()
        if run is None:
            run = CoverageRun.objects.create(municipality_id=municipality_id, mesh=mesh, radius_km=radius)
        runs.append(_queue(run, requested_by=requested_by, inline=inline))
    return runs


def schedule_prefecture_coverage(prefecture_id: int, *, mesh: str = "1km", radius_km: float | None = None,
                                 requested_by=None) -> CoverageRun:
    """Queue a prefecture-wide computation (too long for a request: it runs in the background)."""
    from .services.coverage import DEFAULT_RADIUS_KM

    radius = DEFAULT_RADIUS_KM if radius_km is None else radius_km
    run = CoverageRun.objects.filter(prefecture_id=prefecture_id, mesh=mesh, radius_km=radius,
                                     status=CoverageRun.Status.PENDING).first()
    if run is None:
        run = CoverageRun.objects.create(prefecture_id=prefecture_id, mesh=mesh, radius_km=radius)
    return _queue(run, requested_by=requested_by)


def reset_stale_runs(now=None) -> int:
    """Runs left "running" by a process that died go back to pending."""
    now = now or timezone.now()
    return CoverageRun.objects.filter(status=CoverageRun.Status.RUNNING,
                                      requested_at__lt=now - STALE_AFTER).update(status=CoverageRun.Status.PENDING)


def run_pending_coverage(*, limit: int | None = None) -> list[CoverageRun]:
    """Compute now, in this process, the pending runs no job is waiting for (runs queued before the
    task queue existed, or whose job failed for good); returns them done or failed."""
    from renkei.core.models import Job

    waiting = set(Job.objects.filter(kind=COVERAGE_JOB, status__in=(Job.Status.QUEUED, Job.Status.RUNNING))
                  .values_list("key", flat=True))
    done = []
    pending = CoverageRun.objects.filter(status=CoverageRun.Status.PENDING).order_by("requested_at", "pk")
    for run in pending.select_related("municipality", "prefecture")[:limit]:
        if f"coverage-run:{run.pk}" in waiting:
            continue
        done.append(_queue(run, inline=True))
    return done
