"""Run the benchmarks: ``./kit bench`` (all) or ``./kit bench run_container layers``.

Each ``bench_<name>.py`` is a standalone script that measures the kit against a baseline in
the same run and prints the ratios; this runner only finds and starts them, one at a time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
        if not scripts:
            print(f"no benchmark named {', '.join(names)}; have: "
                  + ", ".join(s.stem.removeprefix('bench_') for s in HERE.glob('bench_*.py')))
            return 2
    status = 0
    for script in scripts:
        print(f"=== {script.stem} ===", flush=True)
        status |= subprocess.run([sys.executable, str(script)]).returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
