"""Run every benchmark in its own process (each builds its own throw-away database)."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for script in sorted(HERE.glob("*.py")):
    if script.name.startswith("_") or script.name == "run_all.py":
        continue
    print(f"== {script.stem} ==", flush=True)
    subprocess.run([sys.executable, str(script)], check=True, cwd=HERE)  # noqa: S603 (our own scripts)
