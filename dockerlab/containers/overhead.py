"""Overhead, measured: N short containers against N plain processes doing the same work.

The work is the kit's static busybox running ``true`` (for start latency) or ``sleep`` (for
memory): the very same binary on the host and inside ``dockerlab/busybox``. What differs is
only what Docker adds around it: the API round trips, namespaces, cgroups, the overlay mount,
the network set-up, and one ``containerd-shim`` process per running container.

Keep ``n`` small (10 is plenty for a notebook): every container costs a fraction of a second.
"""

from __future__ import annotations

import statistics
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DockerLabError
from ..images.base import BUSYBOX_IMAGE, find_static_busybox
from .run import launch, remove_quietly


@dataclass(frozen=True)
class Published:
    """A figure someone else measured, with where it was published."""

    what: str
    figure: str
    source: str


#: virtual-machine figures from a published specification, for comparison (not measured here)
PUBLISHED_VM_FIGURES = (
    Published("Firecracker microVM: from the InstanceStart API call to the guest's /sbin/init "
              "(minimal kernel and root file system, 1 vCPU, 128 MiB)", "<= 125 ms",
              "Firecracker SPECIFICATION.md, "
              "https://github.com/firecracker-microvm/firecracker/blob/main/SPECIFICATION.md"),
    Published("Firecracker microVM: memory overhead of the VMM threads per microVM",
              "<= 5 MiB (plus the guest's own RAM, 128 MiB in that set-up)",
              "Firecracker SPECIFICATION.md, "
              "https://github.com/firecracker-microvm/firecracker/blob/main/SPECIFICATION.md"),
)


def _busybox() -> str:
    found = find_static_busybox()
    if found is None:
        raise DockerLabError("No static busybox on this machine to run as a plain process.",
                             "Install Debian's busybox-static package.")
    return str(found)


def memory_bytes(pid: int) -> int | None:
    """Memory a process costs on this machine, or None if its ``/proc`` entry is not visible.

    This is the proportional set size (``Pss`` in ``/proc/<pid>/smaps_rollup``): pages shared
    with other processes (the same binary running ten times) are split between them, so
    it says what one more copy really adds. Falls back to the resident size (``VmRSS``).
    """
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
        except (OSError, ValueError):
            continue
    return None


def parent_pid(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def process_start_times(n: int = 10) -> list[float]:
    """Seconds to start and finish ``busybox true`` as a plain process, ``n`` times."""
    busybox, times = _busybox(), []
    for _ in range(n):
        started = time.perf_counter()
        subprocess.run([busybox, "true"], check=True)
        times.append(time.perf_counter() - started)
    return times


def container_start_times(lab, n: int = 10) -> list[float]:
    """Seconds to create, start and see ``true`` finish in a container; ``docker run true``.

    Removing the container afterwards is not counted.
    """
    times = []
    for _ in range(n):
        started = time.perf_counter()
        container = launch(lab, ["true"])
        try:
            with lab.mapped("container"):
                container.wait(timeout=60)
            times.append(time.perf_counter() - started)
        finally:
            remove_quietly(container)
    return times


@dataclass
class MemoryReading:
    """Memory of one running workload: its own process and what runs beside it."""

    process: int
    shim: int = 0

    @property
    def total(self) -> int:
        return self.process + self.shim


def process_memory(n: int = 10, settle: float = 0.2) -> list[MemoryReading]:
    """Memory (PSS) of ``n`` plain ``busybox sleep`` processes, all running at once."""
    busybox = _busybox()
    children = [subprocess.Popen([busybox, "sleep", "60"]) for _ in range(n)]
    try:
        time.sleep(settle)
        return [MemoryReading(memory_bytes(child.pid) or 0) for child in children]
    finally:
        for child in children:
            child.kill()
            child.wait()


def container_memory(lab, n: int = 10) -> list[MemoryReading]:
    """Memory of ``n`` running ``sleep`` containers: the process and its containerd-shim.

    The engine must run on this machine (so ``/proc`` shows its processes); otherwise the
    container's cgroup memory usage from ``docker stats`` stands in, without the shim.
    """
    containers = []
    try:
        for _ in range(n):
            containers.append(launch(lab, ["sleep", "60"]))
        with lab.mapped("container"):
            return _memory_readings(containers)
    finally:
        for container in containers:
            remove_quietly(container)


def _memory_readings(containers) -> list[MemoryReading]:
    readings = []
    for container in containers:  # launch read each one's state once it ran
        pid = container.attrs["State"]["Pid"]
        own = memory_bytes(pid)
        if own is None:
            usage = container.stats(stream=False, one_shot=True)["memory_stats"]
            readings.append(MemoryReading(int(usage.get("usage", 0))))
            continue
        shim = parent_pid(pid)
        readings.append(MemoryReading(own, memory_bytes(shim) or 0 if shim else 0))
    return readings


@dataclass
class Overhead:
    """Start latency (seconds) and memory (bytes) of containers and of plain processes."""

    n: int
    container_seconds: list[float] = field(default_factory=list)
    process_seconds: list[float] = field(default_factory=list)
    container_memory: list[MemoryReading] = field(default_factory=list)
    process_memory: list[MemoryReading] = field(default_factory=list)
    image: str = BUSYBOX_IMAGE
    busybox: str = "/usr/bin/busybox"

    @property
    def cli(self) -> list[str]:
        """The same comparison typed in a terminal (once each, not ``n`` times): the start of
        a container and of a plain process, then one sleeping container's memory."""
        return [f"time docker run --rm {self.image} true",
                f"time {self.busybox} true",
                f"docker run -d --name overhead-sleeper {self.image} sleep 300",
                "docker stats --no-stream --format '{{.MemUsage}}' overhead-sleeper",
                "docker rm -f overhead-sleeper"]

    @property
    def start_ratio(self) -> float:
        """How many times longer a container takes than a process (median against median)."""
        return statistics.median(self.container_seconds) / statistics.median(self.process_seconds)

    @property
    def memory_ratio(self) -> float:
        """Container (process + shim) memory over plain-process memory, median against median."""
        return (statistics.median(m.total for m in self.container_memory)
                / statistics.median(m.total for m in self.process_memory))

    def summary(self) -> str:
        ms = statistics.median(self.container_seconds) * 1000
        pms = statistics.median(self.process_seconds) * 1000
        mib = 1024 * 1024
        own = statistics.median(m.process for m in self.container_memory) / mib
        shim = statistics.median(m.shim for m in self.container_memory) / mib
        plain = statistics.median(m.total for m in self.process_memory) / mib
        return "\n".join([
            f"start, median of {self.n}: container {ms:.0f} ms, plain process {pms:.1f} ms "
            f"-> {self.start_ratio:.0f}x",
            f"memory, median of {self.n}: container {own:.1f} MiB process + {shim:.1f} MiB shim, "
            f"plain process {plain:.1f} MiB -> {self.memory_ratio:.1f}x",
        ])


def measure(lab, n: int = 10) -> Overhead:
    """Everything at once: start latency and memory, ``n`` of each kind."""
    if not 1 <= n <= 100:
        raise DockerLabError(f"n={n} containers is not a sensible sample here.",
                             "Use between 1 and 100 (10 is plenty for a notebook).")
    return Overhead(n, container_start_times(lab, n), process_start_times(n),
                    container_memory(lab, n), process_memory(n), image=lab.base_image,
                    busybox=_busybox())
