"""Background jobs on a real task queue (django-tasks), with a `Job` row staff can see and retry.

- Apps declare what can run in the background with `@job_kind("app.name", label=…)` and queue it with
  `job_enqueue(kind=…, arguments=…, municipality=…)`. The function gets the arguments as keywords,
  opens its own transactions, returns a small JSON-able dict and raises on failure (`JobError` for a
  message staff understand, in Japanese and English).
- The queue carries a single django-tasks task, `run_job(job_id)`; the `Job` row holds the status,
  attempts and error. Backends (settings `TASKS`, chosen by `RENKEI_TASK_BACKEND`):
  `database` (django-tasks-db, the embedded default: `renkei db_worker` runs the jobs),
  `rq` (Redis, `RENKEI_REDIS_URL`: `renkei rqworker --job-class django_tasks_rq.Job`),
  `immediate` (tests, `RENKEI_RUN_JOBS_INLINE=1`: run in the caller's thread). The alias `inline` is
  always the immediate backend, for commands that want the answer before they print.
- A failed attempt is tried again after RENKEI_JOB_RETRY_SECONDS × 2^(attempt-1) while attempts remain
  (backends that can defer: database and RQ); then the job is failed and waits for a retry by staff.
- A job left running by a worker that died is queued again (or failed when out of attempts) by
  `renkei jobs --requeue-stale` (cron), as are queued jobs that never reached the queue.

Core knows no app: kinds register themselves when their app is loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task, task_backends
from django_tasks.backends.immediate import ImmediateBackend

from . import audit
from .models import AuditEntry, Job

logger = logging.getLogger(__name__)

INLINE_BACKEND = "inline"
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    func: Callable[..., dict | None]
    max_attempts: int


JOB_KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, label, max_attempts: int = 3):
    """Register a function as a kind of background job (decorator)."""

    def register(func):
        if name in JOB_KINDS and JOB_KINDS[name].func is not func:
            raise ValueError(f"job kind {name!r} is registered twice")
        JOB_KINDS[name] = JobKind(name=name, label=label, func=func, max_attempts=max_attempts)
        return func

    return register


def kind_label(name: str) -> str:
    kind = JOB_KINDS.get(name)
    return str(kind.label) if kind else name


class JobError(Exception):
    """A failure with a message for staff: a (lazily translated) text and its %-parameters."""

    def __init__(self, message, **params):
        super().__init__(message)
        self.message = message
        self.params = params

    def render(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


def _error_texts(exc: BaseException) -> tuple[str, str]:
    """The error in Japanese and in English (the jobs screen shows the reader's language)."""

    def render(language: str) -> str:
        with translation.override(language):
            if isinstance(exc, JobError):
                return exc.render()
            return gettext("Unexpected error (%(type)s): %(detail)s") % {
                "type": type(exc).__name__, "detail": str(exc)[:500]}

    return render("ja")[:2000], render("en")[:2000]


# --- queueing -------------------------------------------------------------------------------------

def default_backend() -> str:
    return "default"


def _sends_in_transaction(alias: str) -> bool:
    """Immediate runs now; the database backend's row commits with the job. RQ must wait for the commit."""
    from django_tasks_db import DatabaseBackend

    return isinstance(task_backends[alias], ImmediateBackend | DatabaseBackend)


def _send(job: Job, *, run_after=None) -> None:
    queued = run_job.using(backend=job.backend or default_backend())
    if run_after is not None:
        queued = queued.using(run_after=run_after)
    result = queued.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def job_enqueue(*, kind: str, arguments: dict[str, Any] | None = None, municipality=None, prefecture=None,
                requested_by=None, key: str = "", inline: bool = False) -> Job:
    """Queue a job (after the caller's transaction commits); with `inline` run it now and return it done.

    A job with the same non-empty `key` that still waits or runs is returned instead of a second one.
    """
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown job kind {kind!r}")
    if key:
        waiting = Job.objects.filter(key=key, status__in=ACTIVE).first()
        if waiting is not None:
            return waiting
    if municipality is not None and prefecture is None:
        prefecture = municipality.prefecture
    backend = INLINE_BACKEND if inline else default_backend()
    job = Job.objects.create(kind=kind, arguments=arguments or {}, municipality=municipality, prefecture=prefecture,
                             key=key, max_attempts=JOB_KINDS[kind].max_attempts, backend=backend,
                             requested_by=requested_by if getattr(requested_by, "pk", None) else None)
    if _sends_in_transaction(backend):
        _send(job)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: _send(job), robust=True)
    return job


# --- running --------------------------------------------------------------------------------------

@task()
def run_job(job_id: int) -> dict:
    """The one task the queue carries: run the Job row's function and record how it went."""
    job = job_execute(job_id)
    return {"job": job_id, "status": job.status if job else "skipped"}


def job_execute(job_id: int) -> Job | None:
    """Claim a queued job and run it; None when another worker has it or it is no longer queued."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=now, finished_at=None, attempts=F("attempts") + 1)
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    kind = JOB_KINDS.get(job.kind)
    try:
        if kind is None:
            raise JobError(gettext("This kind of job is unknown to this version (%(kind)s)."), kind=job.kind)
        with audit.bind(user_label=f"system: job {job.kind} #{job.pk}"):
            result = kind.func(**job.arguments) or {}
    except Exception as exc:  # noqa: BLE001 (every failure is recorded on the job; the worker goes on)
        return _attempt_failed(job, exc)
    job.status = Job.Status.SUCCEEDED
    job.result = result
    job.error = job.error_en = ""
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "error", "error_en", "finished_at"])
    return job


def retry_delay(attempt: int) -> timedelta:
    base = int(getattr(settings, "RENKEI_JOB_RETRY_SECONDS", 60))
    return timedelta(seconds=base * 2 ** max(attempt - 1, 0))


def _attempt_failed(job: Job, exc: BaseException) -> Job:
    job.error, job.error_en = _error_texts(exc)
    inline = job.backend == INLINE_BACKEND
    logger.warning("job %s (%s) attempt %s failed: %s", job.pk, job.kind, job.attempts, job.error_en,
                   exc_info=not inline)
    backend = task_backends[job.backend or default_backend()]
    if job.attempts < job.max_attempts and backend.supports_defer:
        delay = retry_delay(job.attempts)
        job.status = Job.Status.QUEUED
        job.run_after = timezone.now() + delay if delay else None
        job.save(update_fields=["status", "error", "error_en", "run_after"])
        _send(job, run_after=job.run_after)
        return job
    job.status = Job.Status.FAILED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "error_en", "finished_at"])
    return job


# --- staff and operators --------------------------------------------------------------------------

def job_retry(*, job: Job, by=None) -> Job:
    """Queue a failed job again with all its attempts (staff's retry button); audited."""
    if job.status != Job.Status.FAILED:
        raise ValueError("only a failed job can be retried")
    with transaction.atomic():
        updated = Job.objects.filter(pk=job.pk, status=Job.Status.FAILED).update(
            status=Job.Status.QUEUED, attempts=0, run_after=None, started_at=None, finished_at=None,
            backend=default_backend(), requested_by=by if getattr(by, "pk", None) else None)
        if not updated:
            raise ValueError("only a failed job can be retried")
        audit.record(action=AuditEntry.Action.UPDATE, obj=job, permission="core.retry_job",
                     changes={"status": [Job.Status.FAILED, Job.Status.QUEUED], "kind": job.kind,
                              "error": job.error_en or job.error})
        job.refresh_from_db()
        if _sends_in_transaction(job.backend):
            _send(job)
        else:
            transaction.on_commit(lambda: _send(job), robust=True)
    job.refresh_from_db()
    return job


def requeue_stale_jobs(*, now=None) -> dict[str, int]:
    """Jobs a dead worker left running go back to the queue (or fail when out of attempts); queued
    jobs that never reached the queue (the broker was down at commit) are sent again."""
    now = now or timezone.now()
    stale_after = timedelta(seconds=int(getattr(settings, "RENKEI_JOB_STALE_SECONDS", 3600)))
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    for job in Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=now - stale_after):
        if job.attempts < job.max_attempts:
            if Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(status=Job.Status.QUEUED):
                job.status = Job.Status.QUEUED
                _send(job)
                counts["requeued"] += 1
        else:
            with translation.override("ja"):
                error = gettext("The worker stopped while this job was running.")
            with translation.override("en"):
                error_en = gettext("The worker stopped while this job was running.")
            counts["failed"] += Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED, finished_at=now, error=error, error_en=error_en)
    for job in Job.objects.filter(status=Job.Status.QUEUED, task_id="", created_at__lt=now - timedelta(minutes=5)):
        _send(job)
        counts["resent"] += 1
    return counts


def run_waiting_jobs(*, limit: int | None = None) -> int:
    """Run the tasks waiting in the database queue now, in this process (demo, `renkei jobs --run`).

    The same claim and run steps as `renkei db_worker --batch`, without its signal handlers and
    connection recycling, so it can run inside a command or a test. Returns how many tasks ran.
    """
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    alias = default_backend()
    if not isinstance(task_backends[alias], DatabaseBackend):
        return 0
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name=alias, startup_delay=False,
                    max_tasks=limit, worker_id="renkei-batch", excluded_queue_names=[])
    ran = 0
    while limit is None or ran < limit:
        ready = DBTaskResult.objects.ready().filter(backend_name=alias)
        with exclusive_transaction(ready.db):
            task_result = ready.get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)
        if task_result is None:
            break
        worker.run_task(task_result)
        ran += 1
    return ran
