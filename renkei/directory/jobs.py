"""Background recomputation of coverage gaps after imports.

Design (kept deliberately small: no broker, no extra dependency):
- `schedule_coverage_recompute(ids)` writes one *pending* CoverageRun per municipality (1 km mesh,
  default radius; a pending run already waiting for the same municipality is reused), inside the
  caller's transaction, so the rows exist exactly when the import that asked for them committed;
- after that transaction commits, a daemon thread works through the pending runs
  (`run_pending_coverage`). Each run is *claimed* with a conditional UPDATE pending → running, so two
  workers (a thread and the cron command) never compute the same run twice;
- a run that raises is marked failed with the error (see `coverage_run_execute`); the thread never
  takes the web process down;
- if the process dies mid-way, runs stay pending (or running): `renkei coverage --pending`, run from
  cron every few minutes, resets runs left "running" for more than STALE_AFTER and computes every
  pending one;
- with `RENKEI_RUN_JOBS_INLINE = True` (tests, demo) runs are computed immediately, in the caller's thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from .models import CoverageRun

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=1)
_worker_lock = threading.Lock()
_worker: threading.Thread | None = None


def runs_inline() -> bool:
    return bool(getattr(settings, "RENKEI_RUN_JOBS_INLINE", False))


def schedule_coverage_recompute(municipality_ids: Iterable[int], *, mesh: str = "1km",
                                radius_km: float | None = None) -> list[CoverageRun]:
    """Queue a coverage recomputation for each municipality; computed in the background after commit."""
    from .services.coverage import DEFAULT_RADIUS_KM

    radius = DEFAULT_RADIUS_KM if radius_km is None else radius_km
    runs = []
    for municipality_id in sorted({int(m) for m in municipality_ids if m}):
        run = CoverageRun.objects.filter(municipality_id=municipality_id, prefecture=None, daily_living_area=None,
                                         mesh=mesh, radius_km=radius, status=CoverageRun.Status.PENDING).first()
        if run is None:
            run = CoverageRun.objects.create(municipality_id=municipality_id, mesh=mesh, radius_km=radius)
        runs.append(run)
    return _start(runs)


def schedule_prefecture_coverage(prefecture_id: int, *, mesh: str = "1km",
                                 radius_km: float | None = None) -> CoverageRun:
    """Queue a prefecture-wide computation (too long for a request: it runs in the background)."""
    from .services.coverage import DEFAULT_RADIUS_KM

    radius = DEFAULT_RADIUS_KM if radius_km is None else radius_km
    run = CoverageRun.objects.filter(prefecture_id=prefecture_id, mesh=mesh, radius_km=radius,
                                     status=CoverageRun.Status.PENDING).first()
    if run is None:
        run = CoverageRun.objects.create(prefecture_id=prefecture_id, mesh=mesh, radius_km=radius)
    return _start([run])[0]


def _start(runs: list[CoverageRun]) -> list[CoverageRun]:
    if not runs:
        return runs
    if runs_inline():
        for run in runs:
            _claim_and_execute(run.pk)
            run.refresh_from_db()
    else:
        transaction.on_commit(start_worker)
    return runs


def start_worker() -> None:
    """Start the daemon thread unless one is already working through the queue."""
    global _worker
    with _worker_lock:
        if _worker is not None and _worker.is_alive():
            _worker.wake = True
            return
        _worker = threading.Thread(target=_work, name="renkei-coverage", daemon=True)
        _worker.wake = False
        _worker.start()


def _work() -> None:
    close_old_connections()  # a fresh thread gets its own connection; never reuse a broken one
    try:
        while True:
            done = run_pending_coverage()
            thread = threading.current_thread()
            if not done and not getattr(thread, "wake", False):
                break
            thread.wake = False
    except Exception:  # never let a worker crash silently without a log line
        logger.exception("coverage worker stopped")
    finally:
        connection.close()


def _claim_and_execute(run_id: int) -> CoverageRun | None:
    from .services.coverage import coverage_run_execute

    claimed = CoverageRun.objects.filter(pk=run_id, status=CoverageRun.Status.PENDING).update(
        status=CoverageRun.Status.RUNNING, requested_at=timezone.now())
    if not claimed:
        return None  # another worker took it
    run = CoverageRun.objects.select_related("municipality", "prefecture", "daily_living_area").get(pk=run_id)
    return coverage_run_execute(run)


def reset_stale_runs(now=None) -> int:
    """Runs left "running" by a process that died go back to pending."""
    now = now or timezone.now()
    return CoverageRun.objects.filter(status=CoverageRun.Status.RUNNING,
                                      requested_at__lt=now - STALE_AFTER).update(status=CoverageRun.Status.PENDING)


def run_pending_coverage(*, limit: int | None = None) -> list[CoverageRun]:
    """Compute pending runs, oldest first; returns the runs this call computed (done or failed)."""
    done = []
    pending = CoverageRun.objects.filter(status=CoverageRun.Status.PENDING).order_by("requested_at", "pk")
    for run_id in list(pending.values_list("pk", flat=True)[:limit]):
        run = _claim_and_execute(run_id)
        if run is not None:
            done.append(run)
    return done
