"""Finding the Docker Engine the way the learner's own tools would, and connecting to it.

The places tried, in order (similar to what the ``docker`` CLI does):

1. ``DOCKER_HOST`` (with ``DOCKER_TLS_VERIFY`` / ``DOCKER_CERT_PATH``): the user's explicit
   choice, so nothing else is tried when it is set;
2. the active Docker context (``DOCKER_CONTEXT`` or ``currentContext`` in
   ``~/.docker/config.json``) when it is not ``default``;
3. the default socket ``/var/run/docker.sock``;
4. rootless Docker: ``$XDG_RUNTIME_DIR/docker.sock``;
5. Docker Desktop: ``~/.docker/run/docker.sock``; Colima: ``~/.colima/default/docker.sock``.

The API version is negotiated with the server (``version="auto"``), never pinned.

:func:`connect` is the kit's one way to open a client on an engine (the one found here, or
any URL: a private engine's socket, TLS on loopback): it pings the engine, and turns the
classic mistakes (a wrong socket path, a wrong or missing certificate, an API version the
engine refuses) into one clear paragraph each (:func:`dockerlab.errors.translate`).
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

import docker

from ..errors import EngineNotFound, EnginePermissionDenied, translate
from .transport import EngineAPIClient

DEFAULT_SOCKET = "/var/run/docker.sock"
PING_TIMEOUT = 5
API_TIMEOUT = 120


@dataclass(frozen=True)
class Candidate:
    """One place an engine might listen, and why the kit looks there."""

    url: str
    how: str
    tls: object = None
    explicit: bool = False

    @property
    def socket_path(self) -> Path | None:
        for scheme in ("unix://", "http+unix://"):
            if self.url.startswith(scheme):
                return Path(self.url[len(scheme):])
        return None


@dataclass
class EngineLocation:
    """Where the engine answered, how it was found, and what was tried before."""

    url: str
    how: str
    tls: object = None
    tried: list[str] = field(default_factory=list)


def _context_candidate(environ) -> Candidate | None:
    from docker.context import ContextAPI

    name = environ.get("DOCKER_CONTEXT")
    try:
        context = ContextAPI.get_context(name)
    except Exception:  # a broken ~/.docker/config.json must not stop the search
        return None
    if context is None or context.Name == "default" or not context.Host:
        return None
    return Candidate(context.Host, f"Docker context '{context.Name}'", context.TLSConfig,
                     explicit=bool(name))


def candidates(environ=None) -> list[Candidate]:
    """Every place to try, in order."""
    environ = os.environ if environ is None else environ
    host = environ.get("DOCKER_HOST")
    if host:
        from docker.utils import kwargs_from_env

        tls = kwargs_from_env(environment=environ).get("tls")
        return [Candidate(host, "DOCKER_HOST environment variable", tls, explicit=True)]
    found = []
    context = _context_candidate(environ)
    if context:
        found.append(context)
        if context.explicit:
            return found
    found.append(Candidate(f"unix://{DEFAULT_SOCKET}", "default socket"))
    runtime_dir = environ.get("XDG_RUNTIME_DIR")
    if runtime_dir:
        found.append(Candidate(f"unix://{runtime_dir}/docker.sock", "rootless Docker socket"))
    home = Path(environ.get("HOME", str(Path.home())))
    found.append(Candidate(f"unix://{home}/.docker/run/docker.sock", "Docker Desktop socket"))
    found.append(Candidate(f"unix://{home}/.colima/default/docker.sock", "Colima socket"))
    return found


def _ping(candidate: Candidate) -> None:
    """Raise if no engine answers at this candidate."""
    client = EngineAPIClient(base_url=candidate.url, tls=candidate.tls, version="auto",
                             timeout=PING_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def _probe(candidate: Candidate) -> str | None:
    """``None`` when the engine answers, otherwise a short reason (``"denied"`` for EACCES)."""
    path = candidate.socket_path
    if path is not None and not path.exists():
        return "no socket there"
    if path is not None and not os.access(path, os.R_OK | os.W_OK):
        return "denied"
    try:
        _ping(candidate)
    except Exception as error:  # any failure means "not here"; the reason is reported
        if isinstance(error, (PermissionError, EnginePermissionDenied)) \
                or "Permission denied" in str(error):
            return "denied"
        return f"no answer ({type(error).__name__})"
    return None


def find_engine(environ=None) -> EngineLocation:
    """The first place an engine answers, or a clear error saying what to do."""
    tried: list[str] = []
    denied: list[Candidate] = []
    tried_candidates = candidates(environ)
    for candidate in tried_candidates:
        reason = _probe(candidate)
        if reason is None:
            return EngineLocation(candidate.url, candidate.how, candidate.tls, tried)
        tried.append(f"{candidate.how} ({candidate.url}): {reason}")
        if reason == "denied":
            denied.append(candidate)
    if denied:
        raise permission_denied(denied[0], tried)
    raise engine_not_found(tried_candidates, tried)


def client_for(url: str, tls=None, *, version: str = "auto", timeout: int = API_TIMEOUT):
    """A ``docker.DockerClient`` (not yet pinged) on an :class:`EngineAPIClient`."""
    client = docker.DockerClient.__new__(docker.DockerClient)
    client.api = EngineAPIClient(base_url=url, tls=tls, version=version, timeout=timeout)
    return client


# --- connecting, with clear errors ----------------------------------------------------------

def connect(where: EngineLocation | str | None = None, tls=None, *, version: str = "auto",
            timeout: int = API_TIMEOUT):
    """A ``docker.DockerClient`` for an engine that answered a ping.

    ``where`` is a URL (``unix:///run/x/docker.sock``, or ``tcp://127.0.0.1:PORT`` with
    ``tls``), an :class:`EngineLocation`, or nothing: then the engine :func:`find_engine`
    finds. Similar to ``docker [-H URL --tlsverify ...] version``. Every failure is a
    :class:`~dockerlab.errors.DockerLabError` naming what went wrong (a wrong socket path, a
    wrong or missing certificate, an API version the engine refuses: :func:`~dockerlab.errors.translate`).
    """
    if not isinstance(where, EngineLocation):
        where = find_engine() if where is None else EngineLocation(where, "given URL", tls)
    url, tls = where.url, where.tls if tls is None else tls
    path = url[len("unix://"):] if url.startswith("unix://") else None
    if path is not None and not Path(path).exists():
        raise translate(FileNotFoundError(path), url=url)
    client = None
    try:
        client = client_for(url, tls, version=version, timeout=timeout)
        if version != "auto":  # with "auto" the client has just asked the engine its version
            client.ping()
    except Exception as error:
        if client is not None:
            client.close()
        raise translate(error, url=url) from None
    return client


# --- messages a learner can act on ---------------------------------------------------------

def _platform_advice() -> str:
    system = platform.system()
    if system == "Darwin":
        return ("On macOS, start Docker Desktop (or `colima start`), wait until it says it is "
                "running, then run this again.")
    if system == "Windows":
        return ("On Windows, start Docker Desktop and wait until it says it is running, then "
                "run this again.")
    if os.geteuid() == 0:
        return ("You are root: `./kit lab` or `python -m dockerlab engine up` installs "
                "Debian's docker.io when missing and starts dockerd for you.")
    return ("On Linux, start the engine (`sudo systemctl start docker`, or `./kit lab`, which "
            "starts one when you have passwordless sudo). With rootless Docker run "
            "`systemctl --user start docker`; with Podman run `systemctl --user start "
            "podman.socket` and set DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock.")


def engine_not_found(tried_candidates: list[Candidate], tried: list[str]) -> EngineNotFound:
    explicit = next((c for c in tried_candidates if c.explicit), None)
    if explicit is not None:
        return EngineNotFound(
            f"No Docker Engine answers at {explicit.url}, which the {explicit.how} "
            f"asks for ({tried[-1].rsplit(': ', 1)[-1]}).",
            f"Check that address, or unset {'DOCKER_HOST' if 'DOCKER_HOST' in explicit.how else 'DOCKER_CONTEXT'} "
            "to let the kit look in the usual places (and start an engine there when it can).")
    return EngineNotFound(
        "No Docker Engine answers on this machine. The kit looked at: "
        + "; ".join(tried) + ".", _platform_advice())


def permission_denied(candidate: Candidate, tried: list[str]) -> EnginePermissionDenied:
    return EnginePermissionDenied(
        f"A Docker Engine socket exists at {candidate.socket_path}, but this user may not "
        "open it.",
        "Add yourself to the `docker` group (`sudo usermod -aG docker $USER`, then log out "
        "and in again), or use rootless Docker. Membership of that group is equivalent to "
        "root on this machine: that is why the socket is closed by default.")
