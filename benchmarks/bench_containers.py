"""How much a container costs, and how each lifecycle step compares, measured in one run.

Run with ``.venv/bin/python benchmarks/bench_containers.py [N]``. Every figure is a ratio
against a baseline measured in the same run (a plain ``busybox true`` process), so the
numbers say "how many times", not "how fast this machine is". Nothing here is asserted.
"""

from __future__ import annotations

import statistics
import sys
import time

from dockerlab import Lab
from dockerlab import containers as C
from dockerlab.containers import overhead


def step_times(lab, n: int) -> dict[str, list[float]]:
    """Seconds per lifecycle step (create, start, pause, unpause, stop, remove), n times."""
    found: dict[str, list[float]] = {}
    for _ in range(n):
        life = C.Lifecycle(lab, "trap 'exit 143' TERM; while true; do sleep 0.1; done")
        for operation in ("create", "start", "pause", "unpause", "stop", "remove"):
            getattr(life, operation)()
        for step in life.steps:
            found.setdefault(step.operation, []).append(step.seconds)
    return found


def main(n: int = 10) -> None:
    lab = Lab("bench-containers")
    try:
        baseline = statistics.median(overhead.process_start_times(n))
        print(f"baseline: plain `busybox true`, median of {n}: {baseline * 1000:.2f} ms")
        measured = overhead.measure(lab, n)
        print(measured.summary())
        for operation, seconds in step_times(lab, n).items():
            median = statistics.median(seconds)
            print(f"{operation:<8} median {median * 1000:7.1f} ms = "
                  f"{median / baseline:7.0f}x a plain process start")
        started = time.perf_counter()
        free, limited = C.throttle_comparison(lab, cpu_quota=20_000, samples=3)
        print(f"busy loop side by side ({time.perf_counter() - started:.1f} s): "
              f"unlimited/limited loop turns = {free.loops / max(limited.loops, 1):.2f} "
              f"(at most 1/0.2 = 5 on an idle machine; less when other work competes)")
    finally:
        lab.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
