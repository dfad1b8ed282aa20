"""The national file generator runs as its docstring says, from a plain shell (no Django settings set)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_generator_runs_from_the_command_line_as_documented(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "RENKEI_DATA_DIR")}
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "benchmarks/generators/mhlw.py", str(tmp_path), "--scale", "0.001"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(Path(line).name for line in done.stdout.split())
    assert "05_pharmacy_20260601.csv" in written and "02-1_clinic_facility_info_20260601.csv" in written
    assert all((tmp_path / name).stat().st_size > 0 for name in written)
