"""The code base stays lint-clean (ruff, with the rules in pyproject.toml: pyflakes, bugbear's
B015 "comparison whose result is unused" among them, so a test line without `assert` fails)."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    done = subprocess.run([ruff, "check", "dockerlab", "tests", "benchmarks", "exercises",
                           "conftest.py"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
