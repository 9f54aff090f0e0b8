"""Bringing a Docker Engine up when none answers, and stopping the one the kit started.

Similar to ``sudo apt-get install docker.io && sudo dockerd &``, done carefully:

- an engine that already answers is used as it is and never stopped by the kit;
- as root (or with passwordless sudo) on Debian/Ubuntu, missing system packages are
  installed (:data:`SYSTEM_PACKAGES`), ``dockerd`` is started in the background with its log
  in :func:`state_dir`, and the kit waits until it answers;
- the kit records what it started in ``engine.json`` so that :func:`stop_started_engine`
  stops exactly that and nothing else.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import EngineNotFound, EngineSetupFailed
from ..host import is_dockerd
from .locate import EngineLocation, find_engine

PLUGINS = ("/usr/libexec/docker/cli-plugins", "/usr/lib/docker/cli-plugins")
COMPOSE_FILES = ("/usr/bin/docker-compose", *(f"{d}/docker-compose" for d in PLUGINS))

#: Debian package -> the files any of which shows it (or Docker's own package of the same
#: tool: docker-ce's /usr/bin/dockerd, docker-compose-plugin) is installed, on every release;
#: a machine with Docker CE never gets Debian's docker.io on top, which would conflict
SYSTEM_PACKAGES = {
    "docker.io": ("/usr/sbin/dockerd", "/usr/bin/dockerd"),  # the engine (<= Debian 12: CLI)
    "busybox-static": "/bin/busybox",            # the offline base image
    "docker-registry": "/usr/bin/docker-registry",  # the local registry (notebook 05)
    "docker-compose": COMPOSE_FILES,             # Compose (v1 on Debian 12, v2 on 13)
    "iproute2": "/sbin/ip",                      # a private engine's bridge (notebook 04)
}
#: what the classroom's rootless engines need besides (``dockerlab classroom --engine``
#: ``rootless`` or ``auto`` installs them: :func:`dockerlab.classroom.rootless.install_tools`)
CLASSROOM_PACKAGES = {
    "uidmap": ("/usr/bin/newuidmap", "/usr/bin/newgidmap"),
    "rootlesskit": "/usr/bin/rootlesskit",
    "slirp4netns": "/usr/bin/slirp4netns",
}
#: what newer releases split out of docker.io (Debian 13: the CLI and buildx; Ubuntu:
#: Compose v2 as a CLI plugin), wanted wherever apt offers the package
SPLIT_PACKAGES = {
    "docker-cli": "/usr/bin/docker",
    "docker-buildx": tuple(f"{d}/docker-buildx" for d in PLUGINS),
    "docker-compose-v2": COMPOSE_FILES,
}
START_TIMEOUT = 60
STOP_TIMEOUT = 30


@dataclass
class EngineStatus:
    """What :func:`ensure_engine` found or did, with a one-line summary."""

    location: EngineLocation
    started: bool
    message: str


def state_dir() -> Path:
    """Where the kit keeps the started engine's pid record and log."""
    if os.geteuid() == 0:
        return Path(os.environ.get("DOCKERLAB_STATE_DIR", "/var/lib/dockerlab"))
    base = os.environ.get("XDG_STATE_HOME", str(Path.home() / ".local" / "state"))
    return Path(os.environ.get("DOCKERLAB_STATE_DIR", f"{base}/dockerlab"))


def _state_file() -> Path:
    return state_dir() / "engine.json"


def log_file() -> Path:
    return state_dir() / "dockerd.log"


def _privilege_prefix() -> list[str] | None:
    """``[]`` as root, ``["sudo", "-n"]`` with passwordless sudo, ``None`` otherwise."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True,
                                               timeout=10).returncode == 0:
        return ["sudo", "-n"]
    return None


def is_debian_like() -> bool:
    return Path("/etc/debian_version").exists() and shutil.which("apt-get") is not None


def apt_offers(package: str) -> bool:
    """Whether this machine's apt lists have ``package`` (``apt-cache policy`` names a
    candidate); False where there is no apt."""
    if shutil.which("apt-cache") is None:
        return False
    done = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True)
    return any(line.strip().startswith("Candidate:") and "(none)" not in line
               for line in done.stdout.splitlines())


def installed(marker: str | tuple[str, ...]) -> bool:
    """Whether any of the marker files exists."""
    return any(Path(path).exists() for path in ((marker,) if isinstance(marker, str) else marker))


def missing_packages() -> list[str]:
    """The kit's system packages that are not installed here (of the split ones, those apt
    offers on this release)."""
    missing = [name for name, marker in SYSTEM_PACKAGES.items() if not installed(marker)]
    missing += [name for name, marker in SPLIT_PACKAGES.items()
                if not installed(marker) and apt_offers(name)]
    if "busybox-static" not in missing:
        from ..images.base import find_static_busybox

        if find_static_busybox() is None:
            missing.append("busybox-static")
    return missing


def install_packages(packages: list[str], prefix: list[str]) -> None:
    """``apt-get install`` the given packages, with a clear error when apt fails."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    steps = [prefix + ["apt-get", "update", "-q"],
             prefix + ["apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise EngineSetupFailed(
                f"`{' '.join(step)}` failed:\n{done.stderr.strip()[-1500:]}",
                "Check that this machine reaches Debian's package mirror, or install "
                f"{', '.join(packages)} yourself, then run this again.")


def _read_state() -> dict | None:
    try:
        state = json.loads(_state_file().read_text())
    except (OSError, ValueError):
        return None
    return state if is_dockerd(state.get("pid", -1)) else None




def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log written)"


#: what Docker's own systemd unit gives dockerd (LimitNOFILE): an engine holds a descriptor
#: per layer, container log and connection, so a login shell's 1,024 starves it
DOCKERD_OPEN_FILES = 1048576


def _raise_open_file_limit() -> None:
    """In the child before exec: lift the open-file limit to what dockerd's unit gives it
    (as root), or to the hard limit we have."""
    import resource

    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (DOCKERD_OPEN_FILES, DOCKERD_OPEN_FILES))
    except (ValueError, OSError):  # not root: as far as this user may go
        _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def start_dockerd(prefix: list[str]) -> int:
    """Start ``dockerd`` in the background; return its pid once it answers."""
    state_dir().mkdir(parents=True, exist_ok=True)
    command = prefix + ["dockerd", "--log-level=warn"]
    if prefix:  # started through sudo: let this user's group open the socket
        command += ["--group", str(os.getegid())]
    with open(log_file(), "ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=_raise_open_file_limit)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EngineSetupFailed(
                f"dockerd exited at once (code {process.returncode}). Its log says:\n"
                f"{_tail(log_file())}", f"The full log is {log_file()}.")
        try:
            find_engine()
        except EngineNotFound:
            time.sleep(0.5)
            continue
        return process.pid
    process.terminate()
    raise EngineSetupFailed(f"dockerd did not answer within {START_TIMEOUT} s.",
                            f"Its log is {log_file()}:\n{_tail(log_file())}")


def ensure_system_packages() -> list[str]:
    """Install the kit's missing system packages when allowed (root or passwordless sudo on
    Debian/Ubuntu); return what was installed. Elsewhere, ``dockerlab doctor`` names them."""
    missing = missing_packages()
    prefix = _privilege_prefix() if missing else None
    if not missing or prefix is None or not is_debian_like():
        return []
    install_packages(missing, prefix)
    offered_now = [name for name, marker in SPLIT_PACKAGES.items()  # lists were refreshed
                   if name not in missing and not installed(marker) and apt_offers(name)]
    if offered_now:
        install_packages(offered_now, prefix)
    return missing + offered_now


def ensure_engine(install: bool = True) -> EngineStatus:
    """Use the engine that answers, or start one when allowed; with ``install``, first add
    the kit's missing system packages (the engine itself among them) where that is allowed."""
    installed = ensure_system_packages() if install else []
    done = f"dockerlab installed {', '.join(installed)}; " if installed else ""
    try:
        location = find_engine()
        return EngineStatus(location, False,
                            f"{done}Docker Engine found at {location.url} ({location.how}).")
    except EngineNotFound as not_found:
        prefix = _privilege_prefix()
        if os.environ.get("DOCKER_HOST") or prefix is None or not is_debian_like():
            raise not_found
    if not shutil.which("dockerd") and not Path("/usr/sbin/dockerd").exists():
        raise EngineSetupFailed("dockerd is not installed.",
                                "Install Debian's docker.io package, then run this again.")
    pid = start_dockerd(prefix)
    _state_file().write_text(json.dumps({"pid": pid, "log": str(log_file()),
                                         "sudo": bool(prefix), "started": time.time()}))
    return EngineStatus(find_engine(), True,
                        f"{done or 'dockerlab '}started dockerd (pid {pid}, log {log_file()}); "
                        "stop it with `python -m dockerlab engine down`.")


def stop_started_engine() -> str:
    """Stop the dockerd the kit started (and only that one); say what happened."""
    state = _read_state()
    _state_file().unlink(missing_ok=True)
    if state is None:
        return "No engine started by dockerlab is running; nothing to stop."
    pid = state["pid"]
    if state.get("sudo"):
        subprocess.run(["sudo", "-n", "kill", "-TERM", str(pid)], check=False)
    else:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while is_dockerd(pid) and time.monotonic() < deadline:
        time.sleep(0.3)
    if is_dockerd(pid):
        os.kill(pid, signal.SIGKILL)
        return f"dockerd (pid {pid}) did not stop within {STOP_TIMEOUT} s and was killed."
    return f"Stopped the dockerd that dockerlab started (pid {pid})."
