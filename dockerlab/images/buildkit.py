"""BuildKit builds through the docker CLI, into the engine's own image store.

Similar to ``docker buildx build --progress=rawjson -t TAG .`` with buildx's default ``docker``
driver: the engine's own BuildKit builds, its images land in the engine's image store (no
BuildKit container, nothing pulled), its cache stays in the engine's build cache.

Which client reaches BuildKit is found, never assumed (:func:`dockerlab.engine.clis.find_buildkit`), as Docker does:

1. a ``docker`` CLI with the buildx plugin (``docker buildx version`` answers): buildx 0.13
   and later report with ``--progress=rawjson``, older ones with ``--progress=plain``;
2. a ``docker`` CLI before 23.0 (Debian 12's docker.io 20.10 in ``/usr/bin/docker``), which
   reaches the engine's BuildKit itself with ``DOCKER_BUILDKIT=1`` (``--progress=plain``);
3. nothing: a docker CLI 23 or later without buildx cannot ("BuildKit is enabled but the
   buildx component is missing"), so the kit falls back to the classic builder.

The CLI talks to the session's engine: ``DOCKER_HOST`` (and its TLS files) of the lab, not
whatever the learner's shell points at.
"""

from __future__ import annotations

import subprocess

from ..engine.clis import BuildKitClient


def run(client: BuildKitClient, args: list[str], env: dict[str, str], on_text) -> int:
    """Run the build, handing what it writes to ``on_text`` as it comes; its exit status."""
    process = subprocess.Popen(client.command() + args, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               env=client.environment(env))
    try:
        for raw in iter(process.stdout.readline, b""):
            on_text(raw.decode(errors="replace"))
    finally:
        process.stdout.close()
        status = process.wait()
    return status


def cli_args(*, context: str, tag: str | None, iidfile: str, progress: str,
             labels: dict[str, str], nocache: bool = False, target: str | None = None,
             network_mode: str | None = None, buildargs: dict | None = None,
             dockerfile: str | None = None) -> list[str]:
    """The flags of one build (``docker build`` and ``docker buildx build`` share them)."""
    args = ["--progress", progress, "--iidfile", iidfile]
    if tag:
        args += ["--tag", tag]
    for key, value in labels.items():
        args += ["--label", f"{key}={value}"]
    for key, value in (buildargs or {}).items():
        args += ["--build-arg", f"{key}={value}"]
    if nocache:
        args.append("--no-cache")
    if target:
        args += ["--target", target]
    if network_mode:
        args += ["--network", network_mode]
    if dockerfile:
        args += ["--file", dockerfile]
    return args + [context]
