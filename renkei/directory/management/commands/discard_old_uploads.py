"""`renkei discard_old_uploads [--now]`: delete uploaded lists kept past the retention period (cron, daily).

A list uploaded for a dry run waits in DATA_DIR/imports until it is applied; one never applied is deleted
after `retention_days` (RENKEI_UPLOAD_LIMITS, 14 days by default). By default the deletion is queued as a
background job (visible on the jobs screen, run by the worker); `--now` runs it in this process.
"""

from django.core.management.base import BaseCommand

from renkei.core import audit
from renkei.directory import jobs
from renkei.directory.importers.limits import upload_limits


class Command(BaseCommand):
    help = "Delete uploaded files kept longer than the retention period without being applied."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="delete now instead of queueing a background job")

    def handle(self, *args, now=False, **options):
        with audit.bind(user_label="system: renkei discard_old_uploads"):
            job = jobs.schedule_upload_cleanup(inline=now)
        days = upload_limits().retention_days
        if job.status == job.Status.SUCCEEDED:
            self.stdout.write(f"deleted {job.result.get('deleted', 0)} upload(s) older than {days} day(s)")
        else:
            self.stdout.write(f"job {job.pk}: {job.status} (uploads older than {days} day(s))")
