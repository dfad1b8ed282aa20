"""Review: `renkei desk report` and `renkei training effect` answer bad arguments in Japanese and English with exit
code 1 (argparse alone says it in English and exits with 2), on the command line and from code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("args", [["desk", "report"], ["training", "effect", "1", "--by", "hospital"],
                                  ["training", "nope"]])
def test_a_usage_error_on_the_command_line_is_bilingual_with_exit_code_1(args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "renkei.settings.local"}
    done = subprocess.run([sys.executable, "-m", "renkei", *args], capture_output=True, text=True, env=env,  # noqa: S603
                          cwd=ROOT, timeout=120)
    assert done.returncode == 1
    assert "引数が正しくありません" in done.stderr and "error:" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_usage_error_from_code_is_a_command_error_with_exit_code_1():
    with pytest.raises(CommandError) as caught:
        call_command("desk", "report", "--format", "xml")
    assert caught.value.returncode == 1 and "引数が正しくありません" in str(caught.value)


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["--municipality", "abc"], ["--municipality", "9" * 40],
                                  ["--municipality", "123456", "--from", "2025-13"],
                                  ["--municipality", "123456", "--from", "99999-01"]])
def test_bad_values_of_the_desk_report_are_a_bilingual_command_error(args):
    with pytest.raises(CommandError) as caught:
        call_command("desk", "report", *args)
    assert caught.value.returncode == 1 and " / " in str(caught.value)
