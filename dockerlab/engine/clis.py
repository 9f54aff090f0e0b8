"""The docker CLIs on this machine, and which of them can do what: one place that knows.

A machine may hold several ``docker`` CLIs: Debian 12's docker.io 20.10 in ``/usr/bin``, a newer
CLI (often without the buildx plugin) first on ``PATH``. Which one reaches BuildKit, and which
one an engine accepts, is asked of each CLI, never assumed. Used by the engine's facts, the
BuildKit builds and the ``%docker`` magic.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass

CLI_TIMEOUT = 20


def version_tuple(text: str | None) -> tuple[int, ...]:
    """``"26.1.5+dfsg1"`` -> ``(26, 1, 5)``; unknown parts count as 0."""
    parts = []
    for piece in (text or "0").split("+")[0].split("-")[0].split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def _run(args: list[str], environment: dict | None) -> subprocess.CompletedProcess | None:
    env = dict(os.environ if environment is None else environment, DOCKER_CLI_HINTS="false")
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=CLI_TIMEOUT,
                              env=env, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None


def _cli_output(args: list[str], environment: dict | None = None) -> str | None:
    done = _run(args, environment)
    if done is None or done.returncode != 0:
        return None
    return done.stdout.strip() or None


def _cli_version(docker: str) -> str | None:
    """The CLI's own version, from ``docker --version`` (asks no engine)."""
    banner = _cli_output([docker, "--version"])  # "Docker version 26.1.5+dfsg1, build a72d7cd"
    words = banner.split() if banner else []
    return words[2].rstrip(",") if len(words) > 2 else None


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


def candidates(path: str | None = None) -> list[str]:
    """Every ``docker`` on ``path`` (``PATH`` by default) in order, then Debian's, each once."""
    path = os.environ.get("PATH", "") if path is None else path
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
    for docker in candidates(path):
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


def find_buildkit(environ: dict | None = None) -> tuple[BuildKitClient | None, str]:
    """The client that reaches BuildKit here, or ``(None, why not)``."""
    environ = os.environ if environ is None else environ
    if environ.get(ENV_SWITCH, "").strip() == "0":
        return None, f"{ENV_SWITCH}=0 asks for the classic builder"
    return _find(environ.get("PATH"))
