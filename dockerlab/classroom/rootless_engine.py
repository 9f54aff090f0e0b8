"""One learner's rootless engine: ``dockerd-rootless.sh`` started as the learner.

Similar to::

    runuser -u dl-ada -- env HOME=/home/dl-ada XDG_RUNTIME_DIR=/run/user/1001 \\
        PATH=/usr/share/docker.io/contrib:... DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS=--pidns \\
        dockerd-rootless.sh &
    echo $! > /run/dockerlab/classroom-1001/rootlesskit.pid    # root's, not the learner's

RootlessKit makes the user namespace (the learner's uid is "root" in it, their subordinate
ids the rest), a network namespace joined to the host's by slirp4netns, and, with
``--pidns``, a PID namespace: when it ends, so does every process of the engine's
containers. The engine's images live in ``~/.local/share/docker``, its socket is
``$XDG_RUNTIME_DIR/docker.sock``. The kit's own record (pid file, the ``rootless`` marker
that tells the classroom which kind of engine a learner has) is in
``/run/dockerlab/classroom-UID``, as a rootful learner engine's exec root is.
"""

from __future__ import annotations

import logging
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

from ..engine.install import state_dir
from ..engine.private import RUN_BASE
from ..errors import EngineSetupFailed
from ..host import runs, uid_of
from . import rootless

START_TIMEOUT = 60
STOP_TIMEOUT = 30
MARKER = "rootless"
log = logging.getLogger("JupyterHub")


def _is_rootlesskit(pid: int, uid: int) -> bool:
    """Whether ``pid`` is a live rootlesskit running as ``uid``."""
    return runs(pid, "rootlesskit") and uid_of(pid) == uid


def processes_in(first: int, count: int) -> list[int]:
    """The pids whose real uid lies in ``first .. first + count - 1`` (a learner's
    containers' processes run as their subordinate ids)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        uid = uid_of(int(entry.name))
        if uid is not None and first <= uid < first + count:
            found.append(int(entry.name))
    return found


def _reap(pid: int, timeout: float = 5) -> None:
    """Wait for ``pid`` if it is a child of this process (else it is not ours to reap)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            return
        time.sleep(0.1)


class RootlessEngine:
    """A learner's rootless engine; the same life cycle as a rootful learner engine."""

    def __init__(self, user: pwd.struct_passwd):
        self.user = user
        self.name = f"classroom-{user.pw_uid}"
        self.exec_root = RUN_BASE / self.name  # the kit's record, root's alone
        self.base = state_dir() / "engines" / self.name
        self.runtime_dir = rootless.runtime_dir(user)
        self.data_root = Path(user.pw_dir) / ".local" / "share" / "docker"
        self.bridge = ""  # no bridge of the kit's: slirp4netns joins it to the host
        self.process: subprocess.Popen | None = None

    @property
    def pidfile(self) -> Path:
        return self.exec_root / "rootlesskit.pid"

    @property
    def socket(self) -> Path:
        return self.runtime_dir / "docker.sock"

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def log(self) -> Path:
        return self.base / "dockerd-rootless.log"

    @property
    def pid(self) -> int | None:
        try:
            pid = int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if _is_rootlesskit(pid, self.user.pw_uid) else None

    @property
    def running(self) -> bool:
        return self.pid is not None and self.socket.exists()

    def environment(self) -> dict:
        """What dockerd-rootless.sh starts with: the learner's, and no more."""
        return {"HOME": self.user.pw_dir, "USER": self.user.pw_name,
                "LOGNAME": self.user.pw_name, "XDG_RUNTIME_DIR": str(self.runtime_dir),
                "PATH": rootless.search_path(), "LANG": "C.UTF-8",
                "DOCKERD_ROOTLESS_ROOTLESSKIT_FLAGS": "--pidns"}

    def start(self, timeout: float = START_TIMEOUT) -> RootlessEngine:
        """Start the engine as the learner (unless it runs) and wait until it answers."""
        if self.running:
            return self
        reason = rootless.why_not(rootless.host_facts())
        if reason:
            raise EngineSetupFailed(f"A rootless engine cannot run here: {reason}",
                                    "Start the classroom with `--engine rootful`.")
        rootless.grant(self.user)
        rootless.make_runtime_dir(self.user)
        self.exec_root.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.exec_root / MARKER).write_text("dockerd-rootless.sh\n")
        self.base.mkdir(parents=True, exist_ok=True)
        try:
            self._launch(timeout)
        except EngineSetupFailed as error:
            if self.process is None or self.process.returncode is None:
                raise  # it hung: a second try would hang the same
            log.warning("classroom: %s's rootless engine exited at once; starting it once "
                        "more (%s)", self.user.pw_name, error.message.splitlines()[0])
            self._launch(timeout)
        return self

    def _launch(self, timeout: float) -> None:
        # what a killed engine leaves (only called when ours is not running): its socket (no
        # answer), pid file (dockerd refuses to start while it names a pid), exec root and
        # RootlessKit's state (containerd's pid file there names a pid of the dead PID
        # namespace, which the new one may reuse: dockerd then waits for a containerd
        # that is not there)
        self.socket.unlink(missing_ok=True)
        (self.runtime_dir / "docker.pid").unlink(missing_ok=True)
        for state in ("docker", "dockerd-rootless"):
            shutil.rmtree(self.runtime_dir / state, ignore_errors=True)
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [rootless.find_script(), "--log-level=warn"], env=self.environment(),
                cwd=self.user.pw_dir, user=self.user.pw_uid, group=self.user.pw_gid,
                extra_groups=[], stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        self.pidfile.write_text(f"{self.process.pid}\n")
        self._wait_until_up(timeout)

    def _wait_until_up(self, timeout: float) -> None:
        import docker

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EngineSetupFailed(
                    f"{self.user.pw_name}'s rootless dockerd exited at once (code "
                    f"{self.process.returncode}). Its log says:\n{self.tail()}",
                    f"The full log is {self.log}.")
            if self.socket.exists():
                try:
                    with docker.APIClient(base_url=self.url, version="auto", timeout=5) as api:
                        api.ping()
                    return
                except Exception:  # not ready yet: the socket exists before the API answers
                    pass
            time.sleep(0.3)
        self.stop()
        raise EngineSetupFailed(f"{self.user.pw_name}'s rootless dockerd did not answer "
                                f"within {timeout:.0f} s.", f"Its log is {self.log}:\n"
                                f"{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log written)"

    def stop(self, timeout: float = STOP_TIMEOUT) -> str:
        """TERM rootlesskit (it hands the signal to dockerd), KILL it after ``timeout``, then
        end any process left with the learner's subordinate ids."""
        pid = self.pid
        if pid is not None:
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _is_rootlesskit(pid, self.user.pw_uid) and time.monotonic() < deadline:
                if self.process is not None:
                    self.process.poll()  # reap it: a zombie of ours is no engine
                time.sleep(0.2)
            if _is_rootlesskit(pid, self.user.pw_uid):
                os.kill(pid, signal.SIGKILL)
            _reap(pid)
        left = self._end_leftovers()
        if pid is None:
            return f"The rootless engine {self.name} is not running."
        extra = f"; ended {left} leftover container processes" if left else ""
        return f"Stopped the rootless engine {self.name} (rootlesskit pid {pid}){extra}."

    def _end_leftovers(self) -> int:
        ranges = rootless.parse_ranges(rootless.SUBUID.read_text()
                                       if rootless.SUBUID.exists() else "")
        found = rootless.range_of(ranges, self.user.pw_name)
        pids = processes_in(*found) if found else []
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        return len(pids)

    def remove(self) -> str:
        """Stop the engine and delete its images (``~/.local/share/docker``) and records."""
        said = self.stop()
        for path in (self.data_root, self.exec_root, self.base, self.runtime_dir / "docker"):
            shutil.rmtree(path, ignore_errors=True)
        self.socket.unlink(missing_ok=True)
        return f"{said} Its images ({self.data_root}) and records are removed."

    def state(self) -> dict:
        return {"kind": "rootless", "data root": str(self.data_root),
                "socket": self.url, "runtime dir": str(self.runtime_dir),
                "pid file": str(self.pidfile), "log": str(self.log)}


def is_rootless(user: pwd.struct_passwd) -> bool:
    """Whether the learner's engine (running or left by a crash) is a rootless one."""
    return (RUN_BASE / f"classroom-{user.pw_uid}" / MARKER).exists()


def start_or_fall_back(user: pwd.struct_passwd, fallback: bool) -> RootlessEngine | None:
    """Start the learner's rootless engine; with ``fallback``, a failure is logged (the
    classroom echoes it) and ``None`` returned, so the caller starts a rootful one."""
    engine = RootlessEngine(user)
    try:
        return engine.start()
    except EngineSetupFailed as error:
        if not fallback:
            raise
        engine.stop()
        shutil.rmtree(engine.exec_root, ignore_errors=True)
        log.warning("classroom: %s's rootless engine did not start, so they get a rootful "
                    "one (root-equivalent): %s", user.pw_name, error.message.splitlines()[0])
        return None
