"""Run every benchmark in its own process (each builds its own throw-away database).

The end-to-end benchmarks are left out: they serve Renkei with gunicorn, build national-size or PostgreSQL
databases and take several minutes each. Run them by hand (docs/architecture.md, "Benchmarks"):
`python benchmarks/search_http.py`, `python benchmarks/load.py`, `python benchmarks/careteams_pages.py` and
`python benchmarks/careteams_load.py`, `python benchmarks/desk_training.py`.
"""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
END_TO_END = {"search_http.py", "load.py", "careteams_pages.py", "careteams_load.py", "desk_training.py"}

for script in sorted(HERE.glob("*.py")):
    if script.name.startswith("_") or script.name == "run_all.py" or script.name in END_TO_END:
        continue
    print(f"== {script.stem} ==", flush=True)
    subprocess.run([sys.executable, str(script)], check=True, cwd=HERE)  # noqa: S603 (our own scripts)
print("end-to-end benchmarks (minutes each, not run here): " + ", ".join(sorted(END_TO_END)))
