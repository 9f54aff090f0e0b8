"""Under the hood: the Linux features a container is made of, shown one at a time.

::

    from dockerlab import linux
    box = linux.box_for(lab)                      # this host (root) or the helper container
    linux.namespaces.uts_demo(box)                # a hostname only the child sees
    with linux.cgroups.Cgroup(box, memory="32m") as group: ...
    with linux.overlay.OverlayTree(box) as tree: ...
    linux.handmade.compare(lab, box, image)       # a container by hand vs. ``docker run``

Modules: :mod:`.syscalls` (ctypes: unshare, setns, mount, umount2, pivot_root,
sethostname), :mod:`.isolation` (the recipe), :mod:`.child` (applies it in a child process),
:mod:`.boxes` and :mod:`.helper` (where demos run), :mod:`.namespaces`, :mod:`.cgroups`,
:mod:`.overlay`, :mod:`.handmade`.

Every demo changes state only in child processes (or the helper container) and removes
what it created (mounts, cgroups, temporary trees) when its block ends, on errors too, and
at interpreter exit at the latest.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from ..host import pid_alive
from . import syscalls

MODE_ENV = "DOCKERLAB_DEMO_MODE"
HOST = "host"
HELPER = "helper container"


class DemoMode(str):
    """``"host"`` or ``"helper container"``, with the one-line ``reason`` it was chosen."""

    reason: str = ""

    def __new__(cls, mode: str, reason: str):
        value = super().__new__(cls, mode)
        value.reason = reason
        return value


def _host_problem() -> str | None:
    """Why the demos cannot run on this host directly, or ``None`` when they can."""
    if not sys.platform.startswith("linux"):
        return f"this is {sys.platform}, not Linux: the engine's Linux runs in a VM"
    if os.geteuid() != 0:
        return "the notebook does not run as root (namespaces, mounts and cgroups need it)"
    if not syscalls.available():
        return "the C library lacks unshare/setns/mount"
    try:
        filesystems = Path("/proc/filesystems").read_text()
    except OSError:
        return "/proc/filesystems cannot be read"
    if "\toverlay\n" not in filesystems:
        return "the kernel has no overlay filesystem (try `modprobe overlay`)"
    return None


def demo_mode() -> DemoMode:
    """Which way the under-the-hood demos run here; ``dockerlab doctor`` reports it.

    ``DOCKERLAB_DEMO_MODE=helper`` forces the helper container (to try it as root).
    """
    forced = os.environ.get(MODE_ENV, "").strip().lower()
    if forced.startswith("helper"):
        return DemoMode(HELPER, f"{MODE_ENV}={forced} asks for the helper container")
    problem = _host_problem()
    if problem is None:
        return DemoMode(HOST, "root on Linux with unshare and overlayfs: demos run on this "
                              "host, in child processes")
    return DemoMode(HELPER, f"{problem}; demos run in a privileged helper container")


def box_for(lab=None, mode: str | None = None):
    """The box the demos use: :class:`HostBox` or the session's helper container."""
    from .boxes import HostBox
    from .helper import HelperBox

    mode = mode or demo_mode()
    if mode == HOST:
        problem = _host_problem()
        if problem:
            from ..errors import NeedsRoot

            raise NeedsRoot(f"The demos cannot run on this host: {problem}.",
                            "Use the helper container: `linux.box_for(lab, 'helper "
                            "container')` (it needs a Docker Engine).")
        return HostBox()
    if lab is None:
        from ..errors import DemoFailed

        raise DemoFailed("The helper container needs a lab session.",
                         "Pass the notebook's lab: `linux.box_for(lab)`.")
    existing = getattr(lab, "_linux_helper", None)
    if existing is None or not existing.alive():  # lab.cleanup() removed it: start anew
        existing = lab._linux_helper = HelperBox(lab)
    return existing




_LEFTOVER = re.compile(r"^dockerlab-linux-(?:[a-z]+-)?(\d+)-")


def _creator(name: str) -> int | None:
    """The creator's PID in ``dockerlab-linux-[kind-]<pid>-<random>``, else None."""
    match = _LEFTOVER.match(name)
    return int(match.group(1)) if match else None


def clean_leftovers(tmp: str = "/tmp", cgroup_root: str = "/sys/fs/cgroup") -> list[str]:
    """Remove host-mode demo leftovers whose creating process is gone; what was removed.

    A demo cleans up after itself, at the end of its block or at interpreter exit. Only a
    process killed outright (``kill -9`` of a kernel) skips both; its temporary trees and
    cgroups carry its PID in their names, and this finds them. Live sessions' are kept.
    Similar in spirit to ``docker container prune``; ``dockerlab clean`` can call it.
    """
    import shutil

    from .cgroups import REMOVE_SCRIPT

    removed = []
    for path in sorted(Path(tmp).glob("dockerlab-linux-*")):
        pid = _creator(path.name) if path.is_dir() else None
        if pid is not None and not pid_alive(pid):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    if not Path(cgroup_root).is_dir():
        return removed
    from .boxes import HostBox

    box = None
    for directory, subdirectories, _ in os.walk(cgroup_root):
        for name in subdirectories:
            pid = _creator(name)
            if pid is not None and not pid_alive(pid):
                box = box or HostBox()
                path = os.path.join(directory, name)
                if box.run(REMOVE_SCRIPT.format(path=path)).exit_code == 0:
                    removed.append(path)
    return removed


__all__ = ["demo_mode", "box_for", "clean_leftovers", "DemoMode", "HOST", "HELPER",
           "syscalls"]
