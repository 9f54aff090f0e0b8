"""Control groups: the kernel's accounting and limits for a group of processes.

A cgroup is a directory in a special filesystem; a process joins it by writing its PID to
``cgroup.procs``, and limits are files such as ``memory.limit_in_bytes`` (cgroup v1) or
``memory.max`` (cgroup v2). ``docker run --memory 64m --cpus 0.5`` writes exactly those
files for the container's cgroup.

Two layouts exist: **v1** (one hierarchy per controller: ``/sys/fs/cgroup/memory/...``,
``/sys/fs/cgroup/cpu/...``) and **v2** (one unified tree at ``/sys/fs/cgroup``, where
controllers are switched on for children in ``cgroup.subtree_control``). :func:`detect`
finds which one a machine uses from ``/proc/self/mountinfo`` and ``/proc/self/cgroup``.

Where the demo's cgroup goes: on v1, below the cgroup the demo's own process is in (its
memory stays accounted where it was); on v2, at the root of the tree, because v2 forbids
enabling controllers below a cgroup that itself holds processes. Docker's own cgroups are
only ever read.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from dataclasses import dataclass, field

from ..errors import DemoFailed, ResourceLimitInvalid
from . import records
from .isolation import Isolation

NAME_PREFIX = "dockerlab-linux-"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([bkmg]?)b?\s*$", re.I)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
#: v1 reports "no limit" as a huge page-aligned number
UNLIMITED_V1 = 2 ** 62


def parse_size(value) -> int:
    """``"32m"`` -> 33554432, as ``docker run --memory`` reads sizes (1024-based)."""
    if isinstance(value, int):
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ResourceLimitInvalid(f"'{value}' is not a memory size.",
                                   "Write a number with an optional unit: 32m, 512k, 1g.")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


@dataclass
class MountLine:
    """The fields of one ``/proc/<pid>/mountinfo`` line the kit uses."""

    root: str
    mountpoint: str
    options: str
    fstype: str
    source: str
    super_options: str


def parse_mountinfo(text: str) -> list[MountLine]:
    """Parse ``/proc/<pid>/mountinfo`` (see ``man 5 proc``)."""
    mounts = []
    for line in text.splitlines():
        if " - " not in line:
            continue
        before, after = line.split(" - ", 1)
        fields, tail = before.split(), after.split()
        if len(fields) < 6 or len(tail) < 3:
            continue
        mounts.append(MountLine(fields[3], fields[4], fields[5], tail[0], tail[1], tail[2]))
    return mounts


def controllers_of(super_options: str) -> list[str]:
    """The v1 controllers a hierarchy carries: ``rw,cpu,cpuacct`` -> ``['cpu', 'cpuacct']``."""
    return [option for option in super_options.split(",")
            if option not in ("rw", "ro") and "=" not in option]


@dataclass
class CgroupLayout:
    """Where the cgroup filesystems are, and which cgroup the current process is in."""

    version: int
    #: v1: controller -> mountpoint of its hierarchy's root; v2: ``{"unified": mountpoint}``
    mounts: dict
    #: controller (or ``"unified"``) -> this process's cgroup path inside the hierarchy
    own: dict = field(default_factory=dict)

    def directory(self, controller: str, path: str) -> str:
        """The directory of cgroup ``path`` for ``controller``."""
        key = "unified" if self.version == 2 else controller
        return self.mounts[key].rstrip("/") + "/" + path.strip("/")

    def __str__(self) -> str:
        where = ", ".join(f"{k} at {v}" for k, v in sorted(self.mounts.items())
                          if self.version == 2 or k in ("memory", "cpu"))
        return f"cgroup v{self.version}: {where}"


def layout_from(mountinfo: str, proc_cgroup: str) -> CgroupLayout:
    """The layout, from the texts of ``/proc/self/mountinfo`` and ``/proc/self/cgroup``."""
    v1, unified = {}, None
    for mount in parse_mountinfo(mountinfo):
        if mount.root != "/":  # a bind of a sub-cgroup (inside containers): not the root
            continue
        if mount.fstype == "cgroup":
            for controller in controllers_of(mount.super_options):
                if controller not in v1 or mount.options.startswith("rw"):
                    v1[controller] = mount.mountpoint
        elif mount.fstype == "cgroup2" and (unified is None or mount.options.startswith("rw")):
            unified = mount.mountpoint
    own = {}
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and not parts[1]:
            own["unified"] = parts[2]
        for controller in parts[1].split(","):
            if controller:
                own[controller] = parts[2]
    if "memory" in v1:
        return CgroupLayout(1, v1, own)
    if unified:
        return CgroupLayout(2, {"unified": unified}, own)
    raise DemoFailed("No cgroup filesystem with the memory controller is mounted here.",
                     "Mount one (`mount -t cgroup2 none /sys/fs/cgroup`) or use the helper "
                     "container (DOCKERLAB_DEMO_MODE=helper).")


def detect(box) -> CgroupLayout:
    """Which cgroup version the box's machine uses, and where.

    Similar to ``stat -fc %T /sys/fs/cgroup`` (``cgroup2fs`` on v2, ``tmpfs`` on v1).
    """
    return layout_from(box.read("/proc/self/mountinfo"), box.read("/proc/self/cgroup"))


# --- the limit files, v1 and v2 side by side -----------------------------------------------
MEMORY_LIMIT = {1: "memory.limit_in_bytes", 2: "memory.max"}
SWAP_LIMIT = {1: "memory.memsw.limit_in_bytes", 2: "memory.swap.max"}


def read_memory_limit(text: str) -> int | None:
    """A memory limit file's value in bytes, ``None`` for no limit (``max`` or v1's huge)."""
    text = text.strip()
    if text == "max":
        return None
    value = int(text)
    return None if value >= UNLIMITED_V1 else value


def read_cpus(version: int, quota_text: str, period_text: str = "") -> float | None:
    """CPUs allowed per period: v1 ``cpu.cfs_quota_us``/``cpu.cfs_period_us``, v2 ``cpu.max``."""
    if version == 2:
        quota, period = quota_text.split()
    else:
        quota, period = quota_text.strip(), period_text.strip()
    if quota in ("max", "-1"):
        return None
    return int(quota) / int(period)


REMOVE_SCRIPT = """\
d={path}
for i in $(seq 100); do
  [ -d "$d" ] || exit 0
  rmdir "$d" 2>/dev/null && exit 0
  for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  sleep 0.1
done
exit 1
"""


class Cgroup:
    """A cgroup of our own with optional limits, removed when the ``with`` block ends.

    Similar to what ``docker run --memory ... --cpus ...`` makes for each container::

        with Cgroup(box, memory="32m") as group:
            box.run("exec dd ...", Isolation(cgroups=group.directories))
    """

    def __init__(self, box, memory=None, cpus: float | None = None, name: str | None = None,
                 layout: CgroupLayout | None = None):
        self.box = box
        self.memory = parse_size(memory) if memory is not None else None
        if cpus is not None and cpus <= 0:
            raise ResourceLimitInvalid(f"cpus={cpus} is not a CPU share.",
                                       "Give a positive number, like 0.5 (half a CPU).")
        self.cpus = cpus
        # the creator's PID in the name lets `clean_leftovers` tell orphans from live ones
        self.name = name or f"{NAME_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        self.layout = layout or detect(box)
        self.paths: dict[str, str] = {}
        self._key, self._enabled = None, []

    @property
    def version(self) -> int:
        return self.layout.version

    @property
    def directories(self) -> list[str]:
        """The directories a process must join (one per v1 hierarchy, one on v2)."""
        return sorted(set(self.paths.values()))

    def _parent(self, controller: str) -> str:
        if self.version == 1:
            return self.layout.directory(controller, self.layout.own.get(controller, "/"))
        root = self.layout.mounts["unified"]
        control = f"{root}/cgroup.subtree_control"
        if controller not in self.box.read(control).split():
            # as runc does for a container (systemd at boot): switch it on for the children;
            # remove() switches it off again, unless another cgroup uses it by then
            with contextlib.suppress(Exception):
                self.box.write(control, f"+{controller}")
                self._enabled.append(controller)
        if controller not in self.box.read(control).split():
            raise DemoFailed(f"The {controller} controller is not enabled for children of "
                             f"the cgroup v2 root ({root}/cgroup.subtree_control).",
                             f"Enable it: `echo +{controller} > {root}/cgroup.subtree_control`.")
        return root

    def create(self) -> Cgroup:
        """Make the directories and write the limits; similar to what runc does."""
        controllers = ["memory"] + (["cpu"] if self.cpus is not None else [])
        self._key = self.box.remember(self.remove)
        try:
            for controller in controllers:
                path = f"{self._parent(controller)}/{self.name}"
                self.box.mkdir(path)          # mkdir is all it takes to make a cgroup
                self.paths[controller] = path
            if self.memory is not None:
                self._write("memory", MEMORY_LIMIT[self.version], str(self.memory))
                self._write_swap_limit()
            if self.cpus is not None:
                self._write_cpus()
        except Exception:
            self.remove()
            raise
        return self

    def _write(self, controller: str, filename: str, value: str) -> None:
        self.box.write(f"{self.paths[controller]}/{filename}", value)

    def _write_swap_limit(self) -> None:
        """No swapping around the limit: the process must meet it (and be killed)."""
        path = f"{self.paths['memory']}/{SWAP_LIMIT[self.version]}"
        if self.box.exists(path):
            self.box.write(path, str(self.memory) if self.version == 1 else "0")

    def _write_cpus(self) -> None:
        period = 100_000
        quota = int(self.cpus * period)
        if self.version == 1:
            self._write("cpu", "cpu.cfs_period_us", str(period))
            self._write("cpu", "cpu.cfs_quota_us", str(quota))
        else:
            self._write("cpu", "cpu.max", f"{quota} {period}")

    def read(self, filename: str, controller: str = "memory") -> str:
        """One of this cgroup's files, e.g. ``read("memory.limit_in_bytes")``."""
        if controller not in self.paths:
            raise DemoFailed(f"The cgroup {self.name} does not exist (any more): its files, "
                             f"{filename} too, went with it when its `with` block ended.",
                             "Read the cgroup's files (memory_limit, oom_kills()) inside "
                             "the `with Cgroup(...)` block, after the run.")
        return self.box.read(f"{self.paths[controller]}/{filename}")

    @property
    def memory_limit(self) -> int | None:
        return read_memory_limit(self.read(MEMORY_LIMIT[self.version]))

    def oom_kills(self) -> int:
        """How many processes the kernel killed in this cgroup for going over the limit."""
        text = self.read("memory.oom_control" if self.version == 1 else "memory.events")
        for line in text.splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    def processes(self) -> list[int]:
        return [int(pid) for pid in self.read("cgroup.procs").split()]

    def _keep_record(self) -> None:
        """What the kernel's files say now, kept for after the removal (see :mod:`.records`)."""
        if "memory" not in self.paths:
            return
        try:
            record = records.CgroupRecord(self.name, self.version, self.memory_limit,
                                          self.oom_kills())
        except Exception:  # the record is a courtesy: the removal goes on regardless
            return
        for path in self.paths.values():
            records.keep(path, record)

    def remove(self) -> None:
        """Kill what is left inside and remove the directories (safe to call twice)."""
        self._keep_record()
        for path in list(self.paths.values())[::-1]:
            run = self.box.run(REMOVE_SCRIPT.format(path=path))
            if run.exit_code:
                raise DemoFailed(f"The cgroup {path} could not be removed.",
                                 f"Remove it by hand: kill the PIDs in {path}/cgroup.procs, "
                                 f"then `rmdir {path}`.")
        self.paths = {}
        for controller in self._enabled[::-1]:  # busy when another cgroup now uses it: kept
            with contextlib.suppress(Exception):
                self.box.write(f"{self.layout.mounts['unified']}/cgroup.subtree_control",
                               f"-{controller}")
        self._enabled = []
        if self._key is not None:
            self.box.forget(self._key)
            self._key = None

    def __enter__(self) -> Cgroup:
        return self.create()

    def __exit__(self, *exc) -> None:
        self.remove()

    def __repr__(self) -> str:
        return f"<Cgroup v{self.version} {self.name} memory={self.memory} cpus={self.cpus}>"


@dataclass
class MemoryDemo:
    """What happened when a process tried to use ``allocated`` bytes under ``limit``."""

    limit: int
    allocated: int
    exit_code: int
    killed: bool
    oom_kills: int
    output: str

    def __str__(self) -> str:
        mib = 1024 * 1024
        verdict = "killed by the kernel (SIGKILL, exit 137)" if self.killed \
            else f"finished with exit status {self.exit_code}"
        return (f"limit {self.limit // mib} MiB, tried {self.allocated // mib} MiB: {verdict}; "
                f"oom_kill events in the cgroup: {self.oom_kills}")


def memory_demo(box, limit="32m", allocate="64m") -> MemoryDemo:
    """Run a process that needs ``allocate`` bytes in a cgroup limited to ``limit``.

    The process is busybox ``dd`` with a block size of ``allocate``: it allocates one
    buffer that big and fills it, so its memory use is exactly what we asked for. Similar
    to ``docker run --memory 32m image dd if=/dev/zero of=/dev/null bs=64M count=1``.
    """
    size = parse_size(allocate)
    with Cgroup(box, memory=limit) as group:
        run = box.run(f"exec dd if=/dev/zero of=/dev/null bs={size} count=1",
                      Isolation(cgroups=group.directories))
        kills = group.oom_kills()
        limit_bytes = group.memory_limit
    return MemoryDemo(limit_bytes, size, run.exit_code, run.killed, kills,
                      (run.output + run.errors).strip())


def container_cgroup(box, container, layout: CgroupLayout | None = None) -> dict[str, str]:
    """The directories of a running container's cgroup, per controller (read only)."""
    from .namespaces import container_pid

    layout = layout or detect(box)
    text = box.read(f"/proc/{container_pid(container)}/cgroup")
    own = {}
    for line in text.splitlines():
        _, names, path = line.split(":", 2)
        for controller in names.split(",") if names else ["unified"]:
            own[controller] = path
    if layout.version == 2:
        return {"unified": layout.directory("unified", own["unified"])}
    return {c: layout.directory(c, own[c]) for c in ("memory", "cpu") if c in own}


def container_limits(box, container) -> dict:
    """What ``--memory`` and ``--cpus`` became in the container's cgroup files.

    Similar to ``cat /sys/fs/cgroup/memory/docker/<id>/memory.limit_in_bytes``.
    """
    layout = detect(box)
    dirs = container_cgroup(box, container, layout)
    if layout.version == 2:
        base = dirs["unified"]
        memory_file, cpu_file = f"{base}/memory.max", f"{base}/cpu.max"
        cpus = read_cpus(2, box.read(cpu_file))
    else:
        memory_file = f"{dirs['memory']}/memory.limit_in_bytes"
        cpu_file = f"{dirs['cpu']}/cpu.cfs_quota_us"
        cpus = read_cpus(1, box.read(cpu_file),
                         box.read(f"{dirs['cpu']}/cpu.cfs_period_us"))
    return {"memory_file": memory_file, "memory": read_memory_limit(box.read(memory_file)),
            "cpu_file": cpu_file, "cpus": cpus}
