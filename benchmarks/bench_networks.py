"""What do networks and mounts cost a short-lived container?

The same container (``true`` in the kit's busybox image, removed afterwards) is run, in one
session on the same engine, with:

- ``--network none`` and no mount: the baseline (no network endpoint to wire);
- the default bridge; a user-defined bridge (embedded DNS); two user-defined bridges;
- the baseline plus a named volume, a bind mount, or a tmpfs.

Then the reachability matrix of four containers is measured two ways: the kit's (one ``exec``
per source, all its pings in parallel) against one ``exec`` per pair.

Prints medians and each one's ratio to its baseline. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

from dockerlab import Lab, networks, volumes


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def pairwise(lab, containers) -> dict:
    """One exec per (source, target): the plain way the kit's reachability() improves on."""
    found = {}
    for source in containers:
        for target in containers:
            if source is not target:
                ips = [ip for ip in networks.attachments(target).values() if ip]
                script = networks.probe_script({target.name: ips})
                found[(source.name, target.name)] = networks.parse_probe(
                    networks.inside(lab, source, script)).get(target.name)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    with Lab("bench-networks") as lab, volumes.host_directory() as host_dir:
        one = networks.create_network(lab, networks.unique_name(lab, "bench-a"))
        two = networks.create_network(lab, networks.unique_name(lab, "bench-b"))
        vol = volumes.create_volume(lab, networks.unique_name(lab, "bench-vol"))
        lab.run(["true"], network="none")  # warm up

        def run(**kwargs):
            return lambda: lab.run(["true"], **kwargs)

        def two_networks():
            container = networks.start(lab, ["true"], networks=[one.name, two.name])
            container.wait()
            container.remove()

        cases = [
            ("network none (baseline)", run(network="none")),
            ("default bridge", run()),
            ("user-defined bridge", run(network=one.name)),
            ("two user-defined bridges", two_networks),
            ("none + named volume", run(network="none", mounts=[volumes.named(vol.name, "/d")])),
            ("none + bind mount", run(network="none", mounts=[volumes.bind(host_dir, "/d")])),
            ("none + tmpfs", run(network="none", mounts=[volumes.tmpfs("/d")])),
        ]
        samples = {label: [] for label, _ in cases}
        for _ in range(args.runs):  # interleaved, so a busy moment hits every case alike
            for label, action in cases:
                samples[label].append(timed(action))
        baseline = statistics.median(samples[cases[0][0]])
        print(f"{'case':28} {'median':>10} {'ratio':>7}   ({args.runs} runs each, interleaved)")
        for label, _ in cases:
            value = statistics.median(samples[label])
            print(f"{label:28} {value * 1000:8.1f} ms {value / baseline:6.2f}x")

        boxes = [networks.start(lab, "sleep 600", networks=one.name) for _ in range(3)]
        boxes.append(networks.start(lab, "sleep 600", networks="none"))
        start = time.perf_counter()
        matrix = networks.reachability(lab, boxes)
        parallel = time.perf_counter() - start
        start = time.perf_counter()
        slow = pairwise(lab, boxes)
        sequential = time.perf_counter() - start
        same = all(matrix.cells[pair] == slow[pair] for pair in slow)
        print(f"\nreachability of 4 containers: one exec per pair {sequential:.2f} s (baseline), "
              f"kit {parallel:.2f} s, ratio {parallel / sequential:.2f}x, same answer: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
