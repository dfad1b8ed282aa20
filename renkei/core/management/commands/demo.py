import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from renkei.core import demo_steps
from renkei.core.services.demo import DEMO_MUNICIPALITY_CODE, DEMO_PASSWORD, build_demo

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def renkei_command() -> str:
    """How to call `renkei` from here: `.venv/bin/renkei` after `make demo` (the venv is not on PATH)."""
    script = Path(sys.executable).parent / "renkei"
    if not script.exists():
        return f"{sys.executable} -m renkei"
    try:
        return str(script.relative_to(Path.cwd()))
    except ValueError:
        return str(script)


def server_address(addr: str | None, port: int | None) -> tuple[str, int]:
    """(host, port) from --addr (`host` or `host:port`) and --port (which wins when given)."""
    host, addr_port = addr or DEFAULT_HOST, ""
    if ":" in host:
        host, _, addr_port = host.rpartition(":")
    if port is None:
        port = int(addr_port) if addr_port.isdigit() else DEFAULT_PORT
    return host or DEFAULT_HOST, port


class Command(BaseCommand):
    help = "Build the demo municipality (京都府福知山市) and serve it on http://127.0.0.1:8000 (or --port)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="build the demo but do not start the server")
        parser.add_argument("--port", type=int, default=None,
                            help=f"port to serve on (default {DEFAULT_PORT}; `make demo PORT=8123` passes it)")
        parser.add_argument("--addr", default=None, help=f"address (or address:port) to serve on "
                                                         f"(default {DEFAULT_HOST})")
        parser.add_argument("--allow-production-database", dest="allow_production", action="store_true",
                            help="build the demo even though DEBUG is off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("The demo creates accounts with printed passwords: it only runs on a development "
                               "(DEBUG) installation. Pass --allow-production-database if you really mean it.")
        port = options["port"]
        if port is not None and not 0 < port < 65536:
            raise CommandError(f"The port must be between 1 and 65535, not {port}.")
        host, port = server_address(options["addr"], port)
        call_command("migrate", interactive=False, verbosity=0)
        logins = build_demo()
        # Each capability adds its part after the core (places, organizations, people), in its registered order.
        built = [(step, step.build()) for step in demo_steps.steps()]
        from renkei.core.tasks import run_waiting_jobs

        run_waiting_jobs()  # anything the build queued is done before anyone looks
        self.print_summary(logins, built, host, port)
        if not options["no_serve"]:
            self.serve(host, port)

    def print_summary(self, logins, built: list, host: str, port: int) -> None:
        """What was built (each step's lines; nothing for a step built before), the addresses and the logins."""
        base = f"http://{host}:{port}"
        renkei = renkei_command()
        self.stdout.write(self.style.SUCCESS(f"Demo municipality: 京都府福知山市 ({DEMO_MUNICIPALITY_CODE})"))
        for step, result in built:
            for line in demo_steps.summary_lines(step, result):
                self.stdout.write(line)
        self.stdout.write(f"Staff pages (log in):  {base}/")
        self.stdout.write(f"Residents' portal:     {base}/resources/{DEMO_MUNICIPALITY_CODE}/")
        self.stdout.write(f"API docs:              {base}/api/v1/docs  (schema: {base}/api/v1/openapi.json)")
        self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
        for login in logins:
            line = f"  {login.email:40} {login.role} — {login.organization}"
            if login.totp_secret:
                line += (f"\n      second factor: key {login.totp_secret}; code now: "
                         f"{renkei} totp-code {login.email}")
            self.stdout.write(line)

    def serve(self, host: str, port: int) -> None:
        """Run the development server (and a jobs worker beside it) until Ctrl+C or SIGTERM."""
        self.stdout.write(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
        worker = self._start_worker()
        # SIGTERM (a service manager, `kill`) ends the server like Ctrl+C does, so the worker stops too.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
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

