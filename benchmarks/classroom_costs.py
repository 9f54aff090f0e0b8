"""What a classroom learner costs: memory of their processes, CPU by kind of process.

Read by bench_classroom.py (a script: run it, not this).
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from dockerlab.classroom import engines, users
from dockerlab.engine.private import _children


def _field(pid: int, path: str, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


KINDS = [("server", "jupyterhub-singleuser"), ("kernel", "ipykernel"), ("engine", "dockerd"),
         ("engine", "containerd"), ("engine", "runc"), ("hub", "jupyterhub"),
         ("hub", "dockerlab.classroom"), ("hub", "dockerlab classroom")]


def cpu_by_kind() -> dict[str, float]:
    """CPU seconds so far by kind of process (with their reaped children), and the machine's."""
    tick = os.sysconf("SC_CLK_TCK")
    found: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        kind = next((k for k, word in KINDS if word in command), "other")
        if entry.name == "1":  # init reaps what is orphaned: containers, containerd's shims
            kind = "orphans"
        found[kind] = found.get(kind, 0) + sum(map(int, fields[11:15])) / tick
    busy = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    found["machine"] = (sum(map(int, busy)) - int(busy[3]) - int(busy[4])) / tick
    return found


def cpu_spent(before: dict[str, float], learners: int) -> dict[str, float]:
    after = cpu_by_kind()
    spent = {k: (after.get(k, 0) - before.get(k, 0)) / learners for k in after}
    spent["kit"] = sum(v for k, v in spent.items() if k != "machine")
    return spent


def cpu_line(spent: dict[str, float]) -> str:
    parts = ", ".join(f"{k} {spent[k]:.1f}" for k in ("server", "kernel", "engine", "orphans",
                                                       "hub", "other") if k in spent)
    return (f"{spent['kit']:.1f} CPU-s per learner in the processes seen ({parts}); "
            f"the machine's CPUs spent {spent['machine']:.1f} per learner")


def cpu_floor(crowd: dict[str, float], learners: int, alone: float) -> str:
    """The shortest wall time N learners' CPU allows on this machine's CPUs, as a ratio."""
    cpus = os.cpu_count() or 1
    floor = crowd["kit"] * learners / cpus
    return (f"CPU floor: {learners} x {crowd['kit']:.1f} CPU-s / {cpus} CPUs = {floor:.1f} s, "
            f"so no schedule gets {learners} at once under {floor / alone:.2f}x here")


def memory(name: str) -> tuple[float, float]:
    """(PSS, RSS) in MiB of a learner's processes, their dockerd and its children."""
    user = pwd.getpwnam(name)
    engine = engines.engine_for(user)
    pids = set(users.processes_of(user.pw_uid))
    if engine.pid:
        pids |= {engine.pid, *(child for child, _ in _children(engine.pid))}
    pss = sum(_field(pid, "smaps_rollup", "Pss:") for pid in pids)
    rss = sum(_field(pid, "status", "VmRSS:") for pid in pids)
    return pss / 2**20, rss / 2**20
