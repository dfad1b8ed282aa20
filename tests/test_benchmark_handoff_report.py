"""The handoff report benchmark at a tiny scale: the synthetic year builds, the report by hospital and month
equals the per-handoff Python baseline cell by cell, and the script runs as its docstring says."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from handoff_report import baseline_table, build, engine_table  # noqa: E402

from renkei.handoff.models import Handoff, HandoffStep  # noqa: E402
from renkei.handoff.report_areas import of_prefecture  # noqa: E402


@pytest.mark.django_db
def test_the_tiny_year_gives_the_same_table_both_ways():
    built = build(handoffs=600, municipalities=3, hospitals=4, offices=5, log=lambda *a, **k: None,
                  prefecture_code="98")
    assert Handoff.objects.count() == 600
    assert HandoffStep.objects.count() == 600 * 7
    area = of_prefecture(built["prefecture"])
    report = engine_table(area, built["start"], built["end"])
    assert report == baseline_table(area, built["start"], built["end"])
    counted, missed = report["total"]
    assert counted > 100 and 0 < missed < counted


def test_the_script_runs_and_prints_its_figures(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env["RENKEI_DATA_DIR"] = str(tmp_path)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "handoff_report.py"), "--handoffs", "300",  # noqa: S603
                           "--municipalities", "2", "--hospitals", "3", "--offices", "3"],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"tables_equal": true' in done.stdout and '"benchmark": "handoff_report"' in done.stdout
