"""A benchmark database: the demo plus the national generator's MHLW files, imported as an operator would.

Run in its own process (Django is set up here, on RENKEI_DATA_DIR / DATABASE_URL from the environment), so
one benchmark can build a SQLite and a PostgreSQL database in turn. Passwords keep the real hasher: the
server checks them at login.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SERVER_ENV = {"DJANGO_SETTINGS_MODULE": "renkei.settings.local", "RENKEI_DEBUG": "0"}


def setup_django() -> None:
    for name, value in SERVER_ENV.items():
        os.environ[name] = value
    os.environ.setdefault("RENKEI_DATA_DIR", tempfile.mkdtemp(prefix="renkei-bench-"))
    import django

    django.setup()


def mhlw_files(files_dir: Path | None, scale: float, work: Path) -> list[Path]:
    """The files to import, facility files first: `files_dir` as given, else generated at `scale`.

    Generated positions cluster around each municipality, so the importer keeps them and the nearby search
    has realistic densities (files generated without `--near-municipality` lose ~98 % of their positions).
    """
    if files_dir is None:
        from generators.mhlw import generate

        from renkei.core.models import Municipality

        places = [(m.jis_code, m.prefecture.name, m.name) for m in Municipality.objects.select_related("prefecture")
                  .exclude(kind=Municipality.Kind.DESIGNATED_CITY).filter(abolished_on__isnull=True)]
        began = time.perf_counter()
        paths = generate(work / "edition", places=places, scale=scale, near_municipality=True)
        print(f"generated {len(paths)} files at scale {scale} in {time.perf_counter() - began:.0f} s", flush=True)
    else:
        paths = sorted(p for p in files_dir.iterdir() if p.suffix == ".csv")
    return sorted(paths, key=lambda p: ("speciality" in p.name, p.name))


def build(files_dir: Path | None, scale: float, work: Path) -> None:
    """migrate, the demo, then `import_file` on every file (coverage recomputation deferred, as in production)."""
    from django.core.management import call_command

    from renkei.core.services.demo import build_demo
    from renkei.directory.models import ImportRun
    from renkei.directory.services.imports import ImportContext, import_file

    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    build_demo()
    print(f"migrated and built the demo in {time.perf_counter() - began:.0f} s", flush=True)
    context = ImportContext(coverage_municipality_ids=set())
    for path in mhlw_files(files_dir, scale, work):
        began = time.perf_counter()
        run = import_file(source="mhlw", file=path, file_name=path.name, context=context)
        if run.outcome != ImportRun.Outcome.APPLIED:
            raise SystemExit(f"import of {path.name} was not applied: {run.rejected_rows[:3]}")
        print(f"  imported {path.name}: {run.counts['rows']} rows in {time.perf_counter() - began:.0f} s", flush=True)
