"""What does isolation cost? A process, a process in new namespaces, a container by hand,
and ``docker run``, measured in the same run.

* baseline: ``sh -c true`` started from Python (fork + exec, no isolation);
* namespaces: the same in new UTS, PID, mount, network and IPC namespaces
  (``python -m dockerlab.linux.child``: a fresh interpreter, then the system calls);
* by hand: the kit's busybox image as an overlay root, a memory cgroup, the five
  namespaces and pivot_root, the root and cgroup prepared once and reused;
* docker run: ``docker run --rm --network none`` of the same image, through the engine;
* helper: the namespaces case in the helper container (``docker exec`` + busybox unshare).

Each case runs ``--rounds`` times; the median is kept and printed as a ratio to the baseline.
Host cases need root on Linux. Not part of the test suite::

    .venv/bin/python benchmarks/bench_linux.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import time

from dockerlab import Lab, linux
from dockerlab.linux import handmade
from dockerlab.linux.isolation import Isolation

FIVE = ("uts", "pid", "mnt", "net", "ipc")


def median_seconds(action, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    lab = Lab("bench-linux")
    try:
        results = {}
        host = linux.box_for(lab, linux.HOST) if linux.demo_mode() == linux.HOST else None
        if host:
            results["baseline: sh -c true"] = median_seconds(lambda: host.run("true"), rounds)
            results["new namespaces (5)"] = median_seconds(
                lambda: host.run("true", Isolation(namespaces=FIVE)), rounds)
            with handmade.handmade_container(lab, host, lab.base_image) as container:
                results["container by hand"] = median_seconds(
                    lambda: container.run("true"), rounds)
        results["docker run --rm"] = median_seconds(
            lambda: lab.run("true", network_mode="none"), rounds)
        helper = linux.box_for(lab, linux.HELPER)
        results["helper: new namespaces (5)"] = median_seconds(
            lambda: helper.run("true", Isolation(namespaces=FIVE)), rounds)
        helper.close()
        base = results.get("baseline: sh -c true") or results["docker run --rm"]
        print(f"median of {rounds} rounds; ratio to "
              f"{'the baseline' if host else 'docker run'}")
        for name, seconds in results.items():
            print(f"  {name:28} {seconds * 1000:8.1f} ms   x{seconds / base:6.1f}")
    finally:
        lab.cleanup()


if __name__ == "__main__":
    main()
