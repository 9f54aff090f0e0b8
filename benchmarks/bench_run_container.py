"""What does the kit cost for one short-lived container?

The same work three ways, in one run, on the same engine and image:

- the kit: ``lab.run(["true"])`` (labels, the no-pull guard's image check, output decoding);
- the raw SDK: ``client.containers.run(image, ["true"], remove=True)`` on a plain client;
- the ``docker`` CLI: ``docker run --rm --pull never <image> true`` (a new process each time).

Prints the median and the spread (interquartile range) of each, and the kit's ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

import docker

from dockerlab import Lab


def timed(action, runs: int, label: str) -> list[float]:
    samples = []
    for index in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
        print(f"\r{label:<8} {index + 1}/{runs}", end="", flush=True)
    print()
    return samples


def describe(samples: list[float]) -> str:
    quartiles = statistics.quantiles(samples, n=4)
    return (f"median {statistics.median(samples) * 1000:7.1f} ms   "
            f"IQR {quartiles[0] * 1000:6.1f}-{quartiles[2] * 1000:6.1f} ms")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    with Lab("bench-run-container") as lab:
        plain = docker.DockerClient(base_url=lab.location.url, version="auto")
        image = lab.base_image
        lab.run(["true"])  # warm up: image cache, connection pool
        results = {
            "kit": timed(lambda: lab.run(["true"]), args.runs, "kit"),
            "sdk": timed(lambda: plain.containers.run(image, ["true"], remove=True,
                                                      labels=lab.labels), args.runs, "sdk"),
        }
        cli = shutil.which("docker")
        if cli:
            command = [cli, "run", "--rm", "--pull", "never"] + \
                [f"--label={k}={v}" for k, v in lab.labels.items()] + [image, "true"]
            results["cli"] = timed(lambda: subprocess.run(command, check=True,
                                                          capture_output=True),
                                   args.runs, "cli")
        plain.close()
    print(f"\none short-lived container, {args.runs} runs each:")
    for name, samples in results.items():
        print(f"  {name:<4} {describe(samples)}")
    kit = statistics.median(results["kit"])
    print(f"kit / raw SDK     = {kit / statistics.median(results['sdk']):.2f}x")
    if "cli" in results:
        print(f"kit / docker CLI  = {kit / statistics.median(results['cli']):.2f}x")
    else:
        print("kit / docker CLI  = not measured (no docker CLI on this machine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
