"""The indicator computation benchmark runs as its docstring says, at a tiny scale, and checks itself."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_indicator_benchmark_runs_at_a_tiny_scale_and_reports_the_ratio(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["RENKEI_DATA_DIR"] = str(tmp_path)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "benchmarks/indicators_compute.py", "--municipalities", "3", "--years", "2",
         "--facilities", "6"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    engine = re.search(r"engine: ([\d,]+) values computed and written in ([\d.]+) s", done.stdout)
    assert engine and int(engine[1].replace(",", "")) > 20, done.stdout
    assert re.search(r"ratio [\d.]+x slower", done.stdout), done.stdout
    assert "database: sqlite; 3 municipalities × 2 fiscal years" in done.stdout
