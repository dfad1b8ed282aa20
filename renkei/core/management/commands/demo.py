import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from renkei.core.services.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Build the demo municipality (京都府福知山市) and serve it on http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="build the demo but do not start the server")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")
        parser.add_argument("--allow-production-database", dest="allow_production", action="store_true",
                            help="build the demo even though DEBUG is off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("The demo creates accounts with printed passwords: it only runs on a development "
                               "(DEBUG) installation. Pass --allow-production-database if you really mean it.")
        call_command("migrate", interactive=False, verbosity=0)
        logins = build_demo()
        # Each capability adds its part of the demo after the core (places, organizations, people).
        from renkei.directory.services.demo import build_directory_demo

        facilities = build_directory_demo()
        self.stdout.write(self.style.SUCCESS("Demo municipality: 京都府福知山市 (262013)"))
        if facilities:
            self.stdout.write(f"Resource directory: {facilities} facilities")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        for login in logins:
            line = f"  {login.email:40} {login.role} — {login.organization}"
            if login.totp_secret:
                line += f"\n      two-factor key: {login.totp_secret}  (code now: renkei totp-code {login.email})"
            self.stdout.write(line)
        from renkei.core.tasks import run_waiting_jobs

        run_waiting_jobs()  # anything the build queued is done before anyone looks
        if not options["no_serve"]:
            self.stdout.write(f"Serving on http://{options['addr']}/  (Ctrl+C to stop)")
            worker = self._start_worker()
            # SIGTERM (a service manager, `kill`) ends the server like Ctrl+C does, so the worker stops too.
            signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
            try:
                call_command("runserver", options["addr"], use_reloader=False)
            finally:
                if worker is not None:
                    worker.terminate()  # the worker finishes the job it is running, then stops
                    try:
                        worker.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        worker.kill()

    def _start_worker(self) -> subprocess.Popen | None:
        """Background jobs (coverage after an import, …) need a worker: one runs beside the demo server."""
        from django_tasks import task_backends
        from django_tasks_db import DatabaseBackend

        if not isinstance(task_backends["default"], DatabaseBackend):
            return None  # immediate: jobs run in the request; RQ: the installation runs its own workers
        return subprocess.Popen([sys.executable, "-m", "renkei", "db_worker", "--queue-name", "*", "--interval", "2",
                                 "--no-reload", "--verbosity", "0"])
