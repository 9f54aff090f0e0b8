"""The learners' system users: one per learner, made by the kit, with a copy of the notebooks.

Similar to ``useradd --create-home --user-group dl-ada`` and ``cp -r notebooks ~dl-ada/``. A
learner's home is mode 0700 (no other learner reads it); their processes are found by uid in
``/proc`` and ended by pid when the class stops.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

from ..errors import EngineSetupFailed
from ..host import uid_of
from .names import is_learner

KIT_ROOT = Path(__file__).resolve().parents[2]
COMMENT = "dockerlab classroom learner"


def ensure_user(name: str) -> pwd.struct_passwd:
    """The system user ``name``, created (with its own group and a 0700 home) if missing."""
    if not is_learner(name):
        raise ValueError(f"{name!r} is not a classroom user name (see classroom.names)")
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    made = subprocess.run(["useradd", "--create-home", "--user-group", "--shell", "/bin/bash",
                           "--comment", COMMENT, name], capture_output=True, text=True)
    if made.returncode != 0:
        raise EngineSetupFailed(f"useradd could not create the learner {name}: "
                                f"{made.stderr.strip()}",
                                "The classroom runs as root on a Linux machine with useradd "
                                "(Debian's passwd package).")
    user = pwd.getpwnam(name)
    os.chmod(user.pw_dir, 0o700)
    return user


def copy_notebooks(user: pwd.struct_passwd, source: Path = KIT_ROOT / "notebooks") -> Path:
    """The learner's own copy of the notebooks (left as it is when it already exists)."""
    target = Path(user.pw_dir) / "notebooks"
    if not target.exists():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for path in [target, *target.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
    return target


def state_dir(user: pwd.struct_passwd) -> Path:
    """The kit's state directory for this learner (their progress record lives there)."""
    return Path(user.pw_dir) / ".local" / "state" / "dockerlab"


def learners() -> list[pwd.struct_passwd]:
    """Every system user the classroom made, by name."""
    return sorted((u for u in pwd.getpwall() if is_learner(u.pw_name) and u.pw_gecos == COMMENT),
                  key=lambda u: u.pw_name)


def in_my_pid_namespace(process: Path) -> bool:
    """Whether ``/proc/PID`` is a process of this PID namespace: one with the learner's uid
    in another (a container's, a lane's on the same machine, a rootless engine's inside
    RootlessKit's: stopping that engine ends those) is not the classroom's to end."""
    try:
        return os.readlink(process / "ns" / "pid") == os.readlink("/proc/self/ns/pid")
    except PermissionError:  # another user's, asked as a normal user: cannot tell
        return True
    except OSError:  # gone meanwhile
        return False


def processes_of(uid: int) -> list[int]:
    """The pids of the processes running as ``uid`` (real uid, from ``/proc/PID/status``) in
    the kit's own PID namespace: a container or another machine's root file system (a CI lane
    with a classroom of its own) shows its processes here too, under the same uids."""
    return [int(process.name) for process in Path("/proc").glob("[0-9]*")
            if uid_of(int(process.name)) == uid and in_my_pid_namespace(process)]


def stop_processes(uid: int, timeout: float = 10) -> int:
    """End every process of ``uid`` (TERM, then KILL after ``timeout``); how many there were."""
    pids = processes_of(uid)
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while processes_of(uid) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in processes_of(uid):
        _signal(pid, signal.SIGKILL)
    return len(pids)


def _signal(pid: int, number: int) -> None:
    try:
        os.kill(pid, number)
    except (ProcessLookupError, PermissionError):
        pass


def remove_user(name: str) -> None:
    """Delete a classroom user and their home (``userdel --remove``)."""
    if is_learner(name):
        subprocess.run(["userdel", "--remove", name], capture_output=True)
