"""The handoff due-list benchmark at a tiny scale: the admissions generate with their steps, the baseline loop
answers as the selector does (so the ratio compares equal answers), and the script runs with its server."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generators.careteams import generate  # noqa: E402
from handoff_due import baseline_due_steps, generate_admissions, measured_care_manager  # noqa: E402

from renkei.careteams import access as careteams_access  # noqa: E402
from renkei.handoff.models import Handoff, HandoffStep  # noqa: E402
from renkei.handoff.selectors.workflow import due_steps  # noqa: E402

from .factories import MunicipalityFactory  # noqa: E402


@pytest.mark.django_db
def test_the_generated_year_has_steps_per_admission_and_the_baseline_agrees_with_the_selector():
    generate(patients=60, posts=0, municipality=MunicipalityFactory(), log=lambda *a: None)
    counts = generate_admissions(scale=0.0005, log=lambda *a: None)  # 100 admissions
    assert counts["admissions"] == Handoff.objects.count() == 100
    assert HandoffStep.objects.count() == counts["steps"] == 700
    assert Handoff.objects.filter(status="open").exists() and Handoff.objects.filter(status="discharged").exists()
    member = measured_care_manager()
    careteams_access.forget(member)
    selected = sorted(s.pk for s in due_steps(member, limit=None))
    careteams_access.forget(member)
    assert selected == sorted(baseline_due_steps(member))


def test_the_due_benchmark_runs_at_a_tiny_scale_with_its_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["RENKEI_DATA_DIR"] = str(tmp_path)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "benchmarks/handoff_due.py", "--scale", "0.002", "--repeat", "5"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    out = done.stdout
    assert re.search(r"database: sqlite; [\d,]+ patients, 400 admissions, 2,800 steps", out), out
    assert re.search(r"due_steps in-process .*ratio [\d.]+x", out), out
    assert re.search(r"over HTTP: list page .*p95", out) and re.search(r"over HTTP: API due list .*p95", out), out
