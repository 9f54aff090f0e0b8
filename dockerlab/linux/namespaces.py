"""Namespaces: each one gives a process its own view of one kind of system resource.

A process's namespaces are the links in ``/proc/<pid>/ns/``: ``uts:[4026531838]`` names the
namespace by an inode number. Two processes in the same namespace show the same number.
The demos create each kind in a child process and compare what the child sees with what
the host (the notebook's side) sees. Similar to ``unshare --uts --pid ... sh`` and
``lsns``/``nsenter``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .boxes import Run
from .isolation import Isolation

KINDS = ("cgroup", "ipc", "mnt", "net", "pid", "user", "uts")
_INODE = re.compile(r"^(\w+):\[(\d+)\]$")


def parse_ns_link(text: str) -> tuple[str, int]:
    """``'uts:[4026531838]'`` -> ``('uts', 4026531838)``."""
    match = _INODE.match(text.strip())
    if not match:
        raise ValueError(f"not a namespace link: {text!r}")
    return match.group(1), int(match.group(2))


def namespace_ids(box, pid="self") -> dict[str, int]:
    """The namespace inode of each kind for process ``pid``; similar to ``lsns -p PID``."""
    script = " ; ".join(f"readlink /proc/{pid}/ns/{kind}" for kind in KINDS)
    return dict(parse_ns_link(line) for line in box.sh(script).split())


@dataclass
class Comparison:
    """One row per namespace kind: the two inode numbers and whether they are shared."""

    left: str
    right: str
    rows: list

    def shared(self) -> list[str]:
        return [kind for kind, a, b in self.rows if a == b]

    def separate(self) -> list[str]:
        return [kind for kind, a, b in self.rows if a != b]

    def __str__(self) -> str:
        lines = [f"{'kind':<7} {self.left:>14} {self.right:>14}  same?"]
        lines += [f"{kind:<7} {a:>14} {b:>14}  {'shared' if a == b else 'separate'}"
                  for kind, a, b in self.rows]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def compare_ids(left: dict, right: dict, names=("host", "container")) -> Comparison:
    kinds = [kind for kind in KINDS if kind in left and kind in right]
    return Comparison(*names, [(kind, left[kind], right[kind]) for kind in kinds])


def container_pid(container) -> int:
    """The host PID of a running container's first process (``docker inspect`` State.Pid)."""
    container.reload()
    pid = container.attrs["State"]["Pid"]
    if not pid:
        from ..errors import InvalidContainerState

        raise InvalidContainerState(
            f"Container {container.name} is not running, so it has no process to look at.",
            "Start it first (`container.start()`), or run one with `lab.start('sleep 300')`.")
    return pid


def compare_with_container(box, container) -> Comparison:
    """Host namespaces vs. a container's; similar to ``ls -l /proc/{self,PID}/ns``."""
    return compare_ids(namespace_ids(box), namespace_ids(box, container_pid(container)))


def parse_uid_map(text: str) -> list[tuple[int, int, int]]:
    """``/proc/PID/uid_map`` lines -> ``(first ID inside, first ID outside, how many)``."""
    return [tuple(int(n) for n in line.split()) for line in text.splitlines()
            if len(line.split()) == 3]


def user_mapping(box, container) -> dict:
    """Whether a container got a user namespace, and its user ID map next to the host's.

    Docker never creates one by default, on cgroup v1 or v2: only ``userns-remap`` in the
    daemon's configuration, or rootless Docker, do (then root inside maps to an unprivileged
    range outside). Similar to ``cat /proc/self/uid_map /proc/PID/uid_map``."""
    pid = container_pid(container)
    own = namespace_ids(box)["user"] != namespace_ids(box, pid)["user"]
    return {"own_namespace": own, "host": parse_uid_map(box.read("/proc/self/uid_map")),
            "container": parse_uid_map(box.read(f"/proc/{pid}/uid_map"))}


# --- one demo per kind -------------------------------------------------------------------
def _inside_outside(box, script: str, isolation: Isolation) -> tuple[Run, str]:
    return box.run(script, isolation), box.sh(script)


def uts_demo(box, hostname: str = "dockerlab-demo") -> dict:
    """A child with its own hostname; the host's is unchanged (``unshare --uts``)."""
    inside, outside = _inside_outside(box, "hostname", Isolation(hostname=hostname))
    return {"inside": inside.output.strip(), "outside": outside.strip()}


def pid_demo(box) -> dict:
    """A child that is PID 1 and sees only its own processes (``unshare --pid --fork``)."""
    script = "echo pid=$$; echo processes=$(ls /proc | grep -c '^[0-9]')"
    inside = box.run(script, Isolation(namespaces=("pid", "mnt"))).values()
    outside = box.run(script).values()
    return {"pid_inside": int(inside["pid"]), "processes_inside": int(inside["processes"]),
            "pid_outside": int(outside["pid"]),
            "processes_outside": int(outside["processes"])}


def mount_demo(box) -> dict:
    """A tmpfs mounted in a child's own mount namespace; the host never sees it."""
    with box.tempdir("dockerlab-linux-mnt-") as directory:
        script = (f"echo hello > {directory}/note.txt && ls {directory} && "
                  f"grep -c ' {directory} ' /proc/self/mountinfo")
        inside = box.run(script, Isolation(
            mounts=[{"source": "tmpfs", "target": directory, "fstype": "tmpfs",
                     "options": "size=1m"}]))
        seen_outside = [entry.path for entry in box.listing(directory)]
        mounts_outside = box.sh(f"grep -c ' {directory} ' /proc/self/mountinfo || true")
    return {"inside": inside.lines(), "files_outside": seen_outside,
            "mounted_outside": int(mounts_outside.strip() or 0)}


def interfaces(text: str) -> list[str]:
    """Interface names from ``/proc/net/dev``."""
    return sorted(line.split(":")[0].strip() for line in text.splitlines()[2:] if ":" in line)


def net_demo(box) -> dict:
    """A child in a new network namespace has only a loopback interface (``unshare --net``)."""
    inside, outside = _inside_outside(box, "cat /proc/net/dev", Isolation(namespaces=("net",)))
    return {"inside": interfaces(inside.output), "outside": interfaces(outside)}


def user_demo(box, outside_uid: int = 65534) -> dict:
    """Root inside a user namespace, ``outside_uid`` (nobody) outside (``unshare --user``).

    The proof: inside, ``id -u`` says 0, but writing to a root-owned host directory fails.
    """
    script = ("echo uid=$(id -u); echo map=$(cat /proc/self/uid_map); "
              "if touch /etc/.dockerlab-user-demo 2>/dev/null; then "
              "rm -f /etc/.dockerlab-user-demo; echo can_write_etc=yes; "
              "else echo can_write_etc=no; fi")
    values = box.run(script, Isolation(user_outside=outside_uid)).values()
    mapping = values["map"].split()
    return {"uid_inside": int(values["uid"]), "uid_outside": int(mapping[1]),
            "can_write_etc": values["can_write_etc"] == "yes"}


def ipc_demo(box, queue: str = "dockerlab-demo") -> dict:
    """A POSIX message queue made in a new IPC namespace is invisible to the host.

    Message queues belong to the IPC namespace; the ``mqueue`` filesystem lists those of
    the namespace that mounted it, and creating a file there creates a queue.
    """
    with box.tempdir("dockerlab-linux-mq-") as directory:
        mount = {"source": "mqueue", "target": directory, "fstype": "mqueue"}
        inside = box.run(f"touch {directory}/{queue} && ls {directory}",
                         Isolation(namespaces=("ipc",), mounts=[mount]))
        outside = box.run(f"ls {directory}", Isolation(mounts=[mount]))
    return {"inside": inside.lines(), "outside": outside.lines()}


def enter_container(box, container, script: str = "hostname; ls /") -> Run:
    """Join a running container's namespaces and run ``script`` there; like ``nsenter -t``.

    Similar to ``docker exec``, which does the same through the engine.
    """
    return box.run(script, Isolation(enter=container_pid(container)))
