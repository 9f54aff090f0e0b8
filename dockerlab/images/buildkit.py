"""BuildKit builds through the docker CLI, into the engine's own image store.

Similar to ``docker buildx build --progress=rawjson -t TAG .`` with buildx's default ``docker``
driver: the engine's own BuildKit builds, its images land in the engine's image store (no
BuildKit container, nothing pulled), its cache stays in the engine's build cache.

Which client reaches BuildKit is found, never assumed (:func:`find_client`), as Docker does:

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

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass

from ..engine.facts import _cli_output, _cli_version, version_tuple

#: Debian's docker.io CLI: often second on PATH behind a newer CLI without buildx
DEBIAN_CLI = "/usr/bin/docker"
#: the first buildx whose rawjson the kit has read (earlier ones: plain text)
RAWJSON_SINCE = (0, 13)
#: ``DOCKER_BUILDKIT=0`` asks for the classic builder, as it does of ``docker build``
ENV_SWITCH = "DOCKER_BUILDKIT"


@dataclass(frozen=True)
class BuildKitClient:
    """A docker CLI that can drive the engine's BuildKit, and how."""

    docker: str
    version: str | None
    buildx: str | None = None

    @property
    def progress(self) -> str:
        if self.buildx and version_tuple(self.buildx) >= RAWJSON_SINCE:
            return "rawjson"
        return "plain"

    def command(self) -> list[str]:
        """``docker buildx build --builder default`` or ``docker build`` (with the env)."""
        if self.buildx:
            return [self.docker, "buildx", "build", "--builder", "default"]
        return [self.docker, "build"]

    def environment(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base, DOCKER_CLI_HINTS="false", BUILDX_NO_DEFAULT_ATTESTATIONS="1")
        if not self.buildx:
            env[ENV_SWITCH] = "1"
        return env

    def describe(self) -> str:
        if self.buildx:
            return f"docker buildx {self.buildx} ({self.docker}, --progress={self.progress})"
        return f"DOCKER_BUILDKIT=1 docker build (CLI {self.version}, {self.docker})"


def _candidates(path: str | None) -> list[str]:
    found, seen = [], set()
    for directory in (path or "").split(os.pathsep):
        candidate = shutil.which("docker", path=directory) if directory else None
        if candidate and os.path.realpath(candidate) not in seen:
            seen.add(os.path.realpath(candidate))
            found.append(candidate)
    if os.path.exists(DEBIAN_CLI) and os.path.realpath(DEBIAN_CLI) not in seen:
        found.append(DEBIAN_CLI)
    return found


@functools.lru_cache(maxsize=8)
def _find(path: str | None) -> tuple[BuildKitClient | None, str]:
    refused = []
    for docker in _candidates(path):
        version = _cli_version(docker)
        banner = _cli_output([docker, "buildx", "version"])
        words = banner.split() if banner else []
        if len(words) > 1:
            return BuildKitClient(docker, version, words[1].lstrip("v")), ""
        if version and version_tuple(version) < (23,):
            return BuildKitClient(docker, version), ""
        refused.append(f"docker {version or '?'} at {docker} has no buildx plugin")
    if not refused:
        return None, "no docker CLI is installed"
    return None, "; ".join(refused)


def find_client(environ: dict | None = None) -> tuple[BuildKitClient | None, str]:
    """The client that reaches BuildKit here, or ``(None, why not)``."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_SWITCH, "").strip() == "0":
        return None, f"{ENV_SWITCH}=0 asks for the classic builder"
    return _find(environ.get("PATH"))


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
