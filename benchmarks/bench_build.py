"""The kit's build against a plain ``docker buildx build`` of the same Dockerfile, one run.

Run with ``./kit bench build`` (or ``.venv/bin/python benchmarks/bench_build.py [N]``). Each
round builds a fresh Dockerfile (a token in it, so the first build is cold) through the kit
(``build(lab, ...)``: the CLI plus the kit's pre-checks, its cache records and layer sizes)
and through the same CLI directly, cold then cached, and prints the median of each and the
ratio kit / plain. Nothing is asserted: the figures are what they are on this machine.
"""

from __future__ import annotations

import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dockerlab import Lab
from dockerlab.engine import clis
from dockerlab.engine.raw import endpoint_of
from dockerlab.images.builder import build, describe_builder

DOCKERFILE = """\
FROM dockerlab/busybox
WORKDIR /app
COPY deps.txt .
RUN echo {token} > /token && cp deps.txt installed
COPY app.sh .
CMD ["sh", "app.sh"]
"""
FILES = {"deps.txt": "dep==1\n", "app.sh": "echo hi\n"}


def plain_build(client: clis.BuildKitClient, env: dict, dockerfile: str, tag: str) -> float:
    """Seconds for the CLI alone: the same context in a directory, the same progress mode."""
    with tempfile.TemporaryDirectory() as context:
        for name, text in {"Dockerfile": dockerfile, **FILES}.items():
            Path(context, name).write_text(text)
        args = ["--progress", client.progress, "--tag", tag, "--label",
                "io.dockerlab.kit=dockerlab", "--label", "io.dockerlab.session=bench-build",
                "--network", "none", context]
        started = time.perf_counter()
        subprocess.run(client.command() + args, env=client.environment(env), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started


def kit_build(lab, dockerfile: str, tag: str) -> float:
    started = time.perf_counter()
    build(lab, dockerfile, FILES, tag=tag, network_mode="none")
    return time.perf_counter() - started


def main(rounds: int = 5) -> None:
    client, why = clis.find_buildkit()
    if client is None:
        print(f"no BuildKit client here ({why}): nothing to compare")
        return
    lab = Lab("bench-build")
    env = endpoint_of(lab.client).cli_environment()
    times: dict[str, list[float]] = {}
    try:
        print(describe_builder())
        for _ in range(rounds):
            for who in ("kit", "plain"):  # each its own Dockerfile: both start cold
                dockerfile = DOCKERFILE.format(token=secrets.token_hex(8))
                tag = f"bench/build-{who}:1"
                for phase in ("cold", "cached"):
                    seconds = kit_build(lab, dockerfile, tag) if who == "kit" else \
                        plain_build(client, env, dockerfile, tag)
                    times.setdefault(f"{who} {phase}", []).append(seconds)
        for phase in ("cold", "cached"):
            kit = statistics.median(times[f"kit {phase}"])
            plain = statistics.median(times[f"plain {phase}"])
            print(f"{phase:<6}: kit {kit:6.3f} s, plain CLI {plain:6.3f} s, "
                  f"kit/plain = {kit / plain:.2f}x (median of {rounds})")
    finally:
        subprocess.run(client.command()[:1] + ["image", "rm", "-f", "bench/build-plain:1"],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lab.cleanup()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
