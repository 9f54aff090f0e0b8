"""What a demo asks for: which namespaces, hostname, mounts, cgroup, root and user.

An :class:`Isolation` is a small recipe, the same one ``docker run`` turns into an OCI
``config.json`` for runc. Both ways of running the demos read it:
:mod:`dockerlab.linux.child` applies it with system calls on the host, and
:mod:`dockerlab.linux.helper` turns it into busybox ``unshare``/``mount``/``nsenter``
commands inside the privileged helper container.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

#: the namespace kinds a demo may ask for, as in ``/proc/<pid>/ns/``
KINDS = ("uts", "ipc", "net", "mnt", "pid", "user", "cgroup")


@dataclass
class Mount:
    """One mount made inside the new mount namespace; like ``mount -t fstype -o options``."""

    source: str
    target: str
    fstype: str | None = None
    options: str | None = None


def _failed(message: str, advice: str) -> Exception:
    """:class:`~dockerlab.errors.DemoFailed`, imported only when needed (the child process
    runs this module on its own, outside the package)."""
    from ..errors import DemoFailed

    return DemoFailed(message, advice)


@dataclass
class Isolation:
    """The recipe for one isolated process (all fields optional)."""

    #: new namespaces to create (``"uts"``, ``"pid"``, ``"mnt"``, ``"net"``, ``"ipc"``, ``"user"``)
    namespaces: tuple = ()
    #: hostname to set in the new UTS namespace
    hostname: str | None = None
    #: mounts made in the new mount namespace (before ``rootfs`` is pivoted to)
    mounts: list = field(default_factory=list)
    #: cgroup directories to join before anything else (one per v1 hierarchy, one on v2)
    cgroups: list = field(default_factory=list)
    #: directory that becomes ``/`` (pivot_root); ``/proc`` and a small ``/dev`` are mounted
    rootfs: str | None = None
    #: for a user namespace: the unprivileged UID the process has outside (root inside)
    user_outside: int | None = None
    #: join the namespaces of this running process instead (like ``nsenter -t PID``)
    enter: int | None = None
    enter_namespaces: tuple = ("ipc", "uts", "net", "pid", "mnt")

    def __post_init__(self):
        if isinstance(self.namespaces, str):  # ("uts") is a string: ("uts",) is a tuple
            raise _failed(f"namespaces={self.namespaces!r} is a string, not a tuple of "
                             "namespace kinds (Python reads (\"uts\") as just \"uts\").",
                             f"A one-element tuple needs a comma: "
                             f"namespaces=({self.namespaces!r},).")
        unknown = [kind for kind in self.namespaces if kind not in KINDS]
        if unknown:
            raise _failed(f"Unknown namespace kind(s): {', '.join(unknown)}.",
                             f"Use some of: {', '.join(KINDS)}.")
        self.namespaces = tuple(self.namespaces)
        self.cgroups = [self.cgroups] if isinstance(self.cgroups, str) else list(self.cgroups)
        relative = [str(item) for item in self.cgroups if not str(item).startswith("/")]
        if relative:
            raise _failed(f"cgroups={relative} names no cgroup directory: a process joins "
                             "a cgroup through its directory's full path (such as "
                             "/sys/fs/cgroup/...).", "Pass the cgroup's directories: "
                             "Isolation(cgroups=group.directories).")
        if self.user_outside is not None and "user" not in self.namespaces:
            self.namespaces += ("user",)
        if self.hostname and "uts" not in self.namespaces:
            self.namespaces += ("uts",)
        if (self.mounts or self.rootfs) and "mnt" not in self.namespaces:
            self.namespaces += ("mnt",)
        self.mounts = [m if isinstance(m, Mount) else Mount(**m) for m in self.mounts]

    @property
    def mounts_proc(self) -> bool:
        """A new PID namespace with its own mount table gets a fresh ``/proc``."""
        return "pid" in self.namespaces and "mnt" in self.namespaces

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Isolation:
        data = json.loads(text)
        data["namespaces"] = tuple(data["namespaces"])
        data["enter_namespaces"] = tuple(data["enter_namespaces"])
        return cls(**data)
