"""Each learner's own Docker Engine: the kit's private engine, its socket for that learner.

A :class:`LearnerEngine` is a :class:`~dockerlab.engine.private.PrivateEngine` named
``classroom-<uid>`` (own data root, exec root, containerd namespace, bridge ``dlb-<uid>`` on
its own 10.199.N.0/24) whose UNIX socket belongs to the learner's own group, similar to::

    dockerd ... -H unix:///run/dockerlab/classroom-1001/docker.sock --group dl-ada
    chgrp dl-ada /run/dockerlab/classroom-1001 && chmod 0710 /run/dockerlab/classroom-1001

so the socket (``root:dl-ada``, mode 0660) is reachable by that learner alone. Such an engine
is root on the machine; where the host allows it, a learner gets a rootless one instead
(:mod:`.rootless_engine`, ``dockerlab classroom --engine rootless|auto``).
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import sys
import threading

from ..engine.bridge import create_bridge, delete_bridge
from ..engine.private import RUN_BASE, PrivateEngine, _unmount_below
from ..errors import EngineSetupFailed
from ..host import free_port
from .rootless_engine import MARKER, RootlessEngine, is_rootless, start_or_fall_back

PREFIX = "classroom-"
#: held while an engine reserves its addresses (:func:`reserve`): each bridge takes the first
#: free 10.199.N.0/24, each TCP endpoint a free port; dockerd's start-up runs outside it
_STARTING = threading.Lock()
#: TCP ports handed to engines whose dockerd does not listen on them yet
_PORTS: set[int] = set()
#: one lock per engine: the hub and the instructor's page starting the same one start it once
_ENGINE_LOCKS: dict[str, threading.Lock] = {}


class LearnerEngine(PrivateEngine):
    """A private engine whose socket only one learner's group can open."""

    group: str = "root"

    def __post_init__(self):
        super().__post_init__()
        self._atexit = True  # the hub exiting leaves it to the kit's shutdown, data kept

    def command(self) -> list[str]:
        return [*super().command(), "--group", self.group]


def engine_for(user: pwd.struct_passwd, kind: str | None = None):
    """The learner's engine (not started): rootless when ``kind`` says so, or (``None``)
    when the one they have is."""
    if kind == "rootless" or (kind is None and is_rootless(user)):
        return RootlessEngine(user)
    engine = LearnerEngine(name=f"{PREFIX}{user.pw_uid}", port=0)
    engine.group = grp.getgrgid(user.pw_gid).gr_name
    return engine


def pick_port(taken: set[int], probe=free_port, tries: int = 50) -> int:
    """A port ``probe`` finds free that is not in ``taken`` (then added to it)."""
    for _ in range(tries):
        port = probe()
        if port not in taken:
            taken.add(port)
            return port
    raise EngineSetupFailed("No free TCP port on 127.0.0.1 for a learner's engine.",
                            "Stop whatever holds the loopback ports, then start it again.")


def reserve(engine: PrivateEngine) -> int:
    """Give ``engine`` its bridge (made now on a free subnet, so the next engine sees that
    subnet taken) and a port no other starting engine has; one engine at a time."""
    with _STARTING:
        create_bridge(engine.bridge)
        engine.port = pick_port(_PORTS)
        return engine.port


def _lock_for(name: str) -> threading.Lock:
    with _STARTING:
        return _ENGINE_LOCKS.setdefault(name, threading.Lock())


def start(engine: PrivateEngine) -> PrivateEngine:
    """Start ``engine`` once its addresses are reserved; other engines start meanwhile."""
    port = reserve(engine)
    try:
        return engine.start()
    finally:  # dockerd listens on it now (or has given up): the kernel guards it from here
        with _STARTING:
            _PORTS.discard(port)


def start_for(user: pwd.struct_passwd, kind: str | None = None):
    """Start the learner's engine (if it is not running) and hand its socket to them.

    ``kind``: ``rootful``, ``rootless``, ``auto`` (rootless, else rootful) or ``None`` (the
    kind they have)."""
    if kind in ("rootless", "auto") or (kind is None and is_rootless(user)):
        started = start_or_fall_back(user, fallback=kind == "auto")
        if started is not None:
            return started
    engine = engine_for(user, "rootful")
    with _lock_for(engine.name):
        if engine.pid is None:  # a dockerd killed mid-class stays a zombie of the hub, and
            engine.pidfile.unlink(missing_ok=True)  # dockerd refuses a pid file naming it
        if not engine.running:
            start(engine)
    os.chown(engine.exec_root, 0, user.pw_gid)
    os.chmod(engine.exec_root, 0o710)
    os.chown(engine.socket, 0, user.pw_gid)
    os.chmod(engine.socket, 0o660)
    return engine


def build_base_images(engine: PrivateEngine) -> subprocess.CompletedProcess:
    """Build the kit's offline base images inside the learner's engine."""
    env = {**os.environ, "DOCKER_HOST": engine.url}
    return subprocess.run([sys.executable, "-m", "dockerlab", "base-images"], env=env,
                          capture_output=True, text=True, timeout=600)


def running_engines() -> list[LearnerEngine]:
    """The learner engines whose exec root exists (running, or left by a crash)."""
    if not RUN_BASE.exists():
        return []
    return [_recorded(p) for p in sorted(RUN_BASE.iterdir())
            if p.is_dir() and p.name.startswith(PREFIX)]


def _recorded(exec_root) -> LearnerEngine | RootlessEngine:
    if (exec_root / MARKER).exists():
        try:
            return RootlessEngine(pwd.getpwuid(int(exec_root.name[len(PREFIX):])))
        except (KeyError, ValueError):
            pass  # its learner is gone: what is left is stopped as a rootful engine's
    return LearnerEngine(name=exec_root.name, port=1)


def shut(engine: PrivateEngine | RootlessEngine) -> str:
    """Stop a learner engine and remove its exec root and bridge; its data root stays, so
    that a class started again finds the learner's images."""
    said = engine.stop()
    _unmount_below(engine.exec_root)
    _unmount_below(engine.data_root)
    shutil.rmtree(engine.exec_root, ignore_errors=True)
    delete_bridge(engine.bridge)
    return said


#: what :func:`status` says, for the instructor's table
RUNNING, DOWN, NONE = "running", "down", "no engine"


def status(user: pwd.struct_passwd) -> str:
    """Whether the learner's engine answers (``running``), was started and does not
    (``down``: its dockerd killed or crashed), or does not exist (``no engine``)."""
    import docker

    engine = engine_for(user)
    if not engine.exec_root.exists():
        return NONE
    if not engine.running:
        return DOWN
    try:
        with docker.APIClient(base_url=engine.url, version="auto", timeout=3) as api:
            api.ping()
    except Exception:  # any failure to answer is the same for the instructor: down
        return DOWN
    return RUNNING


def reset(engine: PrivateEngine) -> str:
    """Remove a learner's engine entirely (data too); the next server start makes a new one."""
    return engine.remove()
