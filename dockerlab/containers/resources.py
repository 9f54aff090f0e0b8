"""What a container may use: memory (the OOM killer) and CPU (quota and throttling)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from .limits import DEFAULT_CPU_PERIOD, _host_memory, check_cpu_quota, parse_memory
from .machine import state_of
from .run import launch, remove_quietly

#: doubles a shell string until the memory limit stops it
EAT_MEMORY = "x=a; while true; do x=$x$x; done"


@dataclass
class OomResult:
    limit_bytes: int
    exit_code: int | None
    oom_killed: bool

    def __str__(self) -> str:
        return (f"limit {self.limit_bytes // 2 ** 20} MiB -> exit code {self.exit_code}, "
                f"OOMKilled: {self.oom_killed}")


def oom_kill(lab, memory="20m", command: str = EAT_MEMORY, timeout: float = 60) -> OomResult:
    """A container that outgrows its memory limit; similar to ``docker run --memory 20m``.

    Swap is limited to the same amount (``--memory-swap``), so the kernel cannot page out.
    """
    limit = parse_memory(memory, _host_memory(lab))
    container = launch(lab, command, mem_limit=limit, memswap_limit=limit)
    try:
        container.wait(timeout=timeout)
        state = state_of(container)
        return OomResult(limit, state.exit_code, state.oom_killed)
    finally:
        remove_quietly(container)


#: counts loop turns until SIGTERM, then prints the count: the work done in the time given
COUNT_LOOPS = "i=0; trap 'echo $i; exit 0' TERM; while true; do i=$((i+1)); done"


@dataclass
class StatsSample:
    """One sample of ``docker stats``: seconds since the first, CPU % and memory."""

    seconds: float
    cpu_percent: float
    memory_bytes: int
    memory_limit: int
    throttled_periods: int = 0


def cpu_percent(raw: dict) -> float | None:
    """CPU use between two stats readings, in % of one CPU (as ``docker stats`` shows)."""
    cpu, pre = raw.get("cpu_stats") or {}, raw.get("precpu_stats") or {}
    if not pre.get("system_cpu_usage"):
        return None
    used = cpu["cpu_usage"]["total_usage"] - pre["cpu_usage"]["total_usage"]
    system = cpu["system_cpu_usage"] - pre["system_cpu_usage"]
    cpus = cpu.get("online_cpus") or len(cpu["cpu_usage"].get("percpu_usage") or [1])
    return 100.0 * used / system * cpus if system > 0 else 0.0


def sample_stats(container, samples: int = 3) -> list[StatsSample]:
    """Read ``samples`` live stats readings (about one a second); similar to ``docker stats``."""
    found: list[StatsSample] = []
    first = None
    stream = container.stats(stream=True, decode=True)
    try:
        for raw in stream:
            percent = cpu_percent(raw)
            if percent is None:
                continue
            now = time.monotonic()
            first = first if first is not None else now
            memory = raw.get("memory_stats") or {}
            throttled = (raw["cpu_stats"].get("throttling_data") or {}).get(
                "throttled_periods", 0)
            found.append(StatsSample(now - first, percent, memory.get("usage", 0),
                                     memory.get("limit", 0), throttled))
            if len(found) >= samples:
                break
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    return found


@dataclass
class LoopRun:
    """A counting busy loop: how far it got, its CPU samples, and how often it was held."""

    cpu_quota: int | None
    cpu_period: int
    loops: int
    samples: list[StatsSample] = field(default_factory=list)

    @property
    def cpus(self) -> float | None:
        return self.cpu_quota / self.cpu_period if self.cpu_quota else None

    @property
    def throttled_periods(self) -> int:
        return max((s.throttled_periods for s in self.samples), default=0)


def _loop_result(container, quota, period, samples) -> LoopRun:
    """Stop a counting loop (its TERM trap prints the count) and read the count."""
    container.stop(timeout=5)
    output = container.logs().decode(errors="replace").split()
    loops = int(output[-1]) if output and output[-1].isdigit() else 0
    return LoopRun(quota, period, loops, samples)


def busy_loop(lab, cpu_quota: int | None = None, cpu_period: int = DEFAULT_CPU_PERIOD,
              samples: int = 3) -> LoopRun:
    """Count loop turns for as long as ``samples`` stats readings take, then stop it.

    Similar to ``docker run --cpu-quota Q --cpu-period P`` and watching ``docker stats``.
    """
    options = {"cpu_quota": cpu_quota, "cpu_period": cpu_period} if cpu_quota else {}
    container = launch(lab, COUNT_LOOPS, **options)
    try:
        return _loop_result(container, cpu_quota, cpu_period, sample_stats(container, samples))
    finally:
        remove_quietly(container)


def throttle_comparison(lab, cpu_quota: int = 20_000, samples: int = 3,
                        cpu_period: int = DEFAULT_CPU_PERIOD) -> tuple[LoopRun, LoopRun]:
    """The same busy loop without a limit and with ``cpu_quota``, running side by side.

    Both run at the same time, so whatever else loads the machine weighs on both alike;
    stats of both are sampled in parallel. Returns (unlimited, limited).
    """
    check_cpu_quota(cpu_quota, cpu_period)
    free = launch(lab, COUNT_LOOPS)
    limited = None
    try:
        limited = launch(lab, COUNT_LOOPS, cpu_quota=cpu_quota, cpu_period=cpu_period)
        found: dict[str, list[StatsSample]] = {}
        readers = [threading.Thread(target=lambda c=c, k=k: found.__setitem__(
            k, sample_stats(c, samples))) for k, c in (("free", free), ("limited", limited))]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=30 + 5 * samples)
        return (_loop_result(free, None, cpu_period, found.get("free", [])),
                _loop_result(limited, cpu_quota, cpu_period, found.get("limited", [])))
    finally:
        for container in (free, limited):
            if container is not None:
                remove_quietly(container)
