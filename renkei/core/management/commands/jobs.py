"""`renkei jobs`: list background jobs, retry a failed one, recover after a worker died.

    renkei jobs [--failed] [--limit 50]     recent jobs, newest first
    renkei jobs --retry ID [ID…]            queue failed jobs again (as the retry button does)
    renkei jobs --requeue-stale             cron: jobs a dead worker left running go back to the queue
    renkei jobs --run                       run the jobs waiting in the database queue now, then exit

The worker itself is `renkei db_worker` (database backend) or `renkei rqworker` (Redis): docs/operations.md.
"""

from django.core.management.base import BaseCommand, CommandError

from renkei.core import audit, tasks
from renkei.core.models import Job


class Command(BaseCommand):
    help = "List background jobs, retry a failed one, requeue jobs left by a dead worker, or run waiting jobs."

    def add_arguments(self, parser):
        parser.add_argument("--failed", action="store_true", help="only failed jobs")
        parser.add_argument("--limit", type=int, default=50)
        parser.add_argument("--retry", type=int, nargs="+", metavar="ID", help="queue these failed jobs again")
        parser.add_argument("--requeue-stale", action="store_true",
                            help="requeue jobs left running by a worker that died (cron)")
        parser.add_argument("--run", action="store_true", help="run the jobs waiting in the database queue now")

    def handle(self, *args, failed=False, limit=50, retry=None, requeue_stale=False, run=False, **options):
        with audit.bind(user_label="system: renkei jobs"):
            if retry:
                for job_id in retry:
                    job = Job.objects.filter(pk=job_id).first()
                    if job is None or job.status != Job.Status.FAILED:
                        raise CommandError(f"ジョブ {job_id} は失敗したジョブではありません / "
                                           f"job {job_id} is not a failed job", returncode=2)
                    job = tasks.job_retry(job=job)
                    self.stdout.write(f"job {job.pk}: {job.status}")
                return
            if requeue_stale:
                counts = tasks.requeue_stale_jobs()
                self.stdout.write(f"requeued {counts['requeued']}, failed {counts['failed']} stale job(s); "
                                  f"sent {counts['resent']} waiting job(s) to the queue again")
                return
            if run:
                self.stdout.write(f"ran {tasks.run_waiting_jobs()} job(s)")
                return
        jobs = Job.objects.select_related("municipality", "prefecture").order_by("-created_at", "-pk")
        if failed:
            jobs = jobs.filter(status=Job.Status.FAILED)
        self.stdout.write("id\tqueued_at\tkind\tplace\tstatus\tattempts\terror")
        for job in jobs[:limit]:
            place = job.municipality or job.prefecture or "-"
            self.stdout.write(f"{job.pk}\t{job.created_at:%Y-%m-%d %H:%M}\t{job.kind}\t{place}\t{job.status}\t"
                              f"{job.attempts}/{job.max_attempts}\t{job.error}")
