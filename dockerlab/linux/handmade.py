"""A container by hand: image layers + overlay + namespaces + cgroup + pivot_root.

What ``docker run --hostname handmade --memory 64m IMAGE sh`` asks runc to do, done step by
step with the pieces of the other modules:

1. unpack the image's layers (:mod:`dockerlab.images.layers`) into directories, one per layer;
2. stack them with an empty upper directory as an overlay (:mod:`.overlay`): the root;
3. make a cgroup with a memory limit and put the new process in it (:mod:`.cgroups`);
4. give it new UTS, PID, mount, network and IPC namespaces and a hostname (:mod:`.namespaces`);
5. ``pivot_root`` into the overlay (unlike ``chroot``, which only changes where path lookups
   start, ``pivot_root`` swaps the mount namespace's root, so the old root can be unmounted
   and is really gone), mount a fresh ``/proc`` and a tiny ``/dev``;
6. ``exec`` the image's own ``/bin/sh``.

:func:`compare` runs the same report script both ways and puts the answers side by side.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

from ..errors import DemoFailed
from .boxes import Run
from .cgroups import Cgroup, container_limits
from .isolation import Isolation
from .overlay import image_overlay

NAMESPACES = ("uts", "pid", "mnt", "net", "ipc")

#: the facts compared; every line is key=value, printed by the image's own busybox
REPORT_SCRIPT = """\
echo hostname=$(hostname)
echo pid=$$
echo processes=$(ls /proc | grep -c '^[0-9]')
echo interfaces=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ' ')
echo mounts=$(cut -d' ' -f5 /proc/self/mountinfo | sort | tr '\\n' ' ')
echo root=$(ls / | tr '\\n' ' ')
echo uid=$(id -u)
echo end=1
"""


def isolation(tree, group, hostname: str) -> Isolation:
    """The recipe of the container by hand: every piece named in the module docstring."""
    return Isolation(namespaces=NAMESPACES, hostname=hostname, mounts=[tree.mount()],
                     rootfs=tree.merged, cgroups=group.directories)


@contextlib.contextmanager
def handmade_container(lab, box, image: str, hostname: str = "handmade", memory="64m"):
    """The root, the cgroup and the recipe, ready to :meth:`run`; all removed at the end."""
    with image_overlay(box, lab.client, image) as tree, Cgroup(box, memory=memory) as group:
        yield HandmadeContainer(box, tree, group, isolation(tree, group, hostname))


@dataclass
class HandmadeContainer:
    box: object
    tree: object
    cgroup: Cgroup
    recipe: Isolation

    def run(self, script: str = REPORT_SCRIPT) -> Run:
        """Run ``script`` with the image's ``/bin/sh`` as PID 1 of the container by hand."""
        return self.box.run(script, self.recipe)


def handmade_report(lab, box, image: str, hostname: str = "handmade", memory="64m") -> dict:
    """The report script's answers inside a container made by hand, plus its memory limit."""
    with handmade_container(lab, box, image, hostname, memory) as container:
        run = container.run()
        if run.exit_code:
            raise DemoFailed(f"The container by hand failed: {run.errors.strip()}",
                             "Read the message; it names the step that failed.")
        values = run.values()
        values["memory_limit"] = container.cgroup.memory_limit
    return values


def docker_report(lab, box, image: str, hostname: str = "handmade", memory="64m",
                  wait: float = 30.0) -> dict:
    """The same answers from ``docker run --hostname ... --memory ... --network none``.

    ``--network none`` gives the container a network namespace with only loopback, like
    the one made by hand (by default Docker also plugs in a virtual ethernet pair).
    """
    container = lab.start(REPORT_SCRIPT + "sleep 120", image, hostname=hostname,
                          mem_limit=memory, network_mode="none")
    try:
        deadline = time.monotonic() + wait
        while b"end=1" not in container.logs() and time.monotonic() < deadline:
            time.sleep(0.1)
        values = Run(0, container.logs().decode(errors="replace")).values()
        values["memory_limit"] = container_limits(box, container)["memory"]
    finally:
        container.remove(force=True)
    return values


@dataclass
class Comparison:
    rows: list

    def __str__(self) -> str:
        width = max(len(key) for key, _, _ in self.rows)
        lines = [f"{'':<{width}}  by hand | docker run"]
        for key, ours, theirs in self.rows:
            lines.append(f"{key:<{width}}  {ours}\n{'':<{width}}  {theirs}  (docker run)"
                         if len(str(ours)) > 30 else f"{key:<{width}}  {ours} | {theirs}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def value(self, key: str) -> tuple:
        for name, ours, theirs in self.rows:
            if name == key:
                return ours, theirs
        raise KeyError(key)


def compare(lab, box, image: str, hostname: str = "handmade", memory="64m") -> Comparison:
    """The container by hand and ``docker run`` of the same image, fact by fact."""
    ours = handmade_report(lab, box, image, hostname, memory)
    theirs = docker_report(lab, box, image, hostname, memory)
    keys = ["hostname", "pid", "processes", "uid", "memory_limit", "interfaces", "root",
            "mounts"]
    return Comparison([(key, ours.get(key), theirs.get(key)) for key in keys])
