"""A real local registry (CNCF distribution) on 127.0.0.1, and push/pull through the SDK.

::

    registry = LocalRegistry.start(lab)          # a free port, storage in a temp dir
    report = push(lab, lab.base_image, registry.reference("kit/busybox", "v1"))
    pulled = pull(lab, registry.reference("kit/busybox", "v1"))   # pulled.image
    registry.logs()                              # what the registry itself printed
    registry.stop()                              # process/container gone, storage deleted

How the registry runs, in order of preference:

1. the ``registry:2`` image, **only when it is already in the local image store** (the kit
   never pulls it unless the user opted in with ``DOCKERLAB_ALLOW_PULL=1``);
2. the distribution's own binary (Debian's ``/usr/bin/docker-registry``) as a host process
   with a generated config file.

Either way it listens on 127.0.0.1 only (the engine treats 127.0.0.0/8 registries as
"insecure", so plain HTTP works without TLS), keeps its storage in a temporary directory, and
is stopped with its storage deleted by :meth:`LocalRegistry.stop`, by ``with`` blocks, and at
interpreter exit. A process registry also dies with its parent (``PR_SET_PDEATHSIG``), and the
temporary directories of crashed sessions are swept the next time a registry starts.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import docker.errors

from ..containers.run import launch, remove_quietly
from ..errors import DockerLabError, RegistryStartFailed, mapped
from ..host import free_port
from ..images.references import parse_reference
from .api import RegistryAPI
from .process import (  # noqa: F401 (re-exported)
    BINARY_CANDIDATES,
    BINARY_ENV,
    WORKDIR_PREFIX,
    _die_with_parent,
    find_binary,
    htpasswd_line,
    registry_config,
    sweep_stale,
    with_parent_death_signal,
)
from .transfer import TransferReport, login, pull, push  # noqa: F401 (re-exported)

REGISTRY_IMAGE = "registry:2"
START_TIMEOUT = 15.0
CONTAINER_PORT = 5000

#: every registry started in this interpreter and not yet stopped
_RUNNING: list[LocalRegistry] = []


# --- the registry ------------------------------------------------------------------------
class LocalRegistry:
    """One running registry: its address, storage, logs, and how to stop it."""

    def __init__(self, lab, workdir: Path, port: int, kind: str, users: tuple[str, ...]):
        self.lab = lab
        self.workdir = workdir
        self.port = port
        #: ``"process"`` (the host binary) or ``"container"`` (the ``registry:2`` image)
        self.kind = kind
        #: user names of the htpasswd file (passwords are never kept)
        self.users = users
        self.process: subprocess.Popen | None = None
        self.container = None
        self._log = None

    # --- starting -----------------------------------------------------------------------
    @classmethod
    def start(cls, lab, *, users: dict[str, str] | None = None, port: int | None = None,
              mode: str = "auto", image: str = REGISTRY_IMAGE, binary: str | None = None,
              timeout: float = START_TIMEOUT) -> LocalRegistry:
        """Start a registry on 127.0.0.1; similar to ``docker run -d -p 127.0.0.1:P:5000
        registry:2``.

        ``users`` (name -> password) turns on htpasswd authentication. ``mode`` is
        ``"auto"``, ``"process"`` or ``"container"``; ``port`` defaults to a free one.
        """
        if mode not in {"auto", "process", "container"}:
            raise RegistryStartFailed(f"Unknown registry mode {mode!r}.",
                                      "Use 'auto', 'process' or 'container'.")
        sweep_stale()
        kind = cls._choose(lab, mode, image, binary)
        attempts = 1 if port else 3
        for attempt in range(attempts):
            registry = cls._prepare(lab, port or free_port(), kind, users or {})
            try:
                registry._launch(image=image, binary=binary or find_binary())
                registry._wait_until_ready(timeout)
                lab.on_cleanup(registry.stop)  # lab.cleanup() stops it too
                return registry
            except RegistryStartFailed:
                taken = "address already in use" in registry.logs(tail=20).lower()
                registry.stop()
                if not taken or attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _choose(lab, mode: str, image: str, binary: str | None) -> str:
        has_image = mode != "process" and _image_present(lab, image)
        if mode == "container" or (mode == "auto" and has_image):
            if has_image or lab.policy.allow_pull:
                return "container"
            raise RegistryStartFailed(
                f"The image '{image}' is not in the local image store, and the kit does not "
                "pull it unless you opt in.",
                "Use mode='process' (Debian's docker-registry binary), or opt in to pulls "
                "with DOCKERLAB_ALLOW_PULL=1 when you have network access.")
        if binary or find_binary():
            return "process"
        raise RegistryStartFailed(
            "No registry to start: the 'registry:2' image is not present and the "
            "distribution binary (docker-registry) is not installed.",
            "Install it with `apt-get install docker-registry` (or point "
            f"{BINARY_ENV} at a `registry` binary), or opt in to pulling registry:2 with "
            "DOCKERLAB_ALLOW_PULL=1 and mode='container'.")

    @classmethod
    def _prepare(cls, lab, port: int, kind: str, users: dict[str, str]) -> LocalRegistry:
        workdir = Path(tempfile.mkdtemp(prefix=f"{WORKDIR_PREFIX}{os.getpid()}-"))
        (workdir / "owner.pid").write_text(str(os.getpid()))
        (workdir / "data").mkdir()
        registry = cls(lab, workdir, port, kind, tuple(sorted(users)))
        _RUNNING.append(registry)
        inside = kind == "container"
        storage = "/var/lib/registry" if inside else str(workdir / "data")
        auth_file = None
        if users:
            (workdir / "auth").mkdir()
            (workdir / "auth" / "htpasswd").write_text(
                "".join(htpasswd_line(user, password) + "\n" for user, password in users.items()))
            auth_file = "/auth/htpasswd" if inside else str(workdir / "auth" / "htpasswd")
        address = f":{CONTAINER_PORT}" if inside else f"127.0.0.1:{port}"
        (workdir / "config.yml").write_text(registry_config(storage, address,
                                                            htpasswd=auth_file))
        return registry

    def _launch(self, image: str, binary: str | None) -> None:
        if self.kind == "container":
            self._launch_container(image)
            return
        self._log = open(self.workdir / "registry.log", "wb")  # noqa: SIM115 (closed in stop)
        command, hook = with_parent_death_signal(
            [binary, "serve", str(self.workdir / "config.yml")])
        try:
            self.process = subprocess.Popen(
                command, stdout=self._log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, cwd=self.workdir, preexec_fn=hook)
        except OSError as error:
            raise RegistryStartFailed(f"Could not run the registry binary {binary}: {error}.",
                                      f"Check the file, or set {BINARY_ENV}.") from None
        (self.workdir / "registry.pid").write_text(str(self.process.pid))

    def _launch_container(self, image: str) -> None:
        client = self.lab.client
        if self.lab.policy.allow_pull and not _image_present(self.lab, image):
            client.images.pull(image)
        volumes = {str(self.workdir / "data"): {"bind": "/var/lib/registry", "mode": "rw"},
                   str(self.workdir / "config.yml"):
                       {"bind": "/etc/docker/registry/config.yml", "mode": "ro"}}
        if self.users:
            volumes[str(self.workdir / "auth")] = {"bind": "/auth", "mode": "ro"}
        try:
            self.container = launch(
                self.lab, None, image, name=f"dockerlab-registry-{self.port}",
                ports={f"{CONTAINER_PORT}/tcp": ("127.0.0.1", self.port)}, volumes=volumes)
        except DockerLabError as error:
            raise RegistryStartFailed(
                f"The registry container did not start: {error.message}",
                "Another program may hold the port; try again (a new free port is chosen) "
                "or use mode='process'.") from None

    def _wait_until_ready(self, timeout: float) -> None:
        api = RegistryAPI(self.host, timeout=1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                break
            try:
                api.ping()
                return
            except Exception:  # not listening yet
                time.sleep(0.1)
        state = "exited" if not self.running else f"did not answer within {timeout:.0f} s"
        raise RegistryStartFailed(
            f"The local registry ({self.kind}) {state}. Its last log lines:\n"
            f"{self.logs(tail=8)}",
            "Read the log lines: a port already in use or a bad config are the usual causes.")

    # --- using it -----------------------------------------------------------------------
    @property
    def host(self) -> str:
        """``127.0.0.1:<port>``: the registry part of an image name."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    @property
    def storage(self) -> Path:
        """Where the blobs and manifests live on disk (inside the temporary directory)."""
        return self.workdir / "data"

    @property
    def running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        if self.container is not None:
            try:
                self.container.reload()
            except docker.errors.NotFound:
                return False
            return self.container.status == "running"
        return False

    def reference(self, repository: str, tag: str = "latest") -> str:
        """The full image name in this registry, e.g. ``127.0.0.1:41234/kit/busybox:v1``."""
        separator = "@" if tag.startswith("sha256:") else ":"
        return f"{self.host}/{repository}{separator}{tag}"

    def api(self, username: str | None = None, password: str | None = None) -> RegistryAPI:
        """A :class:`RegistryAPI` client for this registry (HTTP API v2 by hand)."""
        return RegistryAPI(self.host, username, password)

    def login(self, username: str, password: str) -> dict:
        """Log the engine in; ``lab.client.login(username, password, registry=self.host)``."""
        return login(self.lab, self.host, username, password)

    def logs(self, tail: int | None = 40) -> LogText:
        """What the registry printed (its own log lines); similar to ``docker logs --tail``."""
        if self.container is not None:
            try:
                text = self.container.logs(tail=tail or "all").decode(errors="replace")
            except docker.errors.NotFound:
                text = ""
        else:
            try:
                text = (self.workdir / "registry.log").read_text(errors="replace")
            except OSError:
                text = ""
        lines = text.splitlines()
        return LogText("\n".join(lines[-tail:] if tail else lines))

    def files(self) -> list[str]:
        """The storage tree, relative to the storage root (blobs by digest, repositories)."""
        return sorted(str(p.relative_to(self.storage)) for p in self.storage.rglob("*")
                      if p.is_file())

    # --- stopping -----------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the registry, untag the local images named after it, delete its storage.

        Safe to call twice. Similar to ``docker rm -f`` on the registry plus ``rm -rf``.
        """
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.container is not None:
            remove_quietly(self.container)
        if self._log is not None:
            self._log.close()
        self._untag_local_images()
        shutil.rmtree(self.workdir, ignore_errors=True)
        if self in _RUNNING:
            _RUNNING.remove(self)

    def _untag_local_images(self) -> None:
        """Remove image names that point into this registry (they would dangle after it)."""
        try:
            images = self.lab.client.images.list()
        except Exception:  # the engine is gone: nothing to untag
            return
        prefix = f"{self.host}/"
        for image in images:
            refs = (image.attrs.get("RepoTags") or []) + (image.attrs.get("RepoDigests") or [])
            for ref in refs:
                if ref.startswith(prefix):
                    try:
                        self.lab.client.images.remove(ref)
                    except docker.errors.APIError:
                        pass  # in use by a session container: lab.cleanup() removes both

    def __enter__(self) -> LocalRegistry:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        auth = f" users={list(self.users)}" if self.users else ""
        state = "running" if self.running else "stopped"
        return f"<LocalRegistry {self.url} {self.kind} {state}{auth}>"


class LogText(str):
    """A string that a notebook shows as plain lines (no quotes, real newlines)."""

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def _image_present(lab, image: str) -> bool:
    try:
        lab.client.images.get(image)
    except docker.errors.ImageNotFound:
        return False
    return True


def running() -> list[LocalRegistry]:
    """The registries this interpreter started and has not stopped yet."""
    return list(_RUNNING)


def current(lab) -> LocalRegistry:
    """The most recently started registry that still runs, or a new one for ``lab``."""
    for registry in reversed(_RUNNING):
        if registry.running and not registry.users:
            return registry
    return LocalRegistry.start(lab)


EXERCISE_REPOSITORY = "exercise/layered"


def exercise_image(lab, tag: str = "v1") -> tuple[str, str, str]:
    """Make sure the current registry has a two-layer image; return ``(host, repository, tag)``.

    The image is the kit's busybox plus one layer written by a ``RUN`` step; it is built and
    pushed only when the registry does not have it yet.
    """
    import io

    from ..errors import RegistryNotFound

    registry = current(lab)
    try:
        registry.api().manifest_digest(EXERCISE_REPOSITORY, tag)
    except RegistryNotFound:
        dockerfile = (f"FROM {lab.base_image}\n"
                      "RUN echo 'a second layer' > /second-layer.txt\n")
        with mapped(about="image"):
            image, _ = lab.client.images.build(fileobj=io.BytesIO(dockerfile.encode()))
        push(lab, image.id, registry.reference(EXERCISE_REPOSITORY, tag), progress=False)
    return registry.host, EXERCISE_REPOSITORY, tag


def stop_all() -> int:
    """Stop every registry this interpreter started; return how many."""
    stopped = 0
    for registry in list(_RUNNING):
        registry.stop()
        stopped += 1
    return stopped


def repository_of(reference: str) -> tuple[str, str, str]:
    """``(registry host, repository, tag or digest)`` of a full image name."""
    parsed = parse_reference(reference)
    return parsed.registry, parsed.path, parsed.digest or parsed.tag or "latest"


atexit.register(stop_all)
